use numbox::prelude::*;

#[stencil]
fn weighted(u: Neighbors1<f64>, weights: &[f64]) -> f64 {
    u[-1] * weights[0] + u[1] * weights[1]
}

fn main() {}
