use numbox::prelude::*;

fn weight() -> f32 {
    0.5
}

// A call outside the GPU subset, and a second input the GPU target does not take.
#[stencil(mode = "nearest", target = "gpu")]
fn blur(a: Neighbors1<f32>) -> f32 {
    (a[-1] + a[1]) * weight()
}

#[stencil(target = "gpu")]
fn mix(a: Neighbors1<f32>, b: Neighbors1<f32>) -> f32 {
    a[0] + b[0]
}

fn main() {}
