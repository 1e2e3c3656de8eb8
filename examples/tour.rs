//! The numbox tour: every macro on real sizes, timed against a hand-written baseline.
//!
//! `cargo run --release --example tour` (add `-- --quick` for smaller sizes).

use numbox::ndarray::{Array1, Array2, Axis, Zip};
use numbox::prelude::*;
use std::time::{Duration, Instant};

#[vectorize]
fn rel_diff(x: f64, y: f64) -> f64 {
    (x - y).abs() / (x.abs() + y.abs())
}

#[vectorize(target = "parallel")]
fn log_exp_log(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

#[vectorize(target = "parallel")]
fn square_sum(a: i64, b: i64, c: i64) -> i64 {
    (a + b + c) * (a + b + c)
}

#[vectorize(identity = 0.0)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// Median wall time of `reps` runs of `f` (after one warm-up run).
fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> Duration {
    drop(f());
    let mut t: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            let r = f();
            let d = start.elapsed();
            drop(r);
            d
        })
        .collect();
    t.sort();
    t[reps / 2]
}

struct Row {
    workload: String,
    serial: Duration,
    parallel: Option<Duration>,
    baseline: Duration,
    baseline_name: &'static str,
}

fn ms(d: Duration) -> String {
    format!("{:9.2}", d.as_secs_f64() * 1e3)
}

fn print(rows: &[Row]) {
    println!(
        "\n{:<44} {:>10} {:>10} {:>10}  {:<22} {:>8}",
        "workload", "serial ms", "par ms", "base ms", "baseline", "speed-up"
    );
    for r in rows {
        let best = r.parallel.map_or(r.serial, |p| p.min(r.serial));
        println!(
            "{:<44} {:>10} {:>10} {:>10}  {:<22} {:>7.2}x",
            r.workload,
            ms(r.serial),
            r.parallel.map_or("-".into(), ms),
            ms(r.baseline),
            r.baseline_name,
            r.baseline.as_secs_f64() / best.as_secs_f64()
        );
    }
}

fn main() -> numbox::Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    let reps = if quick { 3 } else { 5 };
    println!(
        "numbox tour: {} threads{}",
        numbox::get_num_threads(),
        if quick { " (quick sizes)" } else { "" }
    );
    let mut rows = Vec::new();

    // #[vectorize]: a binary kernel over 10^7 elements with a scalar broadcast.
    let n = 10_000_000 / scale;
    let a = Array1::from_shape_fn(n, |i| 1.0 + (i % 1000) as f64 * 1e-3);
    let b = a.mapv(|x| x * 1.5);
    let z = rel_diff::call(&a, &b)?;
    assert!(z
        .iter()
        .zip(a.iter().zip(&b))
        .all(|(&z, (&x, &y))| z == rel_diff(x, y)));
    rows.push(Row {
        workload: format!("vectorize rel_diff, {n} f64"),
        serial: time(reps, || rel_diff::call(&a, &b).unwrap()),
        parallel: Some(time(reps, || rel_diff::parallel().call(&a, &b).unwrap())),
        baseline: time(reps, || {
            Zip::from(&a).and(&b).map_collect(|&x, &y| rel_diff(x, y))
        }),
        baseline_name: "Zip::map_collect",
    });

    // A compute-heavy kernel: parallel pays.
    let n = 4_000_000 / scale;
    let x = Array1::from_shape_fn(n, |i| 1.0 + (i % 977) as f64 * 1e-3);
    let y = x.mapv(|v| v + 2.0);
    rows.push(Row {
        workload: format!("vectorize ln(exp(x)*ln(y)), {n} f64"),
        serial: time(reps, || log_exp_log::serial().call(&x, &y).unwrap()),
        parallel: Some(time(reps, || log_exp_log::call(&x, &y).unwrap())),
        baseline: time(reps, || {
            x.iter()
                .zip(&y)
                .map(|(&a, &b)| (a.exp() * b.ln()).ln())
                .collect::<Vec<f64>>()
        }),
        baseline_name: "plain loop",
    });

    // Three operands, integers.
    let side = 1000;
    let m = Array2::from_shape_fn((side, side), |(i, j)| (i * side + j) as i64 % 1000);
    let (m2, m3) = (m.mapv(|v| v + 1), m.mapv(|v| 2 * v));
    rows.push(Row {
        workload: "vectorize (a+b+c)^2, 3x 1000x1000 i64".into(),
        serial: time(reps, || square_sum::serial().call(&m, &m2, &m3).unwrap()),
        parallel: Some(time(reps, || square_sum::call(&m, &m2, &m3).unwrap())),
        baseline: time(reps, || {
            Zip::from(&m)
                .and(&m2)
                .and(&m3)
                .map_collect(|&a, &b, &c| (a + b + c) * (a + b + c))
        }),
        baseline_name: "Zip::map_collect",
    });

    // Ufunc methods: reductions along each axis.
    let side = 4096 / if quick { 4 } else { 1 };
    let g = Array2::from_shape_fn((side, side), |(i, j)| ((i * side + j) % 1009) as f64);
    for axis in 0..2 {
        assert_eq!(add::reduce(&g, Axis(axis))?, g.sum_axis(Axis(axis)));
        rows.push(Row {
            workload: format!("vectorize add.reduce axis {axis}, {side}x{side}"),
            serial: time(reps, || add::reduce(&g, Axis(axis)).unwrap()),
            parallel: Some(time(reps, || {
                add::parallel().reduce(&g, Axis(axis)).unwrap()
            })),
            baseline: time(reps, || g.sum_axis(Axis(axis))),
            baseline_name: "ndarray sum_axis",
        });
    }

    print(&rows);
    Ok(())
}
