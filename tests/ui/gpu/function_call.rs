use numbox::prelude::*;

fn helper(x: f32) -> f32 {
    x * 2.0
}

#[vectorize(target = "gpu")]
fn f(x: f32) -> f32 {
    helper(x) + 1.0
}

fn main() {}
