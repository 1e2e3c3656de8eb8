//! Identities of the reduction operators: every block of a reduction starts from one, so the
//! user's initial value is applied exactly once.

use num_complex::Complex;

/// The identity of `+=`, `-=`, `|=` and `^=` (zero, `false`). Implement it for your own
/// type to reduce it with those operators in a `prange` loop.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no zero, so it cannot be a `+=`, `-=`, `|=` or `^=` reduction",
    note = "implement `numbox::parallel_loop::Zero` for `{Self}`"
)]
pub trait Zero {
    /// The value `x` for which `a + x == a`.
    fn zero() -> Self;
}

/// The identity of `*=` (one). Implement it for your own type to reduce it with `*=`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no one, so it cannot be a `*=` reduction",
    note = "implement `numbox::parallel_loop::One` for `{Self}`"
)]
pub trait One {
    /// The value `x` for which `a * x == a`.
    fn one() -> Self;
}

/// The identity of `&=` (all bits set, `true`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no all-ones value, so it cannot be a `&=` reduction",
    note = "implement `numbox::parallel_loop::AllOnes` for `{Self}`"
)]
pub trait AllOnes {
    /// The value `x` for which `a & x == a`.
    fn all_ones() -> Self;
}

macro_rules! int_identities {
    ($($t:ty),*) => {$(
        impl Zero for $t { #[inline] fn zero() -> Self { 0 } }
        impl One for $t { #[inline] fn one() -> Self { 1 } }
        impl AllOnes for $t { #[inline] fn all_ones() -> Self { !0 } }
    )*};
}
int_identities!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! float_identities {
    ($($t:ty),*) => {$(
        // -0.0 is the identity of IEEE addition (0.0 + -0.0 is 0.0, but -0.0 + -0.0 is
        // -0.0), so a sum of negative zeros keeps its sign as in the serial loop.
        impl Zero for $t { #[inline] fn zero() -> Self { -0.0 } }
        impl One for $t { #[inline] fn one() -> Self { 1.0 } }
        impl Zero for Complex<$t> { #[inline] fn zero() -> Self { Complex::new(-0.0, -0.0) } }
        impl One for Complex<$t> { #[inline] fn one() -> Self { Complex::new(1.0, 0.0) } }
    )*};
}
float_identities!(f32, f64);

impl Zero for bool {
    #[inline]
    fn zero() -> Self {
        false
    }
}

impl AllOnes for bool {
    #[inline]
    fn all_ones() -> Self {
        true
    }
}

/// The zero of `v`'s type (the expansion's way to name a type it cannot spell).
#[inline]
pub fn zero_like<T: Zero>(_: &T) -> T {
    T::zero()
}

/// The one of `v`'s type.
#[inline]
pub fn one_like<T: One>(_: &T) -> T {
    T::one()
}

/// The all-ones value of `v`'s type.
#[inline]
pub fn all_ones_like<T: AllOnes>(_: &T) -> T {
    T::all_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_leave_values_unchanged() {
        for x in [0.0_f64, -0.0, 1.5, -2.0, f64::INFINITY] {
            assert_eq!((x + f64::zero()).to_bits(), x.to_bits());
            assert_eq!((x * f64::one()).to_bits(), x.to_bits());
        }
        assert_eq!(0b1011_u8 & u8::all_ones(), 0b1011);
        assert_eq!(7_i32 | i32::zero(), 7);
        assert!(bool::all_ones() & true);
        let z = Complex::new(1.0_f32, -2.0);
        assert_eq!(z + Complex::zero(), z);
        assert_eq!(z * Complex::one(), z);
    }
}
