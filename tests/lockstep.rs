//! Lockstep lanes (`numbox::lanes`): kernels with data-dependent loops and branches give,
//! bit for bit, what the same body as a plain Rust function gives on each element, over
//! group tails and every layout; kernels outside the subset keep the scalar path.
// The kernels are written as users write them (`x = x * y`, `!(a < b)`), and the tests
// assert which kernels got a lockstep version: compile-time constants.
#![allow(
    clippy::assign_op_pattern,
    clippy::neg_cmp_op_on_partial_ord,
    clippy::assertions_on_constants
)]

use numbox::ndarray::{s, Array1, Array2, ArrayView1, ShapeBuilder};
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use numbox::ufunc::Kernel;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Defines a `#[vectorize(opts)]` kernel and, from the same tokens, a plain Rust function
/// `reference` (in a module of the kernel's name with `_ref` appended) that the macro never
/// sees: the independent reference.
macro_rules! twin {
    ($refmod:ident, #[vectorize$(($($opt:tt)*))?] fn $name:ident($($arg:ident: $t:ty),*) -> $r:ty $body:block) => {
        #[vectorize$(($($opt)*))?]
        fn $name($($arg: $t),*) -> $r $body
        mod $refmod {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_mut, dead_code, clippy::all)]
            pub fn reference($($arg: $t),*) -> $r $body
        }
    };
}

// 1. The escape-time loop of the Julia set (complex state, `&&` in the condition).
twin!(
    julia_ref,
    #[vectorize]
    fn julia(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
        let (mut z, mut n) = (z, 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }
);

// The same body, with explicit lane counts and without the lockstep version.
twin!(
    julia4_ref,
    #[vectorize(lanes = 4)]
    fn julia4(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
        let (mut z, mut n) = (z, 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }
);
twin!(
    julia64_ref,
    #[vectorize(lanes = 64)]
    fn julia64(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
        let (mut z, mut n) = (z, 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }
);
twin!(
    julia1_ref,
    #[vectorize(lanes = 1)]
    fn julia1(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
        let (mut z, mut n) = (z, 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }
);

// 2. Newton's iteration for the square root with a relative tolerance, an early return and
// a `break`.
twin!(
    newton_ref,
    #[vectorize]
    fn newton(a: f64) -> f64 {
        if a <= 0.0 {
            return 0.0;
        }
        let mut x = if a > 1.0 { a } else { 1.0 };
        let mut i = 0;
        while i < 100 {
            let next = 0.5 * (x + a / x);
            if (next - x).abs() <= 1e-15 * next {
                x = next;
                break;
            }
            x = next;
            i += 1;
        }
        x
    }
);

// 3. Nested ifs, an `else if` chain and `if` as a value, without a loop: no lockstep version
// (LLVM if-converts and vectorizes the scalar loop).
twin!(
    piecewise_ref,
    #[vectorize]
    fn piecewise(x: f64, y: f64) -> f64 {
        let mut r = 0.5 * x;
        if x > 0.0 {
            if y > x {
                r = y - x;
            } else if y > 0.0 {
                r = x * y;
            } else {
                r -= x;
            }
        } else {
            let t = if y < -1.0 { y * y } else { y + 0.5 };
            r = t / (1.0 + x * x);
        }
        r + if r > 10.0 { 1.0 } else { -1.0 }
    }
);

// 4. Early returns inside a loop.
twin!(
    early_ref,
    #[vectorize]
    fn early(x: f64, y: f64) -> f64 {
        if x < 0.0 {
            return -1.0;
        }
        if y.is_nan() {
            return y;
        }
        let mut s = x;
        while s > 1.0 {
            s = s * 0.5;
            if s < y {
                return s + y;
            }
        }
        s
    }
);

// 5. `loop` with `break`s and integer state with a masked division (Collatz steps).
twin!(
    collatz_ref,
    #[vectorize]
    fn collatz(n: u64) -> u32 {
        let mut n = n;
        let mut steps = 0u32;
        loop {
            if n <= 1 {
                break;
            }
            if n & 1 == 0 {
                n /= 2;
            } else {
                n = 3 * n + 1;
            }
            steps += 1;
            if steps >= 500 {
                break;
            }
        }
        steps
    }
);

// 6. Integer state: Euclid's algorithm (`%` by lanes that are zero once finished).
twin!(
    gcd_ref,
    #[vectorize]
    fn gcd(a: i64, b: i64) -> i64 {
        let (mut a, mut b) = (a, b);
        while b != 0 {
            let t = a % b;
            a = b;
            b = t;
        }
        a.abs()
    }
);

// 7. Complex state with a complex-by-real division under a branch.
twin!(
    cpow_ref,
    #[vectorize]
    fn cpow(z: Complex64, n: u32) -> Complex64 {
        let mut acc = Complex64::new(1.0, 0.0);
        let mut k = 0;
        while k < n {
            acc = acc * z;
            if acc.norm_sqr() > 1e6 {
                acc = acc / 2.0;
            }
            k += 1;
        }
        acc
    }
);

// 8. Bisection for the cube root, with a typed local.
twin!(
    bisect_ref,
    #[vectorize]
    fn bisect(c: f64) -> f64 {
        let mut lo: f64 = 0.0;
        let mut hi = if c > 1.0 { c } else { 1.0 };
        let mut it = 0;
        while hi - lo > 1e-12 && it < 200 {
            let mid = 0.5 * (lo + hi);
            if mid * mid * mid < c {
                lo = mid;
            } else {
                hi = mid;
            }
            it += 1;
        }
        0.5 * (lo + hi)
    }
);

// 9. Casts, compound division and an `if` as the function's value.
twin!(
    digits_ref,
    #[vectorize]
    fn digits(x: f64) -> i32 {
        let mut v = x.abs().floor() as u64;
        let mut d = 1;
        while v >= 10 {
            v /= 10;
            d += 1;
        }
        if x < 0.0 {
            -d
        } else {
            d
        }
    }
);

// 10. `f32` state, a small integer counter and `&&` chains.
twin!(
    logistic_ref,
    #[vectorize]
    fn logistic(r: f32, x0: f32) -> u16 {
        let mut x = x0;
        let mut n: u16 = 0;
        while n < 500 && (x > 1e-3 && x < 0.999) {
            x = r * x * (1.0 - x);
            n += 1;
        }
        n
    }
);

// 11. A nested loop with `||`, `!` and a `return` from the inner loop.
twin!(
    nested_ref,
    #[vectorize]
    fn nested(x: f64, k: u32) -> f64 {
        let mut acc = 0.0;
        let mut i = 0;
        while i < k {
            let mut j = 0;
            loop {
                if j >= i || !(acc < 1e3) {
                    break;
                }
                acc += x * (j as f64) - 0.25;
                if acc.is_nan() || acc < -50.0 {
                    return acc;
                }
                j += 1;
            }
            i += 1;
        }
        acc.max(-1.0).mul_add(2.0, 1.0)
    }
);

// The nested ifs, `else if` chain and `if` values of 3 inside a loop: lockstep.
twin!(
    tent_ref,
    #[vectorize]
    fn tent(x: f64, n: u32) -> f64 {
        let mut v = x;
        let mut i = 0;
        while i < n {
            if v > 0.0 {
                if v > 1.0 {
                    v -= 1.0;
                } else if v > 0.5 {
                    v = 2.0 * (1.0 - v);
                } else {
                    v = 2.0 * v;
                }
            } else {
                let t = if v < -1.0 { v * v } else { v + 0.5 };
                v = t / (1.0 + v * v);
            }
            i += 1;
        }
        v + if v > 10.0 { 1.0 } else { -1.0 }
    }
);

// 12. `bool` locals (masks): assigned in a loop, tested in the condition and at the end.
twin!(
    first_above_ref,
    #[vectorize]
    fn first_above(x: f64, t: f64) -> i32 {
        let mut found = false;
        let mut v = x;
        let mut i = 0;
        while i < 20 && !found {
            v = v * 1.5 + 0.1;
            found = v > t;
            i += 1;
        }
        let neg = x < 0.0;
        if found && !neg {
            i
        } else {
            -i
        }
    }
);

// A negative literal that is one only with its sign, and a small integer type.
twin!(
    floor8_ref,
    #[vectorize]
    fn floor8(x: i8) -> i8 {
        let mut y = x;
        let mut k = 0;
        while k < 2 {
            if y < -100 {
                y = -128i8;
            } else if y > 100 {
                y -= 1;
            }
            k += 1;
        }
        y
    }
);

// A `for` over a range the same for every element, left early by a data-dependent `break`.
twin!(
    damped_ref,
    #[vectorize]
    fn damped(x: f64) -> f64 {
        let mut y = x;
        for k in 0..STEPS {
            if y > 40.0 {
                break;
            }
            y = y * 1.5 + k as f64;
        }
        y
    }
);

/// The bound of `damped`'s and `squares_below`'s ranges: an item, the same for every element.
const STEPS: u32 = 9;

// `continue` in a `while`, skipping the rest of an iteration on some lanes.
twin!(
    even_sum_ref,
    #[vectorize]
    fn even_sum(n: u64) -> u64 {
        let (mut s, mut i) = (0, 0);
        while i < n % 41 {
            i += 1;
            if i % 2 == 1 {
                continue;
            }
            s += i;
        }
        s
    }
);

// `for` over an inclusive range with a `continue` and an early `return`.
twin!(
    squares_below_ref,
    #[vectorize]
    fn squares_below(x: f64) -> f64 {
        let mut s = 0.0;
        for k in 1..=STEPS * 2 {
            let t = (k as f64) * (k as f64);
            if t > x {
                continue;
            }
            if s > 150.0 {
                return -s;
            }
            s += t;
        }
        s
    }
);

// A `bool` used as a number: outside the subset, so scalar (and it still compiles).
twin!(
    bool_cast_ref,
    #[vectorize]
    fn bool_cast(x: f64) -> i32 {
        let pos = x > 0.0;
        let mut n = pos as i32;
        while n < 3 {
            n += 1;
        }
        n
    }
);

// 13. Outside the subset: a call the macro cannot see into, with a side effect. It stays
// scalar, and the side effect happens once per loop iteration of each element.
static HALVINGS: AtomicUsize = AtomicUsize::new(0);

fn halve_counted(y: f64) -> f64 {
    HALVINGS.fetch_add(1, Ordering::Relaxed);
    y / 2.0
}

twin!(
    counted_ref,
    #[vectorize]
    fn counted(x: f64) -> f64 {
        let mut y = x;
        while y > 1.0 {
            y = halve_counted(y);
        }
        y
    }
);

// 14. Straight-line code: no lockstep version (LLVM vectorizes it already).
twin!(
    straight_ref,
    #[vectorize]
    fn straight(x: f64) -> f64 {
        let y = x * x;
        y.sqrt() + 1.0
    }
);

/// The bits of a value, for bit-for-bit comparisons (NaN payloads included).
trait Bits: Copy + std::fmt::Debug {
    fn bits(self) -> [u64; 2];
}
impl Bits for f64 {
    fn bits(self) -> [u64; 2] {
        [self.to_bits(), 0]
    }
}
impl Bits for f32 {
    fn bits(self) -> [u64; 2] {
        [self.to_bits().into(), 0]
    }
}
impl Bits for Complex64 {
    fn bits(self) -> [u64; 2] {
        [self.re.to_bits(), self.im.to_bits()]
    }
}
macro_rules! int_bits {
    ($($t:ty)*) => {$(impl Bits for $t {
        fn bits(self) -> [u64; 2] {
            [self as u64, 0]
        }
    })*};
}
int_bits!(i8 u16 u32 u64 i32 i64);

fn assert_bits<R: Bits>(got: impl IntoIterator<Item = R>, want: &[R], what: &str) {
    let got: Vec<R> = got.into_iter().collect();
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.bits(), w.bits(), "{what}: element {k}: {g:?} != {w:?}");
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in `[lo, hi)`.
    fn f(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The lengths checked: every group tail for up to 16 lanes (0..=3K+1), fewer under Miri.
fn lengths() -> std::ops::RangeInclusive<usize> {
    if cfg!(miri) {
        0..=9
    } else {
        0..=49
    }
}

/// Checks a unary kernel `call` against `reference` on `data[..n]` for every length in
/// `lengths()`, contiguous, strided, reversed, broadcast along a new axis and in F order,
/// through `call` and `call_into` a strided output.
fn check_unary<A: Copy + Default, R: Bits + Default>(
    name: &str,
    data: &[A],
    call: impl Fn(ArrayView1<'_, A>) -> Array1<R>,
    call2: impl Fn(numbox::ndarray::ArrayView2<'_, A>) -> Array2<R>,
    call_into: impl Fn(ArrayView1<'_, A>, numbox::ndarray::ArrayViewMut1<'_, R>),
    reference: impl Fn(A) -> R,
) {
    for n in lengths() {
        let x = &data[..n];
        let want: Vec<R> = x.iter().map(|&a| reference(a)).collect();
        let what = format!("{name}, n = {n}");
        assert_bits(
            call(ArrayView1::from(x)),
            &want,
            &format!("{what}, contiguous"),
        );
        let doubled: Array1<A> = x.iter().flat_map(|&a| [a, A::default()]).collect();
        assert_bits(
            call(doubled.slice(s![..;2])),
            &want,
            &format!("{what}, strided"),
        );
        let rev: Array1<A> = x.iter().rev().copied().collect();
        assert_bits(
            call(rev.slice(s![..;-1])),
            &want,
            &format!("{what}, negative stride"),
        );
        let b = ArrayView1::from(x).broadcast((3, n)).unwrap().to_owned();
        let got = call2(ArrayView1::from(x).broadcast((3, n)).unwrap());
        for row in got.rows() {
            assert_bits(row.iter().copied(), &want, &format!("{what}, broadcast"));
        }
        let f = Array2::from_shape_vec((n, 3).f(), b.iter().copied().collect()).unwrap();
        let got = call2(f.t());
        for row in got.rows() {
            assert_bits(row.iter().copied(), &want, &format!("{what}, F order"));
        }
        let mut out = Array1::<R>::default(2 * n);
        call_into(ArrayView1::from(x), out.slice_mut(s![..;2]));
        assert_bits(
            out.slice(s![..;2]).iter().copied(),
            &want,
            &format!("{what}, strided output"),
        );
    }
}

macro_rules! unary {
    ($name:ident, $data:expr) => {
        check_unary(
            stringify!($name),
            &$data,
            |x| $name::call(x).unwrap(),
            |x| $name::call(x).unwrap(),
            |x, o| $name::call_into(x, o).unwrap(),
            |a| paste_ref!($name)(a),
        )
    };
}

/// The reference of kernel `name`: `name_ref::reference`.
macro_rules! paste_ref {
    (newton) => {
        newton_ref::reference
    };
    (collatz) => {
        collatz_ref::reference
    };
    (bisect) => {
        bisect_ref::reference
    };
    (digits) => {
        digits_ref::reference
    };
    (counted) => {
        counted_ref::reference
    };
    (straight) => {
        straight_ref::reference
    };
    (damped) => {
        damped_ref::reference
    };
    (even_sum) => {
        even_sum_ref::reference
    };
    (squares_below) => {
        squares_below_ref::reference
    };
}

fn wide_floats(seed: u64, n: usize) -> Vec<f64> {
    let mut r = Rng(seed);
    (0..n)
        .map(|k| match k % 7 {
            0 => -r.f(0.0, 10.0),
            1 => r.f(0.0, 1e-3),
            2 => r.f(0.0, 1e12),
            3 => 0.0,
            _ => r.f(0.0, 100.0),
        })
        .collect()
}

/// The Julia set's inputs: `n` points of `[-1.8, 1.8]^2` and `c` around the seed's.
fn julia_inputs(seed: u64, n: usize) -> (Vec<Complex64>, Vec<Complex64>) {
    let mut r = Rng(seed);
    let z = (0..n)
        .map(|_| Complex64::new(r.f(-1.8, 1.8), r.f(-1.8, 1.8)))
        .collect();
    let c = (0..n)
        .map(|_| Complex64::new(-0.62772 + r.f(-0.05, 0.05), -0.42193 + r.f(-0.05, 0.05)))
        .collect();
    (z, c)
}

#[test]
fn kernels_with_control_flow_have_a_lockstep_version_and_the_others_do_not() {
    assert!(<julia as Kernel>::LOCKSTEP && <julia as Kernel>::LANES == 0);
    assert!(<julia4 as Kernel>::LOCKSTEP && <julia4 as Kernel>::LANES == 4);
    assert!(<julia64 as Kernel>::LOCKSTEP && <julia64 as Kernel>::LANES == 64);
    assert!(!<julia1 as Kernel>::LOCKSTEP);
    assert!(<newton as Kernel>::LOCKSTEP);
    assert!(
        !<piecewise as Kernel>::LOCKSTEP,
        "branches only: left to LLVM"
    );
    assert!(<early as Kernel>::LOCKSTEP);
    assert!(<collatz as Kernel>::LOCKSTEP);
    assert!(<gcd as Kernel>::LOCKSTEP);
    assert!(<cpow as Kernel>::LOCKSTEP);
    assert!(<bisect as Kernel>::LOCKSTEP);
    assert!(<digits as Kernel>::LOCKSTEP);
    assert!(<logistic as Kernel>::LOCKSTEP);
    assert!(<nested as Kernel>::LOCKSTEP);
    assert!(<first_above as Kernel>::LOCKSTEP);
    assert!(<floor8 as Kernel>::LOCKSTEP);
    assert!(<tent as Kernel>::LOCKSTEP);
    assert!(<damped as Kernel>::LOCKSTEP);
    assert!(<even_sum as Kernel>::LOCKSTEP);
    assert!(<squares_below as Kernel>::LOCKSTEP);
    assert!(
        !<bool_cast as Kernel>::LOCKSTEP,
        "a bool as a number stays scalar"
    );
    assert!(
        !<counted as Kernel>::LOCKSTEP,
        "an opaque call stays scalar"
    );
    assert!(
        !<straight as Kernel>::LOCKSTEP,
        "no control flow: no lockstep version"
    );
}

#[test]
fn eval_lanes_is_eval_on_each_lane() {
    let (z, c) = julia_inputs(7, 16);
    let args: [(Complex64, Complex64, u32); 16] = std::array::from_fn(|k| (z[k], c[k], 300));
    let got = <julia as Kernel>::eval_lanes(args);
    for k in 0..16 {
        assert_eq!(got[k].0, julia_ref::reference(z[k], c[k], 300), "lane {k}");
    }
}

#[test]
fn julia_matches_the_plain_loop_for_every_lane_count_and_layout() {
    let (z, c) = julia_inputs(1, 200);
    let maxiter = if cfg!(miri) { 20 } else { 120 };
    let lengths = if cfg!(miri) { 0..=9 } else { 0..=193 }; // 3 * 64 + 1 for `lanes = 64`
    for n in lengths {
        let want: Vec<u32> = (0..n)
            .map(|k| julia_ref::reference(z[k], c[k], maxiter))
            .collect();
        let (zv, cv) = (ArrayView1::from(&z[..n]), ArrayView1::from(&c[..n]));
        let what = format!("julia, n = {n}");
        assert_bits(julia::call(zv, cv, maxiter).unwrap(), &want, &what);
        assert_bits(julia4::call(zv, cv, maxiter).unwrap(), &want, &what);
        assert_bits(julia64::call(zv, cv, maxiter).unwrap(), &want, &what);
        assert_bits(julia1::call(zv, cv, maxiter).unwrap(), &want, &what);
        // A broadcast `c` (one value), reversed `z`.
        let c0 = c[0];
        let want0: Vec<u32> = (0..n)
            .map(|k| julia_ref::reference(z[k], c0, maxiter))
            .collect();
        let rz: Array1<Complex64> = z[..n].iter().rev().copied().collect();
        assert_bits(
            julia::call(rz.slice(s![..;-1]), c0, maxiter).unwrap(),
            &want0,
            &format!("{what}, scalar c, negative stride"),
        );
        assert_bits(
            julia_ref_all(&z[..n], c0, maxiter),
            &want0,
            &format!("{what}, reference"),
        );
    }
}

fn julia_ref_all(z: &[Complex64], c: Complex64, maxiter: u32) -> Vec<u32> {
    z.iter()
        .map(|&z| julia_ref::reference(z, c, maxiter))
        .collect()
}

#[test]
fn unary_kernels_match_the_plain_functions_over_tails_and_layouts() {
    let data = wide_floats(3, 64);
    unary!(newton, data);
    unary!(bisect, data);
    let signed: Vec<f64> = wide_floats(4, 64)
        .iter()
        .enumerate()
        .map(|(k, &x)| if k % 3 == 0 { -x } else { x })
        .collect();
    unary!(digits, signed);
    unary!(straight, data);
    let mut r = Rng(5);
    let ints: Vec<u64> = (0..64)
        .map(|k| if k % 5 == 0 { k } else { r.next() % 100_000 })
        .collect();
    unary!(collatz, ints);
    unary!(even_sum, ints);
    unary!(damped, signed);
    unary!(squares_below, data);
    let before = HALVINGS.load(Ordering::Relaxed);
    let expected: usize = data
        .iter()
        .map(|&x| {
            let (mut y, mut n) = (x, 0);
            while y > 1.0 {
                y /= 2.0;
                n += 1;
            }
            n
        })
        .sum();
    let got = counted::serial().call(ArrayView1::from(&data[..])).unwrap();
    assert_eq!(HALVINGS.load(Ordering::Relaxed) - before - expected, 0);
    let before = HALVINGS.load(Ordering::Relaxed);
    let want: Vec<f64> = data.iter().map(|&x| counted_ref::reference(x)).collect();
    assert_eq!(HALVINGS.load(Ordering::Relaxed) - before, expected);
    assert_bits(got, &want, "counted");
}

#[test]
fn binary_kernels_match_the_plain_functions_over_tails_and_layouts() {
    let mut r = Rng(9);
    let n = 64;
    let x: Vec<f64> = (0..n).map(|_| r.f(-3.0, 12.0)).collect();
    let mut y: Vec<f64> = (0..n).map(|_| r.f(-3.0, 5.0)).collect();
    y[5] = f64::NAN;
    let a: Vec<i64> = (0..n).map(|_| (r.next() % 10_000) as i64 - 5000).collect();
    let b: Vec<i64> = (0..n)
        .map(|k| {
            if k % 4 == 0 {
                0
            } else {
                (r.next() % 300) as i64 - 150
            }
        })
        .collect();
    let zs: Vec<Complex64> = (0..n)
        .map(|_| Complex64::new(r.f(-2.0, 2.0), r.f(-2.0, 2.0)))
        .collect();
    let ks: Vec<u32> = (0..n).map(|_| (r.next() % 40) as u32).collect();
    let rs: Vec<f32> = (0..n).map(|_| r.f(2.5, 4.0) as f32).collect();
    let x0: Vec<f32> = (0..n).map(|_| r.f(0.0, 1.0) as f32).collect();
    for len in lengths() {
        let v = |s: &[f64]| ArrayView1::from(&s[..len]).to_owned();
        let what = format!("n = {len}");
        let w: Vec<f64> = (0..len)
            .map(|k| piecewise_ref::reference(x[k], y[k]))
            .collect();
        assert_bits(
            piecewise::call(v(&x), v(&y)).unwrap(),
            &w,
            &format!("piecewise {what}"),
        );
        let w: Vec<f64> = (0..len).map(|k| early_ref::reference(x[k], y[k])).collect();
        assert_bits(
            early::call(v(&x), v(&y)).unwrap(),
            &w,
            &format!("early {what}"),
        );
        // A broadcast scalar second operand.
        let w: Vec<f64> = (0..len).map(|k| early_ref::reference(x[k], 0.7)).collect();
        assert_bits(
            early::call(v(&x), 0.7).unwrap(),
            &w,
            &format!("early, scalar y, {what}"),
        );
        let w: Vec<f64> = (0..len)
            .map(|k| nested_ref::reference(x[k], ks[k]))
            .collect();
        assert_bits(
            nested::call(v(&x), ArrayView1::from(&ks[..len])).unwrap(),
            &w,
            &format!("nested {what}"),
        );
        let w: Vec<i64> = (0..len).map(|k| gcd_ref::reference(a[k], b[k])).collect();
        let bs: Array1<i64> = b[..len].iter().rev().copied().collect();
        assert_bits(
            gcd::call(ArrayView1::from(&a[..len]), bs.slice(s![..;-1])).unwrap(),
            &w,
            &format!("gcd {what}"),
        );
        let w: Vec<Complex64> = (0..len)
            .map(|k| cpow_ref::reference(zs[k], ks[k]))
            .collect();
        assert_bits(
            cpow::call(ArrayView1::from(&zs[..len]), ArrayView1::from(&ks[..len])).unwrap(),
            &w,
            &format!("cpow {what}"),
        );
        let w: Vec<f64> = (0..len).map(|k| tent_ref::reference(x[k], ks[k])).collect();
        assert_bits(
            tent::call(v(&x), ArrayView1::from(&ks[..len])).unwrap(),
            &w,
            &format!("tent {what}"),
        );
        let w: Vec<i32> = (0..len)
            .map(|k| first_above_ref::reference(x[k], y[k]))
            .collect();
        assert_bits(
            first_above::call(v(&x), v(&y)).unwrap(),
            &w,
            &format!("first_above {what}"),
        );
        let w: Vec<i32> = (0..len).map(|k| bool_cast_ref::reference(x[k])).collect();
        assert_bits(
            bool_cast::call(v(&x)).unwrap(),
            &w,
            &format!("bool_cast {what}"),
        );
        let i8s: Vec<i8> = a[..len].iter().map(|&v| v as i8).collect();
        let w: Vec<i8> = i8s.iter().map(|&v| floor8_ref::reference(v)).collect();
        assert_bits(
            floor8::call(ArrayView1::from(&i8s[..])).unwrap(),
            &w,
            &format!("floor8 {what}"),
        );
        let w: Vec<u16> = (0..len)
            .map(|k| logistic_ref::reference(rs[k], x0[k]))
            .collect();
        assert_bits(
            logistic::call(ArrayView1::from(&rs[..len]), ArrayView1::from(&x0[..len])).unwrap(),
            &w,
            &format!("logistic {what}"),
        );
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn the_parallel_path_runs_the_lockstep_version_too() {
    let (z, c) = julia_inputs(11, 40_000);
    let want: Vec<u32> = (0..z.len())
        .map(|k| julia_ref::reference(z[k], c[k], 100))
        .collect();
    let got = julia::parallel()
        .call(ArrayView1::from(&z[..]), ArrayView1::from(&c[..]), 100)
        .unwrap();
    assert_bits(got, &want, "julia, parallel");
    // A 2-D strided (column) view of a larger grid.
    let grid = Array2::from_shape_fn((200, 401), |(i, j)| z[(i * 401 + j) % z.len()]);
    let col = grid.slice(s![.., 3..]);
    let got = julia::parallel().call(col, c[0], 100).unwrap();
    for ((i, j), &n) in got.indexed_iter() {
        assert_eq!(n, julia_ref::reference(col[[i, j]], c[0], 100));
    }
}

#[test]
#[should_panic(expected = "divide by zero")]
fn an_active_lane_dividing_by_zero_panics_as_the_scalar_function_does() {
    twin!(
        div_ref,
        #[vectorize]
        fn div_until(a: i32, b: i32) -> i32 {
            let mut a = a;
            while a > 100 {
                a = a / b;
            }
            a
        }
    );
    let _ = div_ref::reference;
    let a = Array1::from_elem(32, 1000);
    let mut b = Array1::from_elem(32, 2);
    b[13] = 0;
    let _ = div_until::call(&a, &b);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 2 } else { 64 }, ..ProptestConfig::default() })]

    /// Random points, lengths and layouts (offset, step, direction) for the escape-time and
    /// Newton kernels.
    #[test]
    fn random_inputs_and_layouts(
        seed in any::<u64>(),
        len in 0usize..(if cfg!(miri) { 10 } else { 70 }),
        step in 1usize..4,
        reverse in any::<bool>(),
        maxiter in 0u32..(if cfg!(miri) { 20 } else { 400 }),
    ) {
        let (z, c) = julia_inputs(seed | 1, len * step);
        let mut zs = Array1::from(z);
        if reverse {
            zs.invert_axis(numbox::ndarray::Axis(0));
        }
        let zv = zs.slice(s![..;step]);
        let cv = ArrayView1::from(&c[..len]);
        let want: Vec<u32> = zv.iter().zip(&cv).map(|(&z, &c)| julia_ref::reference(z, c, maxiter)).collect();
        let got = julia::call(zv, cv, maxiter).unwrap();
        prop_assert_eq!(got.to_vec(), want);
        let xs: Vec<f64> = zv.iter().map(|z| z.re * 1e3 - 100.0).collect();
        let want: Vec<u64> = xs.iter().map(|&x| newton_ref::reference(x).to_bits()).collect();
        let got: Vec<u64> = newton::call(ArrayView1::from(&xs[..])).unwrap().iter().map(|x| x.to_bits()).collect();
        prop_assert_eq!(got, want);
    }
}
