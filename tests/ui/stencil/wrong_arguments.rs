// Arguments of the wrong kind at a `Neighbors` position, a scalar position and the output.
use numbox::ndarray::{Array1, Array2};
use numbox::prelude::*;

#[stencil]
fn blend(a: Neighbors1<f64>, w: f64) -> f64 {
    w * a[1]
}

fn main() {
    let x = Array1::<f64>::zeros(4);
    let _ = blend::call(&Array2::<f64>::zeros((2, 2)), 0.5);
    let _ = blend::serial().call(&x, "half");
    let mut out = Array1::<f32>::zeros(4);
    let _ = blend::call_into(&x, 0.5, &mut out);
    let shared = Array1::<f64>::zeros(4);
    let _ = blend::parallel().call_into(&x, 0.5, &shared);
}
