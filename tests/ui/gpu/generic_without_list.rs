use numbox::prelude::*;

#[vectorize(target = "gpu")]
fn f<T: Copy>(x: T) -> T {
    x
}

fn main() {}
