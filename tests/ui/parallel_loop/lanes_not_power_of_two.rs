use numbox::prelude::*;

#[parallel_loop(lanes = 6)]
fn julia(maxiter: u32, zs: &[f64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, mut n) = (zs[i], 0);
        while n < maxiter && z < 4.0 {
            z = z * z;
            n += 1;
        }
        out[i] = n;
    }
}

fn main() {}
