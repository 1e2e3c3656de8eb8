use numbox::ndarray::{array, Array1};
use numbox::prelude::*;

// One mistake in the attribute is one error: the uses below add none (before the fallback
// companion, naming the kernel as a type was a second error).
#[vectorize(target = "tpu")]
fn twice(x: f64) -> f64 {
    2.0 * x
}

/// Generic code takes a kernel as a type parameter.
fn takes_kernel<K>() {}

fn main() {
    let x = array![1.0, 2.0];
    let y: Array1<f64> = twice::call(&x).unwrap();
    let mut z = Array1::<f64>::zeros(2);
    twice::call_into(&y, &mut z).unwrap();
    twice::serial().call_into(&x, &mut z).unwrap();
    let _: Array1<f64> = twice::parallel().call(&z).unwrap();
    takes_kernel::<twice>();
}
