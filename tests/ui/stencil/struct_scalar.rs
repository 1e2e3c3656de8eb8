use numbox::prelude::*;

struct Weights {
    centre: f64,
    side: f64,
}

#[stencil]
fn weighted(a: Neighbors1<f64>, w: Weights) -> f64 {
    w.centre * a[0] + w.side * (a[-1] + a[1])
}

fn main() {}
