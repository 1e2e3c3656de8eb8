use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize(fn(f64, f32) -> f64, "(n),()->(n)")]
fn scale(x: ArrayView1<f64>, k: f64, mut out: ArrayViewMut1<f64>) {
    for i in 0..x.len() {
        out[i] = k * x[i];
    }
}

fn main() {}
