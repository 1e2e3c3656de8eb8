//! Seed workload g: the 5-point Laplacian on a 4096x4096 grid, Numba's `@stencil` example,
//! with a boundary mode Numba does not have.
//!
//! `cargo run --release --example stencil_laplace`

use numbox::ndarray::Array2;
use numbox::prelude::*;
use std::time::Instant;

/// Numba's behaviour: border points are not computed and hold 0.
#[stencil]
fn laplace(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

/// scipy.ndimage's `mode="reflect"`: every point computed, the grid mirrored at its edges.
#[stencil(mode = "reflect", target = "parallel")]
fn laplace_reflect(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

/// Median wall time in ms (the statistic of `seeds_bench.py`).
fn median<R>(reps: usize, mut f: impl FnMut() -> R) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[reps / 2]
}

fn main() -> numbox::Result<()> {
    let n = 4096;
    let grid = Array2::from_shape_fn((n, n), |(i, j)| ((i * 31 + j * 17) % 101) as f64 * 0.01);
    let mut out = Array2::zeros((n, n));

    let serial = laplace::call(&grid)?;
    let parallel = laplace::parallel().call(&grid)?;
    assert_eq!(serial, parallel, "parallel results are bitwise identical");
    let reflect = laplace_reflect::call(&grid)?;
    println!(
        "corner: default {} / reflect {}",
        serial[[0, 0]],
        reflect[[0, 0]]
    );

    println!("laplace 4096x4096, median of 7 (ms):");
    println!(
        "  call (serial)          {:7.1}",
        median(7, || laplace::call(&grid))
    );
    println!(
        "  call_into (serial)     {:7.1}",
        median(7, || laplace::call_into(&grid, &mut out))
    );
    println!(
        "  call (parallel)        {:7.1}",
        median(7, || laplace::parallel().call(&grid))
    );
    println!(
        "  call_into (parallel)   {:7.1}",
        median(7, || laplace::parallel().call_into(&grid, &mut out))
    );
    println!(
        "  reflect call_into (par){:7.1}",
        median(7, || laplace_reflect::call_into(&grid, &mut out))
    );
    Ok(())
}
