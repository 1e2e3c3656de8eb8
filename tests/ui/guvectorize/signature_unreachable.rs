// An int32 array and an int64 scalar cast safely to (float64, int64): the second signature
// can never be chosen.
use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize(fn(f64, i64) -> f64, fn(i32, i64) -> i32, "(n),()->(n)")]
fn shift<T: Copy + std::ops::Add<Output = T> + TryFrom<i64>>(
    x: ArrayView1<T>,
    k: i64,
    mut out: ArrayViewMut1<T>,
) {
    let k = T::try_from(k).ok();
    for i in 0..x.len() {
        out[i] = k.map_or(x[i], |k| x[i] + k);
    }
}

fn main() {}
