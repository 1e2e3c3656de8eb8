//! `#[parallel_loop]` against the hand-written serial loop and rayon, a group per workload.
//!
//! `cargo bench --bench parallel_loop -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::needless_range_loop)]

use criterion::{criterion_group, criterion_main, Criterion};
use numbox::ndarray::{Array1, ArrayView1};
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use rayon::prelude::*;
use std::hint::black_box;

// The seed example's kernel and the book's grid, so the bench measures what the example runs.
#[allow(dead_code)]
#[path = "../examples/seed_5_julia.rs"]
mod seed_5;
use seed_5::{julia, julia_inputs};

fn julia_serial(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in 0..zs.len() {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

/// Numba's seed version: `abs(z) < 2` (a `hypot` per step).
#[parallel_loop]
fn julia_norm(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm() < 2.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

#[parallel_loop]
fn sum_exp(x: ArrayView1<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

/// The same loop over a slice, the layout rayon's `.par_iter()` baseline reads.
#[parallel_loop]
fn sum_exp_slice(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

fn sum_exp_serial(x: ArrayView1<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    s
}

fn work(i: usize) -> f64 {
    // Iteration i costs i steps.
    let mut v = i as f64 * 1e-9;
    for _ in 0..i {
        v = (v + 0.5).sqrt();
    }
    v
}

#[parallel_loop(schedule = "static")]
fn triangle_static(out: &mut [f64]) {
    for i in prange(0..out.len()) {
        out[i] = work(i);
    }
}

#[parallel_loop(schedule = "dynamic", chunk = 4)]
fn triangle_dynamic(out: &mut [f64]) {
    for i in prange(0..out.len()) {
        out[i] = work(i);
    }
}

#[parallel_loop(schedule = "guided")]
fn triangle_guided(out: &mut [f64]) {
    for i in prange(0..out.len()) {
        out[i] = work(i);
    }
}

#[parallel_loop]
fn triangle_default(out: &mut [f64]) {
    for i in prange(0..out.len()) {
        out[i] = work(i);
    }
}

fn benches(c: &mut Criterion) {
    let (zs, cs) = julia_inputs(1000);
    let mut out = vec![0_u32; zs.len()];
    let mut g = c.benchmark_group("julia_1000x1000_maxiter300");
    g.sample_size(10);
    g.bench_function("serial_loop_norm_sqr", |b| {
        b.iter(|| julia_serial(300, &zs, &cs, &mut out))
    });
    g.bench_function("prange_norm_sqr", |b| {
        b.iter(|| julia(300, &zs, &cs, &mut out))
    });
    g.bench_function("prange_norm", |b| {
        b.iter(|| julia_norm(300, &zs, &cs, &mut out))
    });
    g.finish();

    let x = Array1::from_iter((0..50_000_000).map(|k| (k % 1000) as f64 * 1e-3 - 0.5));
    let mut g = c.benchmark_group("sum_exp_5e7");
    g.sample_size(10);
    g.bench_function("serial_loop", |b| {
        b.iter(|| black_box(sum_exp_serial(x.view())))
    });
    g.bench_function("rayon_map_sum", |b| {
        b.iter(|| {
            black_box(
                x.as_slice()
                    .unwrap()
                    .par_iter()
                    .map(|v| v.exp())
                    .sum::<f64>(),
            )
        })
    });
    g.bench_function("prange", |b| b.iter(|| black_box(sum_exp(x.view()))));
    let xs = x.as_slice().unwrap();
    g.bench_function("prange_slice", |b| b.iter(|| black_box(sum_exp_slice(xs))));
    g.finish();
    drop(x);

    let mut out = vec![0.0; 6000];
    let mut g = c.benchmark_group("triangular_6000");
    g.sample_size(10);
    g.bench_function("serial_loop", |b| {
        b.iter(|| {
            for i in 0..out.len() {
                out[i] = work(i);
            }
        })
    });
    g.bench_function("static", |b| b.iter(|| triangle_static(&mut out)));
    g.bench_function("dynamic_chunk4", |b| b.iter(|| triangle_dynamic(&mut out)));
    g.bench_function("guided", |b| b.iter(|| triangle_guided(&mut out)));
    g.bench_function("default_adaptive", |b| {
        b.iter(|| triangle_default(&mut out))
    });
    g.finish();
}

criterion_group!(parallel_loop, benches);
criterion_main!(parallel_loop);
