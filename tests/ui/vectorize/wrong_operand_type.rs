use numbox::ndarray::array;
use numbox::prelude::*;

#[vectorize]
fn twice(x: f64) -> f64 {
    2.0 * x
}

fn main() {
    let a = array![1i32, 2, 3];
    let _ = twice::call(&a);
}
