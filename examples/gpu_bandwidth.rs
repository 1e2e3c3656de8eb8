//! Memory bandwidth of the GPU target on whatever device is present, over device-resident
//! data (`call_into` a resident output), timed around `Device::synchronize`: an elementwise
//! f32 kernel (4 bytes read and 4 written per element) and a 5-point f32 Laplacian
//! `#[stencil]` (at least 4 bytes read and 4 written per point: the neighbours' reads hit
//! the cache). Each result is checked against the CPU path. Prints one table row for each.
//!
//! `cargo run --features gpu --example gpu_bandwidth -- [N] [REPS] [SIDE]` (default 10^8
//! elements, 20 repetitions, an 8192x8192 grid).

use numbox::gpu::Device;
use numbox::ndarray::{Array1, Array2};
use numbox::prelude::*;
use std::time::Instant;

#[vectorize(target = "gpu")]
fn scale(x: f32) -> f32 {
    2.0 * x + 1.0
}

#[stencil(mode = "nearest", target = "gpu")]
fn laplacian(a: Neighbors2<f32>) -> f32 {
    a[[-1, 0]] + a[[1, 0]] + a[[0, -1]] + a[[0, 1]] - 4.0 * a[[0, 0]]
}

fn main() -> numbox::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000_000);
    let reps: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let side: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8192);
    let device = Device::default()?;
    let x = Array1::from_shape_fn(n, |i| (i % 1024) as f32);
    let dx = device.upload(&x)?;
    let mut out = device.zeros::<f32, _>(dx.raw_dim())?;
    // Warm-up: compiles the kernel (or loads it from the cache) and touches the buffers.
    scale::gpu().call_into(&dx, &mut out)?;
    device.synchronize()?;
    let t = Instant::now();
    for _ in 0..reps {
        scale::gpu().call_into(&dx, &mut out)?;
    }
    device.synchronize()?;
    let secs = t.elapsed().as_secs_f64();
    // Checked against plain Rust, so that a fast wrong kernel cannot pass.
    let got = out.download()?;
    let bad = got
        .iter()
        .zip(&x)
        .filter(|(g, x)| **g != 2.0 * **x + 1.0)
        .count();
    if bad != 0 {
        eprintln!("{bad} wrong elements");
        std::process::exit(1);
    }
    let gbs = 8.0 * n as f64 * f64::from(reps) / secs / 1e9;
    println!(
        "| {} | elementwise f32 (resident) | {n} | {:.3} ms | {gbs:.1} GB/s |",
        device.name(),
        secs * 1e3 / f64::from(reps)
    );

    let grid = Array2::from_shape_fn((side, side), |(i, j)| ((i * 7 + j * 3) % 1024) as f32);
    let dg = device.upload(&grid)?;
    let mut lap = device.zeros::<f32, _>(dg.raw_dim())?;
    laplacian::gpu().call_into(&dg, &mut lap)?;
    device.synchronize()?;
    let t = Instant::now();
    for _ in 0..reps {
        laplacian::gpu().call_into(&dg, &mut lap)?;
    }
    device.synchronize()?;
    let secs = t.elapsed().as_secs_f64();
    // The CPU stencil is the reference (small integers: every sum is exact, so the two agree
    // bit for bit even on a GPU that fuses multiply-add).
    if lap.download()? != laplacian::call(&grid)? {
        eprintln!("the GPU Laplacian differs from the CPU one");
        std::process::exit(1);
    }
    let points = (side * side) as f64;
    let gbs = 8.0 * points * f64::from(reps) / secs / 1e9;
    println!(
        "| {} | 5-point Laplacian f32 (resident) | {side}x{side} | {:.3} ms | {gbs:.1} GB/s |",
        device.name(),
        secs * 1e3 / f64::from(reps)
    );
    Ok(())
}
