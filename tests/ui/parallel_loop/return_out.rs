use numbox::prelude::*;

#[parallel_loop]
fn any_negative(x: &[f64]) -> bool {
    for i in prange(0..x.len()) {
        if x[i] < 0.0 {
            return true;
        }
    }
    false
}

fn main() {}
