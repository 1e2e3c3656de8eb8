use numbox::prelude::*;
use numbox::ndarray::ArrayView1;

#[guvectorize("(n)->()")]
fn first<const K: usize>(x: ArrayView1<f64>) -> f64 {
    x[K]
}

fn main() {}
