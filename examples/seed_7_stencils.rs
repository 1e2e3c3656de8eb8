//! Seed workload 7: Numba's `@stencil` examples, the 5-point Laplacian on a 4096x4096 grid
//! and a trailing 30-point mean over 10^7 values, each with Numba's default border (points
//! whose neighbourhood leaves the array are not computed and hold 0) and with `"wrap"`.
//!
//! ```text
//! cargo run --release --example seed_7_stencils            # 4096x4096 and 10^7
//! cargo run --release --example seed_7_stencils -- --quick # 410x410 and 10^5
//! ```

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::{Array1, Array2};
use numbox::prelude::*;

/// The 5-point Laplacian; the border holds 0 (Numba's behaviour).
#[stencil]
pub fn laplace(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

/// The 5-point Laplacian on a periodic grid (scipy.ndimage's `mode="wrap"`).
#[stencil(mode = "wrap")]
pub fn laplace_wrap(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

/// The mean of the last 30 values; the first 29 outputs hold 0.
#[stencil(neighborhood = [[-29, 0]])]
pub fn trailing_mean(a: Neighbors1<f64>) -> f64 {
    let mut s = 0.0;
    for k in -29..=0 {
        s += a[k];
    }
    s / 30.0
}

/// The trailing mean with the series wrapped around (the first outputs read its end).
#[stencil(neighborhood = [[-29, 0]], mode = "wrap")]
pub fn trailing_mean_wrap(a: Neighbors1<f64>) -> f64 {
    let mut s = 0.0;
    for k in -29..=0 {
        s += a[k];
    }
    s / 30.0
}

/// Plain-Rust Laplacian, index arithmetic; `wrap` reads across the edges, otherwise the
/// border holds 0.
pub fn laplace_plain(u: &Array2<f64>, wrap: bool) -> Array2<f64> {
    let (n0, n1) = u.dim();
    let mut out = Array2::zeros((n0, n1));
    let u = u.as_slice().expect("a C-order grid");
    let o = out.as_slice_mut().unwrap();
    if wrap {
        for i in 0..n0 {
            let (up, dn) = ((i + n0 - 1) % n0, (i + 1) % n0);
            for j in 0..n1 {
                let (l, r) = ((j + n1 - 1) % n1, (j + 1) % n1);
                o[i * n1 + j] = u[up * n1 + j] + u[dn * n1 + j] + u[i * n1 + l] + u[i * n1 + r]
                    - 4.0 * u[i * n1 + j];
            }
        }
    } else {
        for i in 1..n0.saturating_sub(1) {
            for j in 1..n1.saturating_sub(1) {
                let k = i * n1 + j;
                o[k] = u[k - n1] + u[k + n1] + u[k - 1] + u[k + 1] - 4.0 * u[k];
            }
        }
    }
    out
}

/// Plain-Rust trailing mean over 30 values, summed in the stencil's order.
pub fn trailing_mean_plain(a: &[f64], wrap: bool) -> Vec<f64> {
    let n = a.len();
    (0..n)
        .map(|i| {
            let mut s = 0.0;
            if wrap {
                for k in (0..30).rev() {
                    s += a[(i + n * 30 - k) % n];
                }
            } else if i >= 29 {
                for k in (0..30).rev() {
                    s += a[i - k];
                }
            }
            s / 30.0
        })
        .collect()
}

fn grid(n: usize) -> Array2<f64> {
    Array2::from_shape_vec((n, n), uniform(n * n, 9)).unwrap()
}

/// Times every variant: the Laplacian on `scale` x 4096^2 points, the mean on `scale` x 10^7.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let n = scaled_side(4096, scale, 8);
    let u = grid(n);
    let m = scaled(10_000_000, scale, 100);
    let a = Array1::from(uniform(m, 10));
    let asl = a.as_slice().unwrap();

    let lap = laplace::call(&u)?;
    assert_eq!(lap, laplace_plain(&u, false), "laplace, default border");
    assert_eq!(laplace::parallel().call(&u)?, lap, "laplace parallel");
    let lapw = laplace_wrap::call(&u)?;
    assert_eq!(lapw, laplace_plain(&u, true), "laplace, wrap");
    assert_eq!(
        laplace_wrap::parallel().call(&u)?,
        lapw,
        "laplace wrap parallel"
    );
    let tm = trailing_mean::call(&a)?;
    assert_eq!(
        tm.to_vec(),
        trailing_mean_plain(asl, false),
        "trailing mean"
    );
    assert_eq!(
        trailing_mean::parallel().call(&a)?,
        tm,
        "trailing mean parallel"
    );
    let tmw = trailing_mean_wrap::call(&a)?;
    assert_eq!(
        tmw.to_vec(),
        trailing_mean_plain(asl, true),
        "trailing mean, wrap"
    );
    drop((lap, lapw, tm, tmw));

    let mut out = Array2::zeros((n, n));
    let w1 = format!("7a Laplacian, {n}x{n} f64, default border");
    let w2 = format!("7b Laplacian, {n}x{n} f64, wrap");
    let w3 = format!("7c trailing 30-point mean, {m} f64, default border");
    let w4 = format!("7d trailing 30-point mean, {m} f64, wrap");
    Ok(vec![
        timing(
            &w1,
            BASELINE,
            "plain index loop",
            median_secs(reps, || laplace_plain(&u, false)),
        ),
        timing(
            &w1,
            SERIAL,
            "#[stencil] laplace::call",
            median_secs(reps, || laplace::call(&u).unwrap()),
        ),
        timing(
            &w1,
            PARALLEL,
            "#[stencil] laplace::parallel().call",
            median_secs(reps, || laplace::parallel().call(&u).unwrap()),
        ),
        timing(
            &w1,
            EXTRA,
            "laplace::call_into (serial, preallocated)",
            median_secs(reps, || laplace::call_into(&u, &mut out).unwrap()),
        ),
        timing(
            &w1,
            EXTRA,
            "laplace::parallel().call_into (preallocated)",
            median_secs(reps, || {
                laplace::parallel().call_into(&u, &mut out).unwrap()
            }),
        ),
        timing(
            &w2,
            BASELINE,
            "plain index loop, % for the wrap",
            median_secs(reps, || laplace_plain(&u, true)),
        ),
        timing(
            &w2,
            SERIAL,
            "#[stencil(mode = \"wrap\")] ::call",
            median_secs(reps, || laplace_wrap::call(&u).unwrap()),
        ),
        timing(
            &w2,
            PARALLEL,
            "#[stencil(mode = \"wrap\")] ::parallel().call",
            median_secs(reps, || laplace_wrap::parallel().call(&u).unwrap()),
        ),
        timing(
            &w3,
            BASELINE,
            "plain loop",
            median_secs(reps, || trailing_mean_plain(asl, false)),
        ),
        timing(
            &w3,
            SERIAL,
            "#[stencil] trailing_mean::call",
            median_secs(reps, || trailing_mean::call(&a).unwrap()),
        ),
        timing(
            &w3,
            PARALLEL,
            "#[stencil] trailing_mean::parallel().call",
            median_secs(reps, || trailing_mean::parallel().call(&a).unwrap()),
        ),
        timing(
            &w4,
            BASELINE,
            "plain loop, % for the wrap",
            median_secs(reps, || trailing_mean_plain(asl, true)),
        ),
        timing(
            &w4,
            SERIAL,
            "#[stencil(mode = \"wrap\")] ::call",
            median_secs(reps, || trailing_mean_wrap::call(&a).unwrap()),
        ),
        timing(
            &w4,
            PARALLEL,
            "#[stencil(mode = \"wrap\")] ::parallel().call",
            median_secs(reps, || trailing_mean_wrap::parallel().call(&a).unwrap()),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main("Seed 7: stencils, default and wrap borders", 0.01, run)
}
