use numbox::prelude::*;

#[vectorize(fn(f64, f64) f64)]
fn hypot(x: f64, y: f64) -> f64 {
    x.hypot(y)
}

fn main() {}
