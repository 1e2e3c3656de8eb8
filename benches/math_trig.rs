//! `numbox::math`'s trigonometric and hyperbolic functions against std's (the C library)
//! inside a `#[vectorize]` kernel, 10^6 elements, one group per function and type.
//!
//! Run with and without `RUSTFLAGS="-C target-cpu=native"`: the default x86-64 target has
//! only SSE2, where LLVM vectorizes two `f64` lanes and has no gathers.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numbox::math;
use numbox::ndarray::Array1;
use numbox::prelude::*;
use std::hint::black_box;
use std::time::Duration;

const N: usize = 1_000_000;

/// Defines, for each `(name, f64 path, f32 path)`, `#[vectorize]` kernels calling
/// `numbox::math` and std, and a bench function comparing them on `lo..hi`.
macro_rules! unary {
    ($($name:ident, $lo:expr, $hi:expr;)*) => {$(
        mod $name {
            use super::*;

            #[vectorize]
            pub fn numbox64(x: f64) -> f64 {
                math::$name(x)
            }

            #[vectorize]
            pub fn std64(x: f64) -> f64 {
                x.$name()
            }

            #[vectorize]
            pub fn numbox32(x: f32) -> f32 {
                math::f32::$name(x)
            }

            #[vectorize]
            pub fn std32(x: f32) -> f32 {
                x.$name()
            }

            pub fn bench(c: &mut Criterion) {
                let x = inputs($lo, $hi);
                let mut out = Array1::zeros(N);
                let mut g = c.benchmark_group(concat!(stringify!($name), "_f64"));
                g.throughput(Throughput::Elements(N as u64));
                g.bench_function("numbox_math", |b| {
                    b.iter(|| numbox64::call_into(black_box(&x), &mut out).unwrap())
                });
                g.bench_function("std", |b| {
                    b.iter(|| std64::call_into(black_box(&x), &mut out).unwrap())
                });
                g.finish();
                let x = x.mapv(|v| v as f32);
                let mut out = Array1::zeros(N);
                let mut g = c.benchmark_group(concat!(stringify!($name), "_f32"));
                g.throughput(Throughput::Elements(N as u64));
                g.bench_function("numbox_math", |b| {
                    b.iter(|| numbox32::call_into(black_box(&x), &mut out).unwrap())
                });
                g.bench_function("std", |b| {
                    b.iter(|| std32::call_into(black_box(&x), &mut out).unwrap())
                });
                g.finish();
            }
        }
    )*};
}

unary! {
    sin, -10.0, 10.0;
    cos, -10.0, 10.0;
    tan, -10.0, 10.0;
    tanh, -5.0, 5.0;
    sinh, -5.0, 5.0;
    cosh, -5.0, 5.0;
    atan, -10.0, 10.0;
}

#[vectorize]
fn atan2_numbox64(y: f64, x: f64) -> f64 {
    math::atan2(y, x)
}

#[vectorize]
fn atan2_std64(y: f64, x: f64) -> f64 {
    y.atan2(x)
}

#[vectorize]
fn atan2_numbox32(y: f32, x: f32) -> f32 {
    math::f32::atan2(y, x)
}

#[vectorize]
fn atan2_std32(y: f32, x: f32) -> f32 {
    y.atan2(x)
}

/// `N` arguments spread evenly (in a scrambled order) over `lo..hi`.
fn inputs(lo: f64, hi: f64) -> Array1<f64> {
    Array1::from_shape_fn(N, |i| lo + (hi - lo) * ((i * 7919) % N) as f64 / N as f64)
}

fn atan2(c: &mut Criterion) {
    let (y, x) = (inputs(-10.0, 10.0), inputs(-3.0, 7.0).mapv(|v| -v));
    let mut out = Array1::zeros(N);
    let mut g = c.benchmark_group("atan2_f64");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("numbox_math", |b| {
        b.iter(|| atan2_numbox64::call_into(black_box(&y), &x, &mut out).unwrap())
    });
    g.bench_function("std", |b| {
        b.iter(|| atan2_std64::call_into(black_box(&y), &x, &mut out).unwrap())
    });
    g.finish();
    let (y, x) = (y.mapv(|v| v as f32), x.mapv(|v| v as f32));
    let mut out = Array1::zeros(N);
    let mut g = c.benchmark_group("atan2_f32");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("numbox_math", |b| {
        b.iter(|| atan2_numbox32::call_into(black_box(&y), &x, &mut out).unwrap())
    });
    g.bench_function("std", |b| {
        b.iter(|| atan2_std32::call_into(black_box(&y), &x, &mut out).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = sin::bench, cos::bench, tan::bench, tanh::bench, sinh::bench, cosh::bench,
        atan::bench, atan2
}
criterion_main!(benches);
