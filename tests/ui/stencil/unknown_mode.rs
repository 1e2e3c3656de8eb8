use numbox::prelude::*;

#[stencil(mode = "periodic")]
fn diff(a: Neighbors1<f64>) -> f64 {
    a[1] - a[0]
}

fn main() {}
