//! Seed workload 5: the Julia set of High Performance Python (`calculate_z`), `maxiter = 300`
//! on a 1000x1000 grid, with `#[parallel_loop]`, and a `#[vectorize]` on `Complex64` for
//! comparison.
//!
//! ```text
//! cargo run --release --example seed_5_julia            # 1000x1000 (book checksum 33219980)
//! cargo run --release --example seed_5_julia -- --quick # 100x100
//! ```
//!
//! The escape test is `norm_sqr() < 4.0`: `abs(z) < 2` goes through `hypot`, which makes the
//! loop 3.7x slower and gives the same counts on this grid.
//!
//! On x86-64, LLVM's SLP vectorizer packs the complex update `z * z + c` into SSE pairs and
//! puts shuffles on the loop-carried path: this loop, numbox's or a plain one, runs about
//! 1.5x faster built with `RUSTFLAGS="-C no-vectorize-slp"` (Numba's LLVM keeps it scalar).

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::num_complex::Complex64;
use numbox::prelude::*;

/// The book's kernel, its `for i in range(len(zs))` now a `prange`.
#[parallel_loop]
pub fn julia(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

/// One point of the set as a ufunc over `Complex64` (the grid and `c` broadcast).
#[vectorize(target = "parallel")]
pub fn julia_point(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
    let (mut z, mut n) = (z, 0);
    while n < maxiter && z.norm_sqr() < 4.0 {
        z = z * z + c;
        n += 1;
    }
    n
}

/// The plain-Rust baseline: the book's loop.
pub fn julia_plain(maxiter: u32, zs: &[Complex64], cs: &[Complex64]) -> Vec<u32> {
    zs.iter()
        .zip(cs)
        .map(|(&z, &c)| {
            let (mut z, mut n) = (z, 0);
            while n < maxiter && z.norm_sqr() < 4.0 {
                z = z * z + c;
                n += 1;
            }
            n
        })
        .collect()
}

/// The book's grid, float accumulation included (so the checksum matches): `width` points
/// per side of `[-1.8, 1.8]^2`, row by row from the top, and `c = -0.62772 - 0.42193i`.
pub fn julia_inputs(width: usize) -> (Vec<Complex64>, Vec<Complex64>) {
    let (x1, x2, y1, y2) = (-1.8_f64, 1.8, -1.8, 1.8);
    let (x_step, y_step) = ((x2 - x1) / width as f64, (y1 - y2) / width as f64);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let mut yc = y2;
    while yc > y1 {
        y.push(yc);
        yc += y_step;
    }
    let mut xc = x1;
    while xc < x2 {
        x.push(xc);
        xc += x_step;
    }
    let zs: Vec<Complex64> = y
        .iter()
        .flat_map(|&yc| x.iter().map(move |&xc| Complex64::new(xc, yc)))
        .collect();
    let cs = vec![Complex64::new(-0.62772, -0.42193); zs.len()];
    (zs, cs)
}

/// Times every variant at `scale` x 10^6 points.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let width = scaled_side(1000, scale, 10);
    let maxiter = 300;
    let (zs, cs) = julia_inputs(width);
    let wl = format!("5 Julia set, {} points, maxiter {maxiter}", zs.len());
    let reference = julia_plain(maxiter, &zs, &cs);
    let total: u64 = reference.iter().map(|&n| u64::from(n)).sum();
    if width == 1000 {
        assert_eq!(total, 33_219_980, "High Performance Python's checksum");
    }
    let mut out = vec![0; zs.len()];
    julia(maxiter, &zs, &cs, &mut out);
    assert_eq!(out, reference, "parallel_loop");
    let c = Complex64::new(-0.62772, -0.42193);
    let zarr = numbox::ndarray::ArrayView1::from(&zs[..]);
    assert_eq!(
        julia_point::call(zarr, c, maxiter)?.to_vec(),
        reference,
        "vectorize"
    );

    let mut buf = vec![0; zs.len()];
    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "plain serial loop",
            median_secs(reps, || julia_plain(maxiter, &zs, &cs)),
        ),
        timing(
            &wl,
            SERIAL,
            "#[parallel_loop] on a one-thread pool",
            median_secs(reps, || {
                on_one_thread(|| julia(maxiter, &zs, &cs, &mut buf))
            }),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[parallel_loop] prange",
            median_secs(reps, || julia(maxiter, &zs, &cs, &mut buf)),
        ),
        timing(
            &wl,
            EXTRA,
            "#[vectorize] julia_point::serial() on Complex64",
            median_secs(reps, || {
                julia_point::serial().call(zarr, c, maxiter).unwrap()
            }),
        ),
        timing(
            &wl,
            EXTRA,
            "#[vectorize] julia_point::call (parallel)",
            median_secs(reps, || julia_point::call(zarr, c, maxiter).unwrap()),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main("Seed 5: the Julia set", 0.01, run)
}
