use numbox::prelude::*;

// `limit` is a local of the function, not a parameter: its type is unknown to the macro.
#[parallel_loop(lanes = 8)]
fn steps(x: &[f64], out: &mut [u32]) {
    let limit = 40.0;
    for i in prange(0..x.len()) {
        let mut v = x[i];
        let mut n = 0;
        while v < limit {
            v *= 2.0;
            n += 1;
        }
        out[i] = n;
    }
}

fn main() {}
