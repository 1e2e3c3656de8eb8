use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn f(x: i32) -> f32 {
    let y = x as f32;
    y
}

fn main() {}
