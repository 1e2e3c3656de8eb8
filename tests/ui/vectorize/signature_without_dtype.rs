use numbox::prelude::*;

#[vectorize(fn(usize) -> usize)]
fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T {
    x + x
}

fn main() {}
