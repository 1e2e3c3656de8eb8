//! Seed workload 2: `ln(exp(x) * ln(y))` over 8x10^7 f64, serial against parallel, three ways
//! side by side: `#[vectorize(target = "parallel")]`, `#[parallel_loop]`, and the manual
//! threads of the tutorial (`std::thread::scope` over chunks).
//!
//! ```text
//! cargo run --release --example seed_2_log_exp            # 8x10^7 values (about 2 GB)
//! cargo run --release --example seed_2_log_exp -- --quick # 10^6 values
//! ```
//!
//! Every parallel version gives exactly the serial bits: elementwise work has no reduction.

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::Array1;
use numbox::prelude::*;

/// The kernel, a plain scalar function; `target = "parallel"` makes `log_exp::call` split the
/// elements across the rayon pool (`log_exp::serial()` stays on the calling thread).
#[vectorize(target = "parallel")]
pub fn log_exp(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

/// The kernel with `fastmath` (Numba's `fastmath=True`): `exp` and `ln` become the
/// vectorizable [`numbox::math`] versions (within 2 ulp of the C library each).
#[vectorize(target = "parallel", fastmath)]
pub fn log_exp_fast(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

/// The same computation as a `prange` loop: Numba's `@njit(parallel=True)` version.
#[parallel_loop]
pub fn log_exp_loop(x: &[f64], y: &[f64], out: &mut [f64]) {
    for i in prange(0..x.len()) {
        out[i] = (x[i].exp() * y[i].ln()).ln();
    }
}

/// The tutorial's manual threads: one contiguous chunk per thread with `std::thread::scope`.
pub fn log_exp_threads(x: &[f64], y: &[f64], out: &mut [f64], threads: usize) {
    let chunk = x.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        for ((o, x), y) in out
            .chunks_mut(chunk)
            .zip(x.chunks(chunk))
            .zip(y.chunks(chunk))
        {
            s.spawn(move || {
                for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
                    *o = (x.exp() * y.ln()).ln();
                }
            });
        }
    });
}

/// The plain-Rust baseline: one serial iterator chain.
pub fn log_exp_plain(x: &[f64], y: &[f64]) -> Vec<f64> {
    x.iter()
        .zip(y)
        .map(|(&x, &y)| (x.exp() * y.ln()).ln())
        .collect()
}

/// The inputs: `x` uniform in `[0, 1)`, `y` in `[1.001, 2.001)` so that `ln(y) > 0`.
pub fn inputs(n: usize) -> (Array1<f64>, Array1<f64>) {
    let x = Array1::from(uniform(n, 2));
    let y = Array1::from(uniform(n, 3)).mapv_into(|v| 1.001 + v);
    (x, y)
}

/// Times every variant at `scale` x 8x10^7 values.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let n = scaled(80_000_000, scale, 1000);
    let wl = format!("2 ln(exp(x)*ln(y)), {n} f64");
    let (x, y) = inputs(n);
    let (xs, ys) = (x.as_slice().unwrap(), y.as_slice().unwrap());
    let threads = numbox::get_num_threads();

    let reference = log_exp_plain(xs, ys);
    let serial = log_exp::serial().call(&x, &y)?;
    assert_eq!(
        serial.as_slice().unwrap(),
        &reference[..],
        "vectorize serial"
    );
    assert_eq!(
        log_exp::call(&x, &y)?,
        serial,
        "vectorize parallel == serial"
    );
    let mut out = vec![0.0; n];
    log_exp_loop(xs, ys, &mut out);
    assert_eq!(out, reference, "parallel_loop");
    out.fill(0.0);
    log_exp_threads(xs, ys, &mut out, threads);
    assert_eq!(out, reference, "thread::scope");
    let fast = log_exp_fast::call(&x, &y)?;
    for (f, r) in fast.iter().zip(&reference) {
        assert!(
            (f - r).abs() <= 1e-13 * r.abs().max(1.0),
            "fastmath: {f} vs {r}"
        );
    }
    drop((reference, serial, out, fast));

    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "plain serial iterator, collect",
            median_secs(reps, || log_exp_plain(xs, ys)),
        ),
        timing(
            &wl,
            SERIAL,
            "#[vectorize] log_exp::serial().call",
            median_secs(reps, || log_exp::serial().call(&x, &y).unwrap()),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[vectorize(target = \"parallel\")] log_exp::call",
            median_secs(reps, || log_exp::call(&x, &y).unwrap()),
        ),
        timing(
            &wl,
            SERIAL,
            "#[vectorize(fastmath)] log_exp_fast::serial().call",
            median_secs(reps, || log_exp_fast::serial().call(&x, &y).unwrap()),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[vectorize(target = \"parallel\", fastmath)] log_exp_fast::call",
            median_secs(reps, || log_exp_fast::call(&x, &y).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "#[parallel_loop] prange, into vec![0.0; n]",
            median_secs(reps, || {
                let mut o = vec![0.0; n];
                log_exp_loop(xs, ys, &mut o);
                o
            }),
        ),
        timing(
            &wl,
            BASELINE,
            &format!("std::thread::scope, {threads} chunks, into vec![0.0; n]"),
            median_secs(reps, || {
                let mut o = vec![0.0; n];
                log_exp_threads(xs, ys, &mut o, threads);
                o
            }),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main(
        "Seed 2: ln(exp(x) * ln(y)), serial vs parallel",
        0.0125,
        run,
    )
}
