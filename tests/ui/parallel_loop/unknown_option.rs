use numbox::prelude::*;

#[parallel_loop(threads = 4)]
fn double(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        out[i] = 2.0 * x[i];
    }
}

fn main() {}
