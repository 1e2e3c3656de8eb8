use numbox::ndarray::{array};
use numbox::prelude::*;

#[vectorize]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

fn main() {
    let a = array![1.0, 2.0, 3.0];
    let n = array![1u8, 2, 3];
    let _ = add::call(&a, n.view());
}
