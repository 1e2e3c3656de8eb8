use numbox::prelude::*;

#[parallel_loop]
fn scatter(x: &[f64], idx: &[usize], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        let j = idx[i];
        out[j] = x[i];
    }
}

fn main() {}
