use numbox::prelude::*;

// Every mistake at once: the typo and the duplicate.
#[parallel_loop(fast_math, fastmath, fastmath)]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

fn main() {}
