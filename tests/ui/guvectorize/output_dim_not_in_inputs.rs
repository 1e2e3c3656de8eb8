use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize("(n)->(m)")]
fn f(x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    out[0] = x[0];
}

fn main() {}
