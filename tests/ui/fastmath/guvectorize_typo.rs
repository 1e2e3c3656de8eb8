use numbox::ndarray::ArrayView1;
use numbox::prelude::*;

#[guvectorize("(n)->()", fastMath)]
fn total(x: ArrayView1<f64>) -> f64 {
    x.iter().map(|v| v.exp()).sum()
}

fn main() {}
