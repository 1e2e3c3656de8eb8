use numbox::prelude::*;

#[stencil]
fn mix(a: Neighbors2<f64>, b: Neighbors1<f64>) -> f64 {
    a[[0, 1]] + b[1]
}

fn main() {}
