//! `fastmath` on the four attributes: the math calls of a kernel become `numbox::math`'s
//! (bit-identical to calling those by hand), anything that is not `f32`/`f64` keeps its own
//! method, and without `fastmath` `x.exp()` stays the C library's, bit for bit.

use numbox::math;
use numbox::ndarray::{Array1, ArrayView1, ArrayViewMut1};
use numbox::num_complex::Complex;
use numbox::prelude::*;
use std::cell::RefCell;

/// Arguments over several binades, both signs, and the special values.
fn args() -> Vec<f64> {
    let mut v: Vec<f64> = (0..2000)
        .map(|k| {
            let t = k as f64 / 2000.0;
            (t * 40.0 - 20.0) * (1.0 + (k % 7) as f64 * 0.137)
        })
        .collect();
    v.extend([
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1e-310,
        f64::MIN_POSITIVE,
        700.0,
        -745.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ]);
    v
}

/// Positive arguments, for the logarithms' interesting range.
fn positive() -> Vec<f64> {
    args().into_iter().map(f64::abs).collect()
}

fn bits(a: &Array1<f64>) -> Vec<u64> {
    a.iter().map(|v| v.to_bits()).collect()
}

fn bits_of(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
    v.into_iter().map(f64::to_bits).collect()
}

// One fastmath kernel per function and form, checked against `numbox::math` by hand.
macro_rules! unary_kernels {
    ($($name:ident: $method:ident, $path:ident, $f32:ident;)*) => {
        $(
            #[vectorize(fastmath)]
            fn $method(x: f64) -> f64 {
                x.$name()
            }

            #[vectorize(fastmath = true)]
            fn $path(x: f64) -> f64 {
                f64::$name(x)
            }

            #[vectorize(fastmath)]
            fn $f32(x: f32) -> f32 {
                x.$name()
            }
        )*

        #[test]
        fn every_unary_function_is_numbox_math_in_both_forms() {
            let x = Array1::from(positive()) - 1.0;
            let x32 = x.mapv(|v| v as f32);
            $(
                let want = bits_of(x.iter().map(|&v| math::$name(v)));
                assert_eq!(bits(&$method::call(&x).unwrap()), want, "x.{}()", stringify!($name));
                assert_eq!(bits(&$path::call(&x).unwrap()), want, "f64::{}(x)", stringify!($name));
                let want32: Vec<u32> = x32.iter().map(|&v| math::f32::$name(v).to_bits()).collect();
                let got32: Vec<u32> = $f32::call(&x32).unwrap().iter().map(|v| v.to_bits()).collect();
                assert_eq!(got32, want32, "f32 x.{}()", stringify!($name));
            )*
        }
    };
}

unary_kernels! {
    exp: m_exp, p_exp, s_exp;
    exp2: m_exp2, p_exp2, s_exp2;
    exp_m1: m_exp_m1, p_exp_m1, s_exp_m1;
    ln: m_ln, p_ln, s_ln;
    log2: m_log2, p_log2, s_log2;
    log10: m_log10, p_log10, s_log10;
    ln_1p: m_ln_1p, p_ln_1p, s_ln_1p;
    sin: m_sin, p_sin, s_sin;
    cos: m_cos, p_cos, s_cos;
    tan: m_tan, p_tan, s_tan;
    tanh: m_tanh, p_tanh, s_tanh;
    sinh: m_sinh, p_sinh, s_sinh;
    cosh: m_cosh, p_cosh, s_cosh;
    atan: m_atan, p_atan, s_atan;
    cbrt: m_cbrt, p_cbrt, s_cbrt;
}

#[vectorize(fastmath)]
fn binary(x: f64, y: f64) -> (f64, f64, f64, f64) {
    (x.atan2(y), x.powf(y), x.hypot(y), x.powi(3))
}

#[vectorize(fastmath)]
fn binary_paths(x: f64, y: f64) -> (f64, f64, f64, f64) {
    (
        f64::atan2(x, y),
        f64::powf(x, y),
        f64::hypot(x, y),
        std::primitive::f64::powi(x, -2),
    )
}

#[test]
fn binary_functions_are_numbox_math() {
    let x = Array1::from(positive());
    let y = x.mapv(|v| (v * 0.37).sin() * 3.0);
    let (a, p, h, i) = binary::call(&x, &y).unwrap();
    let by_hand = |f: fn(f64, f64) -> f64| bits_of(x.iter().zip(&y).map(|(&u, &v)| f(u, v)));
    assert_eq!(bits(&a), by_hand(math::atan2));
    assert_eq!(bits(&p), by_hand(math::powf));
    assert_eq!(bits(&h), by_hand(math::hypot));
    assert_eq!(bits(&i), bits_of(x.iter().map(|&u| math::powi(u, 3))));
    let (a, p, h, i) = binary_paths::call(&x, &y).unwrap();
    assert_eq!(bits(&a), by_hand(math::atan2));
    assert_eq!(bits(&p), by_hand(math::powf));
    assert_eq!(bits(&h), by_hand(math::hypot));
    assert_eq!(bits(&i), bits_of(x.iter().map(|&u| math::powi(u, -2))));
}

// Seed 2's kernel, with and without fastmath.
#[vectorize(fastmath)]
fn seed2_fast(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

#[vectorize]
fn seed2_libm(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

#[vectorize(fastmath = false)]
fn seed2_off(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

#[test]
fn without_fastmath_the_c_library_stays_bit_for_bit() {
    let x = Array1::from(args()) / 10.0;
    let y = x.mapv(|v| v.abs() + 1.5);
    let libm = bits_of(
        x.iter()
            .zip(&y)
            .map(|(&u, &v)| f64::ln(f64::exp(u) * f64::ln(v))),
    );
    let fast = bits_of(
        x.iter()
            .zip(&y)
            .map(|(&u, &v)| math::ln(math::exp(u) * math::ln(v))),
    );
    // The two libraries differ on these arguments, so the comparisons below tell them apart.
    assert_ne!(libm, fast);
    assert_eq!(bits(&seed2_libm::call(&x, &y).unwrap()), libm);
    assert_eq!(bits(&seed2_off::call(&x, &y).unwrap()), libm);
    assert_eq!(bits(&seed2_fast::call(&x, &y).unwrap()), fast);
    // The scalar function is the kernel: rewritten too.
    assert_eq!(
        seed2_fast(0.3, 2.5).to_bits(),
        math::ln(math::exp(0.3) * math::ln(2.5)).to_bits()
    );
}

/// A float trait of the test's own (as `num_traits::Float` would be).
trait Real: Copy {
    fn exp(self) -> Self;
}

impl Real for f64 {
    fn exp(self) -> f64 {
        f64::exp(self)
    }
}

impl Real for Complex<f64> {
    fn exp(self) -> Self {
        Complex::exp(self)
    }
}

#[vectorize(fastmath, fn(f64) -> f64)]
fn generic_exp<T: Real + Copy + Send + Sync + 'static>(x: T) -> T {
    x.exp()
}

#[vectorize(fastmath)]
fn complex_exp(z: Complex<f64>) -> Complex<f64> {
    z.exp() + Complex::new(0.5, 0.0).ln()
}

#[test]
fn generic_kernels_take_the_fast_path_and_complex_keeps_its_own() {
    let x = Array1::from(args()) / 30.0;
    // `T = f64`: `numbox::math::exp`, not the trait's `f64::exp`.
    let want = bits_of(x.iter().map(|&v| math::exp(v)));
    assert_ne!(want, bits_of(x.iter().map(|&v| v.exp())));
    assert_eq!(bits(&generic_exp::call(&x).unwrap()), want);
    // `T = Complex<f64>`: the trait's method.
    let z = x.mapv(|v| Complex::new(v, 1.0 - v));
    let cbits = |a: Array1<Complex<f64>>| bits_of(a.iter().flat_map(|c| [c.re, c.im]));
    assert_eq!(
        cbits(generic_exp::call(&z).unwrap()),
        cbits(z.mapv(Complex::exp))
    );
    assert_eq!(
        cbits(complex_exp::call(&z).unwrap()),
        cbits(z.mapv(|w| w.exp() + Complex::new(0.5, 0.0).ln()))
    );
}

thread_local! {
    static ORDER: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Records that `v` was evaluated.
fn seen(v: f64) -> f64 {
    ORDER.with(|o| o.borrow_mut().push(v));
    v
}

#[vectorize(fastmath)]
fn evaluated_once(x: f64) -> f64 {
    seen(x).powf(seen(2.0)) + seen(x + 1.0).exp().atan2(seen(3.0))
}

#[test]
fn receivers_and_arguments_are_evaluated_once_in_order() {
    ORDER.with(|o| o.borrow_mut().clear());
    let got = evaluated_once(1.5);
    let order = ORDER.with(|o| o.borrow().clone());
    assert_eq!(order, vec![1.5, 2.0, 2.5, 3.0]);
    let want = math::powf(1.5, 2.0) + math::atan2(math::exp(2.5), 3.0);
    assert_eq!(got.to_bits(), want.to_bits());
}

#[guvectorize("(n)->(n)", fastmath)]
fn gu_softmax(x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    let mut total = 0.0;
    // `v` is `&f64` here: the shim reads through the reference.
    for (o, v) in out.iter_mut().zip(x.iter()) {
        *o = v.exp();
        total += *o;
    }
    out.mapv_inplace(|v| v / total);
}

#[test]
fn guvectorize_fastmath() {
    let x = numbox::ndarray::Array2::from_shape_fn((7, 33), |(i, j)| {
        (i as f64 - 3.0) * 0.7 + j as f64 * 0.11
    });
    let got = gu_softmax::call(&x).unwrap();
    for (row, grow) in x.rows().into_iter().zip(got.rows()) {
        let e: Vec<f64> = row.iter().map(|&v| math::exp(v)).collect();
        let total = e.iter().fold(0.0, |a, b| a + b);
        assert_eq!(
            bits_of(grow.iter().copied()),
            bits_of(e.iter().map(|v| v / total))
        );
    }
}

#[stencil(fastmath)]
fn smooth_exp(u: Neighbors1<f64>) -> f64 {
    (u[-1] + u[1]).exp() - u[0].tanh()
}

#[stencil]
fn smooth_exp_libm(u: Neighbors1<f64>) -> f64 {
    (u[-1] + u[1]).exp() - u[0].tanh()
}

#[test]
fn stencil_fastmath() {
    let u = Array1::from(args()) / 20.0;
    let n = u.len();
    let got = smooth_exp::call(&u).unwrap();
    let libm = smooth_exp_libm::call(&u).unwrap();
    for i in 1..n - 1 {
        let want = math::exp(u[i - 1] + u[i + 1]) - math::tanh(u[i]);
        assert_eq!(got[i].to_bits(), want.to_bits(), "at {i}");
        let want = (u[i - 1] + u[i + 1]).exp() - u[i].tanh();
        assert_eq!(libm[i].to_bits(), want.to_bits(), "at {i}");
    }
}

#[parallel_loop(fastmath)]
fn exp_sum(x: &[f64], out: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        out[i] = x[i].tanh();
        s += x[i].exp();
    }
    s
}

#[parallel_loop]
fn exp_sum_libm(x: &[f64], out: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        out[i] = x[i].tanh();
        s += x[i].exp();
    }
    s
}

/// The documented lane grid: blocks of `ceil(n / 1024)` iterations, 8 lanes by position in
/// the block, lanes combined pairwise, blocks in order, then the initial value.
fn lane_grid_sum(init: f64, terms: &[f64]) -> f64 {
    let n = terms.len();
    if n == 0 {
        return init;
    }
    let len = n.div_ceil(1024).max(1);
    let mut blocks = terms.chunks(len).map(|c| {
        let mut l = [0.0_f64; 8];
        for (j, v) in c.iter().enumerate() {
            l[j % 8] += v;
        }
        ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
    });
    let first = blocks.next().unwrap();
    init + blocks.fold(first, |a, b| a + b)
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_loop_fastmath_sum_has_the_same_bits_on_any_thread_count() {
    let n = 100_003;
    let x: Vec<f64> = (0..n)
        .map(|k| ((k * 37 % 1001) as f64) / 97.0 - 5.0)
        .collect();
    let terms: Vec<f64> = x.iter().map(|&v| math::exp(v)).collect();
    let want = lane_grid_sum(0.0, &terms);
    let tanh = bits_of(x.iter().map(|&v| math::tanh(v)));
    for threads in 1..=3 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut out = vec![0.0; n];
        let s = pool.install(|| exp_sum(&x, &mut out));
        assert_eq!(s.to_bits(), want.to_bits(), "{threads} threads");
        assert_eq!(bits_of(out.iter().copied()), tanh, "{threads} threads");
    }
    // Without fastmath: the C library and the block grid of plain reductions.
    let mut out = vec![0.0; n];
    let s = exp_sum_libm(&x, &mut out);
    assert_eq!(
        bits_of(out.iter().copied()),
        bits_of(x.iter().map(|v| v.tanh()))
    );
    let len = n.div_ceil(1024);
    let blocks: Vec<f64> = x
        .chunks(len)
        .map(|c| c.iter().fold(0.0, |a, v| a + v.exp()))
        .collect();
    let plain = blocks[1..].iter().fold(blocks[0], |a, b| a + b);
    assert_eq!(s.to_bits(), (0.0 + plain).to_bits());
}

#[parallel_loop(fastmath)]
fn small_sum(x: &[f64]) -> f64 {
    let mut s = 1.0;
    for i in prange(0..x.len()) {
        s += f64::ln(x[i]);
    }
    s
}

#[test]
fn parallel_loop_fastmath_short_ranges() {
    for n in [0, 1, 7, 8, 9, 1023, 1025, 8200] {
        let x: Vec<f64> = (1..=n).map(|k| k as f64 * 0.75).collect();
        let terms: Vec<f64> = x.iter().map(|&v| math::ln(v)).collect();
        assert_eq!(
            small_sum(&x).to_bits(),
            lane_grid_sum(1.0, &terms).to_bits(),
            "n = {n}"
        );
    }
}

/// The lane grid over long blocks (`ceil(n / 1024)` iterations: 63, 64, 65, 66, 128, 129,
/// 196), lengths that are and are not multiples of the 8 lanes, the last block shorter.
#[test]
#[cfg_attr(miri, ignore)]
fn parallel_loop_fastmath_long_blocks_match_the_lane_grid() {
    for n in [
        63 * 1024,
        63 * 1024 + 1,
        64 * 1024 - 1,
        64 * 1024,
        64 * 1024 + 1,
        65 * 1024 + 7,
        128 * 1024,
        128 * 1024 + 1,
        200_003,
    ] {
        let x: Vec<f64> = (0..n)
            .map(|k| ((k * 7919 % 2003) as f64) / 97.0 - 10.0)
            .collect();
        let terms: Vec<f64> = x.iter().map(|&v| math::exp(v)).collect();
        let want = lane_grid_sum(0.0, &terms);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut out = vec![0.0; n];
            let s = pool.install(|| exp_sum(&x, &mut out));
            assert_eq!(s.to_bits(), want.to_bits(), "n = {n}, {threads} threads");
        }
    }
}

#[vectorize(fastmath)]
fn no_floats(a: i64, b: i64) -> i64 {
    a.pow(2) + b
}

#[test]
fn fastmath_without_float_math_is_allowed() {
    assert_eq!(
        no_floats::call(&numbox::ndarray::array![1, 2, 3], 1).unwrap(),
        numbox::ndarray::array![2, 5, 10]
    );
}
