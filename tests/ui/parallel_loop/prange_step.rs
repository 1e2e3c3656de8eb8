use numbox::prelude::*;

#[parallel_loop]
fn evens(x: &[f64], out: &mut [f64]) {
    for i in prange((0..x.len()).step_by(2)) {
        out[i] = x[i];
    }
}

fn main() {}
