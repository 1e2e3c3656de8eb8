use numbox::prelude::*;

#[vectorize(fn(u8) -> u8, fn(f64) -> f64, fn(f64) -> f64)]
fn twice<T: Copy + std::ops::Add<Output = T>>(x: T) -> T {
    x + x
}

fn main() {}
