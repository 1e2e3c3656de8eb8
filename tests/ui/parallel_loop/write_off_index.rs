use numbox::prelude::*;

#[parallel_loop]
fn shift(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len() - 1) {
        out[i + 1] = x[i];
    }
}

fn main() {}
