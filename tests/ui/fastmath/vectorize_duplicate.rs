use numbox::prelude::*;

#[vectorize(fastmath, target = "cpu", fastmath = false)]
fn f(x: f64) -> f64 {
    x.exp()
}

fn main() {}
