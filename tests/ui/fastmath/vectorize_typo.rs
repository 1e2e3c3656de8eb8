use numbox::prelude::*;

#[vectorize(fast_math)]
fn f(x: f64) -> f64 {
    x.exp()
}

fn main() {}
