//! Seed workload 1: the moving average of 10^7 f64 with a window of 1000, Numba's
//! `@guvectorize` tutorial kernel, checked against the cumsum formula (the NumPy way).
//!
//! ```text
//! cargo run --release --example seed_1_moving_average            # 10^7 values
//! cargo run --release --example seed_1_moving_average -- --quick # 10^5 values
//! ```
//!
//! One series gives the gufunc a single row, which its parallel target has no reason to split
//! (Numba's neither); the parallel version here is a `#[parallel_loop]` over chunks of the
//! series, each chunk seeding its running sum with the window before it. Eight series in a
//! 2-D array are the gufunc's own parallel case: `move_mean::parallel()` splits the rows.

#[path = "common/mod.rs"]
mod common;
use common::*;

use numbox::ndarray::{s, Array1, Array2, ArrayView1, ArrayViewMut1, ArrayViewMut2};
use numbox::prelude::*;

/// Numba's tutorial `move_mean`, as written there: the mean of the last `window` values
/// (the first `window - 1` outputs average the values seen so far).
#[guvectorize("(n),()->(n)")]
pub fn move_mean(a: ArrayView1<f64>, window: usize, mut out: ArrayViewMut1<f64>) {
    let w = window.min(a.len());
    let mut asum = 0.0;
    for i in 0..w {
        asum += a[i];
        out[i] = asum / (i + 1) as f64;
    }
    for i in w..a.len() {
        asum += a[i] - a[i - w];
        out[i] = asum / w as f64;
    }
}

/// The same moving mean in parallel over one long series: `out` is the output viewed as
/// `(chunks, len)` rows; each chunk starts its running sum from the `window` values before it.
#[parallel_loop]
pub fn move_mean_chunked(a: &[f64], window: usize, mut out: ArrayViewMut2<'_, f64>) {
    let len = out.ncols();
    for c in prange(0..out.nrows()) {
        let start = c * len;
        let w = window.max(1);
        let mut row = out.row_mut(c);
        let dst = row.as_slice_mut().expect("rows of a contiguous output");
        if start < w {
            // The ramp at the front of the series, element by element.
            let mut asum: f64 = a[..start].iter().sum();
            for (k, o) in dst.iter_mut().enumerate() {
                let i = start + k;
                asum += a[i];
                if i >= w {
                    asum -= a[i - w];
                }
                *o = asum / (i + 1).min(w) as f64;
            }
        } else {
            let mut asum: f64 = a[start - w..start].iter().sum();
            let (new, old) = (&a[start..start + len], &a[start - w..start - w + len]);
            for ((o, &x), &y) in dst.iter_mut().zip(new).zip(old) {
                asum += x - y;
                *o = asum / w as f64;
            }
        }
    }
}

/// Runs [`move_mean_chunked`] over all of `a` into `out` (same length): a chunk count that
/// divides the length, a few per thread.
#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87; the MSRV is 1.80
pub fn move_mean_parallel(a: &[f64], window: usize, out: &mut [f64]) {
    let n = a.len();
    let want = 8 * numbox::get_num_threads();
    let chunks = (1..=want.min(n.max(1)))
        .rev()
        .find(|c| n % c == 0)
        .unwrap_or(1);
    let view = ArrayViewMut2::from_shape((chunks, n / chunks), out).expect("chunks divide n");
    move_mean_chunked(a, window, view);
}

/// The plain-Rust baseline: Numba's kernel by hand on slices.
pub fn move_mean_plain(a: &[f64], window: usize, out: &mut [f64]) {
    let w = window.min(a.len());
    let mut asum = 0.0;
    for i in 0..w {
        asum += a[i];
        out[i] = asum / (i + 1) as f64;
    }
    for i in w..a.len() {
        asum += a[i] - a[i - w];
        out[i] = asum / w as f64;
    }
}

/// The reference: NumPy's cumsum formula, valid part only (`len - window + 1` values:
/// `out[k]` is the mean of `a[k..k + window]`).
pub fn moving_average_cumsum(a: &[f64], window: usize) -> Vec<f64> {
    let mut c = Vec::with_capacity(a.len());
    let mut acc = 0.0;
    for &v in a {
        acc += v;
        c.push(acc);
    }
    (window - 1..a.len())
        .map(|i| {
            let before = if i >= window { c[i - window] } else { 0.0 };
            (c[i] - before) / window as f64
        })
        .collect()
}

/// Times every variant at `scale` x 10^7 values (window 1000).
pub fn run(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    let n = scaled(10_000_000, scale, 2000);
    let window = 1000;
    let wl = format!("1 moving average, {n} f64, window {window}");
    let a = Array1::from(uniform(n, 1));
    let sl = a.as_slice().expect("contiguous");

    // Check every variant against the cumsum formula (valid part) and the plain loop.
    let reference = moving_average_cumsum(sl, window);
    let mut plain = vec![0.0; n];
    move_mean_plain(sl, window, &mut plain);
    let serial = move_mean::call(&a, window)?;
    assert_close(
        "move_mean vs cumsum",
        &serial.as_slice().unwrap()[window - 1..],
        &reference,
        1e-8,
        1e-12,
    );
    assert_eq!(
        serial.as_slice().unwrap(),
        &plain[..],
        "move_mean vs plain loop"
    );
    let mut par = vec![f64::NAN; n];
    move_mean_parallel(sl, window, &mut par);
    assert_close(
        "parallel_loop chunks vs plain loop",
        &par,
        &plain,
        1e-9,
        1e-12,
    );
    let rows = 8;
    let a8: Array2<f64> = a
        .slice(s![..(n / rows) * rows])
        .to_owned()
        .into_shape_with_order((rows, n / rows))
        .expect("8 rows");
    let by_rows = move_mean::parallel().call(&a8, window)?;
    assert_eq!(
        by_rows,
        move_mean::call(&a8, window)?,
        "parallel rows == serial rows"
    );
    let mut row_ref = vec![0.0; n / rows];
    move_mean_plain(&a8.row(3).to_vec(), window, &mut row_ref);
    assert_eq!(by_rows.row(3).to_vec(), row_ref, "row 3 vs plain loop");

    let mut out = Array1::zeros(n);
    let mut out_vec = vec![0.0; n];
    Ok(vec![
        timing(
            &wl,
            BASELINE,
            "plain loop (Numba's kernel by hand), preallocated",
            median_secs(reps, || move_mean_plain(sl, window, &mut out_vec)),
        ),
        timing(
            &wl,
            SERIAL,
            "#[guvectorize] move_mean::call_into, preallocated",
            median_secs(reps, || move_mean::call_into(&a, window, &mut out).unwrap()),
        ),
        timing(
            &wl,
            PARALLEL,
            "#[parallel_loop] chunks of the series, preallocated",
            median_secs(reps, || move_mean_parallel(sl, window, &mut out_vec)),
        ),
        timing(
            &wl,
            EXTRA,
            "cumsum formula (the NumPy way), allocating",
            median_secs(reps, || moving_average_cumsum(sl, window)),
        ),
        timing(
            &wl,
            BASELINE,
            "plain loop, allocating (vec![0.0; n])",
            median_secs(reps, || {
                let mut o = vec![0.0; n];
                move_mean_plain(sl, window, &mut o);
                o
            }),
        ),
        timing(
            &wl,
            EXTRA,
            "#[guvectorize] move_mean::call, allocating",
            median_secs(reps, || move_mean::call(&a, window).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "move_mean::serial() on 8 rows, allocating",
            median_secs(reps, || move_mean::serial().call(&a8, window).unwrap()),
        ),
        timing(
            &wl,
            EXTRA,
            "move_mean::parallel() on 8 rows, allocating",
            median_secs(reps, || move_mean::parallel().call(&a8, window).unwrap()),
        ),
    ])
}

fn main() -> numbox::Result<()> {
    common::main(
        "Seed 1: moving average (Numba's @guvectorize tutorial)",
        0.01,
        run,
    )
}
