use numbox::ndarray::{array, Axis};
use numbox::prelude::*;

#[vectorize]
fn lt(x: f64, y: f64) -> bool {
    x < y
}

fn main() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let _ = lt::reduce(&a, Axis(0));
    let _ = lt::reduce_all(&a);
}
