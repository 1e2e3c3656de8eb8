use numbox::prelude::*;

#[parallel_loop]
fn histogram(x: &[f64], counts: &mut [u64]) {
    for k in prange(0..x.len()) {
        let b = ((x[k] * 10.0) as usize).min(counts.len() - 1);
        counts[b] += 1;
    }
}

fn main() {}
