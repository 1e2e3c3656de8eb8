use numbox::prelude::*;

#[vectorize(target = "gpu", identity = 1)]
fn bad<'a>(x: &'a f64, (a, b): (i32, i32)) {}

fn main() {}
