use numbox::prelude::*;

#[vectorize(nopython = true)]
fn twice(x: f64) -> f64 {
    2.0 * x
}

fn main() {}
