//! Timing, data and reporting helpers shared by the `seed_*` examples, the tour, the
//! `seeds` benchmark and the `seeds` tests (each includes this file with `#[path]`).
//!
//! A seed example is a module with `pub fn run(scale: f64, reps: usize) -> Result<Vec<Timing>>`
//! (scale 1.0 = the sizes of the issue) and a `main` that calls [`main`] here.
#![allow(dead_code)]

use std::time::Instant;

/// One measured variant: `(workload, role, variant, median seconds)`.
///
/// `role` is one of [`SERIAL`], [`PARALLEL`], [`BASELINE`] or [`EXTRA`]: the tour's table takes
/// the first timing of each role per workload.
pub type Timing = (String, &'static str, String, f64);

/// numbox on one thread.
pub const SERIAL: &str = "serial";
/// numbox on the rayon pool.
pub const PARALLEL: &str = "parallel";
/// The hand-written plain-Rust version.
pub const BASELINE: &str = "baseline";
/// Anything else worth showing (`call_into`, another macro, the manual threads, ...).
pub const EXTRA: &str = "extra";

/// The median wall time, in seconds, of `reps` calls of `f` after one warm-up call. The
/// result of each call is dropped outside the timed region (as the Numba anchors do).
pub fn median_secs<R>(reps: usize, mut f: impl FnMut() -> R) -> f64 {
    drop(std::hint::black_box(f()));
    let mut t: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let start = Instant::now();
            let r = std::hint::black_box(f());
            let d = start.elapsed().as_secs_f64();
            drop(r);
            d
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// Runs `f` on a one-thread rayon pool: how the serial time of a `#[parallel_loop]`
/// function is measured (the same code, the same reduction grid, one thread).
pub fn on_one_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<numbox::rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread rayon pool")
    })
    .install(f)
}

/// `n` pseudo-random numbers uniform in `[0, 1)` (xorshift64*, seeded), the same on every run.
pub fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// The largest relative difference `|a - b| / max(|b|, atol)` over the two sequences;
/// panics when they differ in length.
pub fn max_rel_err<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
    atol: f64,
) -> f64 {
    let (mut ia, mut ib) = (a.into_iter(), b.into_iter());
    let mut worst = 0.0f64;
    loop {
        match (ia.next(), ib.next()) {
            (Some(&x), Some(&y)) => {
                let e = if x == y {
                    0.0
                } else {
                    (x - y).abs() / y.abs().max(atol)
                };
                worst = worst.max(if e.is_nan() { f64::INFINITY } else { e });
            }
            (None, None) => return worst,
            _ => panic!("max_rel_err: the sequences differ in length"),
        }
    }
}

/// Asserts that `got` matches `want` to `rtol` (relative, with `atol` as the floor of the
/// denominator), naming the check in the panic message.
pub fn assert_close<'a>(
    what: &str,
    got: impl IntoIterator<Item = &'a f64>,
    want: impl IntoIterator<Item = &'a f64>,
    rtol: f64,
    atol: f64,
) {
    let e = max_rel_err(got, want, atol);
    assert!(e <= rtol, "{what}: max relative error {e:e} > {rtol:e}");
}

/// The command line of a seed example.
pub struct Args {
    /// `--quick`: small sizes (seconds in all).
    pub quick: bool,
    /// `--json`: print the timings as JSON on stdout instead of a table.
    pub json: bool,
    /// `--reps N`: timed calls per variant (the median is reported); default 5 (3 with --quick).
    pub reps: usize,
    /// `--scale S`: multiply the sizes by S (overrides `--quick`).
    pub scale: Option<f64>,
}

impl Args {
    /// Parses `std::env::args()`; an unknown flag prints the usage and exits.
    pub fn parse() -> Args {
        let mut a = Args {
            quick: false,
            json: false,
            reps: 0,
            scale: None,
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--quick" => a.quick = true,
                "--json" => a.json = true,
                "--reps" => a.reps = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
                "--scale" => a.scale = it.next().and_then(|v| v.parse().ok()),
                "--bench" => {} // passed by `cargo bench --examples`; nothing to do
                _ => {
                    eprintln!(
                        "usage: {} [--quick] [--json] [--reps N] [--scale S]",
                        std::env::args().next().unwrap_or_default()
                    );
                    std::process::exit(2);
                }
            }
        }
        if a.reps == 0 {
            a.reps = if a.quick { 3 } else { 5 };
        }
        a
    }
}

/// The `main` of a seed example: parses the arguments, runs `run` at full size (or at
/// `quick_scale` with `--quick`) and prints a table, or JSON with `--json`.
pub fn main(
    title: &str,
    quick_scale: f64,
    run: fn(f64, usize) -> numbox::Result<Vec<Timing>>,
) -> numbox::Result<()> {
    let args = Args::parse();
    let scale = args
        .scale
        .unwrap_or(if args.quick { quick_scale } else { 1.0 });
    if !args.json {
        println!(
            "{title} (scale {scale}, {} threads, median of {})",
            numbox::get_num_threads(),
            args.reps
        );
    }
    let rows = run(scale, args.reps)?;
    if args.json {
        println!("{}", to_json(&rows, scale));
    } else {
        print_variants(&rows);
    }
    Ok(())
}

/// Every variant with its time and its speed-up over the workload's baseline.
pub fn print_variants(rows: &[Timing]) {
    let mut last = "";
    for (w, role, v, s) in rows {
        if w != last {
            println!("\n{w}");
            last = w;
        }
        let base = rows
            .iter()
            .find(|r| &r.0 == w && r.1 == BASELINE)
            .map(|r| r.3);
        let ratio = base.map_or(String::new(), |b| format!("{:6.2}x baseline", b / s));
        println!("  {:<9} {:<52} {:>10.3} ms  {ratio}", role, v, s * 1e3);
    }
}

fn json_str(s: &str) -> String {
    let mut o = String::from('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The timings as a JSON document: `{"scale": S, "threads": T, "results": [{"workload",
/// "role", "variant", "median_s"}, ...]}` (what `scripts/compare_numba.py` reads).
pub fn to_json(rows: &[Timing], scale: f64) -> String {
    let items: Vec<String> = rows
        .iter()
        .map(|(w, r, v, s)| {
            format!(
                "{{\"workload\": {}, \"role\": {}, \"variant\": {}, \"median_s\": {s:e}}}",
                json_str(w),
                json_str(r),
                json_str(v)
            )
        })
        .collect();
    format!(
        "{{\"scale\": {scale}, \"threads\": {}, \"results\": [\n  {}\n]}}",
        numbox::get_num_threads(),
        items.join(",\n  ")
    )
}

/// Shorthand for building a [`Timing`].
pub fn timing(workload: &str, role: &'static str, variant: &str, secs: f64) -> Timing {
    (workload.to_string(), role, variant.to_string(), secs)
}

/// `n` times `scale`, at least `min`.
pub fn scaled(n: usize, scale: f64, min: usize) -> usize {
    ((n as f64 * scale).round() as usize).max(min)
}

/// A side length `n` times `sqrt(scale)` (so the element count scales by `scale`), at least `min`.
pub fn scaled_side(n: usize, scale: f64, min: usize) -> usize {
    ((n as f64 * scale.sqrt()).round() as usize).max(min)
}
