//! Lockstep lanes for `#[parallel_loop]`: a prange body of the shape "reads at the loop
//! index, a data-dependent loop, one store at the loop index" runs in groups of K
//! consecutive iterations, and gives, bit for bit, what the same function without the
//! attribute (a plain serial loop, which the macro never sees) gives; over group tails,
//! every schedule and forced lane counts. Bodies outside the shape keep the scalar path.
// The kernels are written as users write them (`&Vec<u64>` to cover that parameter type,
// `n % 2 == 0`, `x = x * y`).
#![allow(
    clippy::assign_op_pattern,
    clippy::ptr_arg,
    clippy::manual_is_multiple_of
)]

use numbox::ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1};
use numbox::num_complex::Complex64;
use numbox::prelude::*;

/// Defines `#[parallel_loop(opts)] fn name` and, from the same tokens, the plain function
/// `name_ref::reference` that the macro never sees (there `prange` is the serial range).
macro_rules! twin {
    ($refmod:ident, #[parallel_loop$(($($opt:tt)*))?] fn $name:ident($($arg:ident: $t:ty),*) $body:block) => {
        #[parallel_loop$(($($opt)*))?]
        fn $name($($arg: $t),*) $body
        mod $refmod {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_mut, dead_code, clippy::all)]
            pub fn reference($($arg: $t),*) $body
        }
    };
}

// 1. The seed's Julia set, as written there.
twin!(
    julia_ref,
    #[parallel_loop]
    fn julia(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
        for i in prange(0..zs.len()) {
            let (mut z, c, mut n) = (zs[i], cs[i], 0);
            while n < maxiter && z.norm_sqr() < 4.0 {
                z = z * z + c;
                n += 1;
            }
            out[i] = n;
        }
    }
);

// The same with a forced lane count, and with the lockstep path turned off.
twin!(
    julia4_ref,
    #[parallel_loop(lanes = 4)]
    fn julia4(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
        for i in prange(0..zs.len()) {
            let (mut z, c, mut n) = (zs[i], cs[i], 0);
            while n < maxiter && z.norm_sqr() < 4.0 {
                z = z * z + c;
                n += 1;
            }
            out[i] = n;
        }
    }
);

#[parallel_loop(lanes = 1)]
fn julia_scalar(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

#[parallel_loop(schedule = "dynamic", chunk = 5)]
fn julia_dynamic(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

#[parallel_loop(schedule = "static", chunk = 13)]
fn julia_static(maxiter: u32, zs: &[Complex64], cs: &[Complex64], out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, c, mut n) = (zs[i], cs[i], 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

// 2. A 2-D form: the points as an (n, 2) array of coordinates, the counts written into
// column `col` of an (n, 2) array; `c` a captured complex parameter.
twin!(
    julia2d_ref,
    #[parallel_loop(lanes = 8)]
    fn julia2d(maxiter: u32, p: ArrayView2<f64>, c: Complex64, col: usize, out: &mut Array2<u32>) {
        for i in prange(0..p.nrows()) {
            let mut z = Complex64::new(p[[i, 0]], p[[i, 1]]);
            let mut n = 0;
            while n < maxiter && z.norm_sqr() < 4.0 {
                z = z * z + c;
                n += 1;
            }
            out[[i, col]] = n;
        }
    }
);

// 3. Newton's square root with a tolerance, `break` out of the loop, an early `if`.
twin!(
    newton_ref,
    #[parallel_loop(lanes = 8)]
    fn newton(a: &[f64], tol: f64, out: &mut [f64]) {
        for i in prange(0..a.len()) {
            let a = a[i];
            let mut x = if a > 1.0 { a } else { 1.0 };
            let mut it = 0;
            while it < 100 {
                let next = 0.5 * (x + a / x);
                if (next - x).abs() <= tol * next {
                    x = next;
                    break;
                }
                x = next;
                it += 1;
            }
            out[i] = if a <= 0.0 { 0.0 } else { x };
        }
    }
);

// 4. Integer state: Collatz steps with `loop`, `break` and integer `/`.
twin!(
    collatz_ref,
    #[parallel_loop(lanes = 16)]
    fn collatz(n0: &Vec<u64>, limit: u32, out: &mut ArrayViewMut1<u32>) {
        for i in prange(0..n0.len()) {
            let mut n = n0[i];
            let mut steps = 0u32;
            loop {
                if n <= 1 || steps >= limit {
                    break;
                }
                if n % 2 == 0 {
                    n /= 2;
                } else {
                    n = 3 * n + 1;
                }
                steps += 1;
            }
            out[i] = steps;
        }
    }
);

// 5. Bisection: nested `if`/`else` inside the loop, two reads combined.
twin!(
    bisect_ref,
    #[parallel_loop(lanes = 2)]
    fn bisect(c: &[f64], d: &[f64], out: &mut [f64]) {
        for i in prange(0..c.len()) {
            let target = c[i] * d[i];
            let mut lo: f64 = 0.0;
            let mut hi = if target > 1.0 { target } else { 1.0 };
            let mut it = 0;
            while hi - lo > 1e-12 && it < 200 {
                let mid = 0.5 * (lo + hi);
                if mid * mid * mid < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
                it += 1;
            }
            out[i] = 0.5 * (lo + hi);
        }
    }
);

/// A small deterministic generator (the tests need no statistics, only variety).
fn lcg(seed: u64) -> impl FnMut() -> f64 {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn points(n: usize, seed: u64) -> (Vec<Complex64>, Vec<Complex64>) {
    let mut r = lcg(seed);
    let zs = (0..n)
        .map(|_| Complex64::new(3.6 * r() - 1.8, 3.6 * r() - 1.8))
        .collect();
    let cs = (0..n)
        .map(|_| Complex64::new(-0.62772 + 0.1 * r(), -0.42193 + 0.1 * r()))
        .collect();
    (zs, cs)
}

/// Lengths around the group sizes (4, 8, 16) and a long one.
const LENGTHS: [usize; 12] = [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 1003];

#[test]
#[cfg_attr(miri, ignore)]
fn julia_matches_the_plain_loop_for_every_tail_schedule_and_lane_count() {
    type F = fn(u32, &[Complex64], &[Complex64], &mut [u32]);
    let forms: [(&str, F); 5] = [
        ("default", julia),
        ("lanes = 4", julia4),
        ("lanes = 1", julia_scalar),
        ("dynamic", julia_dynamic),
        ("static", julia_static),
    ];
    for n in LENGTHS {
        let (zs, cs) = points(n, n as u64);
        let mut want = vec![0; n];
        julia_ref::reference(300, &zs, &cs, &mut want);
        let mut want4 = vec![0; n];
        julia4_ref::reference(300, &zs, &cs, &mut want4);
        assert_eq!(want, want4);
        assert!(n < 100 || want.contains(&300) && want.iter().any(|&k| k < 5));
        for (name, f) in forms {
            let mut got = vec![u32::MAX; n];
            f(300, &zs, &cs, &mut got);
            assert_eq!(got, want, "{name}, n = {n}");
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn julia_bits_do_not_depend_on_the_thread_count() {
    let (zs, cs) = points(2049, 7);
    let mut want = vec![0; zs.len()];
    julia_ref::reference(200, &zs, &cs, &mut want);
    for threads in 1..=3 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut got = vec![0; zs.len()];
        pool.install(|| julia(200, &zs, &cs, &mut got));
        assert_eq!(got, want, "{threads} threads");
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn julia_2d_matches_the_plain_loop() {
    let c = Complex64::new(-0.62772, -0.42193);
    for n in LENGTHS {
        let (zs, _) = points(n, 100 + n as u64);
        let p = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { zs[i].re } else { zs[i].im });
        for col in [0, 1] {
            let mut want = Array2::from_elem((n, 2), 7);
            julia2d_ref::reference(300, p.view(), c, col, &mut want);
            let mut got = Array2::from_elem((n, 2), 7);
            julia2d(300, p.view(), c, col, &mut got);
            assert_eq!(got, want, "n = {n}, col = {col}");
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn newton_collatz_and_bisection_match_the_plain_loops_bit_for_bit() {
    for n in LENGTHS {
        let mut r = lcg(n as u64 + 1);
        let a: Vec<f64> = (0..n)
            .map(|k| match k % 5 {
                0 => 0.0,
                1 => -r(),
                2 => 1e-300 * r(),
                _ => 1e6 * r(),
            })
            .collect();
        let (mut want, mut got) = (vec![0.0; n], vec![0.0; n]);
        newton_ref::reference(&a, 1e-15, &mut want);
        newton(&a, 1e-15, &mut got);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want), "newton, n = {n}");

        let n0: Vec<u64> = (0..n as u64).map(|k| k * 7919 % 1000 + k / 3).collect();
        let (mut want, mut got) = (Array1::zeros(n), Array1::zeros(n));
        collatz_ref::reference(&n0, 120, &mut want.view_mut());
        collatz(&n0, 120, &mut got.view_mut());
        assert_eq!(got, want, "collatz, n = {n}");

        let c: Vec<f64> = (0..n).map(|_| 10.0 * r()).collect();
        let d: Vec<f64> = (0..n).map(|_| 3.0 * r()).collect();
        let (mut want, mut got) = (vec![0.0; n], vec![0.0; n]);
        bisect_ref::reference(&c, &d, &mut want);
        bisect(&c, &d, &mut got);
        assert_eq!(bits(&got), bits(&want), "bisect, n = {n}");
    }
}

// 6. Untyped integer and float locals (their types inferred as in the scalar body), a cast
// in the store.
twin!(
    halvings_ref,
    #[parallel_loop(lanes = 8)]
    fn halvings(x: &[f64], out: &mut [f64]) {
        for i in prange(0..x.len()) {
            let mut v = x[i];
            let mut n = 0;
            while v > 1.0 && n < 64 {
                v = v * 0.5;
                n += 1;
            }
            out[i] = n as f64 + v;
        }
    }
);

#[test]
#[cfg_attr(miri, ignore)]
fn inferred_local_types_match_the_plain_loop() {
    for n in LENGTHS {
        let mut r = lcg(n as u64 + 9);
        let x: Vec<f64> = (0..n).map(|_| 1e3 * r()).collect();
        let (mut want, mut got) = (vec![0.0; n], vec![0.0; n]);
        halvings_ref::reference(&x, &mut want);
        halvings(&x, &mut got);
        assert_eq!(got, want, "n = {n}");
    }
}

// Bodies outside the shape: each compiles and runs its scalar path. (The kernels above
// with `lanes = N` would not compile without the lockstep path.)

/// A read under a branch: the lockstep path would read `x[i]` on every iteration, so it
/// must not be taken (here `x` is shorter than the loop, and never read past its end).
#[parallel_loop]
fn conditional_read(flag: bool, x: &[f64], out: &mut [f64]) {
    for i in prange(0..out.len()) {
        let mut v = if flag { x[i] } else { 1.5 };
        let mut k = 0;
        while v < 100.0 && k < 50 {
            v *= 1.7;
            k += 1;
        }
        out[i] = v;
    }
}

/// A read behind `&&`: evaluated only where the left side holds.
#[parallel_loop]
fn read_behind_and(x: &[f64], out: &mut [u32]) {
    for i in prange(0..out.len()) {
        let mut n = 0;
        while n < 10 && (n > 100 && x[i] > 0.0) {
            n += 1;
        }
        out[i] = n;
    }
}

/// The loop variable as a value, a captured local and a reduction: all scalar.
#[parallel_loop]
fn index_as_value(x: &[f64], out: &mut [u32]) -> u64 {
    let limit = 40.0;
    let mut total = 0;
    for i in prange(0..x.len()) {
        let mut v = x[i] + i as f64;
        let mut n = 0;
        while v < limit {
            v *= 2.0;
            v += 0.5;
            n += 1;
        }
        out[i] = n;
        total += u64::from(n);
    }
    total
}

#[test]
#[cfg_attr(miri, ignore)]
fn bodies_outside_the_shape_keep_the_scalar_path() {
    let x = vec![2.0; 3];
    let mut out = vec![0.0; 40];
    conditional_read(false, &x, &mut out);
    let mut want = 1.5;
    while want < 100.0 {
        want *= 1.7;
    }
    assert!(out.iter().all(|&v| v == want), "{out:?}");

    let mut out = vec![7; 40];
    read_behind_and(&x, &mut out);
    assert!(out.iter().all(|&n| n == 0));

    let x: Vec<f64> = (0..37).map(|k| 0.25 * k as f64).collect();
    let mut out = vec![0; 37];
    let total = index_as_value(&x, &mut out);
    for (i, (&n, &xi)) in out.iter().zip(&x).enumerate() {
        let (mut v, mut want) = (xi + i as f64, 0);
        while v < 40.0 {
            v = v * 2.0 + 0.5;
            want += 1;
        }
        assert_eq!(n, want, "i = {i}");
    }
    assert_eq!(total, out.iter().map(|&n| u64::from(n)).sum::<u64>());
}

/// An out-of-bounds read panics with the scalar path's message on the lockstep path too.
#[test]
#[cfg_attr(miri, ignore)]
fn an_out_of_bounds_read_panics_with_the_same_message() {
    let (zs, cs) = points(40, 3);
    let message = |f: fn(u32, &[Complex64], &[Complex64], &mut [u32])| {
        let err = std::panic::catch_unwind(|| {
            let mut out = vec![0; 40];
            f(300, &zs, &cs[..37], &mut out);
        })
        .expect_err("cs is too short");
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let want = message(julia_scalar);
    assert_eq!(
        want,
        "index out of bounds: the len is 37 but the index is 37"
    );
    assert_eq!(message(julia), want);
    assert_eq!(message(julia4), want);
}
