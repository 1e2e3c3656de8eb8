use numbox::ndarray::ArrayView1;
use numbox::prelude::*;

#[guvectorize("(n)->()", target = "cuda")]
fn f(x: ArrayView1<f64>) -> f64 {
    x.sum()
}

fn main() {}
