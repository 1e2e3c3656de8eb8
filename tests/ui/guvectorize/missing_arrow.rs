use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize("(n),()")]
fn f(x: ArrayView1<f64>, w: usize, mut out: ArrayViewMut1<f64>) {
    out[0] = x[w];
}

fn main() {}
