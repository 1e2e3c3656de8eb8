//! The seed workloads as criterion groups: numbox's serial and parallel versions with the
//! plain-Rust baseline in the same group, at the tour's sizes (the examples have the full ones).
//!
//! `cargo bench --bench seeds -- --warm-up-time 1 --measurement-time 3`

// Every included example carries its own copy of `common` (it must build on its own too).
#![allow(clippy::duplicate_mod)]

#[path = "../examples/common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../examples/seed_1_moving_average.rs"]
mod seed_1;
#[allow(dead_code)]
#[path = "../examples/seed_2_log_exp.rs"]
mod seed_2;
#[allow(dead_code)]
#[path = "../examples/seed_3_add_square.rs"]
mod seed_3;
#[allow(dead_code)]
#[path = "../examples/seed_4_softmax.rs"]
mod seed_4;
#[allow(dead_code)]
#[path = "../examples/seed_5_julia.rs"]
mod seed_5;
#[allow(dead_code)]
#[path = "../examples/seed_6_go_fast.rs"]
mod seed_6;
#[allow(dead_code)]
#[path = "../examples/seed_7_stencils.rs"]
mod seed_7;

use criterion::{criterion_group, criterion_main, Criterion};
use numbox::ndarray::{Array1, Array2};
use numbox::Target;
use std::hint::black_box;

fn data(n: usize, seed: u64) -> Vec<f64> {
    common::uniform(n, seed)
}

fn moving_average(c: &mut Criterion) {
    let (n, w) = (10_000_000, 1000);
    let a = Array1::from(data(n, 1));
    let sl = a.as_slice().unwrap();
    let mut out = Array1::zeros(n);
    let mut out_vec = vec![0.0; n];
    let mut g = c.benchmark_group("seed1_moving_average_1e7_w1000");
    g.sample_size(10);
    g.bench_function("plain_loop_into", |b| {
        b.iter(|| seed_1::move_mean_plain(sl, w, &mut out_vec))
    });
    g.bench_function("guvectorize_call_into", |b| {
        b.iter(|| seed_1::move_mean::call_into(&a, w, &mut out).unwrap())
    });
    g.bench_function("parallel_loop_chunks_into", |b| {
        b.iter(|| seed_1::move_mean_parallel(sl, w, &mut out_vec))
    });
    g.finish();
}

fn log_exp(c: &mut Criterion) {
    let (x, y) = seed_2::inputs(8_000_000);
    let (xs, ys) = (x.as_slice().unwrap(), y.as_slice().unwrap());
    let mut out = vec![0.0; xs.len()];
    let mut g = c.benchmark_group("seed2_ln_exp_ln_8e6");
    g.sample_size(10);
    g.bench_function("plain_iterator", |b| {
        b.iter(|| black_box(seed_2::log_exp_plain(xs, ys)))
    });
    g.bench_function("vectorize_serial", |b| {
        b.iter(|| black_box(seed_2::log_exp::serial().call(&x, &y).unwrap()))
    });
    g.bench_function("vectorize_parallel", |b| {
        b.iter(|| black_box(seed_2::log_exp::call(&x, &y).unwrap()))
    });
    g.bench_function("parallel_loop_into", |b| {
        b.iter(|| seed_2::log_exp_loop(xs, ys, &mut out))
    });
    g.bench_function("thread_scope_into", |b| {
        let t = numbox::get_num_threads();
        b.iter(|| seed_2::log_exp_threads(xs, ys, &mut out, t))
    });
    g.finish();
}

fn add_square(c: &mut Criterion) {
    let (a, b3, c3) = seed_3::inputs(1000);
    let mut out = Array2::zeros((1000, 1000));
    let mut g = c.benchmark_group("seed3_add_square_1000x1000_i64");
    g.bench_function("zip_map_collect", |b| {
        b.iter(|| black_box(seed_3::add_square_plain(&a, &b3, &c3)))
    });
    g.bench_function("vectorize_cpu", |b| {
        b.iter(|| black_box(seed_3::add_square::call(&a, &b3, &c3).unwrap()))
    });
    g.bench_function("vectorize_parallel", |b| {
        b.iter(|| black_box(seed_3::add_square_par::call(&a, &b3, &c3).unwrap()))
    });
    g.bench_function("vectorize_cpu_into", |b| {
        b.iter(|| seed_3::add_square::call_into(&a, &b3, &c3, &mut out).unwrap())
    });
    g.bench_function("vectorize_parallel_into", |b| {
        b.iter(|| seed_3::add_square_par::call_into(&a, &b3, &c3, &mut out).unwrap())
    });
    g.finish();
}

fn softmax(c: &mut Criterion) {
    let z = seed_4::inputs(10_000_000);
    let zs = z.as_slice().unwrap();
    let mut g = c.benchmark_group("seed4_softmax_1e7");
    g.sample_size(10);
    g.bench_function("plain_iterators", |b| {
        b.iter(|| black_box(seed_4::softmax_plain(zs)))
    });
    g.bench_function("ufuncs_serial", |b| {
        b.iter(|| black_box(seed_4::softmax(&z, Target::Serial).unwrap()))
    });
    g.bench_function("ufuncs_parallel", |b| {
        b.iter(|| black_box(seed_4::softmax(&z, Target::Parallel).unwrap()))
    });
    g.bench_function("fused_parallel_loop", |b| {
        b.iter(|| black_box(seed_4::softmax_fused(&z).unwrap()))
    });
    g.finish();
}

fn julia(c: &mut Criterion) {
    let (zs, cs) = seed_5::julia_inputs(1000);
    let mut out = vec![0; zs.len()];
    let grid = Array1::from(zs.clone());
    let k = numbox::num_complex::Complex64::new(-0.62772, -0.42193);
    let mut g = c.benchmark_group("seed5_julia_1000x1000_300");
    g.sample_size(10);
    g.bench_function("plain_loop", |b| {
        b.iter(|| black_box(seed_5::julia_plain(300, &zs, &cs)))
    });
    g.bench_function("parallel_loop_one_thread", |b| {
        b.iter(|| common::on_one_thread(|| seed_5::julia(300, &zs, &cs, &mut out)))
    });
    g.bench_function("parallel_loop", |b| {
        b.iter(|| seed_5::julia(300, &zs, &cs, &mut out))
    });
    g.bench_function("vectorize_complex_parallel", |b| {
        b.iter(|| black_box(seed_5::julia_point::call(&grid, k, 300u32).unwrap()))
    });
    g.finish();
}

fn go_fast(c: &mut Criterion) {
    for n in [100, 4096] {
        let a = Array2::from_shape_vec((n, n), data(n * n, 8)).unwrap();
        let mut g = c.benchmark_group(format!("seed6_go_fast_{n}x{n}"));
        if n > 1000 {
            g.sample_size(10);
        }
        g.bench_function("plain", |b| b.iter(|| black_box(seed_6::go_fast_plain(&a))));
        g.bench_function("serial", |b| {
            b.iter(|| black_box(seed_6::go_fast(&a, Target::Serial).unwrap()))
        });
        g.bench_function("parallel", |b| {
            b.iter(|| black_box(seed_6::go_fast(&a, Target::Parallel).unwrap()))
        });
        g.finish();
    }
}

fn stencils(c: &mut Criterion) {
    let n = 4096;
    let u = Array2::from_shape_vec((n, n), data(n * n, 9)).unwrap();
    let mut out = Array2::zeros((n, n));
    let mut g = c.benchmark_group("seed7_laplace_4096x4096");
    g.sample_size(10);
    g.bench_function("plain_loop", |b| {
        b.iter(|| black_box(seed_7::laplace_plain(&u, false)))
    });
    g.bench_function("stencil_serial", |b| {
        b.iter(|| black_box(seed_7::laplace::call(&u).unwrap()))
    });
    g.bench_function("stencil_parallel", |b| {
        b.iter(|| black_box(seed_7::laplace::parallel().call(&u).unwrap()))
    });
    g.bench_function("stencil_serial_into", |b| {
        b.iter(|| seed_7::laplace::call_into(&u, &mut out).unwrap())
    });
    g.bench_function("stencil_parallel_into", |b| {
        b.iter(|| seed_7::laplace::parallel().call_into(&u, &mut out).unwrap())
    });
    g.bench_function("plain_loop_wrap", |b| {
        b.iter(|| black_box(seed_7::laplace_plain(&u, true)))
    });
    g.bench_function("stencil_wrap_serial", |b| {
        b.iter(|| black_box(seed_7::laplace_wrap::call(&u).unwrap()))
    });
    g.bench_function("stencil_wrap_parallel", |b| {
        b.iter(|| black_box(seed_7::laplace_wrap::parallel().call(&u).unwrap()))
    });
    g.finish();

    let a = Array1::from(data(10_000_000, 10));
    let sl = a.as_slice().unwrap();
    let mut g = c.benchmark_group("seed7_trailing_mean30_1e7");
    g.sample_size(10);
    g.bench_function("plain_loop", |b| {
        b.iter(|| black_box(seed_7::trailing_mean_plain(sl, false)))
    });
    g.bench_function("stencil_serial", |b| {
        b.iter(|| black_box(seed_7::trailing_mean::call(&a).unwrap()))
    });
    g.bench_function("stencil_parallel", |b| {
        b.iter(|| black_box(seed_7::trailing_mean::parallel().call(&a).unwrap()))
    });
    g.bench_function("plain_loop_wrap", |b| {
        b.iter(|| black_box(seed_7::trailing_mean_plain(sl, true)))
    });
    g.bench_function("stencil_wrap_serial", |b| {
        b.iter(|| black_box(seed_7::trailing_mean_wrap::call(&a).unwrap()))
    });
    g.bench_function("stencil_wrap_parallel", |b| {
        b.iter(|| black_box(seed_7::trailing_mean_wrap::parallel().call(&a).unwrap()))
    });
    g.finish();
}

criterion_group!(
    benches,
    moving_average,
    log_exp,
    add_square,
    softmax,
    julia,
    go_fast,
    stencils
);
criterion_main!(benches);
