// The ui harnesses build numbox without its `gpu` feature: `gpu()` says so.
use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn axpy(a: f32, x: f32, y: f32) -> f32 {
    a * x + y
}

fn main() {
    let _ = axpy::gpu();
}
