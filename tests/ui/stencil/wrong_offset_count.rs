use numbox::prelude::*;

#[stencil]
fn laplace(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1]] - 2.0 * u[[0, 0]]
}

fn main() {}
