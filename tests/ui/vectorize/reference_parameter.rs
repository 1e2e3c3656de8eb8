use numbox::prelude::*;

#[vectorize]
fn bump(x: &mut f64) -> f64 {
    *x += 1.0;
    *x
}

#[vectorize]
fn scaled(x: &f64, w: f64) -> f64 {
    x * w
}

fn main() {}
