use numbox::prelude::*;

#[parallel_loop]
fn mixed(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in prange(0..x.len()) {
        if x[i] > 0.0 {
            s += x[i];
        } else {
            s *= -x[i];
        }
    }
    s
}

fn main() {}
