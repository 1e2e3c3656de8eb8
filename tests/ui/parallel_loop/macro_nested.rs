use numbox::prelude::*;

macro_rules! at {
    ($v:ident, $k:expr) => {
        $v[$k]
    };
}

// In a block, in a closure, inside `println!`'s arguments: still the macro's own tokens that
// mention the written container `out`.
#[parallel_loop]
fn f(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        {
            let show = |k: usize| println!("{}", at!(out, k));
            show(0);
        }
        out[i] = x[i];
    }
}

fn main() {}
