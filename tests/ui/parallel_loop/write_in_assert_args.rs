use numbox::prelude::*;

// A write hidden in a standard macro's arguments is checked like plain code.
#[parallel_loop]
fn f(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        assert!({ out[0] = 1.0; true }, "{}", x[i]);
        out[i] = x[i];
    }
}

fn main() {}
