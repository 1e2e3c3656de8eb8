use numbox::ndarray::{ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize("(n),(m->(n)")]
fn f(x: ArrayView1<f64>, y: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    out.assign(&(&x + &y));
}

fn main() {}
