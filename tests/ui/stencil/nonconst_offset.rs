use numbox::prelude::*;

#[stencil]
fn trailing_sum(a: Neighbors1<f64>) -> f64 {
    let mut s = 0.0;
    for k in -29..=0 {
        s += a[k];
    }
    s
}

fn main() {}
