use numbox::prelude::*;

#[parallel_loop]
fn positives(x: &[f64]) -> Vec<usize> {
    let mut found = Vec::new();
    for i in prange(0..x.len()) {
        if x[i] > 0.0 {
            found.push(i);
        }
    }
    found
}

fn main() {}
