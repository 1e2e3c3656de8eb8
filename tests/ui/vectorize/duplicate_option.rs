use numbox::prelude::*;

#[vectorize(target = "cpu", target = "parallel")]
fn twice(x: f64) -> f64 {
    2.0 * x
}

fn main() {}
