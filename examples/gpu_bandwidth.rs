//! Memory bandwidth of the GPU target on whatever device is present: an elementwise f32
//! kernel over device-resident data (`call_into` a resident output: 4 bytes read and 4
//! written per element), timed around `Device::synchronize`. Prints one table row.
//!
//! `cargo run --features gpu --example gpu_bandwidth -- [N] [REPS]` (default 10^8, 20).

use numbox::gpu::Device;
use numbox::ndarray::Array1;
use numbox::prelude::*;
use std::time::Instant;

#[vectorize(target = "gpu")]
fn scale(x: f32) -> f32 {
    2.0 * x + 1.0
}

fn main() -> numbox::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000_000);
    let reps: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
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
    Ok(())
}
