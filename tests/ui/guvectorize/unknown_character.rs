use numbox::ndarray::ArrayView2;
use numbox::prelude::*;

#[guvectorize("(n;m)->()")]
fn f(x: ArrayView2<f64>) -> f64 {
    x.sum()
}

fn main() {}
