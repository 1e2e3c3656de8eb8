use numbox::prelude::*;

// A format string's inline argument `{s}` reads `s`, like `println!("{}", s)` would.
#[parallel_loop]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i];
        println!("{i}: {s:.3}");
    }
    s
}

fn main() {}
