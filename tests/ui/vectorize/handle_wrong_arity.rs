// A handle's methods take as many operands as the kernel has inputs; NumPy's ufunc methods
// exist only for a binary kernel of one type.
use numbox::prelude::*;

#[vectorize]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

#[vectorize]
fn neg(x: f64) -> f64 {
    -x
}

fn main() {
    let _ = add::parallel().call(1.0);
    let _ = neg::serial().reduce_all(&[1.0, 2.0][..]);
}
