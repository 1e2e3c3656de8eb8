//! The fixed cost of run-time dispatch: `call_dyn` against calling the same typed function
//! directly, on 1 element (fixed cost) and on 10^6 elements (no cast: should be ~1.0x).
//!
//! `cargo bench --bench dispatch -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use numbox::dispatch::{call_dyn, Loop};
use numbox::ndarray::{ArrayD, ArrayViewD, IxDyn, Zip};
use numbox::{DType, DynArray, DynUfunc, Result, Signature, Target};
use std::hint::black_box;

/// The typed kernel both sides run.
fn add_f64(a: &ArrayViewD<'_, f64>, b: &ArrayViewD<'_, f64>) -> ArrayD<f64> {
    Zip::from(a).and(b).map_collect(|&x, &y| x + y)
}

fn run_f64(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
    let (a, b) = (inputs[0].view::<f64>()?, inputs[1].view::<f64>()?);
    Ok(vec![add_f64(&a, &b).into()])
}

fn run_f32(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
    let (a, b) = (inputs[0].view::<f32>()?, inputs[1].view::<f32>()?);
    Ok(vec![Zip::from(&a)
        .and(&b)
        .map_collect(|&x, &y| x + y)
        .into()])
}

/// The f64 loop is second, so selection tries and rejects one signature first.
static LOOPS: [Loop; 2] = [
    Loop {
        signature: Signature::new(&[DType::F32, DType::F32], &[DType::F32]),
        run: run_f32,
    },
    Loop {
        signature: Signature::new(&[DType::F64, DType::F64], &[DType::F64]),
        run: run_f64,
    },
];

fn bench_sizes(c: &mut Criterion) {
    let ufunc = DynUfunc::new("add", 2, 1, &LOOPS[..], Target::Serial);
    for n in [1usize, 1_000_000] {
        let a = ArrayD::from_shape_fn(IxDyn(&[n]), |i| i[0] as f64);
        let b = ArrayD::from_elem(IxDyn(&[n]), 0.5f64);
        let (da, db) = (DynArray::from(a.clone()), DynArray::from(b.clone()));
        let mut group = c.benchmark_group(format!("add_f64_{n}"));
        group.bench_function(BenchmarkId::new("typed", n), |bench| {
            bench.iter(|| add_f64(&black_box(&a).view(), &black_box(&b).view()))
        });
        group.bench_function(BenchmarkId::new("call_dyn", n), |bench| {
            bench.iter(|| {
                call_dyn(
                    "add",
                    &LOOPS,
                    &[black_box(&da), black_box(&db)],
                    Target::Serial,
                )
                .unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("DynUfunc::call_single", n), |bench| {
            bench.iter(|| {
                ufunc
                    .call_single(&[black_box(&da), black_box(&db)])
                    .unwrap()
            })
        });
        group.finish();
    }
}

/// With a cast: int32 + float64 selects dd->d and converts the int32 input first.
fn bench_cast(c: &mut Criterion) {
    let n = 1_000_000;
    let a = ArrayD::from_shape_fn(IxDyn(&[n]), |i| i[0] as i32);
    let b = ArrayD::from_elem(IxDyn(&[n]), 0.5f64);
    let (da, db) = (DynArray::from(a.clone()), DynArray::from(b.clone()));
    let mut group = c.benchmark_group("add_i32_f64_1000000");
    group.bench_function("typed_after_mapv_cast", |bench| {
        bench.iter(|| add_f64(&black_box(&a).mapv(f64::from).view(), &black_box(&b).view()))
    });
    group.bench_function("call_dyn", |bench| {
        bench.iter(|| {
            call_dyn(
                "add",
                &LOOPS,
                &[black_box(&da), black_box(&db)],
                Target::Serial,
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_sizes, bench_cast);
criterion_main!(benches);
