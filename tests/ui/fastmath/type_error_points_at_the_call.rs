use numbox::prelude::*;

// A mistake in a rewritten call is reported at the user's tokens, as without `fastmath`.
#[vectorize(fastmath)]
fn f(x: f64) -> f64 {
    x.powi(2.0)
}

fn main() {}
