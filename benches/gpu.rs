//! The GPU target beside the CPU path: an elementwise f32 kernel on device-resident data
//! (the result stays on the device; each sample waits for the kernel to finish) and the
//! same kernel on the CPU, serial and parallel.
//! `NUMBOX_GPU_BENCH_N` sets the length (default 2^22).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numbox::gpu::Device;
use numbox::ndarray::Array1;
use numbox::prelude::*;
use std::hint::black_box;
use std::time::Duration;

#[vectorize(target = "gpu")]
fn axpy(a: f32, x: f32, y: f32) -> f32 {
    a * x + y
}

fn len() -> usize {
    std::env::var("NUMBOX_GPU_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 22)
}

fn elementwise(c: &mut Criterion) {
    let n = len();
    let x = Array1::from_shape_fn(n, |i| (i % 1000) as f32 * 1e-3);
    let y = Array1::from_shape_fn(n, |i| (i % 777) as f32 * 1e-3);
    let mut g = c.benchmark_group("gpu_axpy_f32");
    // Read 2 arrays, write 1: 12 bytes per element.
    g.throughput(Throughput::Bytes(12 * n as u64));
    g.bench_with_input(BenchmarkId::new("cpu_serial", n), &n, |b, _| {
        b.iter(|| axpy::serial().call(2.0f32, black_box(&x), &y).unwrap())
    });
    g.bench_with_input(BenchmarkId::new("cpu_parallel", n), &n, |b, _| {
        b.iter(|| axpy::parallel().call(2.0f32, black_box(&x), &y).unwrap())
    });
    match Device::default() {
        Ok(device) => {
            let dx = device.upload(&x).unwrap();
            let dy = device.upload(&y).unwrap();
            let mut out = device.zeros::<f32, _>(dx.raw_dim()).unwrap();
            g.bench_with_input(
                BenchmarkId::new(format!("gpu_resident[{}]", device.name()), n),
                &n,
                |b, _| {
                    b.iter(|| {
                        axpy::gpu().call_into(2.0f32, &dx, &dy, &mut out).unwrap();
                        device.synchronize().unwrap();
                    })
                },
            );
        }
        Err(e) => eprintln!("gpu bench skipped: {e}"),
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(3));
    targets = elementwise
}
criterion_main!(benches);
