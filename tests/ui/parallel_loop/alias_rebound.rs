use numbox::prelude::*;

// `j` is a copy of `i` only until the inner block binds another `j`.
#[parallel_loop]
fn shifted(x: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        let j = i;
        out[j] = x[i];
        {
            let j = (i + 1) % x.len();
            out[j] = x[i];
        }
    }
}

fn main() {}
