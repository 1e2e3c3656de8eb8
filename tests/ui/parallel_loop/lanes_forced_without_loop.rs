use numbox::prelude::*;

// No data-dependent loop: LLVM vectorizes the scalar body already.
#[parallel_loop(lanes = 8)]
fn clip(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        let v = x[i];
        out[i] = if v > 1.0 { 1.0 } else { v };
    }
}

fn main() {}
