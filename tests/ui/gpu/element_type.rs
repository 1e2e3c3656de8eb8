use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn f(_x: i64, y: f32) -> f32 {
    y
}

fn main() {}
