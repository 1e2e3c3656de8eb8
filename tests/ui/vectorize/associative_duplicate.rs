use numbox::prelude::*;

#[vectorize(associative, identity = 0, associative = false)]
fn add(x: i64, y: i64) -> i64 {
    x + y
}

fn main() {}
