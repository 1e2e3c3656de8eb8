//! `#[guvectorize]` against hand-written loops, baselines in the same group.
//!
//! `cargo bench --bench guvectorize -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion};
use numbox::ndarray::{Array1, Array2, ArrayView1, ArrayViewMut1, Axis};
use numbox::prelude::*;
use std::hint::black_box;

// The seed workload: Numba's guvectorize tutorial kernel, a running sum.
#[guvectorize("(n),()->(n)")]
fn moving_average(a: ArrayView1<f64>, window: usize, mut out: ArrayViewMut1<f64>) {
    let mut asum = 0.0;
    let mut count = 0.0;
    for i in 0..window.min(a.len()) {
        asum += a[i];
        count += 1.0;
        out[i] = asum / count;
    }
    for i in window.min(a.len())..a.len() {
        asum += a[i] - a[i - window];
        out[i] = asum / count;
    }
}

/// The same kernel by hand, on slices.
fn moving_average_hand(a: &[f64], window: usize, out: &mut [f64]) {
    let mut asum = 0.0;
    let mut count = 0.0;
    for i in 0..window.min(a.len()) {
        asum += a[i];
        count += 1.0;
        out[i] = asum / count;
    }
    for i in window.min(a.len())..a.len() {
        asum += a[i] - a[i - window];
        out[i] = asum / count;
    }
}

#[guvectorize("(n)->()")]
fn row_mean(x: ArrayView1<f64>) -> f64 {
    x.sum() / x.len() as f64
}

fn data(n: usize) -> Vec<f64> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

fn moving(c: &mut Criterion) {
    const N: usize = 10_000_000;
    const W: usize = 1000;
    let x = Array1::from(data(N));
    let mut out = Array1::<f64>::zeros(N);
    let mut g = c.benchmark_group("moving_average_1e7_w1000");
    g.sample_size(10);
    g.bench_function("hand_loop_alloc", |b| {
        b.iter(|| {
            let mut o = vec![0.0; N];
            moving_average_hand(x.as_slice().unwrap(), W, &mut o);
            black_box(o)
        })
    });
    g.bench_function("numbox_call", |b| {
        b.iter(|| black_box(moving_average::call(&x, W).unwrap()))
    });
    g.bench_function("hand_loop_into", |b| {
        b.iter(|| moving_average_hand(x.as_slice().unwrap(), W, out.as_slice_mut().unwrap()))
    });
    g.bench_function("numbox_call_into", |b| {
        b.iter(|| moving_average::call_into(&x, W, &mut out).unwrap())
    });
    // 8 rows: what the parallel target can split.
    let x8 = x.view().into_shape_with_order((8, N / 8)).unwrap();
    let mut out8 = Array2::<f64>::zeros((8, N / 8));
    g.bench_function("numbox_8rows_serial_into", |b| {
        b.iter(|| {
            moving_average::serial()
                .call_into(x8, W, &mut out8)
                .unwrap()
        })
    });
    g.bench_function("numbox_8rows_parallel_into", |b| {
        b.iter(|| {
            moving_average::parallel()
                .call_into(x8, W, &mut out8)
                .unwrap()
        })
    });
    g.bench_function("hand_rayon_8rows_into", |b| {
        use numbox::rayon::prelude::*;
        let rows: Vec<&[f64]> = x.as_slice().unwrap().chunks(N / 8).collect();
        b.iter(|| {
            out8.as_slice_mut()
                .unwrap()
                .par_chunks_mut(N / 8)
                .zip(rows.par_iter())
                .for_each(|(o, r)| moving_average_hand(r, W, o))
        })
    });
    g.bench_function("numbox_8rows_parallel_call", |b| {
        b.iter(|| black_box(moving_average::parallel().call(x8, W).unwrap()))
    });
    g.finish();
}

fn means(c: &mut Criterion) {
    let a = Array2::from_shape_vec((100_000, 64), data(100_000 * 64)).unwrap();
    let mut g = c.benchmark_group("row_mean_100000x64");
    g.sample_size(20);
    g.bench_function("hand_row_loop", |b| {
        b.iter(|| {
            let m: Array1<f64> = a
                .rows()
                .into_iter()
                .map(|r| r.sum() / r.len() as f64)
                .collect();
            black_box(m)
        })
    });
    g.bench_function("ndarray_mean_axis", |b| {
        b.iter(|| black_box(a.mean_axis(Axis(1)).unwrap()))
    });
    g.bench_function("numbox_serial", |b| {
        b.iter(|| black_box(row_mean::serial().call(&a).unwrap()))
    });
    g.bench_function("numbox_parallel", |b| {
        b.iter(|| black_box(row_mean::parallel().call(&a).unwrap()))
    });
    let mut m = Array1::<f64>::zeros(100_000);
    g.bench_function("hand_row_loop_into", |b| {
        b.iter(|| {
            for (o, r) in m.iter_mut().zip(a.rows()) {
                *o = r.sum() / r.len() as f64;
            }
        })
    });
    g.bench_function("numbox_serial_into", |b| {
        b.iter(|| row_mean::serial().call_into(&a, &mut m).unwrap())
    });
    g.finish();
}

criterion_group!(benches, moving, means);
criterion_main!(benches);
