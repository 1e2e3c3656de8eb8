use numbox::prelude::*;

#[vectorize]
fn norm((x, y): (f64, f64)) -> f64 {
    (x * x + y * y).sqrt()
}

fn main() {}
