use numbox::prelude::*;

#[vectorize(fn(f32, f64) -> f32)]
fn add<T: Copy + std::ops::Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

fn main() {}
