use numbox::ndarray::ArrayView1;
use numbox::prelude::*;

#[guvectorize("(n)->()")]
fn f(x: ArrayView1<String>) -> usize {
    x.len()
}

fn main() {}
