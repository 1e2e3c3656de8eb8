use numbox::ndarray::ArrayView1;
use numbox::prelude::*;

#[guvectorize("(n),(n)->()")]
fn f(x: ArrayView1<f64>, y: f64) -> f64 {
    x.sum() * y
}

fn main() {}
