use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize("(n),()->(n)")]
fn f(x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    out.assign(&x);
}

fn main() {}
