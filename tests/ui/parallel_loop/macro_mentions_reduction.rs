use numbox::prelude::*;

macro_rules! add_to {
    ($s:ident; $v:expr) => {
        $s += $v;
    };
}

// The macro's tokens mention the reduction `s`: its expansion would see a partial sum.
#[parallel_loop]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for k in prange(0..x.len()) {
        s += x[k];
        add_to!(s; x[k] * x[k]);
    }
    s
}

fn main() {}
