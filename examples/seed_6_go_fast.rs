//! Seed workload 6: Numba's five-minute-guide `go_fast`, the trace of `tanh` of the diagonal
//! added to every element, on a 100x100 and a 4096x4096 array.
//!
//! ```text
//! cargo run --release --example seed_6_go_fast            # 100x100 and 4096x4096
//! cargo run --release --example seed_6_go_fast -- --quick # 100x100 and 410x410
//! ```

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::{Array2, ArrayView2};
use numbox::prelude::*;

/// `sum(tanh(a[i, i]))`: a `prange` reduction, deterministic for any thread count.
#[parallel_loop]
pub fn tanh_trace(a: ArrayView2<'_, f64>) -> f64 {
    let mut trace = 0.0;
    for i in prange(0..a.nrows().min(a.ncols())) {
        trace += a[[i, i]].tanh();
    }
    trace
}

/// Addition, elementwise (the trace is broadcast as a scalar).
#[vectorize(target = "parallel")]
pub fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// `go_fast(a)`: the trace, then `a + trace`; in parallel both steps use the pool.
pub fn go_fast(a: &Array2<f64>, target: Target) -> numbox::Result<Array2<f64>> {
    match target {
        // A plain loop is already compiled code in Rust: no attribute needed for the trace.
        Target::Serial => add::serial().call(a, trace_plain(a)),
        Target::Parallel => add::parallel().call(a, tanh_trace(a.view())),
    }
}

/// Numba's loop for the trace, as plain Rust.
pub fn trace_plain(a: &Array2<f64>) -> f64 {
    let mut trace = 0.0;
    for i in 0..a.nrows().min(a.ncols()) {
        trace += a[[i, i]].tanh();
    }
    trace
}

/// The plain-Rust baseline: the trace loop, then `a + trace` with ndarray.
pub fn go_fast_plain(a: &Array2<f64>) -> Array2<f64> {
    a + trace_plain(a)
}

fn one(n: usize, reps: usize) -> numbox::Result<Vec<Timing>> {
    let wl = format!("6 go_fast, {n}x{n} f64");
    let a = Array2::from_shape_vec((n, n), uniform(n * n, 8)).unwrap();
    let reference = go_fast_plain(&a);
    let serial = go_fast(&a, Target::Serial)?;
    assert_close("go_fast serial", &serial, &reference, 1e-12, 1e-12);
    let parallel = go_fast(&a, Target::Parallel)?;
    assert_close("go_fast parallel", &parallel, &reference, 1e-12, 1e-12);
    // Short calls are timed in blocks.
    let k = (4_000_000 / (n * n)).clamp(1, 200);
    let per = |f: &mut dyn FnMut()| {
        median_secs(reps, || {
            for _ in 0..k {
                f()
            }
        }) / k as f64
    };
    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "plain loop trace + ndarray `&a + trace`",
            per(&mut || drop(go_fast_plain(&a))),
        ),
        timing(
            &wl,
            SERIAL,
            "trace loop + add::serial() ufunc",
            per(&mut || drop(go_fast(&a, Target::Serial).unwrap())),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[parallel_loop] trace + add::parallel() ufunc",
            per(&mut || drop(go_fast(&a, Target::Parallel).unwrap())),
        ),
    ])
}

/// Times both sizes: 100x100, and `scale` x 4096x4096.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let mut rows = one(100, reps)?;
    rows.extend(one(scaled_side(4096, scale, 100), reps)?);
    Ok(rows)
}

fn main() -> numbox::Result<()> {
    common::main(
        "Seed 6: go_fast (trace of tanh of the diagonal, added)",
        0.01,
        run,
    )
}
