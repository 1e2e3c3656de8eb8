use numbox::ndarray::{array, Array1, ArrayView1};
use numbox::prelude::*;

// One mistake in the attribute is one error: the uses below add none (before the fallback
// companion, naming the kernel as a type was a second error).
#[guvectorize("(n)->()", target = "gpu")]
fn total(x: ArrayView1<f64>) -> f64 {
    x.sum()
}

/// Generic code takes a kernel as a type parameter.
fn takes_kernel<K>() {}

fn main() {
    let x = array![[1.0, 2.0], [3.0, 4.0]];
    let t: Array1<f64> = total::call(&x).unwrap();
    let mut out = Array1::<f64>::zeros(2);
    total::parallel().call_into(&x, &mut out).unwrap();
    assert_eq!(t, out);
    takes_kernel::<total>();
}
