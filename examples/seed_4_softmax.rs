//! Seed workload 4: softmax over 10^8 f64, `exp(z) / sum(exp(z))`, built from an `exp` ufunc,
//! a deterministic parallel sum (`add::reduce_all`) and a division ufunc.
//!
//! ```text
//! cargo run --release --example seed_4_softmax            # 10^8 values (about 2.4 GB)
//! cargo run --release --example seed_4_softmax -- --quick # 10^6 values
//! ```
//!
//! `add` is `associative`, so `reduce_all` folds a fixed grid of blocks in order: the sum,
//! and with it every output value, has the same bits on one thread, on two, or on sixty-four.

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::{Array1, ArrayView1};
use numbox::prelude::*;

/// `e^x`, elementwise.
#[vectorize(target = "parallel")]
pub fn exp(x: f64) -> f64 {
    x.exp()
}

/// `e^x` with `fastmath` (Numba's `fastmath=True`): `x.exp()` becomes
/// [`numbox::math::exp`], branch-free, so LLVM runs the kernel on SIMD lanes of the CPU tier
/// chosen at run time (AVX2 or AVX-512), in a default build.
#[vectorize(target = "parallel", fastmath)]
pub fn exp_fast(x: f64) -> f64 {
    x.exp()
}

/// Addition, with an identity so that the sum of nothing is 0, marked associative so that
/// `reduce_all` may fold it on its fixed grid (as NumPy's pairwise sum regroups `np.sum`).
#[vectorize(identity = 0.0, target = "parallel", associative)]
pub fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// Division, elementwise (the sum is broadcast as a scalar).
#[vectorize(target = "parallel")]
pub fn div(x: f64, y: f64) -> f64 {
    x / y
}

/// `exp(z) / sum(exp(z))` with the three ufuncs on one target.
pub fn softmax(z: &Array1<f64>, target: Target) -> numbox::Result<Array1<f64>> {
    let (e, sum, div) = match target {
        Target::Serial => (exp::serial(), add::serial(), div::serial()),
        Target::Parallel => (exp::parallel(), add::parallel(), div::parallel()),
    };
    let ez = e.call(z)?;
    let s = sum.reduce_all(&ez)?;
    div.call(&ez, s)
}

/// [`softmax`] with [`exp_fast`] in place of [`exp`], on the parallel target.
pub fn softmax_fast(z: &Array1<f64>) -> numbox::Result<Array1<f64>> {
    let ez = exp_fast::call(z)?;
    let s = add::parallel().reduce_all(&ez)?;
    div::parallel().call(&ez, s)
}

/// The sum of `exp(z)` as a `#[parallel_loop]` reduction (no temporary array).
#[parallel_loop]
pub fn sum_exp(z: ArrayView1<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in prange(0..z.len()) {
        s += z[i].exp();
    }
    s
}

/// `e^x / s`, elementwise.
#[vectorize(target = "parallel")]
pub fn exp_div(x: f64, s: f64) -> f64 {
    x.exp() / s
}

/// Numba's njit version, fused: the sum in a `prange` reduction, then `exp(z) / s` in one
/// pass (exp twice per element, but no 800 MB temporary).
pub fn softmax_fused(z: &Array1<f64>) -> numbox::Result<Array1<f64>> {
    let s = sum_exp(z.view());
    exp_div::call(z, s)
}

/// The plain-Rust baseline: Numba's algorithm as two serial iterator passes.
pub fn softmax_plain(z: &[f64]) -> Vec<f64> {
    let s: f64 = z.iter().map(|v| v.exp()).sum();
    z.iter().map(|v| v.exp() / s).collect()
}

/// `n` values uniform in `[-3, 3)`.
pub fn inputs(n: usize) -> Array1<f64> {
    Array1::from(uniform(n, 7)).mapv_into(|v| 6.0 * v - 3.0)
}

/// Times every variant at `scale` x 10^8 values.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let n = scaled(100_000_000, scale, 1000);
    let wl = format!("4 softmax, {n} f64");
    let z = inputs(n);
    let zs = z.as_slice().unwrap();
    let reference = softmax_plain(zs);
    let serial = softmax(&z, Target::Serial)?;
    assert_close("softmax serial", &serial, &reference, 1e-12, 0.0);
    let parallel = softmax(&z, Target::Parallel)?;
    assert_eq!(
        parallel, serial,
        "deterministic: parallel has the serial bits"
    );
    let fused = softmax_fused(&z)?;
    assert_close("softmax fused", &fused, &reference, 1e-12, 0.0);
    assert_close(
        "softmax with #[vectorize(fastmath)] exp",
        &softmax_fast(&z)?,
        &reference,
        1e-12,
        0.0,
    );
    let total: f64 = add::reduce_all(&serial)?;
    assert!((total - 1.0).abs() < 1e-9, "softmax sums to {total}");
    drop((reference, serial, parallel, fused));

    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "plain serial iterators (sum, then map)",
            median_secs(reps, || softmax_plain(zs)),
        ),
        timing(
            &wl,
            SERIAL,
            "exp, add.reduce_all, div ufuncs, serial()",
            median_secs(reps, || softmax(&z, Target::Serial).unwrap()),
        ),
        timing(
            &wl,
            PARALLEL,
            "exp, add.reduce_all, div ufuncs, parallel()",
            median_secs(reps, || softmax(&z, Target::Parallel).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "parallel(), #[vectorize(fastmath)] exp (numbox::math, SIMD)",
            median_secs(reps, || softmax_fast(&z).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "fused: #[parallel_loop] sum + exp_div ufunc",
            median_secs(reps, || softmax_fused(&z).unwrap()),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main(
        "Seed 4: softmax with a deterministic parallel sum",
        0.01,
        run,
    )
}
