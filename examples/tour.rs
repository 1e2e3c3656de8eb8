//! The numbox tour: the seven seed workloads of Numba's classic tutorials, each checked against
//! a plain-Rust reference and timed, in one table.
//!
//! ```text
//! cargo run --release --example tour              # tour sizes, about half a minute on 2 cores
//! cargo run --release --example tour -- --quick   # small sizes, a few seconds (CI)
//! ```
//!
//! Each workload is also its own example with the full sizes of the issue and every variant
//! (`cargo run --release --example seed_2_log_exp`, ...). The tour runs the same code: it
//! includes those files. Columns: the median time of numbox's serial and parallel versions
//! and of the hand-written plain-Rust baseline, the speed-up of the faster numbox version
//! over the baseline, and the parallel speed-up over serial.

// Every included example carries its own copy of `common` (it must build on its own too).
#![allow(clippy::duplicate_mod)]

#[path = "common/mod.rs"]
mod common;

#[allow(dead_code)]
#[path = "seed_1_moving_average.rs"]
mod seed_1;
#[allow(dead_code)]
#[path = "seed_2_log_exp.rs"]
mod seed_2;
#[allow(dead_code)]
#[path = "seed_3_add_square.rs"]
mod seed_3;
#[allow(dead_code)]
#[path = "seed_4_softmax.rs"]
mod seed_4;
#[allow(dead_code)]
#[path = "seed_5_julia.rs"]
mod seed_5;
#[allow(dead_code)]
#[path = "seed_6_go_fast.rs"]
mod seed_6;
#[allow(dead_code)]
#[path = "seed_7_stencils.rs"]
mod seed_7;

use common::{Timing, BASELINE, PARALLEL, SERIAL};
use numbox::prelude::*;
use std::time::Instant;

type Run = fn(f64, usize) -> numbox::Result<Vec<Timing>>;

/// A scalar function with a broadcast scalar operand.
#[vectorize]
fn rel_diff(x: f64, y: f64) -> f64 {
    (x - y).abs() / (x.abs() + y.abs())
}

/// Addition, for its ufunc methods; `associative` lets the parallel `reduce` regroup it.
#[vectorize(identity = 0.0, associative)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// More of `#[vectorize]` than the seeds use: broadcasting a scalar, and `reduce` along
/// each axis (deterministic: a fixed grid of row blocks for the associative `add`) against
/// ndarray's `sum_axis`.
fn ufunc_methods(scale: f64, reps: usize) -> numbox::Result<Vec<Timing>> {
    use common::{median_secs, scaled, scaled_side, timing};
    use numbox::ndarray::{Array1, Array2, Axis, Zip};
    let n = scaled(10_000_000, scale, 100);
    let a = Array1::from_shape_fn(n, |i| 1.0 + (i % 1000) as f64 * 1e-3);
    let z = rel_diff::call(&a, 0.5)?;
    assert!(z.iter().zip(&a).all(|(&z, &x)| z == rel_diff(x, 0.5)));
    let wl = format!("vectorize rel_diff(a, 0.5), {n} f64");
    let mut rows = vec![
        timing(
            &wl,
            BASELINE,
            "Zip::map_collect",
            median_secs(reps, || Zip::from(&a).map_collect(|&x| rel_diff(x, 0.5))),
        ),
        timing(
            &wl,
            SERIAL,
            "rel_diff::call",
            median_secs(reps, || rel_diff::call(&a, 0.5).unwrap()),
        ),
        timing(
            &wl,
            PARALLEL,
            "rel_diff::parallel().call",
            median_secs(reps, || rel_diff::parallel().call(&a, 0.5).unwrap()),
        ),
    ];
    let side = scaled_side(4096, scale, 8);
    let g = Array2::from_shape_fn((side, side), |(i, j)| ((i * side + j) % 1009) as f64);
    for axis in 0..2 {
        assert_eq!(add::reduce(&g, Axis(axis))?, g.sum_axis(Axis(axis)));
        let wl = format!("vectorize add.reduce axis {axis}, {side}x{side} f64");
        rows.push(timing(
            &wl,
            BASELINE,
            "ndarray sum_axis",
            median_secs(reps, || g.sum_axis(Axis(axis))),
        ));
        rows.push(timing(
            &wl,
            SERIAL,
            "add::reduce",
            median_secs(reps, || add::reduce(&g, Axis(axis)).unwrap()),
        ));
        rows.push(timing(
            &wl,
            PARALLEL,
            "add::parallel().reduce",
            median_secs(reps, || add::parallel().reduce(&g, Axis(axis)).unwrap()),
        ));
    }
    Ok(rows)
}

/// `(run, scale for the tour, scale with --quick)`; scale 1 is the issue's size.
const WORKLOADS: [(Run, f64, f64); 8] = [
    (seed_1::run, 1.0, 0.01),   // 10^7 values
    (seed_2::run, 0.1, 0.005),  // 8x10^6 of the issue's 8x10^7
    (seed_3::run, 1.0, 0.01),   // 1000x1000
    (seed_4::run, 0.1, 0.005),  // 10^7 of the issue's 10^8
    (seed_5::run, 1.0, 0.01),   // 1000x1000
    (seed_6::run, 1.0, 0.01),   // 100x100 and 4096x4096
    (seed_7::run, 1.0, 0.01),   // 4096x4096 and 10^7
    (ufunc_methods, 1.0, 0.01), // 10^7 and 4096x4096
];

fn ms(s: Option<f64>) -> String {
    s.map_or("-".into(), |s| format!("{:.3}", s * 1e3))
}

fn main() -> numbox::Result<()> {
    let mut args = common::Args::parse();
    if !std::env::args().any(|a| a == "--reps") {
        args.reps = 3; // the tour keeps to about half a minute
    }
    let start = Instant::now();
    let mut rows: Vec<Timing> = Vec::new();
    for (run, tour, quick) in WORKLOADS {
        let scale = args.scale.unwrap_or(if args.quick { quick } else { tour });
        rows.extend(run(scale, args.reps)?);
    }
    if args.json {
        println!("{}", common::to_json(&rows, args.scale.unwrap_or(f64::NAN)));
        return Ok(());
    }
    println!(
        "numbox tour{}: {} threads, median of {} runs, every result checked against plain Rust\n",
        if args.quick { " (--quick sizes)" } else { "" },
        numbox::get_num_threads(),
        args.reps
    );
    println!(
        "{:<50} {:>11} {:>11} {:>11} {:>9} {:>9}",
        "workload", "serial ms", "parallel ms", "plain ms", "vs plain", "par/ser"
    );
    let mut seen: Vec<&str> = Vec::new();
    for (w, _, _, _) in &rows {
        if seen.contains(&w.as_str()) {
            continue;
        }
        seen.push(w);
        let get = |role| rows.iter().find(|r| &r.0 == w && r.1 == role).map(|r| r.3);
        let (s, p, b) = (get(SERIAL), get(PARALLEL), get(BASELINE));
        let best = match (s, p) {
            (Some(s), Some(p)) => Some(s.min(p)),
            (s, p) => s.or(p),
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}x", a / b),
            _ => "-".into(),
        };
        println!(
            "{:<50} {:>11} {:>11} {:>11} {:>9} {:>9}",
            w,
            ms(s),
            ms(p),
            ms(b),
            ratio(b, best),
            ratio(s, p)
        );
    }
    println!(
        "\n{:.1} s in all (timings on a shared machine are noisy: compare the ratios)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
