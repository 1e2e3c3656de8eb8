//! Seed workload 3: `square(a + b + c)` on three 1000x1000 i64 arrays, `target = "cpu"`
//! against `"parallel"` (Numba's `@vectorize` targets).
//!
//! ```text
//! cargo run --release --example seed_3_add_square            # 1000x1000
//! cargo run --release --example seed_3_add_square -- --quick # 100x100
//! ```
//!
//! 8 MB per array: the work is memory-bound and short (about a millisecond), so the parallel
//! target splits it into a few large contiguous blocks (never one element per task, the
//! pitfall that makes Numba's parallel target 8x slower than its serial one here).

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::{Array2, Zip};
use numbox::prelude::*;

/// The kernel with the default target (`"cpu"`: `add_square::call` runs serially).
#[vectorize]
pub fn add_square(a: i64, b: i64, c: i64) -> i64 {
    let s = a + b + c;
    s * s
}

/// The same kernel with `target = "parallel"`.
#[vectorize(target = "parallel")]
pub fn add_square_par(a: i64, b: i64, c: i64) -> i64 {
    let s = a + b + c;
    s * s
}

/// Three `n x n` arrays of integers in `[0, 1000)`.
pub fn inputs(n: usize) -> (Array2<i64>, Array2<i64>, Array2<i64>) {
    let mk = |seed| {
        Array2::from_shape_vec((n, n), uniform(n * n, seed))
            .unwrap()
            .mapv_into_any(|v| (v * 1000.0) as i64)
    };
    (mk(4), mk(5), mk(6))
}

/// The plain-Rust baseline: an `ndarray::Zip`.
pub fn add_square_plain(a: &Array2<i64>, b: &Array2<i64>, c: &Array2<i64>) -> Array2<i64> {
    Zip::from(a).and(b).and(c).map_collect(|&a, &b, &c| {
        let s = a + b + c;
        s * s
    })
}

/// Times every variant at `scale` x 10^6 elements per array.
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let n = scaled_side(1000, scale, 4);
    let wl = format!("3 square(a+b+c), 3x {n}x{n} i64");
    let (a, b, c) = inputs(n);
    let reference = add_square_plain(&a, &b, &c);
    assert_eq!(add_square::call(&a, &b, &c)?, reference, "cpu target");
    assert_eq!(
        add_square_par::call(&a, &b, &c)?,
        reference,
        "parallel target"
    );
    assert_eq!(
        add_square::parallel().call(&a, &b, &c)?,
        reference,
        "parallel()"
    );
    let mut out = Array2::zeros((n, n));
    // Short calls: time blocks of 20 and report the time of one.
    let per = |f: &mut dyn FnMut()| {
        median_secs(reps, || {
            for _ in 0..20 {
                f()
            }
        }) / 20.0
    };
    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "ndarray Zip::map_collect",
            per(&mut || drop(add_square_plain(&a, &b, &c))),
        ),
        timing(
            &wl,
            SERIAL,
            "#[vectorize] add_square::call (target cpu)",
            per(&mut || drop(add_square::call(&a, &b, &c).unwrap())),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[vectorize(target = \"parallel\")] ::call",
            per(&mut || drop(add_square_par::call(&a, &b, &c).unwrap())),
        ),
        timing(
            &wl,
            EXTRA,
            "add_square::call_into (cpu, preallocated)",
            per(&mut || add_square::call_into(&a, &b, &c, &mut out).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "add_square_par::call_into (parallel, preallocated)",
            per(&mut || add_square_par::call_into(&a, &b, &c, &mut out).unwrap()),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main("Seed 3: square(a + b + c), cpu vs parallel", 0.01, run)
}
