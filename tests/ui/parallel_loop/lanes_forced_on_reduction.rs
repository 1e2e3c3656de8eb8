use numbox::prelude::*;

// A reduction is outside the lockstep shape: forcing lanes is an error.
#[parallel_loop(lanes = 8)]
fn total_steps(maxiter: u32, zs: &[f64]) -> u32 {
    let mut total = 0;
    for i in prange(0..zs.len()) {
        let (mut z, mut n) = (zs[i], 0);
        while n < maxiter && z < 4.0 {
            z = z * z;
            n += 1;
        }
        total += n;
    }
    total
}

fn main() {}
