use numbox::prelude::*;

#[vectorize(associative)]
fn fma(x: f64, y: f64, z: f64) -> f64 {
    x * y + z
}

fn main() {}
