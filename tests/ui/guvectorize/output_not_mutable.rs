use numbox::ndarray::ArrayView1;
use numbox::prelude::*;

#[guvectorize("(n)->(n)")]
fn f(x: ArrayView1<f64>, out: ArrayView1<f64>) {
    let _ = (x, out);
}

fn main() {}
