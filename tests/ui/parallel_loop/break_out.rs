use numbox::prelude::*;

#[parallel_loop]
fn find(x: &[f64]) -> usize {
    let mut first = usize::MAX;
    for i in prange(0..x.len()) {
        if x[i] < 0.0 {
            first = first.min(i);
            break;
        }
    }
    first
}

fn main() {}
