use numbox::prelude::*;

#[vectorize]
async fn twice(x: f64) -> f64 {
    2.0 * x
}

fn main() {}
