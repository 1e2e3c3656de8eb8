//! Trigonometric and hyperbolic functions: `sin`, `cos`, `tan`, `tanh`, `sinh`, `cosh`,
//! `atan`, `atan2`, for `f64` and `f32`.

/// The `f64` versions.
pub(crate) mod f64 {
    /// The hyperbolic tangent.
    #[inline(always)]
    pub fn tanh(x: f64) -> f64 {
        let a = x.abs();
        // tanh a = expm1(2a) / (expm1(2a) + 2); saturates to 1 past 20.
        let m = super::super::exp_log::f64::exp_m1(2.0 * a.min(20.0));
        let t = m / (m + 2.0);
        let t = if a > 19.5 { 1.0 } else { t };
        let t = t.copysign(x);
        if x.is_nan() {
            x
        } else {
            t
        }
    }

    /// PLACEHOLDER until the math helper lands: the C library's `sin`.
    #[inline(always)]
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cos`.
    #[inline(always)]
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `tan`.
    #[inline(always)]
    pub fn tan(x: f64) -> f64 {
        x.tan()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `sinh`.
    #[inline(always)]
    pub fn sinh(x: f64) -> f64 {
        x.sinh()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cosh`.
    #[inline(always)]
    pub fn cosh(x: f64) -> f64 {
        x.cosh()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `atan`.
    #[inline(always)]
    pub fn atan(x: f64) -> f64 {
        x.atan()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `atan2`.
    #[inline(always)]
    pub fn atan2(x: f64, y: f64) -> f64 {
        x.atan2(y)
    }
}

/// The `f32` versions.
pub(crate) mod f32 {
    /// PLACEHOLDER until the math helper lands: the C library's `tanh`.
    #[inline(always)]
    pub fn tanh(x: f32) -> f32 {
        x.tanh()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `sin`.
    #[inline(always)]
    pub fn sin(x: f32) -> f32 {
        x.sin()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cos`.
    #[inline(always)]
    pub fn cos(x: f32) -> f32 {
        x.cos()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `tan`.
    #[inline(always)]
    pub fn tan(x: f32) -> f32 {
        x.tan()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `sinh`.
    #[inline(always)]
    pub fn sinh(x: f32) -> f32 {
        x.sinh()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cosh`.
    #[inline(always)]
    pub fn cosh(x: f32) -> f32 {
        x.cosh()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `atan`.
    #[inline(always)]
    pub fn atan(x: f32) -> f32 {
        x.atan()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `atan2`.
    #[inline(always)]
    pub fn atan2(x: f32, y: f32) -> f32 {
        x.atan2(y)
    }
}

#[cfg(test)]
mod tests {
    use super::f64::*;

    /// Distance in units in the last place.
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0;
        }
        let key = |x: f64| {
            let i = x.to_bits() as i64;
            if i < 0 {
                i64::MIN - i
            } else {
                i
            }
        };
        key(a).abs_diff(key(b))
    }

    fn sweep(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        (0..n).map(move |i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            if i % 2 == 0 {
                lo + (hi - lo) * u
            } else {
                lo + (hi - lo) * (i as f64 / n as f64)
            }
        })
    }

    fn n() -> usize {
        400_000
    }

    fn max_ulps(f: fn(f64) -> f64, g: fn(f64) -> f64, xs: impl Iterator<Item = f64>) -> (u64, f64) {
        xs.map(|x| (ulps(f(x), g(x)), x))
            .fold((0, 0.0), |m, (u, x)| if u > m.0 { (u, x) } else { m })
    }

    #[test]
    // Miri perturbs the C library's results by a few ulps on purpose, so it cannot be the
    // reference there; this module is safe code, with nothing for Miri to check.
    #[cfg_attr(miri, ignore)]
    fn tanh_matches_libm() {
        for (lo, hi) in [(-25.0, 25.0), (-1.0, 1.0), (-1e-9, 1e-9)] {
            let (u, x) = max_ulps(tanh, f64::tanh, sweep(lo, hi, n()));
            assert!(u <= 4, "tanh({x}) is {u} ulps off");
        }
        assert_eq!(tanh(f64::INFINITY), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert!(tanh(f64::NAN).is_nan());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
    }
}
