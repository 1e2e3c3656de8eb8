use numbox::prelude::*;

macro_rules! twice {
    ($v:expr) => {
        $v * 2.0
    };
}

#[parallel_loop]
fn f(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        out[i] = twice!(x[i]);
    }
}

fn main() {}
