use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn f(x: f32) -> (f32, f32) {
    (x, -x)
}

fn main() {}
