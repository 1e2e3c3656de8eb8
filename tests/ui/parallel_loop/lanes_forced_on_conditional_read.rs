use numbox::prelude::*;

// `x[i]` is read only where `t > 0.0`: the lockstep path would read it on every
// iteration, so it cannot be forced.
#[parallel_loop(lanes = 4)]
fn grow(t: f64, x: &[f64], out: &mut [f64]) {
    for i in prange(0..out.len()) {
        let mut v = if t > 0.0 { x[i] } else { 1.5 };
        while v < 100.0 {
            v *= 1.7;
        }
        out[i] = v;
    }
}

fn main() {}
