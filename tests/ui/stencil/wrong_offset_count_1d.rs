use numbox::prelude::*;

#[stencil]
fn pair(a: Neighbors1<f64>, b: Neighbors1<f64>) -> f64 {
    a[[1, 0]] + b[-1]
}

#[stencil]
fn plane(u: Neighbors2<f64>) -> f64 {
    u[1] + u[[0, 0, 0]]
}

fn main() {}
