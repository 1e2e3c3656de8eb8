use numbox::prelude::*;

#[vectorize(fastmath = 3)]
fn f(x: f64) -> f64 {
    x.exp()
}

fn main() {}
