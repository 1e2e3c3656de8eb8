use numbox::prelude::*;

#[parallel_loop]
fn last_positive(x: &[f64]) -> usize {
    let mut last = 0;
    for i in prange(0..x.len()) {
        if x[i] > 0.0 {
            last = i;
        }
    }
    last
}

fn main() {}
