//! The seed examples' computations at small sizes, against independent naive references.
//!
//! The examples are included as modules (`#[path]`), so these tests run the very kernels the
//! examples time; each example's `run` (which checks every variant itself) is also run at a
//! tiny scale.

// Every included example carries its own copy of `common` (it must build on its own too).
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)]
#[path = "../examples/seed_1_moving_average.rs"]
mod seed_1;
#[allow(dead_code)]
#[path = "../examples/seed_2_log_exp.rs"]
mod seed_2;
#[allow(dead_code)]
#[path = "../examples/seed_3_add_square.rs"]
mod seed_3;
#[allow(dead_code)]
#[path = "../examples/seed_4_softmax.rs"]
mod seed_4;
#[allow(dead_code)]
#[path = "../examples/seed_5_julia.rs"]
mod seed_5;
#[allow(dead_code)]
#[path = "../examples/seed_6_go_fast.rs"]
mod seed_6;
#[allow(dead_code)]
#[path = "../examples/seed_7_stencils.rs"]
mod seed_7;

use numbox::ndarray::{s, Array1, Array2};
use numbox::num_complex::Complex64;
use numbox::Target;
use proptest::prelude::*;

/// Runs `f` in rayon pools of 1, 2 and 3 threads.
fn in_pools<R: Send>(f: impl Fn() -> R + Sync) -> Vec<R> {
    (1..=3)
        .map(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(&f)
        })
        .collect()
}

/// Small-integer data, so that sums are exact and comparisons can be bitwise.
fn ints(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 33) % 101) as f64 - 50.0
        })
        .collect()
}

fn close(a: f64, b: f64, rtol: f64) -> bool {
    a == b || (a - b).abs() <= rtol * a.abs().max(b.abs())
}

// ------------------------------------------------------------------ 1 moving average

/// The mean of `a[max(0, i + 1 - w) ..= i]`, summed afresh for every point.
fn naive_moving_mean(a: &[f64], w: usize) -> Vec<f64> {
    (0..a.len())
        .map(|i| {
            let part = &a[(i + 1).saturating_sub(w)..=i];
            part.iter().sum::<f64>() / part.len() as f64
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    #[cfg_attr(miri, ignore)]
    fn moving_average_matches_the_naive_mean(n in 1usize..700, w in 1usize..90, seed in 0u64..1000) {
        let a = ints(n, seed);
        let want = naive_moving_mean(&a, w);
        let got = seed_1::move_mean::call(&Array1::from(a.clone()), w).unwrap();
        prop_assert_eq!(got.to_vec(), want.clone());
        let mut plain = vec![0.0; n];
        seed_1::move_mean_plain(&a, w, &mut plain);
        prop_assert_eq!(&plain, &want);
        for got in in_pools(|| {
            let mut out = vec![f64::NAN; n];
            seed_1::move_mean_parallel(&a, w, &mut out);
            out
        }) {
            prop_assert_eq!(&got, &want);
        }
        if w <= n {
            prop_assert_eq!(seed_1::moving_average_cumsum(&a, w), want[w - 1..].to_vec());
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn moving_average_rows_split_across_threads() {
    let a = Array2::from_shape_vec((5, 300), ints(1500, 7)).unwrap();
    let want = in_pools(|| seed_1::move_mean::parallel().call(&a, 40usize).unwrap());
    for (r, row) in a.rows().into_iter().enumerate() {
        let expect = naive_moving_mean(&row.to_vec(), 40);
        for got in &want {
            assert_eq!(got.row(r).to_vec(), expect);
        }
    }
}

// ------------------------------------------------------------------ 2 ln(exp(x) * ln(y))

#[test]
#[cfg_attr(miri, ignore)]
fn log_exp_variants_give_the_scalar_bits() {
    let n = 10_007;
    let (x, y) = seed_2::inputs(n);
    let want: Vec<f64> = x
        .iter()
        .zip(&y)
        .map(|(&a, &b)| (a.exp() * b.ln()).ln())
        .collect();
    let (xs, ys) = (x.as_slice().unwrap(), y.as_slice().unwrap());
    assert_eq!(
        seed_2::log_exp::serial().call(&x, &y).unwrap().to_vec(),
        want
    );
    assert_eq!(seed_2::log_exp_plain(xs, ys), want);
    for (par, looped) in in_pools(|| {
        let mut out = vec![0.0; n];
        seed_2::log_exp_loop(xs, ys, &mut out);
        (seed_2::log_exp::call(&x, &y).unwrap().to_vec(), out)
    }) {
        assert_eq!(par, want);
        assert_eq!(looped, want);
    }
    for threads in [1, 2, 3, 7] {
        let mut out = vec![0.0; n];
        seed_2::log_exp_threads(xs, ys, &mut out, threads);
        assert_eq!(out, want, "{threads} threads");
    }
    // More threads than elements: one element each. On a short prefix, so that the test
    // does not start 10^4 OS threads at once (one such run died of SIGSEGV inside this
    // test's thread while a CI step ran on the 2-core machine).
    let m = 37;
    let mut out = vec![0.0; m];
    seed_2::log_exp_threads(&xs[..m], &ys[..m], &mut out, 20_000);
    assert_eq!(out, want[..m], "20000 threads over {m} elements");
    // The kernel on a strided view equals the scalar function.
    let v = seed_2::log_exp::call(x.slice(s![..;3]), y.slice(s![..;3])).unwrap();
    assert_eq!(
        v.to_vec(),
        want.iter().step_by(3).copied().collect::<Vec<_>>()
    );
}

// ------------------------------------------------------------------ 3 square(a + b + c)

#[test]
#[cfg_attr(miri, ignore)]
fn add_square_matches_index_loops() {
    let (a, b, c) = seed_3::inputs(37);
    let bt = b.t();
    let mut want = Array2::zeros((37, 37));
    for i in 0..37 {
        for j in 0..37 {
            let s = a[[i, j]] + b[[j, i]] + c[[i, j]];
            want[[i, j]] = s * s;
        }
    }
    assert_eq!(seed_3::add_square::call(&a, bt, &c).unwrap(), want);
    for got in in_pools(|| seed_3::add_square_par::call(&a, bt, &c).unwrap()) {
        assert_eq!(got, want);
    }
    let mut out = Array2::zeros((37, 37));
    seed_3::add_square_par::call_into(&a, bt, &c, &mut out).unwrap();
    assert_eq!(out, want);
    assert_eq!(seed_3::add_square_plain(&a, &bt.to_owned(), &c), want);
}

// ------------------------------------------------------------------ 4 softmax

#[test]
#[cfg_attr(miri, ignore)]
fn softmax_is_deterministic_and_sums_to_one() {
    let z = seed_4::inputs(70_001);
    let esum: f64 = z.iter().map(|v| v.exp()).sum();
    let serial = seed_4::softmax(&z, Target::Serial).unwrap();
    for (got, &v) in serial.iter().zip(&z) {
        assert!(close(*got, v.exp() / esum, 1e-12));
    }
    assert!((serial.sum() - 1.0).abs() < 1e-12);
    for (par, fused) in in_pools(|| {
        (
            seed_4::softmax(&z, Target::Parallel).unwrap(),
            seed_4::softmax_fused(&z).unwrap(),
        )
    }) {
        assert_eq!(par, serial, "the same bits on every pool");
        for (a, b) in fused.iter().zip(&serial) {
            assert!(close(*a, *b, 1e-12));
        }
    }
    // Exact on small integers: softmax of [0, ln 3] is [1/4, 3/4].
    let two = Array1::from(vec![0.0, 3f64.ln()]);
    let p = seed_4::softmax(&two, Target::Parallel).unwrap();
    assert!(close(p[0], 0.25, 1e-15) && close(p[1], 0.75, 1e-15), "{p}");
}

// ------------------------------------------------------------------ 5 Julia set

#[test]
#[cfg_attr(miri, ignore)]
fn julia_matches_the_abs_loop() {
    let (zs, cs) = seed_5::julia_inputs(120);
    // The book's test, abs(z) < 2, in plain code: the same counts as norm_sqr() < 4.
    let want: Vec<u32> = zs
        .iter()
        .zip(&cs)
        .map(|(&z0, &c)| {
            let (mut z, mut n) = (z0, 0);
            while n < 300 && z.norm() < 2.0 {
                z = z * z + c;
                n += 1;
            }
            n
        })
        .collect();
    assert_eq!(seed_5::julia_plain(300, &zs, &cs), want);
    let c = Complex64::new(-0.62772, -0.42193);
    for (looped, ufunc) in in_pools(|| {
        let mut out = vec![u32::MAX; zs.len()];
        seed_5::julia(300, &zs, &cs, &mut out);
        let grid = Array1::from(zs.clone());
        (
            out,
            seed_5::julia_point::call(&grid, c, 300u32)
                .unwrap()
                .to_vec(),
        )
    }) {
        assert_eq!(looped, want);
        assert_eq!(ufunc, want);
    }
}

// ------------------------------------------------------------------ 6 go_fast

#[test]
#[cfg_attr(miri, ignore)]
fn go_fast_adds_the_tanh_trace() {
    for (r, c) in [(100, 100), (37, 53), (53, 37), (1, 1)] {
        let a = Array2::from_shape_vec((r, c), ints(r * c, 3)).unwrap() / 50.0;
        let trace: f64 = (0..r.min(c)).map(|i| a[[i, i]].tanh()).sum();
        for target in [Target::Serial, Target::Parallel] {
            let got = seed_6::go_fast(&a, target).unwrap();
            for (g, v) in got.iter().zip(&a) {
                assert!(close(*g, v + trace, 1e-14), "{r}x{c} {target:?}");
            }
        }
        let par = in_pools(|| seed_6::tanh_trace(a.view()).to_bits());
        assert!(par.iter().all(|&b| b == par[0]), "deterministic trace");
    }
}

// ------------------------------------------------------------------ 7 stencils

#[test]
#[cfg_attr(miri, ignore)]
fn stencils_match_index_loops() {
    let (n0, n1) = (23, 31);
    let u = Array2::from_shape_vec((n0, n1), ints(n0 * n1, 5)).unwrap();
    let at = |i: isize, j: isize| {
        u[[
            i.rem_euclid(n0 as isize) as usize,
            j.rem_euclid(n1 as isize) as usize,
        ]]
    };
    let mut dflt = Array2::zeros((n0, n1));
    let mut wrap = Array2::zeros((n0, n1));
    for i in 0..n0 as isize {
        for j in 0..n1 as isize {
            let v = at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4.0 * at(i, j);
            wrap[[i as usize, j as usize]] = v;
            if i > 0 && j > 0 && i < n0 as isize - 1 && j < n1 as isize - 1 {
                dflt[[i as usize, j as usize]] = v;
            }
        }
    }
    assert_eq!(seed_7::laplace::call(&u).unwrap(), dflt);
    assert_eq!(seed_7::laplace_plain(&u, false), dflt);
    assert_eq!(seed_7::laplace_wrap::call(&u).unwrap(), wrap);
    assert_eq!(seed_7::laplace_plain(&u, true), wrap);
    for (d, w) in in_pools(|| {
        (
            seed_7::laplace::parallel().call(&u).unwrap(),
            seed_7::laplace_wrap::parallel().call(&u).unwrap(),
        )
    }) {
        assert_eq!(d, dflt);
        assert_eq!(w, wrap);
    }

    let n = 95;
    let a = Array1::from(ints(n, 9));
    let mean = |i: usize, wrap: bool| -> f64 {
        if i < 29 && !wrap {
            return 0.0;
        }
        // Summed oldest first, as the kernel does; exact on small integers anyway.
        (0..30).rev().map(|k| a[(i + n * 30 - k) % n]).sum::<f64>() / 30.0
    };
    let want: Vec<f64> = (0..n).map(|i| mean(i, false)).collect();
    let want_wrap: Vec<f64> = (0..n).map(|i| mean(i, true)).collect();
    assert_eq!(seed_7::trailing_mean::call(&a).unwrap().to_vec(), want);
    assert_eq!(
        seed_7::trailing_mean_wrap::call(&a).unwrap().to_vec(),
        want_wrap
    );
    assert_eq!(
        seed_7::trailing_mean_plain(a.as_slice().unwrap(), false),
        want
    );
    assert_eq!(
        seed_7::trailing_mean_plain(a.as_slice().unwrap(), true),
        want_wrap
    );
    assert_eq!(
        seed_7::trailing_mean::parallel().call(&a).unwrap().to_vec(),
        want
    );
}

// ------------------------------------------------------------------ the examples themselves

#[test]
#[cfg_attr(miri, ignore)]
fn every_example_runs_and_checks_itself_at_a_tiny_scale() {
    type Run = fn(f64, usize) -> numbox::Result<Vec<(String, &'static str, String, f64)>>;
    let runs: [Run; 7] = [
        seed_1::run,
        seed_2::run,
        seed_3::run,
        seed_4::run,
        seed_5::run,
        seed_6::run,
        seed_7::run,
    ];
    for run in runs {
        let rows = run(1e-4, 1).unwrap();
        assert!(rows.iter().any(|r| r.1 == "baseline"));
        assert!(rows.iter().any(|r| r.1 == "serial"));
        assert!(rows.iter().all(|r| r.3 > 0.0 && r.3.is_finite()));
    }
}
