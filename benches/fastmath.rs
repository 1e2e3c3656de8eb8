//! `fastmath` against the same kernels without it, 10^6 elements, serial: seed 2's
//! `ln(exp(x) * ln(y))` (seed 2's inputs), the exp of a softmax, and a `prange` sum of
//! exponentials (a lane-grid reduction) beside a plain loop.
//!
//! `cargo bench --bench fastmath -- --warm-up-time 1 --measurement-time 3`, and the same with
//! `RUSTFLAGS="-C target-cpu=native"`.

#![allow(clippy::duplicate_mod)]

#[path = "../examples/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use numbox::ndarray::Array1;
use numbox::prelude::*;

#[vectorize]
fn log_exp(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

#[vectorize(fastmath)]
fn log_exp_fast(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

/// What `fastmath` should compile to: `numbox::math` called by hand.
#[vectorize]
fn log_exp_by_hand(x: f64, y: f64) -> f64 {
    numbox::math::ln(numbox::math::exp(x) * numbox::math::ln(y))
}

#[vectorize]
fn shifted_exp(x: f64, max: f64) -> f64 {
    (x - max).exp()
}

#[vectorize(fastmath)]
fn shifted_exp_fast(x: f64, max: f64) -> f64 {
    (x - max).exp()
}

const N: usize = 1_000_000;

fn seed2(c: &mut Criterion) {
    let x = Array1::from(common::uniform(N, 2));
    let y = Array1::from(common::uniform(N, 3)).mapv_into(|v| 1.001 + v);
    let mut out = Array1::zeros(N);
    let mut g = c.benchmark_group("fastmath_seed2_ln_exp_ln_1e6");
    g.bench_function("c_library", |b| {
        b.iter(|| log_exp::serial().call_into(&x, &y, &mut out).unwrap())
    });
    g.bench_function("fastmath", |b| {
        b.iter(|| log_exp_fast::serial().call_into(&x, &y, &mut out).unwrap())
    });
    g.bench_function("numbox_math_by_hand", |b| {
        b.iter(|| {
            log_exp_by_hand::serial()
                .call_into(&x, &y, &mut out)
                .unwrap()
        })
    });
    g.finish();
}

fn softmax_exp(c: &mut Criterion) {
    let x = Array1::from(common::uniform(N, 4)).mapv_into(|v| v * 20.0 - 10.0);
    let max = x.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    let mut out = Array1::zeros(N);
    let mut g = c.benchmark_group("fastmath_softmax_exp_1e6");
    g.bench_function("c_library", |b| {
        b.iter(|| shifted_exp::serial().call_into(&x, max, &mut out).unwrap())
    });
    g.bench_function("fastmath", |b| {
        b.iter(|| {
            shifted_exp_fast::serial()
                .call_into(&x, max, &mut out)
                .unwrap()
        })
    });
    g.finish();
}

/// `s += x[i].exp()` in a `prange` loop: the C library's `exp` on the plain block grid.
#[parallel_loop]
fn sum_exp(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

/// The same under `fastmath`: `numbox::math::exp` on the 8-lane grid.
#[parallel_loop(fastmath)]
fn sum_exp_fast(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

/// What the lane grid can reach without bounds checks: 8 accumulators over `chunks_exact`,
/// `numbox::math::exp` by hand, serial (compiled for the baseline CPU, outside the tiers).
/// Measured as slow as `fastmath`: the 8 lanes are unrolled into 8 scalar copies of `exp`
/// that the SLP vectorizer does not pack.
///
/// Two runner layouts were tried for `fastmath` and measured no faster (single thread,
/// `NUMBOX_CPU=avx2`): (1) each iteration's term into a 64-entry stack buffer in one loop,
/// then the buffer into the lanes in order: LLVM keeps the buffer loop scalar ("loop not
/// vectorized: cannot identify array bounds" for `x[i]` in the body, with
/// `-C llvm-args=-pass-remarks-analysis=loop-vectorize`); (2) one loop adding the term of
/// iteration `j` into `acc[j % 8]`: LLVM vectorizes it only behind a run-time check that
/// the loop has at most 8 iterations (its `j & 7 == j` predicate), so the scalar copy runs
/// (35 ms against 22 before). A `#[vectorize]` kernel's loop has no bounds checks in the
/// body; a `prange` body would need the macro to split it the same way (the reads at the
/// loop index into a buffer first, as the lockstep path does).
fn sum_exp_lanes_by_hand(x: &[f64]) -> f64 {
    let mut acc = [0.0_f64; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += numbox::math::exp(*v);
        }
    }
    for (a, v) in acc.iter_mut().zip(chunks.remainder()) {
        *a += numbox::math::exp(*v);
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

fn prange_sum_exp(c: &mut Criterion) {
    let x: Vec<f64> = common::uniform(N, 5)
        .iter()
        .map(|v| v * 20.0 - 10.0)
        .collect();
    let mut g = c.benchmark_group("fastmath_prange_sum_exp_1e6");
    g.bench_function("plain_loop", |b| {
        b.iter(|| x.iter().map(|v| v.exp()).sum::<f64>())
    });
    g.bench_function("c_library", |b| b.iter(|| sum_exp(&x)));
    g.bench_function("fastmath", |b| b.iter(|| sum_exp_fast(&x)));
    g.bench_function("lanes_by_hand", |b| b.iter(|| sum_exp_lanes_by_hand(&x)));
    g.finish();
}

criterion_group!(benches, seed2, softmax_exp, prange_sum_exp);
criterion_main!(benches);
