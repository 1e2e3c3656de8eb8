use numbox::prelude::*;

#[stencil(fastmath = "yes")]
fn f(u: Neighbors1<f64>) -> f64 {
    u[-1].exp() + u[1]
}

fn main() {}
