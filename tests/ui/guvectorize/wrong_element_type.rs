use numbox::ndarray::{array, ArrayView1};
use numbox::prelude::*;

#[guvectorize("(n)->()")]
fn total(x: ArrayView1<f64>, out: &mut f64) {
    *out = x.sum();
}

fn main() {
    let counts = array![[1i32, 2], [3, 4]];
    let _ = total::call(&counts);
}
