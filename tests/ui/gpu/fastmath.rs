use numbox::prelude::*;

#[vectorize(target = "gpu", fastmath)]
fn f(x: f32) -> f32 {
    x.exp()
}

fn main() {}
