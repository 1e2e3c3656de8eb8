use numbox::ndarray::array;
use numbox::prelude::*;

#[stencil]
fn smooth(a: Neighbors1<f64>) -> f64 {
    (a[-1] + a[0] + a[1]) / 3.0
}

fn main() {
    let counts = array![1i32, 2, 3, 4];
    let _ = smooth::call(&counts);
}
