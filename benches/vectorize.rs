//! `#[vectorize]` against hand-written `Zip` / loop / rayon baselines, in the same groups.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numbox::ndarray::{Array1, Array2, Axis, Zip};
use numbox::prelude::*;
use std::hint::black_box;
use std::time::Duration;

#[vectorize]
fn axpy(x: f64, y: f64) -> f64 {
    2.5 * x + y
}

/// Associative, so the reductions measure the regrouped (fixed-grid) paths.
#[vectorize(identity = 0.0, associative)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// The same addition without `associative`: reductions are strict left folds.
#[vectorize(identity = 0.0)]
fn add_left_fold(x: f64, y: f64) -> f64 {
    x + y
}

#[vectorize(target = "parallel")]
fn heavy(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

fn data(n: usize, k: f64) -> Array1<f64> {
    Array1::from_shape_fn(n, |i| 1.0 + ((i * 7919) % 1000) as f64 * k)
}

fn contiguous(c: &mut Criterion) {
    let mut g = c.benchmark_group("contiguous_binary");
    for &n in &[1_000usize, 100_000, 10_000_000] {
        let (a, b) = (data(n, 1e-3), data(n, 2e-3));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("zip_map_collect", n), &n, |bch, _| {
            bch.iter(|| Zip::from(&a).and(&b).map_collect(|&x, &y| 2.5 * x + y))
        });
        g.bench_with_input(BenchmarkId::new("numbox_call", n), &n, |bch, _| {
            bch.iter(|| axpy::call(&a, &b).unwrap())
        });
        let mut out = Array1::zeros(n);
        g.bench_with_input(BenchmarkId::new("zip_into", n), &n, |bch, _| {
            bch.iter(|| {
                Zip::from(&mut out)
                    .and(&a)
                    .and(&b)
                    .for_each(|o, &x, &y| *o = 2.5 * x + y)
            })
        });
        let mut out = Array1::zeros(n);
        g.bench_with_input(BenchmarkId::new("numbox_call_into", n), &n, |bch, _| {
            bch.iter(|| axpy::call_into(&a, &b, &mut out).unwrap())
        });
    }
    g.finish();
}

fn row_broadcast(c: &mut Criterion) {
    let mut g = c.benchmark_group("row_broadcast_2000x2000");
    let a = Array2::from_shape_fn((2000, 2000), |(i, j)| (i * 2000 + j) as f64 * 1e-6);
    let row = data(2000, 1e-3);
    g.bench_function("zip_and_broadcast", |bch| {
        bch.iter(|| {
            Zip::from(&a)
                .and_broadcast(&row)
                .map_collect(|&x, &y| 2.5 * x + y)
        })
    });
    g.bench_function("numbox_call", |bch| {
        bch.iter(|| axpy::call(&a, &row).unwrap())
    });
    g.finish();
}

fn compute_heavy(c: &mut Criterion) {
    let mut g = c.benchmark_group("ln_exp_ln_4e6");
    let n = 4_000_000;
    let (x, y) = (data(n, 1e-4), data(n, 3e-3));
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("plain_loop", |bch| {
        bch.iter(|| {
            let (xs, ys) = (x.as_slice().unwrap(), y.as_slice().unwrap());
            xs.iter()
                .zip(ys)
                .map(|(&a, &b)| (a.exp() * b.ln()).ln())
                .collect::<Vec<f64>>()
        })
    });
    g.bench_function("numbox_serial", |bch| {
        bch.iter(|| heavy::serial().call(&x, &y).unwrap())
    });
    g.bench_function("numbox_parallel", |bch| {
        bch.iter(|| heavy::parallel().call(&x, &y).unwrap())
    });
    g.bench_function("zip_par_map_collect", |bch| {
        bch.iter(|| {
            Zip::from(&x)
                .and(&y)
                .par_map_collect(|&a, &b| (a.exp() * b.ln()).ln())
        })
    });
    g.finish();
}

fn overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("call_overhead_1_element");
    let (a, b) = (data(1, 1.0), data(1, 2.0));
    g.bench_function("zip_map_collect", |bch| {
        bch.iter(|| {
            Zip::from(black_box(&a))
                .and(black_box(&b))
                .map_collect(|&x, &y| 2.5 * x + y)
        })
    });
    g.bench_function("numbox_call", |bch| {
        bch.iter(|| axpy::call(black_box(&a), black_box(&b)).unwrap())
    });
    let mut out = Array1::zeros(1);
    g.bench_function("numbox_call_into", |bch| {
        bch.iter(|| axpy::call_into(black_box(&a), black_box(&b), &mut out).unwrap())
    });
    g.finish();
}

fn reductions(c: &mut Criterion) {
    let mut g = c.benchmark_group("reduce_4096x4096");
    let a = Array2::from_shape_fn((4096, 4096), |(i, j)| ((i * 4096 + j) % 1009) as f64);
    g.throughput(Throughput::Bytes((a.len() * 8) as u64));
    for axis in 0..2 {
        g.bench_function(format!("sum_axis_{axis}"), |bch| {
            bch.iter(|| a.sum_axis(Axis(axis)))
        });
        g.bench_function(format!("numbox_reduce_axis_{axis}"), |bch| {
            bch.iter(|| add::reduce(&a, Axis(axis)).unwrap())
        });
        g.bench_function(format!("numbox_parallel_reduce_axis_{axis}"), |bch| {
            bch.iter(|| add::parallel().reduce(&a, Axis(axis)).unwrap())
        });
    }
    g.bench_function("ndarray_sum", |bch| bch.iter(|| a.sum()));
    g.bench_function("numbox_reduce_all", |bch| {
        bch.iter(|| add::reduce_all(&a).unwrap())
    });
    g.bench_function("numbox_parallel_reduce_all", |bch| {
        bch.iter(|| add::parallel().reduce_all(&a).unwrap())
    });
    g.bench_function("numbox_left_fold_reduce_all", |bch| {
        bch.iter(|| add_left_fold::reduce_all(&a).unwrap())
    });
    g.bench_function("numbox_left_fold_parallel_reduce_axis_0", |bch| {
        bch.iter(|| add_left_fold::parallel().reduce(&a, Axis(0)).unwrap())
    });
    g.finish();
}

#[vectorize]
fn tanh_libm(x: f64) -> f64 {
    x.tanh()
}

#[vectorize]
fn tanh_numbox(x: f64) -> f64 {
    numbox::math::tanh(x)
}

#[vectorize]
fn exp_libm(x: f64) -> f64 {
    x.exp()
}

#[vectorize]
fn exp_numbox(x: f64) -> f64 {
    numbox::math::exp(x)
}

fn vector_math(c: &mut Criterion) {
    let mut g = c.benchmark_group("math_4e6");
    let x = data(4_000_000, 1e-3);
    let mut out = Array1::zeros(x.len());
    g.throughput(Throughput::Elements(x.len() as u64));
    g.bench_function("tanh_libm_loop", |bch| {
        bch.iter(|| Zip::from(&mut out).and(&x).for_each(|o, &v| *o = v.tanh()))
    });
    g.bench_function("tanh_libm_kernel", |bch| {
        bch.iter(|| tanh_libm::call_into(&x, &mut out).unwrap())
    });
    g.bench_function("tanh_numbox_math_kernel", |bch| {
        bch.iter(|| tanh_numbox::call_into(&x, &mut out).unwrap())
    });
    g.bench_function("exp_libm_kernel", |bch| {
        bch.iter(|| exp_libm::call_into(&x, &mut out).unwrap())
    });
    g.bench_function("exp_numbox_math_kernel", |bch| {
        bch.iter(|| exp_numbox::call_into(&x, &mut out).unwrap())
    });
    g.finish();
}

/// Seed 2's chained kernel under `fastmath`: two `ln`s and an `exp` in one body.
#[vectorize(fastmath)]
fn ln_exp_ln_fast(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

/// A chain of plain arithmetic with a square root and a division.
#[vectorize]
fn sqrt_chain(x: f64, y: f64) -> f64 {
    (x * 1.5 + y).sqrt() * x - y / 3.0
}

/// Chained kernels in the executor against the same chain in a plain slice loop, on data
/// that stays in cache: a kernel the executor fails to inline or vectorize shows as a gap
/// (the plain loop is compiled for the baseline CPU, the kernel for the chosen tier).
fn chained(c: &mut Criterion) {
    let mut g = c.benchmark_group("chained_65536");
    let n = 1 << 16;
    let (x, y) = (data(n, 1e-3), data(n, 2e-3));
    let (xs, ys) = (x.as_slice().unwrap(), y.as_slice().unwrap());
    let mut out = Array1::zeros(n);
    let mut o = vec![0.0; n];
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("ln_exp_ln_fastmath_kernel", |bch| {
        bch.iter(|| {
            ln_exp_ln_fast::serial()
                .call_into(&x, &y, &mut out)
                .unwrap()
        })
    });
    g.bench_function("ln_exp_ln_numbox_math_plain_loop", |bch| {
        bch.iter(|| {
            for ((o, &a), &b) in o.iter_mut().zip(xs).zip(ys) {
                *o = numbox::math::ln(numbox::math::exp(a) * numbox::math::ln(b));
            }
        })
    });
    g.bench_function("sqrt_chain_kernel", |bch| {
        bch.iter(|| sqrt_chain::serial().call_into(&x, &y, &mut out).unwrap())
    });
    g.bench_function("sqrt_chain_plain_loop", |bch| {
        bch.iter(|| {
            for ((o, &a), &b) in o.iter_mut().zip(xs).zip(ys) {
                *o = (a * 1.5 + b).sqrt() * a - b / 3.0;
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(15).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = contiguous, row_broadcast, compute_heavy, overhead, reductions, vector_math, chained
}
criterion_main!(benches);
