use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn f(x: f32) -> f32 {
    let mut s = 0.0;
    for _ in 0..3 {
        s += x;
    }
    s
}

fn main() {}
