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

    /// `e^r - 1` for `|r| <= ln(2)/2`: `r + r^2 Q(r)`, `Q` the degree-9 minimax polynomial
    /// for `(e^r - 1 - r) / r^2` (relative error 2^-52, fitted by
    /// `scripts/fit_math_polys.py`), evaluated in Estrin's scheme: a dependency chain of
    /// five multiply-adds instead of Horner's ten, which is what bounds a SIMD loop here.
    #[inline(always)]
    pub(in crate::math) fn expm1_reduced(r: f64) -> f64 {
        const Q: [f64; 10] = [
            0.5000000000000001,
            0.16666666666666644,
            0.041666666666624344,
            0.008333333333356185,
            0.0013888888917121447,
            0.0001984126978469034,
            2.4801521422677647e-05,
            2.7557355504939186e-06,
            2.7620034112039945e-07,
            2.5068160740156138e-08,
        ];
        let r2 = r * r;
        let r4 = r2 * r2;
        let r8 = r4 * r4;
        let q01 = (Q[0] + Q[1] * r) + (Q[2] + Q[3] * r) * r2;
        let q23 = (Q[4] + Q[5] * r) + (Q[6] + Q[7] * r) * r2;
        let q = (q01 + q23 * r4) + (Q[8] + Q[9] * r) * r8;
        r + r2 * q
    }

    /// `x = k ln 2 + r` with `|r| <= ln(2)/2`: returns `(r, k)`, `k` an integer-valued float.
    #[inline(always)]
    pub(in crate::math) fn reduce(x: f64) -> (f64, f64) {
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

    /// `p 2^k` for `p` in about `[0.7, 1.42]`, `k` held as an integer in the low bits of
    /// `t = k + ROUND`, `-1080 <= k <= 1024`: the exponent is added on the bits (one integer
    /// add, no conversion); `tiny` (set when `k <= -1021` may hold) scales in two steps so
    /// that subnormal results are rounded once. Overflowing results come out garbage: the
    /// callers select infinity there.
    #[inline(always)]
    fn scale(p: f64, t: f64, tiny: bool) -> f64 {
        // `t + 64` is exact and shifts k by 64 (t's ulp is 1). Adding a selected 0 or 64
        // compiles to a mask-and and an add (a select of `t` itself to a blend, 2 uops).
        let t = t + if tiny { 64.0 } else { 0.0 };
        // t's bits are ROUND's plus k, and ROUND's bits shifted by 52 are 0: k << 52.
        let y = f64::from_bits(p.to_bits().wrapping_add(t.to_bits() << 52));
        y * if tiny { 5.421_010_862_427_522e-20 } else { 1.0 } // 2^-64
    }

    /// `e^x`. Measured: 1 ulp from glibc, 1.01 from the exact value.
    #[inline(always)]
    // `!(x <= c)` is true for NaN on purpose: one unordered compare (`x > c || x.is_nan()`
    // compiled to two compares and an or).
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    pub fn exp(x: f64) -> f64 {
        // Below -745.2 the result is zero; the lower clamp keeps k in scale's range. Past
        // ln(f64::MAX) = 709.78271289338397 it overflows: selected below, so no upper clamp
        // (LLVM dropped it anyway: the selected-away lanes do not matter).
        let xc = x.max(-746.0);
        let t = xc * LOG2_E + ROUND;
        let kf = t - ROUND;
        let r = (xc - kf * LN2_HI) - kf * LN2_LO;
        let y = scale(1.0 + expm1_reduced(r), t, x < -708.0);
        // Overflow and NaN in one unordered comparison: `x + inf` is `inf` for a large `x`
        // and `x`'s NaN for a NaN.
        if !(x <= 709.782_712_893_384) {
            x + f64::INFINITY
        } else {
            y
        }
    }

    /// `e^x - 1`, accurate also for tiny `x`. Measured: 2 ulp from glibc, 2.03 from the
    /// exact value.
    #[inline(always)]
    pub fn exp_m1(x: f64) -> f64 {
        let xc = x.clamp(-746.0, 710.0);
        let (r, k) = reduce(xc);
        let q = expm1_reduced(r);
        let (s1, s2) = pow2_split(k);
        // e^x - 1 = 2^k (1 + q) - 1 = 2^k q + (2^k - 1); exact for k = 0. Past k = 56 the
        // -1 is below half an ulp, and 2^k alone may overflow (k = 1024) where the result
        // does not.
        let y = if k > 56.0 {
            ((1.0 + q) * s1) * s2
        } else {
            (q * s1 * s2) + (s1 * s2 - 1.0)
        };
        let y = if x < -40.0 { -1.0 } else { y };
        // NaN, and exp_m1(±0) = ±0.
        if x.is_nan() || x == 0.0 {
            x
        } else {
            y
        }
    }

    /// The natural logarithm `ln x` (NaN for `x < 0`, `-inf` at zero). Measured: 1 ulp from
    /// glibc, 0.64 from the exact value.
    #[inline(always)]
    pub fn ln(x: f64) -> f64 {
        log_special(x, ln_finite(x))
    }

    /// `2^x`, exact at integers. Measured: 1 ulp from glibc, 1.08 from the exact value.
    #[inline(always)]
    #[allow(clippy::neg_cmp_op_on_partial_ord)] // as in `exp`
    pub fn exp2(x: f64) -> f64 {
        // From 1024 on the result is infinite; below -1075 it is zero.
        let xc = x.clamp(-1080.0, 1024.0);
        let t = xc + ROUND;
        let k = t - ROUND;
        // Exact: `k` is `xc` rounded to an integer, |r| <= 1/2.
        let r = xc - k;
        let y = scale(
            1.0 + expm1_reduced(r * std::f64::consts::LN_2),
            t,
            x < -1020.0,
        );
        // Overflow and NaN in one comparison, as in `exp`.
        if !(x < 1024.0) {
            x + f64::INFINITY
        } else {
            y
        }
    }

    /// `x = 2^e m` for a finite `x > 0`: returns `(e, m)`, `e` an integer-valued float and
    /// `1 <= m < 2`. Subnormals are scaled into the normal range first.
    #[inline(always)]
    fn split_exponent(x: f64) -> (f64, f64) {
        let sub = x < f64::MIN_POSITIVE;
        let xs = if sub { x * 18_014_398_509_481_984.0 } else { x }; // 2^54
        let bits = xs.to_bits();
        // The biased exponent as an integer-valued float, without an int-to-float conversion.
        let biased = f64::from_bits(ROUND.to_bits().wrapping_add((bits >> 52) & 0x7ff)) - ROUND;
        let e = biased - 1023.0 - if sub { 54.0 } else { 0.0 };
        let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
        (e, m)
    }

    /// `x = 2^e m` for a finite `x > 0`: returns `(e, m)`, `e` an integer-valued float and
    /// `sqrt(2)/2 < m <= sqrt(2)` (the split `split_exponent` and a halving of `m > sqrt(2)`
    /// would give, bit for bit). Subnormals are scaled into the normal range first.
    ///
    /// Integer operations on the bits, as in musl's `log`: subtracting the bits of the
    /// least `m` leaves `e` in the top 12 bits, and subtracting those from `x`'s bits leaves
    /// `m`. No comparison, multiply or select for the halving: on AVX2 these integer ops
    /// run on three ports, where the float arithmetic that bounds `ln` has two.
    #[inline(always)]
    fn split_sqrt2(x: f64) -> (f64, f64) {
        // The double after sqrt(2)/2 (0x3fe6_a09e_667f_3bcd): `m = sqrt(2)` then stays.
        const M_LO: u64 = 0x3fe6_a09e_667f_3bce;
        // 2^62 = 1024 << 52: keeps `tmp` from wrapping below zero (x's bits are at least
        // 2^52 once scaled), so its top 12 bits are `e + 1024` without a signed shift,
        // which AVX2 lacks for 64-bit lanes.
        const BIAS: u64 = 1024 << 52;
        let sub = x < f64::MIN_POSITIVE;
        let bits = if sub { x * 18_014_398_509_481_984.0 } else { x }.to_bits(); // 2^54
        let tmp = bits.wrapping_sub(M_LO).wrapping_add(BIAS);
        let m = f64::from_bits(
            bits.wrapping_sub(tmp & 0xfff0_0000_0000_0000)
                .wrapping_add(BIAS),
        );
        // e + 1024 (+ 54 for a subnormal) as an integer-valued float, without a conversion.
        let off = if sub { ROUND + 1078.0 } else { ROUND + 1024.0 };
        let e = f64::from_bits(ROUND.to_bits().wrapping_add(tmp >> 52)) - off;
        (e, m)
    }

    /// `x` with the low 32 bits of its representation cleared: at most 21 significant bits,
    /// so that products of two such numbers are exact.
    #[inline(always)]
    fn high_word(x: f64) -> f64 {
        f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000)
    }

    /// The pieces of `ln x` for a finite `x > 0`, as in fdlibm: `x = 2^e (1 + f)` with
    /// `sqrt(2)/2 <= 1 + f < sqrt(2)`, and `ln(1 + f) = f - hfsq + rs` where
    /// `hfsq = f^2/2` and `rs = s (hfsq + R(s^2))`, `s = f / (2 + f)`. Returns
    /// `(e, f, hfsq, rs)`.
    #[inline(always)]
    fn ln_parts(x: f64) -> (f64, f64, f64, f64) {
        let (e, m) = split_sqrt2(x);
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        // R = z T(z), T the degree-6 minimax polynomial for (2 atanh(s)/s - 2)/s^2 on
        // |s| <= 0.1716 (relative error 2^-51, scripts/fit_math_polys.py), in Estrin's
        // scheme.
        const T: [f64; 7] = [
            0.666666666666667,
            0.39999999999899366,
            0.28571428626053125,
            0.2222221112207328,
            0.18182890012894656,
            0.15331693745330457,
            0.14616773427964846,
        ];
        let z2 = z * z;
        let z4 = z2 * z2;
        let t = ((T[0] + T[1] * z) + (T[2] + T[3] * z) * z2) + ((T[4] + T[5] * z) + T[6] * z2) * z4;
        let r = z * t;
        let hfsq = 0.5 * f * f;
        (e, f, hfsq, s * (hfsq + r))
    }

    /// The special values every logarithm shares: NaN below zero and for NaN, `-inf` at
    /// zero (either sign), `+inf` at `+inf`; `y` elsewhere.
    #[inline(always)]
    fn log_special(x: f64, y: f64) -> f64 {
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

    /// `ln x` for a finite `x > 0` (garbage elsewhere: callers select the special values).
    #[inline(always)]
    fn ln_finite(x: f64) -> f64 {
        let (e, f, hfsq, rs) = ln_parts(x);
        // The leading `f` is exact and the correction small, as in fdlibm.
        e * LN2_HI - ((hfsq - (rs + e * LN2_LO)) - f)
    }

    /// The base-2 logarithm `log2 x` (NaN for `x < 0`, `-inf` at zero); exact at powers of 2.
    /// Measured: 1 ulp from glibc, 0.50 from the exact value.
    #[inline(always)]
    pub fn log2(x: f64) -> f64 {
        // 1/ln 2 = IVLN2_HI + IVLN2_LO, IVLN2_HI with 21 significant bits.
        const IVLN2_HI: f64 = f64::from_bits(0x3ff7_1547_6520_0000);
        const IVLN2_LO: f64 = f64::from_bits(0x3de7_05fc_2eef_a200);
        let (e, f, hfsq, rs) = ln_parts(x);
        // ln(1 + f) = hi + lo with hi = f - hfsq to 21 bits, so hi * IVLN2_HI is exact.
        let hi = high_word(f - hfsq);
        let lo = (f - hi) - hfsq + rs;
        let val_hi = hi * IVLN2_HI;
        let mut val_lo = (lo + hi) * IVLN2_LO + lo * IVLN2_HI;
        // e + val_hi in two parts.
        let w = e + val_hi;
        val_lo += (e - w) + val_hi;
        log_special(x, val_lo + w)
    }

    /// The base-10 logarithm `log10 x` (NaN for `x < 0`, `-inf` at zero). Measured: 0.53 ulp
    /// from the exact value (2 from glibc, whose own error is 1.2).
    #[inline(always)]
    pub fn log10(x: f64) -> f64 {
        const IVLN10_HI: f64 = f64::from_bits(0x3fdb_cb7b_1520_0000);
        const IVLN10_LO: f64 = f64::from_bits(0x3dbb_9438_ca9a_add5);
        // log10(2) = LOG10_2_HI + LOG10_2_LO, e * LOG10_2_HI exact for |e| < 2^11.
        const LOG10_2_HI: f64 = f64::from_bits(0x3fd3_4413_509f_6000);
        const LOG10_2_LO: f64 = f64::from_bits(0x3d59_fef3_11f1_2b36);
        let (e, f, hfsq, rs) = ln_parts(x);
        let hi = high_word(f - hfsq);
        let lo = (f - hi) - hfsq + rs;
        let val_hi = hi * IVLN10_HI;
        let y2 = e * LOG10_2_HI;
        let mut val_lo = e * LOG10_2_LO + (lo + hi) * IVLN10_LO + lo * IVLN10_HI;
        let w = y2 + val_hi;
        val_lo += (y2 - w) + val_hi;
        log_special(x, val_lo + w)
    }

    /// `ln(1 + x)`, accurate also for tiny `x`. Measured: 1 ulp from glibc, 1.04 from the
    /// exact value.
    #[inline(always)]
    pub fn ln_1p(x: f64) -> f64 {
        let u = 1.0 + x;
        // u - 1 is exact for u <= 2^53; c = (x - (u - 1)) / u corrects ln(u) to first order
        // for the rounding in 1 + x (negligible, and not exact, past 2^53).
        let c = (x - (u - 1.0)) / u;
        let y = ln_finite(u) + c;
        if x.is_nan() || x < -1.0 {
            f64::NAN
        } else if x == -1.0 {
            f64::NEG_INFINITY
        } else if x == f64::INFINITY || x == 0.0 {
            // ln_1p(±0) = ±0.
            x
        } else {
            y
        }
    }

    /// The cube root (odd: `cbrt(-x) = -cbrt(x)`), exact at cubes. Measured: 1 ulp from glibc,
    /// 0.67 from the exact value.
    #[inline(always)]
    pub fn cbrt(x: f64) -> f64 {
        const CBRT2: f64 = f64::from_bits(0x3ff4_28a2_f98d_728b); // 2^(1/3)
        const CBRT4: f64 = f64::from_bits(0x3ff9_65fe_a53d_6e3c); // 2^(2/3)
        let a = x.abs();
        let (e, m) = split_exponent(a);
        // e = 3q + r with r in {0, 1, 2}: q = floor(e / 3) = round((e - 1) / 3).
        let q = ((e - 1.0) * (1.0 / 3.0) + ROUND) - ROUND;
        let r = e - 3.0 * q;
        // a = 2^(3q) am with am = 2^r m in [1, 8), exact.
        let am = m * if r == 0.0 {
            1.0
        } else if r == 1.0 {
            2.0
        } else {
            4.0
        };
        let c = if r == 0.0 {
            1.0
        } else if r == 1.0 {
            CBRT2
        } else {
            CBRT4
        };
        // m^(1/3) on [1, 2] to 1.4e-5 (Chebyshev interpolation, degree 4).
        let p = 0.509_248_133_549_239_8
            + m * (0.711_742_386_602_599_8
                + m * (-0.293_954_118_084_835_07
                    + m * (0.083_079_035_479_642_42 + m * -0.010_102_212_336_340_12)));
        let t = p * c;
        // One Newton step: relative error about 2e-10.
        let t = t + (am / (t * t) - t) * (1.0 / 3.0);
        // Round away from zero to 22 significant bits, so that t * t is exact, then one
        // Halley-like step to 53 bits (error < 0.667 ulp), as in FreeBSD's cbrt.
        let t = f64::from_bits((t.to_bits() + 0x8000_0000) & 0xffff_ffff_c000_0000);
        let s = t * t;
        let rr = am / s;
        let w = t + t;
        let rr = (rr - t) / (w + rr);
        let t = t + t * rr;
        let y = (t * pow2(q)).copysign(x);
        if x == 0.0 || !x.is_finite() {
            x
        } else {
            y
        }
    }

    /// `sqrt(x^2 + y^2)` without overflow or underflow in the intermediate squares: `+inf`
    /// when either argument is infinite (even if the other is NaN), otherwise NaN if either
    /// is NaN. Measured: 1 ulp from glibc, 1.10 from the exact value.
    #[inline(always)]
    pub fn hypot(x: f64, y: f64) -> f64 {
        let (ax, ay) = (x.abs(), y.abs());
        let a = ax.max(ay);
        let b = ax.min(ay);
        // Scale by a power of 2 that brings `a` into [1, 4): exact, and b * s either stays
        // exact or is too small to matter next to a.
        let ea = ((a.to_bits() >> 52) & 0x7ff).clamp(1, 2045);
        let s = f64::from_bits((2046 - ea) << 52);
        let inv = f64::from_bits(ea << 52);
        let (sa, sb) = (a * s, b * s);
        let h = (sa * sa + sb * sb).sqrt() * inv;
        if ax == f64::INFINITY || ay == f64::INFINITY {
            f64::INFINITY
        } else if x.is_nan() || y.is_nan() {
            f64::NAN
        } else if b == 0.0 {
            a
        } else {
            h
        }
    }

    /// `(is_integer, is_odd_integer)` for `y`, on the bits (no rounding instructions).
    #[inline(always)]
    fn int_parity(y: f64) -> (bool, bool) {
        const TWO52: f64 = 4_503_599_627_370_496.0;
        let ay = y.abs();
        // Below 2^52, ay + 2^52 rounds ay to an integer, held in the low mantissa bits.
        let t = ay + TWO52;
        let small_int = t - TWO52 == ay;
        let big = ay >= TWO52; // every float from 2^52 on (and inf) is an integer
        let is_int = big || small_int;
        // From 2^53 on every integer is even; in [2^52, 2^53) the last bit is the parity.
        let odd = if big {
            ay < 2.0 * TWO52 && ay.to_bits() & 1 == 1
        } else {
            small_int && t.to_bits() & 1 == 1
        };
        (is_int, odd)
    }

    /// The special cases of `pow` (C99 Annex F, IEEE 754) around `core = |x|^y`, which
    /// only has to be right for finite `x != 0` (and may be anything elsewhere).
    #[inline(always)]
    pub(super) fn pow_special(x: f64, y: f64, core: f64) -> f64 {
        let (is_int, odd) = int_parity(y);
        let ax = x.abs();
        let r = if ax == 0.0 {
            if y < 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        } else if ax == f64::INFINITY {
            if y < 0.0 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            core
        };
        // Negative x (-0 included) with an odd integer y: odd result.
        let r = if x.is_sign_negative() && odd { -r } else { r };
        let r = if (x < 0.0 && x.is_finite() && !is_int) || x.is_nan() || y.is_nan() {
            f64::NAN
        } else {
            r
        };
        // pow(x, ±0) = 1 and pow(1, y) = 1, even for NaN; pow(-1, ±inf) = 1.
        if y == 0.0 || x == 1.0 || (x == -1.0 && y.is_infinite()) {
            1.0
        } else {
            r
        }
    }

    /// `|x|^y` for finite `x != 0` in extended precision, after fdlibm's `e_pow.c`
    /// (Sun Microsystems, freely usable): `log2 |x|` in two parts, times `y` in two parts,
    /// `2^z` with a correction for the low part. The two-entry tables of fdlibm are selects.
    #[inline(always)]
    fn pow_core(x: f64, y: f64) -> f64 {
        // Coefficients of (3/2)(ln x - 2s - 2s^3/3) in s^2, and of the rational exp.
        const L: [f64; 6] = [
            f64::from_bits(0x3fca_7e28_4a45_4eef),
            f64::from_bits(0x3fcd_864a_93c9_db65),
            f64::from_bits(0x3fd1_7460_a91d_4101),
            f64::from_bits(0x3fd5_5555_518f_264d),
            f64::from_bits(0x3fdb_6db6_db6f_abff),
            f64::from_bits(0x3fe3_3333_3333_3303),
        ];
        const P: [f64; 5] = [
            f64::from_bits(0x3e66_3769_72be_a4d0),
            f64::from_bits(0xbebb_bd41_c5d2_6bf1),
            f64::from_bits(0x3f11_566a_af25_de2c),
            f64::from_bits(0xbf66_c16c_16be_bd93),
            f64::from_bits(0x3fc5_5555_5555_553e),
        ];
        const LG2: f64 = std::f64::consts::LN_2;
        const LG2_H: f64 = f64::from_bits(0x3fe6_2e43_0000_0000);
        const LG2_L: f64 = f64::from_bits(0xbe20_5c61_0ca8_6c39);
        // 2/(3 ln 2) = CP_H + CP_L.
        const CP: f64 = f64::from_bits(0x3fee_c709_dc3a_03fd);
        const CP_H: f64 = f64::from_bits(0x3fee_c709_e000_0000);
        const CP_L: f64 = f64::from_bits(0xbe3e_2fe0_145b_01f5);
        // log2(1.5) = DP_H + DP_L.
        const DP_H: f64 = f64::from_bits(0x3fe2_b803_4000_0000);
        const DP_L: f64 = f64::from_bits(0x3e4c_fdeb_43cf_d006);
        // sqrt(3/2), sqrt(3).
        const SQRT1_5: f64 = 1.224_744_871_391_589;
        const SQRT3: f64 = 1.732_050_807_568_877_2;

        // Past 2^70, |y log2 x| >= 2^70 * 2^-53 for every x != 1: the result is 0 or inf
        // either way, and the clamped y keeps its parity (even).
        let y = y.clamp(-1.180_591_620_717_411_3e21, 1.180_591_620_717_411_3e21);
        let (mut n, mut ax) = split_exponent(x.abs());
        // ax in [1, sqrt(3/2)): base 1; [sqrt(3/2), sqrt(3)): base 1.5; else halve, base 1.
        let mid = (SQRT1_5..SQRT3).contains(&ax);
        let top = ax >= SQRT3;
        ax = if top { ax * 0.5 } else { ax };
        n += if top { 1.0 } else { 0.0 };
        let bp = if mid { 1.5 } else { 1.0 };
        let dp_h = if mid { DP_H } else { 0.0 };
        let dp_l = if mid { DP_L } else { 0.0 };

        // ss = s_h + s_l = (ax - bp) / (ax + bp).
        let u = ax - bp;
        let v = 1.0 / (ax + bp);
        let ss = u * v;
        let s_h = high_word(ss);
        // t_h + t_l = ax + bp exactly.
        let t_h = high_word(ax + bp);
        let t_l = ax - (t_h - bp);
        let s_l = v * ((u - s_h * t_h) - s_h * t_l);
        // log(ax) = 2s + 2s^3/3 + ..., as (2/(3 ln 2)) (s (3 + s^2) + ...) in two parts.
        let s2 = ss * ss;
        let mut r = L[0];
        for &c in &L[1..] {
            r = r * s2 + c;
        }
        let mut r = s2 * s2 * r;
        r += s_l * (s_h + ss);
        let s2 = s_h * s_h;
        let t_h = high_word(3.0 + s2 + r);
        let t_l = r - ((t_h - 3.0) - s2);
        let u = s_h * t_h;
        let v = s_l * t_h + t_l * ss;
        let p_h = high_word(u + v);
        let p_l = v - (p_h - u);
        let z_h = CP_H * p_h;
        let z_l = CP_L * p_h + p_l * CP + dp_l;
        // log2(ax) = n + dp_h + z_h + z_l = t1 + t2.
        let t1 = high_word(((z_h + z_l) + dp_h) + n);
        let t2 = z_l - (((t1 - n) - dp_h) - z_h);

        // y log2(ax) = p_h + p_l, with y = y1 + (y - y1), y1 * t1 exact.
        let y1 = high_word(y);
        let p_l = (y - y1) * t1 + y * t2;
        let p_h = y1 * t1;
        let z = p_l + p_h;
        // Past +-1100 the result is inf or 0; clamping keeps the scale factors finite.
        let over = z.abs() > 1100.0 || z.is_nan();
        let p_h = if over { z.clamp(-1100.0, 1100.0) } else { p_h };
        let p_l = if over { 0.0 } else { p_l };
        let z = p_l + p_h;
        // 2^z = 2^k 2^(p_h - k + p_l), k the nearest integer: p_h - k is exact.
        let k = (z + ROUND) - ROUND;
        let p_h = p_h - k;
        let t = high_word(p_l + p_h);
        let u = t * LG2_H;
        let v = (p_l - (t - p_h)) * LG2 + t * LG2_L;
        // e^(z + w) with z + w = (p_h + p_l) ln 2, |z| <= 0.35 + tiny.
        let z = u + v;
        let w = v - (z - u);
        let t = z * z;
        let mut q = P[0];
        for &c in &P[1..] {
            q = q * t + c;
        }
        let t1 = z - t * q;
        let r = (z * t1) / (t1 - 2.0) - (w + z * w);
        let e = 1.0 - (r - z);
        let (s1, s2) = pow2_split(k);
        e * s1 * s2
    }

    /// `x^y` (measured: 1 ulp from glibc, 0.76 from the exact value), with IEEE 754's (C99 Annex F's) special cases as std's `powf`:
    /// `pow(x, ±0) = 1` and `pow(1, y) = 1` even for NaN, negative `x` only with integer `y`
    /// (NaN otherwise; odd `y` keeps the sign), and the signed zeros and infinities.
    #[inline(always)]
    pub fn powf(x: f64, y: f64) -> f64 {
        pow_special(x, y, pow_core(x, y))
    }

    /// `x^n` for an integer `n`. std's `powi` multiplies repeatedly (its error grows with
    /// `|n|`); this one is `powf(x, n)` (within 1 ulp of the exact value for every `n`),
    /// except for `n` in `-1..=4`, where it multiplies exactly as std does (`x * x`,
    /// `1 / x`, ...; within 2 ulp) so that a constant small `n` costs a multiplication.
    #[inline(always)]
    pub fn powi(x: f64, n: i32) -> f64 {
        let nf = n as f64;
        let p = powf(x, nf);
        let x2 = x * x;
        match n {
            0 => 1.0,
            1 => x,
            2 => x2,
            3 => x2 * x,
            4 => x2 * x2,
            -1 => 1.0 / x,
            _ => p,
        }
    }
}

/// The `f32` versions. `exp`, `exp2` and `ln` are native `f32` polynomials (twice the lanes
/// of `f64`); the others compute in `f64` (the `f64` versions' error is far below an `f32`
/// ulp), so their result is the exact value rounded once more: within 1 ulp.
pub(crate) mod f32 {
    use super::f64 as d;

    // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    // ln 2 split so that k * LN2_HI is exact for |k| < 2^9 (fdlibm's expf).
    const LN2_HI: f32 = f32::from_bits(0x3f31_7200);
    const LN2_LO: f32 = f32::from_bits(0x35bf_be8e);

    /// `e^r` for `|r| <= ln(2)/2` as `1 + (r + r^2 q(r))`, `q` the degree-4 minimax
    /// polynomial for `(e^r - 1 - r) / r^2` (relative error 2^-22.8, so `r^2 q` is off by
    /// less than 2^-27; `scripts/fit_math_polys.py`), in Estrin's scheme.
    #[inline(always)]
    fn exp_reduced(r: f32) -> f32 {
        const Q: [f32; 5] = [
            0.5,
            0.166_665_78,
            0.041_666_854,
            0.008_363_141,
            0.001_390_127_6,
        ];
        let r2 = r * r;
        let q = ((Q[0] + Q[1] * r) + (Q[2] + Q[3] * r) * r2) + Q[4] * (r2 * r2);
        1.0 + (r + r2 * q)
    }

    /// `p 2^k` for `p` in about `[0.7, 1.42]`, `k` held as an integer in the low bits of
    /// `t = k + ROUND`, `-151 <= k <= 128`, the exponent added on the bits; `tiny` (set
    /// when `k <= -125` may hold) scales in two steps so that subnormals round once.
    #[inline(always)]
    fn scale(p: f32, t: f32, tiny: bool) -> f32 {
        let t = if tiny { t + 32.0 } else { t };
        let y = f32::from_bits(p.to_bits().wrapping_add(t.to_bits() << 23));
        y * if tiny { 2.328_306_4e-10 } else { 1.0 } // 2^-32
    }

    /// `e^x`, natively in `f32` (8 lanes on AVX2): within 1 ulp (10^6 arguments;
    /// an exhaustive check is an ignored test).
    #[inline(always)]
    pub fn exp(x: f32) -> f32 {
        // The largest x with a finite e^x; below -104 the result is zero.
        const MAX: f32 = f32::from_bits(0x42b1_7217);
        let xc = x.clamp(-104.0, MAX);
        let t = xc * std::f32::consts::LOG2_E + ROUND;
        let k = t - ROUND;
        let r = (xc - k * LN2_HI) - k * LN2_LO;
        let y = scale(exp_reduced(r), t, x < -86.0);
        if x > MAX {
            f32::INFINITY
        } else if x.is_nan() {
            x
        } else {
            y
        }
    }

    /// `2^x`, natively in `f32`: within 1 ulp (10^6 arguments;
    /// an exhaustive check is an ignored test).
    #[inline(always)]
    pub fn exp2(x: f32) -> f32 {
        let xc = x.clamp(-151.0, 128.0);
        let t = xc + ROUND;
        let k = t - ROUND;
        // Exact: |r| <= 1/2.
        let r = xc - k;
        let y = scale(exp_reduced(r * std::f32::consts::LN_2), t, x < -125.0);
        if x >= 128.0 {
            f32::INFINITY
        } else if x.is_nan() {
            x
        } else {
            y
        }
    }

    /// The natural logarithm `ln x` (NaN for `x < 0`, `-inf` at zero), natively in `f32`:
    /// within 1 ulp (10^6 arguments;
    /// an exhaustive check is an ignored test).
    #[inline(always)]
    pub fn ln(x: f32) -> f32 {
        // ln 2 split so that e * LN2_HI is exact for |e| < 2^7 (fdlibm's logf).
        const LN2_HI: f32 = f32::from_bits(0x3f31_7180);
        const LN2_LO: f32 = f32::from_bits(0x3717_f7d1);
        const SQRT2: f32 = std::f32::consts::SQRT_2;
        let sub = x < f32::MIN_POSITIVE;
        let xs = if sub { x * 33_554_432.0 } else { x }; // 2^25
        let bits = xs.to_bits();
        // The biased exponent as an integer-valued float, without an int-to-float conversion.
        let biased = f32::from_bits(ROUND.to_bits().wrapping_add((bits >> 23) & 0xff)) - ROUND;
        let mut e = biased - 127.0 - if sub { 25.0 } else { 0.0 };
        let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
        let big = m > SQRT2;
        m = if big { m * 0.5 } else { m };
        e += if big { 1.0 } else { 0.0 };
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        // R = 2z/3 + 2z^2/5 + 2z^3/7 + 2z^4/9 (|s| <= 0.1716: the rest is below 2^-28).
        let r = z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 + z * (2.0 / 9.0))));
        let hfsq = 0.5 * f * f;
        let y = e * LN2_HI - ((hfsq - (s * (hfsq + r) + e * LN2_LO)) - f);
        if x.is_nan() || x < 0.0 {
            f32::NAN
        } else if x == 0.0 {
            f32::NEG_INFINITY
        } else if x == f32::INFINITY {
            x
        } else {
            y
        }
    }

    /// `e^x - 1`, accurate also for tiny `x`. Within 1 ulp (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn exp_m1(x: f32) -> f32 {
        d::exp_m1(x as f64) as f32
    }

    /// The base-2 logarithm `log2 x` (NaN for `x < 0`, `-inf` at zero). Within 1 ulp (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn log2(x: f32) -> f32 {
        d::log2(x as f64) as f32
    }

    /// The base-10 logarithm `log10 x` (NaN for `x < 0`, `-inf` at zero). Within 1 ulp (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn log10(x: f32) -> f32 {
        d::log10(x as f64) as f32
    }

    /// `ln(1 + x)`, accurate also for tiny `x`. Within 1 ulp (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn ln_1p(x: f32) -> f32 {
        d::ln_1p(x as f64) as f32
    }

    /// The cube root. Within 1 ulp (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn cbrt(x: f32) -> f32 {
        d::cbrt(x as f64) as f32
    }

    /// `x^y` with the special cases of [`f64`'s version](crate::math::powf), within 1 ulp
    /// (computed in `f64`, rounded once).
    #[inline(always)]
    pub fn powf(x: f32, y: f32) -> f32 {
        let (x, y) = (x as f64, y as f64);
        // |y ln x| < 2^7 * 2^7 wherever the f32 result is finite and not zero, so the f64
        // exp and ln (2 ulp of f64 each) leave the error far below an f32 ulp.
        let core = d::exp(y * d::ln(x.abs()));
        d::pow_special(x, y, core) as f32
    }

    /// `x^n` for an integer `n`: `powf(x, n)` evaluated in `f64` (within 1 ulp for every
    /// `n`; std's repeated multiplication in `f32` is not), `x * x` and the like for `n` in
    /// `-2..=4`, computed in `f64` and rounded once.
    #[inline(always)]
    pub fn powi(x: f32, n: i32) -> f32 {
        let (xd, nf) = (x as f64, n as f64);
        let p = d::pow_special(xd, nf, d::exp(nf * d::ln(xd.abs())));
        let x2 = xd * xd;
        let r = match n {
            0 => 1.0,
            1 => xd,
            2 => x2,
            3 => x2 * xd,
            4 => x2 * x2,
            -1 => 1.0 / xd,
            -2 => 1.0 / x2,
            _ => p,
        };
        r as f32
    }

    /// `sqrt(x^2 + y^2)`, squared in `f64` where nothing overflows or underflows: `+inf` when
    /// either argument is infinite (even if the other is NaN).
    #[inline(always)]
    pub fn hypot(x: f32, y: f32) -> f32 {
        let (a, b) = (x as f64, y as f64);
        let h = (a * a + b * b).sqrt() as f32;
        if x.is_infinite() || y.is_infinite() {
            f32::INFINITY
        } else {
            h
        }
    }
}

#[cfg(test)]
#[path = "exp_log_tests.rs"]
mod tests;
