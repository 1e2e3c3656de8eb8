// `i64 - i64` would pick the f64 loop (NumPy's first-match rule: int64 casts safely to
// float64) and `(2^53 + 1) - 1` would come back wrong: the i64 loop can never be chosen.
use numbox::prelude::*;

#[vectorize(fn(f32, f32) -> f32, fn(f64, f64) -> f64, fn(i64, i64) -> i64)]
fn sub<T: Copy + std::ops::Sub<Output = T>>(x: T, y: T) -> T {
    x - y
}

fn main() {}
