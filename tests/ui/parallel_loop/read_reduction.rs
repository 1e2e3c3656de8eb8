use numbox::prelude::*;

#[parallel_loop]
fn cumsum(x: &[f64], out: &mut [f64]) {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i];
        out[i] = s;
    }
}

fn main() {}
