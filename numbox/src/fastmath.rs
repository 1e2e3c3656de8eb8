//! The calls that a `fastmath` kernel's math methods become.
//!
//! `#[vectorize(fastmath)]` and the other attributes rewrite `recv.exp()` into
//! `fastmath::exp(recv, |v| v.exp())` without knowing the receiver's type: it may be `f64`,
//! `&f32`, a `Complex<f64>`, a type parameter or a user type with its own `exp`. Each shim
//! calls [`crate::math`] when the receiver is `f64` or `f32` (or a reference to one), the
//! other arguments have the types the float method takes and the result is that float, and
//! otherwise the closure, which is the original call. The test is on `TypeId`s of the
//! monomorphised types (through `typeid::of`, as the types need not be `'static`): a
//! constant after inlining, so each instance keeps one of the two branches.

use crate::math;

/// `x`'s value when `T` is `F`, `&F` or `&mut F`.
#[inline(always)]
fn float_of<F: Copy + 'static, T>(x: &T) -> Option<F> {
    let id = typeid::of::<T>();
    let p: *const T = x;
    if id == typeid::of::<F>() {
        // SAFETY: `T` is `F` (`typeid::of` of a type without lifetimes is its `TypeId`).
        Some(unsafe { *p.cast::<F>() })
    } else if id == typeid::of::<&F>() {
        // SAFETY: `T` is `&'a F` for some `'a` (a `TypeId` match up to lifetimes), alive
        // while `x` is borrowed.
        Some(unsafe { **p.cast::<&F>() })
    } else if id == typeid::of::<&mut F>() {
        // SAFETY: as above, for `&'a mut F`, read through a shared reborrow.
        Some(unsafe { **p.cast::<&mut F>() })
    } else {
        None
    }
}

/// `v` as `R`, when `R` is `F`.
#[inline(always)]
fn result_as<F: Copy + 'static, R>(v: F) -> Option<R> {
    if typeid::of::<R>() == typeid::of::<F>() {
        // SAFETY: `R` is `F` (no lifetimes in a float); `F: Copy`, so nothing is dropped twice.
        Some(unsafe { core::mem::transmute_copy::<F, R>(&v) })
    } else {
        None
    }
}

/// Runs the `numbox::math` version for `f64` or `f32` operands, else `fallback`.
macro_rules! shims {
    ($(($name:ident, $doc:literal, ($($a:ident: $A:ident as $af:ident / $af32:ident),*)),)*) => {$(
        #[doc = $doc]
        #[inline(always)]
        pub fn $name<T, $($A,)* R>(x: T, $($a: $A,)* fallback: impl FnOnce(T, $($A),*) -> R) -> R {
            if let (Some(v), $(Some($a),)*) = (float_of::<f64, T>(&x), $(float_of::<$af, $A>(&$a),)*) {
                if let Some(r) = result_as::<f64, R>(math::$name(v, $($a),*)) {
                    return r;
                }
            }
            if let (Some(v), $(Some($a),)*) = (float_of::<f32, T>(&x), $(float_of::<$af32, $A>(&$a),)*) {
                if let Some(r) = result_as::<f32, R>(math::f32::$name(v, $($a),*)) {
                    return r;
                }
            }
            fallback(x, $($a),*)
        }
    )*};
}

shims! {
    (exp, "`x.exp()`.", ()),
    (exp2, "`x.exp2()`.", ()),
    (exp_m1, "`x.exp_m1()`.", ()),
    (ln, "`x.ln()`.", ()),
    (log2, "`x.log2()`.", ()),
    (log10, "`x.log10()`.", ()),
    (ln_1p, "`x.ln_1p()`.", ()),
    (sin, "`x.sin()`.", ()),
    (cos, "`x.cos()`.", ()),
    (tan, "`x.tan()`.", ()),
    (tanh, "`x.tanh()`.", ()),
    (sinh, "`x.sinh()`.", ()),
    (cosh, "`x.cosh()`.", ()),
    (atan, "`x.atan()`.", ()),
    (cbrt, "`x.cbrt()`.", ()),
    (atan2, "`x.atan2(y)`.", (y: Y as f64 / f32)),
    (powf, "`x.powf(y)`.", (y: Y as f64 / f32)),
    (hypot, "`x.hypot(y)`.", (y: Y as f64 / f32)),
    (powi, "`x.powi(n)`.", (n: N as i32 / i32)),
}

/// The path forms `f64::exp(x)`, called directly.
pub mod f64 {
    pub use crate::math::{
        atan, atan2, cbrt, cos, cosh, exp, exp2, exp_m1, hypot, ln, ln_1p, log10, log2, powf, powi,
        sin, sinh, tan, tanh,
    };
}

/// The path forms `f32::exp(x)`, called directly.
pub mod f32 {
    pub use crate::math::f32::{
        atan, atan2, cbrt, cos, cosh, exp, exp2, exp_m1, hypot, ln, ln_1p, log10, log2, powf, powi,
        sin, sinh, tan, tanh,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex;

    /// Bit-identical, except under Miri, which perturbs the C library's float functions
    /// (the placeholders of `numbox::math` call them) by a few ulp on each call.
    fn same(a: f64, b: f64) {
        if cfg!(miri) {
            assert!((a - b).abs() <= 1e-5 * b.abs(), "{a} vs {b}");
        } else {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }

    #[test]
    fn floats_take_numbox_math() {
        // `fallback` panics, so these prove the fast path was taken.
        let never = |_: f64| -> f64 { unreachable!() };
        same(exp(0.5_f64, never), math::exp(0.5));
        let x = 0.25_f64;
        same(ln(&x, |_: &f64| -> f64 { unreachable!() }), math::ln(0.25));
        let mut m = 2.0_f32;
        let e = exp(&mut m, |_: &mut f32| -> f32 { unreachable!() });
        same(e.into(), math::f32::exp(2.0).into());
        same(
            powi(1.5_f64, 3_i32, |_, _: i32| -> f64 { unreachable!() }),
            math::powi(1.5, 3),
        );
        let a = atan2(1.0_f32, 2.0_f32, |_, _: f32| -> f32 { unreachable!() });
        same(a.into(), math::f32::atan2(1.0, 2.0).into());
    }

    #[test]
    fn other_types_take_the_original_call() {
        let z = Complex::new(0.5, 1.0);
        let got = exp(z, |v| v.exp());
        same(got.re, z.exp().re);
        same(got.im, z.exp().im);
        // A float receiver whose call does not return that float: the closure.
        assert_eq!(exp(1.0_f64, |v: f64| v as i32), 1);
        // Mixed widths: not a float method's signature.
        assert_eq!(powf(2.0_f64, 3.0_f32, |x, y| x + f64::from(y)), 5.0);
        // Integers.
        assert_eq!(powi(3_i64, 2_i32, |x, n| x.pow(n as u32)), 9);
    }
}
