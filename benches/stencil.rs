//! `#[stencil]` against hand-written loops. Run with
//! `cargo bench --bench stencil -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use numbox::ndarray::{Array1, Array2, Axis};
use numbox::prelude::*;
use numbox::rayon::prelude::*;
use std::hint::black_box;

const N: usize = 4096;

#[stencil]
fn laplace(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "reflect")]
fn laplace_reflect(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(neighborhood = [[-29, 0]])]
fn trailing_mean(a: Neighbors1<f64>) -> f64 {
    let mut s = 0.0;
    for k in -29..=0 {
        s += a[k];
    }
    s / 30.0
}

/// The hand-written interior loop over row slices; the border stays as it is (zero).
fn hand_laplace(u: &Array2<f64>, out: &mut Array2<f64>) {
    let (n, m) = u.dim();
    let src = u.as_slice().unwrap();
    let dst = out.as_slice_mut().unwrap();
    for i in 1..n - 1 {
        let up = &src[(i - 1) * m..i * m];
        let mid = &src[i * m..(i + 1) * m];
        let down = &src[(i + 1) * m..(i + 2) * m];
        let o = &mut dst[i * m..(i + 1) * m];
        for j in 1..m - 1 {
            o[j] = up[j] + down[j] + mid[j - 1] + mid[j + 1] - 4.0 * mid[j];
        }
    }
}

/// The same split by rows on rayon.
fn hand_laplace_par(u: &Array2<f64>, out: &mut Array2<f64>) {
    let (n, m) = u.dim();
    let src = u.as_slice().unwrap();
    out.axis_chunks_iter_mut(Axis(0), 64)
        .into_par_iter()
        .enumerate()
        .for_each(|(c, mut chunk)| {
            let r0 = c * 64;
            for (r, mut o) in chunk.axis_iter_mut(Axis(0)).enumerate() {
                let i = r0 + r;
                if i == 0 || i == n - 1 {
                    continue;
                }
                let o = o.as_slice_mut().unwrap();
                let up = &src[(i - 1) * m..i * m];
                let mid = &src[i * m..(i + 1) * m];
                let down = &src[(i + 1) * m..(i + 2) * m];
                for j in 1..m - 1 {
                    o[j] = up[j] + down[j] + mid[j - 1] + mid[j + 1] - 4.0 * mid[j];
                }
            }
        });
}

fn grid() -> Array2<f64> {
    Array2::from_shape_fn((N, N), |(i, j)| ((i * 31 + j * 17) % 101) as f64 * 0.01)
}

fn laplacian(c: &mut Criterion) {
    let u = grid();
    let mut out = Array2::<f64>::zeros((N, N));
    let mut g = c.benchmark_group("laplace_4096");
    // One read and one write of N*N f64 each (the neighbours come from cache).
    g.throughput(Throughput::Bytes((2 * 8 * N * N) as u64));
    g.sample_size(10);
    g.bench_function("hand_slice_loop_into", |b| {
        b.iter(|| hand_laplace(black_box(&u), &mut out))
    });
    g.bench_function("stencil_call_into", |b| {
        b.iter(|| laplace::call_into(black_box(&u), &mut out).unwrap())
    });
    g.bench_function("stencil_call", |b| {
        b.iter(|| laplace::call(black_box(&u)).unwrap())
    });
    g.bench_function("stencil_reflect_call_into", |b| {
        b.iter(|| laplace_reflect::call_into(black_box(&u), &mut out).unwrap())
    });
    g.bench_function("hand_par_loop_into", |b| {
        b.iter(|| hand_laplace_par(black_box(&u), &mut out))
    });
    g.bench_function("stencil_parallel_call_into", |b| {
        b.iter(|| {
            laplace::parallel()
                .call_into(black_box(&u), &mut out)
                .unwrap()
        })
    });
    g.bench_function("stencil_parallel_call", |b| {
        b.iter(|| laplace::parallel().call(black_box(&u)).unwrap())
    });
    g.finish();
}

fn views(c: &mut Criterion) {
    let u = grid();
    let t = u.t();
    let mut out = Array2::<f64>::zeros((N, N));
    let mut g = c.benchmark_group("laplace_4096_layouts");
    g.throughput(Throughput::Bytes((2 * 8 * N * N) as u64));
    g.sample_size(10);
    g.bench_function("c_order", |b| {
        b.iter(|| laplace::call_into(black_box(&u), &mut out).unwrap())
    });
    g.bench_function("transposed_view", |b| {
        b.iter(|| laplace::call_into(black_box(&t), &mut out).unwrap())
    });
    g.bench_function("transposed_copy_then_call", |b| {
        b.iter(|| {
            let c = t.as_standard_layout();
            laplace::call_into(black_box(&c), &mut out).unwrap()
        })
    });
    g.finish();
}

fn trailing(c: &mut Criterion) {
    let n = 10_000_000;
    let x = Array1::from_shape_fn(n, |i| (i % 977) as f64);
    let mut out = Array1::<f64>::zeros(n);
    let mut g = c.benchmark_group("trailing_mean_30_1e7");
    g.throughput(Throughput::Bytes((2 * 8 * n) as u64));
    g.sample_size(10);
    g.bench_function("hand_loop_into", |b| {
        b.iter(|| {
            let x = black_box(x.as_slice().unwrap());
            let o = out.as_slice_mut().unwrap();
            for i in 29..n {
                let mut s = 0.0;
                for v in &x[i - 29..=i] {
                    s += v;
                }
                o[i] = s / 30.0;
            }
        })
    });
    g.bench_function("stencil_call_into", |b| {
        b.iter(|| trailing_mean::call_into(black_box(&x), &mut out).unwrap())
    });
    g.bench_function("stencil_call", |b| {
        b.iter(|| trailing_mean::call(black_box(&x)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, laplacian, views, trailing);
criterion_main!(benches);
