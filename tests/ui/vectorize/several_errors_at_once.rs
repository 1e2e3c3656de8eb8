use numbox::prelude::*;

#[vectorize(target = "tpu", identity = 1)]
fn bad<'a>(x: &'a f64, (a, b): (i32, i32)) {}

fn main() {}
