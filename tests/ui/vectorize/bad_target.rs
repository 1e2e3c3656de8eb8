use numbox::prelude::*;

#[vectorize(target = "cuda")]
fn twice(x: f64) -> f64 {
    2.0 * x
}

fn main() {}
