//! The exponential and logarithm family: `exp`, `exp2`, `exp_m1`, `ln`, `log2`, `log10`,
//! `ln_1p`, `powf`, `powi`, `cbrt`, `hypot`, for `f64` and `f32`.

/// The `f64` versions.
pub(crate) mod f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k * LN2_HI is exact for |k| < 2^11.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;

    /// `e^r - 1` for `|r| <= ln(2)/2`, by Taylor's series to degree 13 (Horner's rule).
    #[inline(always)]
    fn expm1_reduced(r: f64) -> f64 {
        const C: [f64; 13] = [
            1.0 / 6_227_020_800.0,
            1.0 / 479_001_600.0,
            1.0 / 39_916_800.0,
            1.0 / 3_628_800.0,
            1.0 / 362_880.0,
            1.0 / 40_320.0,
            1.0 / 5_040.0,
            1.0 / 720.0,
            1.0 / 120.0,
            1.0 / 24.0,
            1.0 / 6.0,
            1.0 / 2.0,
            1.0,
        ];
        let mut p = C[0];
        for &c in &C[1..] {
            p = p * r + c;
        }
        p * r
    }

    /// `x = k ln 2 + r` with `|r| <= ln(2)/2`: returns `(r, k)`, `k` an integer-valued float.
    #[inline(always)]
    fn reduce(x: f64) -> (f64, f64) {
        let kf = (x * LOG2_E + ROUND) - ROUND;
        let r = (x - kf * LN2_HI) - kf * LN2_LO;
        (r, kf)
    }

    /// `2^k` for an integer-valued float `-1022 <= k <= 1023`. Only adds and a left shift on
    /// the bits: SIMD units have those for 64-bit lanes (unlike float-to-int conversion).
    #[inline(always)]
    fn pow2(k: f64) -> f64 {
        let i = (k + ROUND).to_bits().wrapping_sub(ROUND.to_bits());
        f64::from_bits(i.wrapping_add(1023) << 52)
    }

    /// `2^k` as two factors, so that `2^k * y` neither overflows early nor loses subnormals.
    #[inline(always)]
    fn pow2_split(k: f64) -> (f64, f64) {
        let h = (k * 0.5 + ROUND) - ROUND;
        (pow2(h), pow2(k - h))
    }

    /// `e^x`.
    #[inline(always)]
    pub fn exp(x: f64) -> f64 {
        // Past these bounds the result is infinite or zero; clamping keeps the scale finite.
        let xc = x.clamp(-746.0, 710.0);
        let (r, k) = reduce(xc);
        let p = 1.0 + expm1_reduced(r);
        let (s1, s2) = pow2_split(k);
        let y = p * s1 * s2;
        if x.is_nan() {
            x
        } else {
            y
        }
    }

    /// `e^x - 1`, accurate also for tiny `x`.
    #[inline(always)]
    pub fn exp_m1(x: f64) -> f64 {
        let xc = x.clamp(-746.0, 710.0);
        let (r, k) = reduce(xc);
        let q = expm1_reduced(r);
        let (s1, s2) = pow2_split(k);
        // e^x - 1 = 2^k (1 + q) - 1 = 2^k q + (2^k - 1); exact for k = 0.
        let y = (q * s1 * s2) + (s1 * s2 - 1.0);
        let y = if x < -40.0 { -1.0 } else { y };
        if x.is_nan() {
            x
        } else {
            y
        }
    }

    /// The natural logarithm `ln x` (NaN for `x < 0`, `-inf` at zero).
    #[inline(always)]
    pub fn ln(x: f64) -> f64 {
        const SQRT2: f64 = std::f64::consts::SQRT_2;
        // Subnormals: scale into the normal range first.
        let sub = x < f64::MIN_POSITIVE;
        let xs = if sub { x * 18_014_398_509_481_984.0 } else { x }; // 2^54
        let bits = xs.to_bits();
        // The biased exponent as an integer-valued float, without an int-to-float conversion.
        let biased = f64::from_bits(ROUND.to_bits().wrapping_add((bits >> 52) & 0x7ff)) - ROUND;
        let mut e = biased - 1023.0 - if sub { 54.0 } else { 0.0 };
        let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
        // m in [sqrt(2)/2, sqrt(2)).
        let big = m > SQRT2;
        m = if big { m * 0.5 } else { m };
        e += if big { 1.0 } else { 0.0 };
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        // ln(1 + f) = f - (f^2/2 - s (f^2/2 + R)) with R = 2z/3 + 2z^2/5 + ... (|s| <= 0.1716):
        // the leading `f` is exact and the correction small, as in fdlibm.
        const C: [f64; 9] = [
            2.0 / 19.0,
            2.0 / 17.0,
            2.0 / 15.0,
            2.0 / 13.0,
            2.0 / 11.0,
            2.0 / 9.0,
            2.0 / 7.0,
            2.0 / 5.0,
            2.0 / 3.0,
        ];
        let mut q = C[0];
        for &c in &C[1..] {
            q = q * z + c;
        }
        let r = z * q;
        let hfsq = 0.5 * f * f;
        let ef = e;
        let y = ef * LN2_HI - ((hfsq - (s * (hfsq + r) + ef * LN2_LO)) - f);
        if x.is_nan() || x < 0.0 {
            f64::NAN
        } else if x == 0.0 {
            f64::NEG_INFINITY
        } else if x == f64::INFINITY {
            x
        } else {
            y
        }
    }

    /// PLACEHOLDER until the math helper lands: the C library's `exp2`.
    #[inline(always)]
    pub fn exp2(x: f64) -> f64 {
        x.exp2()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `log2`.
    #[inline(always)]
    pub fn log2(x: f64) -> f64 {
        x.log2()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `log10`.
    #[inline(always)]
    pub fn log10(x: f64) -> f64 {
        x.log10()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `ln_1p`.
    #[inline(always)]
    pub fn ln_1p(x: f64) -> f64 {
        x.ln_1p()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cbrt`.
    #[inline(always)]
    pub fn cbrt(x: f64) -> f64 {
        x.cbrt()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `powf`.
    #[inline(always)]
    pub fn powf(x: f64, y: f64) -> f64 {
        x.powf(y)
    }

    /// PLACEHOLDER until the math helper lands: the C library's `powi`.
    #[inline(always)]
    pub fn powi(x: f64, n: i32) -> f64 {
        x.powi(n)
    }

    /// PLACEHOLDER until the math helper lands: the C library's `hypot`.
    #[inline(always)]
    pub fn hypot(x: f64, y: f64) -> f64 {
        x.hypot(y)
    }
}

/// The `f32` versions.
pub(crate) mod f32 {
    /// PLACEHOLDER until the math helper lands: the C library's `exp`.
    #[inline(always)]
    pub fn exp(x: f32) -> f32 {
        x.exp()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `exp_m1`.
    #[inline(always)]
    pub fn exp_m1(x: f32) -> f32 {
        x.exp_m1()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `ln`.
    #[inline(always)]
    pub fn ln(x: f32) -> f32 {
        x.ln()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `exp2`.
    #[inline(always)]
    pub fn exp2(x: f32) -> f32 {
        x.exp2()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `log2`.
    #[inline(always)]
    pub fn log2(x: f32) -> f32 {
        x.log2()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `log10`.
    #[inline(always)]
    pub fn log10(x: f32) -> f32 {
        x.log10()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `ln_1p`.
    #[inline(always)]
    pub fn ln_1p(x: f32) -> f32 {
        x.ln_1p()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `cbrt`.
    #[inline(always)]
    pub fn cbrt(x: f32) -> f32 {
        x.cbrt()
    }

    /// PLACEHOLDER until the math helper lands: the C library's `powf`.
    #[inline(always)]
    pub fn powf(x: f32, y: f32) -> f32 {
        x.powf(y)
    }

    /// PLACEHOLDER until the math helper lands: the C library's `powi`.
    #[inline(always)]
    pub fn powi(x: f32, n: i32) -> f32 {
        x.powi(n)
    }

    /// PLACEHOLDER until the math helper lands: the C library's `hypot`.
    #[inline(always)]
    pub fn hypot(x: f32, y: f32) -> f32 {
        x.hypot(y)
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
    fn exp_matches_libm() {
        for (lo, hi) in [
            (-745.0, 709.7),
            (-1.0, 1.0),
            (-1e-8, 1e-8),
            (700.0, 709.78),
            (-745.1, -700.0),
        ] {
            let (u, x) = max_ulps(exp, f64::exp, sweep(lo, hi, n()));
            assert!(u <= 2, "exp({x}) is {u} ulps off in [{lo}, {hi}]");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(710.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }

    #[test]
    // Miri perturbs the C library's results by a few ulps on purpose, so it cannot be the
    // reference there; this module is safe code, with nothing for Miri to check.
    #[cfg_attr(miri, ignore)]
    fn expm1_matches_libm() {
        for (lo, hi) in [(-50.0, 700.0), (-1.0, 1.0), (-1e-10, 1e-10)] {
            let (u, x) = max_ulps(exp_m1, f64::exp_m1, sweep(lo, hi, n()));
            assert!(u <= 3, "exp_m1({x}) is {u} ulps off");
        }
        assert_eq!(exp_m1(-1000.0), -1.0);
        assert_eq!(exp_m1(0.0), 0.0);
    }

    #[test]
    // Miri perturbs the C library's results by a few ulps on purpose, so it cannot be the
    // reference there; this module is safe code, with nothing for Miri to check.
    #[cfg_attr(miri, ignore)]
    fn ln_matches_libm() {
        for (lo, hi) in [
            (1e-300, 1e300),
            (0.5, 2.0),
            (0.999, 1.001),
            (1e-320, 1e-300),
        ] {
            let (u, x) = max_ulps(ln, f64::ln, sweep(lo, hi, n()));
            assert!(u <= 2, "ln({x}) is {u} ulps off in [{lo}, {hi}]");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::MAX), f64::MAX.ln());
        assert_eq!(ln(5e-324), 5e-324f64.ln());
    }
}
