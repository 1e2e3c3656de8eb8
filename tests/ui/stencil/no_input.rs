use numbox::prelude::*;

#[stencil]
fn scale(x: f64, w: f64) -> f64 {
    x * w
}

fn main() {}
