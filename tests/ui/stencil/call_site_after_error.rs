use numbox::ndarray::Array2;
use numbox::prelude::*;

// One mistake in the attribute is one error: the uses below add none (before the fallback
// companion, naming the kernel as a type was a second error).
#[stencil(mode = "periodic")]
fn diff(u: Neighbors2<f64>, w: f64) -> f64 {
    w * (u[[1, 0]] - u[[0, 0]])
}

/// Generic code takes a kernel as a type parameter.
fn takes_kernel<K>() {}

fn main() {
    let grid = Array2::<f64>::ones((4, 4));
    let out: Array2<f64> = diff::call(&grid, 2.0).unwrap();
    let mut into = Array2::<f64>::zeros((4, 4));
    diff::serial().call_into(&out, 2.0, &mut into).unwrap();
    takes_kernel::<diff>();
}
