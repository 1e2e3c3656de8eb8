use numbox::ndarray::ArrayViewMut1;
use numbox::prelude::*;

#[guvectorize("(n)->()")]
fn f(x: ArrayViewMut1<f64>) -> f64 {
    x.sum()
}

fn main() {}
