//! Trigonometric and hyperbolic functions: `sin`, `cos`, `tan`, `tanh`, `sinh`, `cosh`,
//! `atan`, `atan2`, for `f64` and `f32`.
//!
//! Argument reduction for `sin`, `cos` and `tan` is exact over the whole domain:
//!
//! - a three-part Cody-Waite reduction (pi/2 in 33-bit pieces plus a 53-bit tail, the
//!   remainder kept as a double-double), exact for `|x| < 2^20`, branch-free, and
//! - a Payne-Hanek reduction for `|x| >= 2^20`: the 53-bit mantissa times a window of
//!   `2/pi` picked by the exponent (26-bit pieces from a 64-entry table), summed exactly
//!   modulo 4 in double-double, in a cold out-of-line function.
//!
//! Computing both for every element and selecting (branch-free) made `sin` about ten times
//! slower than with the Cody-Waite path alone (benchmark `math_trig`, AVX2 build: 228 ms
//! against 24 ms for 10^6 elements); the branch to the cold path keeps ordinary inputs
//! cheap, but a call in the loop body stops LLVM from vectorizing the kernel's loop, so
//! these three run one element at a time. (Vectorizing them needs the kernel's loop to test
//! a whole SIMD block for huge elements before choosing the path: a follow-up.)
//!
//! (A branch-free Payne-Hanek for every element was measured again with the minimax
//! kernels: vectorized, it made `sin` 24 ns per element against the C library's 12 on an
//! AVX2 build and 73 against 13 on AVX-512, where gathers are slow on this machine: without
//! FMA the exact products need 14 multiplications and as many exact sums per element.)
//!
//! The `f32` `sin`, `cos` and `tan` compute in `f64` with their own reduction, exact over
//! the whole `f32` range and branch-free, so they vectorize: `|x| 2/pi mod 4` is `m F`
//! with `m` the 24-bit mantissa and `F` read from a 154-row table indexed by the exponent
//! (`f32_reduction.rs`, three `f64` per row, two of them exact products with `m`). `sin` and
//! `cos` then reduce to half turns and share one degree-11 minimax polynomial on
//! `[-pi/2, pi/2]`. The other `f32` versions compute in `f64` and round once; all are within
//! one ulp.
//!
//! Accuracy, measured over 10^6 random bit patterns plus 10^6 uniform arguments on each of
//! two to four ranges per function (`cargo test --release`), and at the arguments closest
//! to multiples of pi/2: the `f64` versions are within 1 ulp of the C library (glibc) for
//! `sin`, `cos`, `atan`, `atan2`, 2 for `tan`, `sinh`, `cosh`, 4 for `tanh`; glibc itself is
//! within 1 ulp of 1200-bit arithmetic on these (2 for `sinh` and `tanh`; checked on 6000
//! to 9000 arguments per function), except at the hardest arguments, where `cos` here
//! matches the exact value and glibc's is 8 ulps off. The `f32` versions are within 1 ulp of the exact value (glibc's `f64`
//! result rounded).

/// `2/pi` in 26-bit pieces: entry `k + 2` holds bits `26k + 1 ..= 26k + 26` after the binary
/// point, as an integer over `2^26`; the two leading zeros let arguments below `2^52` use
/// the same formula as the large ones.
const TWO_OVER_PI: [f64; 64] = [
    0.0,
    0.0,
    42722829.0 / 67108864.0,
    48555073.0 / 67108864.0,
    21659401.0 / 67108864.0,
    56087029.0 / 67108864.0,
    13858563.0 / 67108864.0,
    28715353.0 / 67108864.0,
    38736100.0 / 67108864.0,
    4324945.0 / 67108864.0,
    26128250.0 / 67108864.0,
    62674459.0 / 67108864.0,
    29957006.0 / 67108864.0,
    37899730.0 / 67108864.0,
    58726692.0 / 67108864.0,
    49193117.0 / 67108864.0,
    6588223.0 / 67108864.0,
    35515164.0 / 67108864.0,
    46442140.0 / 67108864.0,
    65964067.0 / 67108864.0,
    24988590.0 / 67108864.0,
    54822121.0 / 67108864.0,
    41009306.0 / 67108864.0,
    54917092.0 / 67108864.0,
    5137525.0 / 67108864.0,
    37323603.0 / 67108864.0,
    15192690.0 / 67108864.0,
    4585659.0 / 67108864.0,
    58608142.0 / 67108864.0,
    52426903.0 / 67108864.0,
    67074070.0 / 67108864.0,
    25231090.0 / 67108864.0,
    63202006.0 / 67108864.0,
    34237727.0 / 67108864.0,
    28629499.0 / 67108864.0,
    15891632.0 / 67108864.0,
    40752081.0 / 67108864.0,
    37709470.0 / 67108864.0,
    25143477.0 / 67108864.0,
    55737260.0 / 67108864.0,
    33225084.0 / 67108864.0,
    24853767.0 / 67108864.0,
    15195689.0 / 67108864.0,
    19476134.0 / 67108864.0,
    50255852.0 / 67108864.0,
    18845021.0 / 67108864.0,
    2185228.0 / 67108864.0,
    50622407.0 / 67108864.0,
    47901436.0 / 67108864.0,
    13614112.0 / 67108864.0,
    40620248.0 / 67108864.0,
    31104569.0 / 67108864.0,
    5789625.0 / 67108864.0,
    35326053.0 / 67108864.0,
    40244604.0 / 67108864.0,
    21628548.0 / 67108864.0,
    2326518.0 / 67108864.0,
    8408435.0 / 67108864.0,
    10273816.0 / 67108864.0,
    6378860.0 / 67108864.0,
    43838002.0 / 67108864.0,
    23126651.0 / 67108864.0,
    50475437.0 / 67108864.0,
    8143260.0 / 67108864.0,
];

/// `1.5 * 2^52`: adding and subtracting it rounds to an integer (for `|v| < 2^51`).
const ROUND: f64 = 6_755_399_441_055_744.0;
/// `3 * 2^54`: adding and subtracting it rounds to a multiple of 4 (for `|v| < 2^54`).
const ROUND4: f64 = 54_043_195_528_445_952.0;

/// `v` rounded to the nearest integer, as a float (`|v| < 2^51`), without a conversion.
#[inline(always)]
fn round_int(v: f64) -> f64 {
    (v + ROUND) - ROUND
}

/// The low bits of the integer-valued float `n` (two's complement for negative `n`).
#[inline(always)]
fn int_bits(n: f64) -> u64 {
    (n + ROUND).to_bits()
}

/// `v` minus the nearest multiple of 4: exact for `0 <= v < 2^54` with bits above `2^-50`.
#[inline(always)]
fn mod4(v: f64) -> f64 {
    v - ((v + ROUND4) - ROUND4)
}

/// `a + b` as a double-double `(s, e)`, `s + e == a + b` exactly (Knuth).
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// `a + b` as a double-double, for `|a| >= |b|` (Dekker).
#[inline(always)]
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `x` with its low `n` mantissa bits cleared: the high half of a Dekker split.
#[inline(always)]
fn high_bits(x: f64, n: u32) -> f64 {
    f64::from_bits(x.to_bits() & !((1u64 << n) - 1))
}

/// `x = n pi/2 + (rh + rl)` with `|rh + rl| <= pi/4` (about), for `|x| < 2^20`; `n` is
/// returned as an integer-valued float.
#[inline(always)]
fn reduce_cody_waite(x: f64) -> (f64, f64, f64) {
    // pi/2 = P1 + P2 + P3 + P3T; P1..P3 have 33 bits, so n * Pi is exact for n < 2^20.
    const P1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
    const P2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
    const P3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000);
    const P3T: f64 = f64::from_bits(0x397b_839a_2520_49c1);
    let n = round_int(x * std::f64::consts::FRAC_2_PI);
    // Exact: n * P1 is exact and within a factor 2 of x (Sterbenz).
    let r0 = x - n * P1;
    let (r1, e1) = two_sum(r0, -(n * P2));
    let (r2, e2) = two_sum(r1, -(n * P3));
    let tail = (e1 + e2) - n * P3T;
    let (rh, rl) = fast_two_sum(r2, tail);
    (rh, rl, n)
}

/// Payne-Hanek: `x = n pi/2 + (rh + rl)` with `|rh + rl| <= pi/4`, for `|x| >= 2^20`
/// (smaller arguments give garbage, which the caller discards); `n` mod 4 matters only.
#[inline(always)]
fn reduce_payne_hanek(x: f64) -> (f64, f64, f64) {
    // pi/2 as a double-double, the high part split in 26 + 27 bits for exact products.
    const PIO2_HI: f64 = f64::from_bits(0x3ff9_21fb_5444_2d18);
    const PIO2_LO: f64 = f64::from_bits(0x3c91_a626_3314_5c07);
    const PIO2_HH: f64 = f64::from_bits(0x3ff9_21fb_5000_0000);
    const PIO2_HL: f64 = f64::from_bits(0x3e51_10b4_6000_0000);
    const TWO_M26: f64 = 1.0 / 67_108_864.0;
    let a = x.abs().max(1_048_576.0);
    let bits = a.to_bits();
    // a = M 2^s, M the 53-bit integer mantissa; s as an integer-valued float.
    let s = f64::from_bits(ROUND.to_bits() + (bits >> 52)) - ROUND - 1075.0;
    // i0 = floor((s - 2) / 26) >= -2: the first piece whose product with M is not a
    // multiple of 4 (the pieces before it only add multiples of 4, which drop out).
    let i0 = round_int((s - 14.5) * (1.0 / 26.0));
    let k0 = (int_bits(i0 + 2.0) & 63) as usize;
    // a' = M 2^sigma with sigma = s - 26 i0 in [2, 27]: a scaled by 2^(-26 i0), on the bits.
    let sigma = s - 26.0 * i0;
    let biased = int_bits(sigma + 1075.0) & 0x7ff;
    let a1 = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (biased << 52));
    // 27 + 26 bits: every product below with a 26-bit piece is exact.
    let ah = high_bits(a1, 26);
    let al = a1 - ah;
    let v = |j: usize| TWO_OVER_PI[(k0 + j) & 63];
    // Products of equal weight, reduced modulo 4, sum exactly (their bits stay within 53).
    let g = mod4(al * v(0)) + mod4(ah * (v(1) * TWO_M26));
    let q0 = round_int(g);
    let g = (g - q0) + (mod4(al * (v(1) * TWO_M26)) + mod4(ah * (v(2) * (TWO_M26 * TWO_M26))));
    let q1 = round_int(g);
    let g = g - q1;
    // The rest is below 4 and needs no reduction; accumulate it as a double-double.
    let w2 = TWO_M26 * TWO_M26;
    let w3 = w2 * TWO_M26;
    let w4 = w3 * TWO_M26;
    let w5 = w4 * TWO_M26;
    let w6 = w5 * TWO_M26;
    let w7 = w6 * TWO_M26;
    let (hi, lo) = two_sum(g, ah * (v(3) * w3));
    let (hi, e) = two_sum(hi, al * (v(2) * w2));
    let lo = lo + e;
    let (hi, e) = two_sum(hi, ah * (v(4) * w4));
    let lo = lo + e;
    let (hi, e) = two_sum(hi, al * (v(3) * w3));
    let lo = lo + e;
    let (hi, e) = two_sum(hi, ah * (v(5) * w5));
    let lo = lo + e;
    let (hi, e) = two_sum(hi, al * (v(4) * w4));
    let lo = lo + e + (ah * (v(6) * w6) + al * (v(5) * w5)) + (ah * (v(7) * w7) + al * (v(6) * w6));
    let q2 = round_int(hi);
    let (hi, lo) = fast_two_sum(hi - q2, lo);
    // (hi + lo) quarter turns to radians: times pi/2 in double-double (Dekker's product).
    let p = hi * PIO2_HI;
    let hh = high_bits(hi, 27);
    let hl = hi - hh;
    let err = (((hh * PIO2_HH - p) + hh * PIO2_HL) + hl * PIO2_HH) + hl * PIO2_HL;
    let (rh, rl) = fast_two_sum(p, err + (hi * PIO2_LO + lo * PIO2_HI));
    let n = q0 + q1 + q2;
    if x < 0.0 {
        (-rh, -rl, -n)
    } else {
        (rh, rl, n)
    }
}

/// The Payne-Hanek reduction out of line: computed with selects for every element it cost
/// about ten times the rest of `sin` (LLVM did not vectorize the loop with it either).
#[cold]
#[inline(never)]
fn reduce_huge(x: f64) -> (f64, f64, f64) {
    reduce_payne_hanek(x)
}

/// `x = n pi/2 + (rh + rl)`, `|rh + rl| <= pi/4` (about), for every finite `x`; `n` is an
/// integer-valued float whose value modulo 4 picks the quadrant.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64, u64) {
    let (rh, rl, n) = if x.abs() >= 1_048_576.0 {
        reduce_huge(x)
    } else {
        reduce_cody_waite(x)
    };
    (rh, rl, int_bits(n) & 3)
}

/// `sin(x + y)` for `|x| <= pi/4`, `|y|` below half an ulp of `x` (fdlibm's `__kernel_sin`).
#[inline(always)]
fn sin_kernel(x: f64, y: f64) -> f64 {
    const S1: f64 = -1.666_666_666_666_663_2e-1;
    const S2: f64 = 8.333_333_333_322_49e-3;
    const S3: f64 = -1.984_126_982_985_795e-4;
    const S4: f64 = 2.755_731_370_707_006_8e-6;
    const S5: f64 = -2.505_076_025_340_686_3e-8;
    const S6: f64 = 1.589_690_995_211_55e-10;
    let z = x * x;
    let v = z * x;
    let r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
    x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/// `cos(x + y)` for `|x| <= pi/4`, `|y|` below half an ulp of `x` (fdlibm's `__kernel_cos`).
#[inline(always)]
fn cos_kernel(x: f64, y: f64) -> f64 {
    const C1: f64 = 4.166_666_666_666_66e-2;
    const C2: f64 = -1.388_888_888_887_411e-3;
    const C3: f64 = 2.480_158_728_947_673e-5;
    const C4: f64 = -2.755_731_435_139_066_3e-7;
    const C5: f64 = 2.087_572_321_298_175e-9;
    const C6: f64 = -1.135_964_755_778_819_5e-11;
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// `sin(x)` for `|x| <= pi/4` to about `2^-36` relative: enough for an `f32` result.
#[inline(always)]
fn sin_short(x: f64) -> f64 {
    let z = x * x;
    let p = -1.0 / 6.0
        + z * (1.0 / 120.0
            + z * (-1.0 / 5_040.0 + z * (1.0 / 362_880.0 + z * (-1.0 / 39_916_800.0))));
    x + x * z * p
}

/// `cos(x)` for `|x| <= pi/4` to about `2^-36`: enough for an `f32` result.
#[inline(always)]
fn cos_short(x: f64) -> f64 {
    let z = x * x;
    let p = 1.0 / 24.0
        + z * (-1.0 / 720.0
            + z * (1.0 / 40_320.0 + z * (-1.0 / 3_628_800.0 + z * (1.0 / 479_001_600.0))));
    1.0 - 0.5 * z + z * z * p
}

/// `|x|` in `f64` and the three parts `f0 + f1 + f2` of `2/pi` for `x`'s exponent (the
/// row of the reduction table both reductions below use).
#[inline(always)]
fn reduction_row(x: f32) -> (f64, f64, f64, f64) {
    use super::f32_reduction::F32_REDUCTION;
    let field = (x.to_bits() >> 23) & 0xff;
    let row = F32_REDUCTION[(field.clamp(101, 254) - 101) as usize];
    (
        f64::from(x).abs(),
        f64::from_bits(row[0]),
        f64::from_bits(row[1]),
        f64::from_bits(row[2]),
    )
}

/// `|x| = n pi/2 + r`, `|r| <= pi/4` (about), for a finite `f32` `x` with
/// `|x| >= 2^-26`: returns `r` and `n mod 4`. Exact over the whole `f32` range with one
/// table row per exponent (three `f64` values, [`F32_REDUCTION`]) and no branch, so it
/// vectorizes (the row reads become gathers or lane loads): `|x| 2/pi mod 4` is `m F` with
/// `m` the 24-bit integer mantissa and `F = f0 + f1 + f2`, where `m f0` and `m f1` are exact
/// products, `m f0` is reduced modulo 4 exactly, and `(m f0 - n) + m f1` is exact; only
/// `m f2` (below `2^-28`) and the final product by `pi/2` round.
#[inline(always)]
fn reduce_f32(x: f32) -> (f64, u64) {
    let (a, f0, f1, f2) = reduction_row(x);
    let s0 = mod4(a * f0);
    let s1 = a * f1;
    let n = round_int(s0 + s1);
    let s = ((s0 - n) + s1) + a * f2;
    (s * std::f64::consts::FRAC_PI_2, int_bits(n) & 3)
}

/// Like [`reduce_f32`] but in half turns, after adding `c` quarter turns (`c` is 0 or 1):
/// `|x| + c pi/2 = h pi + r`, `|r| <= pi/2` (about); returns `r` and `h mod 2`. Then
/// `sin |x| = (-1)^h sin r` (`c = 0`) and `cos |x| = (-1)^h sin r` (`c = 1`): one polynomial
/// instead of two and a select. `(s0 + c - 2h) + s1` is exact as in [`reduce_f32`].
#[inline(always)]
fn reduce_f32_half(x: f32, c: f64) -> (f64, u64) {
    let (a, f0, f1, f2) = reduction_row(x);
    let s0 = mod4(a * f0) + c;
    let s1 = a * f1;
    let h = round_int((s0 + s1) * 0.5);
    let s = ((s0 - (h + h)) + s1) + a * f2;
    (s * std::f64::consts::FRAC_PI_2, int_bits(h) & 1)
}

/// `sin r` for `|r| <= pi/2` (a little more is fine) to `2^-35` relative: `r P(r^2)`, `P`
/// the degree-5 minimax polynomial for `sin(r)/r` (`scripts/fit_math_polys.py`), in
/// Estrin's scheme. Enough for an `f32` result.
#[inline(always)]
fn sin_half_pi(r: f64) -> f64 {
    const P: [f64; 6] = [
        0.999_999_999_978_981_7,
        -0.166_666_666_089_297_53,
        0.008_333_330_722_839_148,
        -0.000_198_408_330_294_164_02,
        2.752_397_926_361_257_4e-6,
        -2.386_846_523_386_998_4e-8,
    ];
    let z = r * r;
    let z2 = z * z;
    let z4 = z2 * z2;
    let p = ((P[0] + P[1] * z) + (P[2] + P[3] * z) * z2) + (P[4] + P[5] * z) * z4;
    r * p
}

/// `e^a = p 2^k` with `p` in about `[0.7, 1.42]`, `k` an integer-valued float; `|a| <= 745`:
/// the exponential's own argument reduction and polynomial.
#[inline(always)]
fn exp_parts(a: f64) -> (f64, f64) {
    let (r, k) = super::exp_log::f64::reduce(a);
    (1.0 + super::exp_log::f64::expm1_reduced(r), k)
}

/// `2^k` for an integer-valued float `-1022 <= k <= 1023`, on the bits.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    f64::from_bits((int_bits(k + 1023.0) & 0x7ff) << 52)
}

/// `(e^a / 2, e^-a / 2)` for `0 <= a <= 711`: the first overflows past 710.47 only.
#[inline(always)]
fn half_exps(a: f64) -> (f64, f64) {
    let (p, k) = exp_parts(a);
    let h = round_int(0.5 * k);
    let big = (0.5 * p) * pow2(h) * pow2(k - h);
    // Below 2^-1022 the second term is negligible beside the first.
    let small = (0.5 / p) * pow2((-k).max(-1022.0));
    (big, small)
}

/// `atan(a)` for `a >= 0` or NaN (fdlibm's `atan` with its branches turned into selects).
#[inline(always)]
fn atan_pos(a: f64) -> f64 {
    const AT: [f64; 11] = [
        3.333_333_333_333_293e-1,
        -1.999_999_999_987_648_3e-1,
        1.428_571_427_250_346_6e-1,
        -1.111_111_040_546_235_6e-1,
        9.090_887_133_436_507e-2,
        -7.691_876_205_044_83e-2,
        6.661_073_137_387_531e-2,
        -5.833_570_133_790_573_5e-2,
        4.976_877_994_615_932_4e-2,
        -3.653_157_274_421_691_6e-2,
        1.628_582_011_536_578_2e-2,
    ];
    // atan a = hi + lo + atan t, t = num / den small.
    let (num, den, hi, lo) = if a < 0.4375 {
        (a, 1.0, 0.0, 0.0)
    } else if a < 0.6875 {
        (
            2.0 * a - 1.0,
            2.0 + a,
            4.636_476_090_008_061e-1,
            2.269_877_745_296_168_7e-17,
        )
    } else if a < 1.1875 {
        (
            a - 1.0,
            a + 1.0,
            std::f64::consts::FRAC_PI_4,
            3.061_616_997_868_383e-17,
        )
    } else if a < 2.4375 {
        (
            a - 1.5,
            1.0 + 1.5 * a,
            9.827_937_232_473_29e-1,
            1.390_331_103_123_099_8e-17,
        )
    } else {
        (
            -1.0,
            a,
            std::f64::consts::FRAC_PI_2,
            6.123_233_995_736_766e-17,
        )
    };
    let t = num / den;
    let z = t * t;
    let w = z * z;
    let s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
    let s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
    hi - ((t * (s1 + s2) - lo) - t)
}

/// `atan2(y, x)` in `f64` (see the public `atan2`).
#[inline(always)]
fn atan2_f64(y: f64, x: f64) -> f64 {
    const PI_HI: f64 = std::f64::consts::PI;
    const PI_LO: f64 = 1.224_646_799_147_353_2e-16;
    let (ay, ax) = (y.abs(), x.abs());
    let base = atan_pos(ay / ax);
    // 0/0 and inf/inf: the limits along the axes and the diagonal.
    // Past 2^60 the result is pi/2 to within a quarter of an ulp, on either side of the axis.
    let base = if ay == 0.0 {
        0.0
    } else if ay > ax * 1.152_921_504_606_847e18 && ax.is_finite() {
        std::f64::consts::FRAC_PI_2
    } else if ay == f64::INFINITY && ax == f64::INFINITY {
        std::f64::consts::FRAC_PI_4
    } else {
        base
    };
    let r = if base == std::f64::consts::FRAC_PI_2 {
        base
    } else if x.is_sign_negative() {
        PI_HI - (base - PI_LO)
    } else {
        base
    };
    let r = r.copysign(y);
    if x.is_nan() || y.is_nan() {
        x + y
    } else {
        r
    }
}

/// The `f64` versions.
pub(crate) mod f64 {
    use super::*;

    /// The hyperbolic tangent: within 4 ulp of the C library's.
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

    /// The sine of `x` (radians), for every `f64`: within 1 ulp of the C library's (and of
    /// the exact value at the hardest arguments for the reduction).
    ///
    /// ```
    /// use numbox::math;
    /// assert_eq!(math::sin(1e22), 1e22f64.sin());
    /// assert_eq!(math::sin(-0.0).to_bits(), (-0.0f64).to_bits());
    /// ```
    #[inline(always)]
    pub fn sin(x: f64) -> f64 {
        let (r, rr, q) = reduce(x);
        let v = if q & 1 == 0 {
            sin_kernel(r, rr)
        } else {
            cos_kernel(r, rr)
        };
        let v = if q & 2 != 0 { -v } else { v };
        // sin x = x below 2^-26, which also keeps the sign of zero; inf and NaN give NaN.
        let v = if x.abs() < 1.5e-8 { x } else { v };
        if x.is_finite() {
            v
        } else {
            f64::NAN
        }
    }

    /// The cosine of `x` (radians), for every `f64`: within 1 ulp of the C library's.
    #[inline(always)]
    pub fn cos(x: f64) -> f64 {
        let (r, rr, q) = reduce(x);
        let v = if q & 1 == 0 {
            cos_kernel(r, rr)
        } else {
            sin_kernel(r, rr)
        };
        let v = if (q + 1) & 2 != 0 { -v } else { v };
        if x.is_finite() {
            v
        } else {
            f64::NAN
        }
    }

    /// The tangent of `x` (radians), for every `f64`: within 2 ulp of the C library's.
    #[inline(always)]
    pub fn tan(x: f64) -> f64 {
        let (r, rr, q) = reduce(x);
        let (s, c) = (sin_kernel(r, rr), cos_kernel(r, rr));
        let v = if q & 1 == 0 { s / c } else { -c / s };
        let v = if x.abs() < 1.5e-8 { x } else { v };
        if x.is_finite() {
            v
        } else {
            f64::NAN
        }
    }

    /// The hyperbolic sine: within 2 ulp of the C library's.
    #[inline(always)]
    pub fn sinh(x: f64) -> f64 {
        let a = x.abs();
        // Below 1: the odd Taylor series (terms past x^19/19! are below 2^-60 of the sum).
        let z = a * a;
        let mut p = 1.0 / 121_645_100_408_832_000.0;
        for d in [
            1.0 / 355_687_428_096_000.0,
            1.0 / 1_307_674_368_000.0,
            1.0 / 6_227_020_800.0,
            1.0 / 39_916_800.0,
            1.0 / 362_880.0,
            1.0 / 5_040.0,
            1.0 / 120.0,
            1.0 / 6.0,
        ] {
            p = p * z + d;
        }
        let small = a + a * z * p;
        let (big, tiny) = half_exps(a.min(711.0));
        let v = if a < 1.0 { small } else { big - tiny };
        let v = v.copysign(x);
        if x.is_nan() {
            x
        } else {
            v
        }
    }

    /// The hyperbolic cosine: within 2 ulp of the C library's.
    #[inline(always)]
    pub fn cosh(x: f64) -> f64 {
        let (big, small) = half_exps(x.abs().min(711.0));
        let v = big + small;
        if x.is_nan() {
            x
        } else {
            v
        }
    }

    /// The arctangent, in `[-pi/2, pi/2]`: within 1 ulp of the C library's.
    #[inline(always)]
    pub fn atan(x: f64) -> f64 {
        atan_pos(x.abs()).copysign(x)
    }

    /// The four-quadrant arctangent of `y / x`, in `[-pi, pi]`: `atan2(y, x)` is std's
    /// `y.atan2(x)`, within 1 ulp of it, and equal to it on the axes, at zeros and infinities.
    ///
    /// ```
    /// use numbox::math;
    /// assert_eq!(math::atan2(1.0, -1.0), 1f64.atan2(-1.0));
    /// assert_eq!(math::atan2(-0.0, -1.0), -std::f64::consts::PI);
    /// ```
    #[inline(always)]
    pub fn atan2(y: f64, x: f64) -> f64 {
        atan2_f64(y, x)
    }
}

/// The `f32` versions: computed in `f64` and rounded once.
pub(crate) mod f32 {
    use super::*;

    /// The hyperbolic tangent, within 1 ulp.
    #[inline(always)]
    pub fn tanh(x: f32) -> f32 {
        super::f64::tanh(x as f64) as f32
    }

    /// The sine of `x` (radians), for every `f32`, within 1 ulp: an exact table-driven
    /// reduction and one short `f64` polynomial, branch-free (so it vectorizes).
    #[inline(always)]
    pub fn sin(x: f32) -> f32 {
        let (r, h) = reduce_f32_half(x, 0.0);
        let v = sin_half_pi(r);
        let v = if (h != 0) != (x < 0.0) { -v } else { v };
        // sin x = x below 2^-26 (also for ±0 and subnormals); inf and NaN give NaN.
        if x.abs() < 1.490_116_1e-8 {
            x
        } else if x.is_finite() {
            v as f32
        } else {
            f32::NAN
        }
    }

    /// The cosine of `x` (radians), for every `f32`, within 1 ulp (see [`sin`]).
    #[inline(always)]
    pub fn cos(x: f32) -> f32 {
        let (r, h) = reduce_f32_half(x, 1.0);
        let v = sin_half_pi(r);
        let v = if h != 0 { -v } else { v };
        if x.abs() < 1.490_116_1e-8 {
            1.0
        } else if x.is_finite() {
            v as f32
        } else {
            f32::NAN
        }
    }

    /// The tangent of `x` (radians), for every `f32`, within 1 ulp (see [`sin`]).
    #[inline(always)]
    pub fn tan(x: f32) -> f32 {
        let (r, q) = reduce_f32(x);
        let (s, c) = (sin_short(r), cos_short(r));
        let v = if q & 1 == 0 { s / c } else { -c / s };
        let v = if x < 0.0 { -v } else { v };
        if x.abs() < 1.490_116_1e-8 {
            x
        } else if x.is_finite() {
            v as f32
        } else {
            f32::NAN
        }
    }

    /// The hyperbolic sine, within 1 ulp.
    #[inline(always)]
    pub fn sinh(x: f32) -> f32 {
        super::f64::sinh(x as f64) as f32
    }

    /// The hyperbolic cosine, within 1 ulp.
    #[inline(always)]
    pub fn cosh(x: f32) -> f32 {
        super::f64::cosh(x as f64) as f32
    }

    /// The arctangent, in `[-pi/2, pi/2]`, within 1 ulp.
    #[inline(always)]
    pub fn atan(x: f32) -> f32 {
        super::f64::atan(x as f64) as f32
    }

    /// The four-quadrant arctangent of `y / x`, in `[-pi, pi]`: `atan2(y, x)` is std's
    /// `y.atan2(x)`, within 1 ulp.
    #[inline(always)]
    pub fn atan2(y: f32, x: f32) -> f32 {
        atan2_f64(y as f64, x as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    //! Accuracy against the C library (glibc: below 1 ulp for these functions, checked
    //! against 200-digit arithmetic in the report of issue 12) for `f64`; against the C
    //! library's `f64` result rounded to `f32` (effectively exact) for `f32`.
    //!
    //! Miri perturbs the C library's results by a few ulps on purpose, so it cannot be the
    //! reference there; this module is safe code, with nothing for Miri to check.

    /// Distance in units in the last place; 0 when both are NaN, huge when one is.
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0;
        }
        if a.is_nan() || b.is_nan() {
            return u64::MAX;
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

    fn ulps32(a: f32, b: f32) -> u64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0;
        }
        if a.is_nan() || b.is_nan() {
            return u64::MAX;
        }
        let key = |x: f32| {
            let i = x.to_bits() as i32 as i64;
            if i < 0 {
                i64::from(i32::MIN) - i
            } else {
                i
            }
        };
        key(a).abs_diff(key(b))
    }

    /// Arguments per range: 10^6 in release builds (`cargo test --release`), fewer in the
    /// debug profile so that `cargo test --workspace` stays quick.
    fn n() -> usize {
        if cfg!(debug_assertions) {
            100_000
        } else {
            1_000_000
        }
    }

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// `n` arguments: random bit patterns (every finite and non-finite `f64`), then uniform
    /// on each of `ranges`.
    fn args(ranges: &[(f64, f64)]) -> Vec<f64> {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut v: Vec<f64> = (0..n()).map(|_| f64::from_bits(rng.next())).collect();
        for &(lo, hi) in ranges {
            v.extend((0..n()).map(|_| lo + (hi - lo) * rng.unit()));
        }
        v
    }

    fn args32(ranges: &[(f32, f32)]) -> Vec<f32> {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut v: Vec<f32> = (0..n())
            .map(|_| f32::from_bits(rng.next() as u32))
            .collect();
        for &(lo, hi) in ranges {
            v.extend((0..n()).map(|_| lo + (hi - lo) * rng.unit() as f32));
        }
        v
    }

    fn check(name: &str, f: fn(f64) -> f64, g: fn(f64) -> f64, xs: &[f64], bound: u64) {
        let (u, x) = xs
            .iter()
            .map(|&x| (ulps(f(x), g(x)), x))
            .fold((0, 0.0), |m, (u, x)| if u > m.0 { (u, x) } else { m });
        eprintln!("{name}: max {u} ulp (at {x:e})");
        assert!(
            u <= bound,
            "{name}({x:e}) = {} is {u} ulps from {}",
            f(x),
            g(x)
        );
    }

    fn check32(name: &str, f: fn(f32) -> f32, g: fn(f64) -> f64, xs: &[f32], bound: u64) {
        let r = |x: f32| g(x as f64) as f32;
        let (u, x) = xs
            .iter()
            .map(|&x| (ulps32(f(x), r(x)), x))
            .fold((0, 0.0), |m, (u, x)| if u > m.0 { (u, x) } else { m });
        eprintln!("{name}: max {u} ulp (at {x:e})");
        assert!(
            u <= bound,
            "{name}({x:e}) = {} is {u} ulps from {}",
            f(x),
            r(x)
        );
    }

    /// Arguments whose remainder modulo pi/2 is tiny (the hardest for the reduction), the
    /// ends of the Cody-Waite range, and the extremes.
    fn hard() -> Vec<f64> {
        let mut v = vec![
            f64::MIN_POSITIVE,
            std::f64::consts::FRAC_PI_2,
            std::f64::consts::PI,
            3.0 * std::f64::consts::FRAC_PI_2,
            1_048_576.0,
            1_647_099.0,
            355.0,
            103_993.0,
            2f64.powi(52),
        ];
        // Neighbours of n pi/2 for many n, and the Cody-Waite/Payne-Hanek border.
        for k in 1..2000u32 {
            let x = f64::from(k) * std::f64::consts::FRAC_PI_2;
            v.extend([
                x,
                f64::from_bits(x.to_bits() + 1),
                f64::from_bits(x.to_bits() - 1),
            ]);
        }
        for d in 0..64u64 {
            v.push(f64::from_bits(1_048_576f64.to_bits() + d));
            v.push(f64::from_bits(1_048_576f64.to_bits() - d));
        }
        let neg: Vec<f64> = v.iter().map(|x| -x).collect();
        v.extend(neg);
        v
    }

    /// `(x, sin x, cos x, tan x)` as bits, correctly rounded from 4000-bit arithmetic
    /// (mpmath): the first is the double closest to a multiple of pi/2 (its remainder is
    /// 2^-61), where glibc's `cos` is 8 ulps off.
    const EXACT: [(u64, u64, u64, u64); 6] = [
        (
            0x7506_ac5b_262c_a1ff,
            0x3ff0_0000_0000_0000,
            0xbc21_4ae7_2e6b_a22f,
            0xc3bd_9ba9_a797_5636,
        ),
        (
            0x4522_e5f0_f521_a671,
            0x3fd2_25d2_7287_966e,
            0x3fee_afc2_4927_6f04,
            0x3fd2_ecab_ffcf_9fa4,
        ),
        (
            0x4480_f0cf_064d_d592,
            0xbfeb_453a_b76b_f397,
            0x3fe0_be2c_ef01_c8f4,
            0xbffa_0f79_c1b6_b257,
        ),
        (
            0x7e37_e43c_8800_759c,
            0xbfea_2c16_b010_e385,
            0xbfe2_6990_22ad_c4c1,
            0x3ff6_be41_1f37_ac77,
        ),
        (
            0x7fef_ffff_ffff_ffff,
            0x3f74_52fc_98b3_4e97,
            0xbfef_ffe6_2ecf_ab75,
            0xbf74_530c_fe72_9484,
        ),
        (
            0x433f_ffff_ffff_ffff,
            0xbf8c_9176_a741_4f8f,
            0xbfef_ff33_f44e_67c2,
            0x3f8c_922c_d58f_f0e4,
        ),
    ];

    #[test]
    #[cfg_attr(miri, ignore)]
    fn hardest_reductions_match_exact_values() {
        use super::f64::{cos, sin, tan};
        for (x, s, c, t) in EXACT {
            for sign in [1.0, -1.0] {
                let x = sign * f64::from_bits(x);
                let (s, c, t) = (
                    sign * f64::from_bits(s),
                    f64::from_bits(c),
                    sign * f64::from_bits(t),
                );
                assert!(
                    ulps(sin(x), s) <= 1,
                    "sin({x:e}) = {:e}, exact {s:e}",
                    sin(x)
                );
                assert!(
                    ulps(cos(x), c) <= 1,
                    "cos({x:e}) = {:e}, exact {c:e}",
                    cos(x)
                );
                assert!(
                    ulps(tan(x), t) <= 2,
                    "tan({x:e}) = {:e}, exact {t:e}",
                    tan(x)
                );
                let x32 = x as f32;
                let r = |g: fn(f64) -> f64| g(x32 as f64) as f32;
                assert!(
                    ulps32(super::f32::sin(x32), r(f64::sin)) <= 1,
                    "sin f32 {x32:e}"
                );
                assert!(
                    ulps32(super::f32::cos(x32), r(f64::cos)) <= 1,
                    "cos f32 {x32:e}"
                );
                assert!(
                    ulps32(super::f32::tan(x32), r(f64::tan)) <= 1,
                    "tan f32 {x32:e}"
                );
            }
        }
    }

    const TRIG_RANGES: [(f64, f64); 4] = [(-7.0, 7.0), (-1e6, 1e6), (-1e9, 1e9), (-1e-6, 1e-6)];
    const TRIG_RANGES32: [(f32, f32); 3] = [(-7.0, 7.0), (-1e6, 1e6), (-1e9, 1e9)];

    #[test]
    #[cfg_attr(miri, ignore)]
    fn sin_cos_tan_match_libm_over_the_whole_domain() {
        use super::f64::{cos, sin, tan};
        let xs = args(&TRIG_RANGES);
        check("sin", sin, f64::sin, &xs, 1);
        check("cos", cos, f64::cos, &xs, 1);
        check("tan", tan, f64::tan, &xs, 2);
        let h = hard();
        check("sin hard", sin, f64::sin, &h, 1);
        check("cos hard", cos, f64::cos, &h, 1);
        check("tan hard", tan, f64::tan, &h, 2);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn sin_cos_tan_f32_match_libm() {
        use super::f32::{cos, sin, tan};
        let xs = args32(&TRIG_RANGES32);
        check32("sin f32", sin, f64::sin, &xs, 1);
        check32("cos f32", cos, f64::cos, &xs, 1);
        check32("tan f32", tan, f64::tan, &xs, 1);
        let h: Vec<f32> = hard().iter().map(|&x| x as f32).collect();
        check32("sin f32 hard", sin, f64::sin, &h, 1);
        check32("cos f32 hard", cos, f64::cos, &h, 1);
        check32("tan f32 hard", tan, f64::tan, &h, 1);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn hyperbolic_match_libm() {
        use super::f64::{cosh, sinh, tanh};
        let xs = args(&[(-711.0, 711.0), (-2.0, 2.0), (-25.0, 25.0), (-1e-6, 1e-6)]);
        check("sinh", sinh, f64::sinh, &xs, 2);
        check("cosh", cosh, f64::cosh, &xs, 2);
        check("tanh", tanh, f64::tanh, &xs, 4);
        let xs = args32(&[(-90.0, 90.0), (-2.0, 2.0), (-1e-3, 1e-3)]);
        check32("sinh f32", super::f32::sinh, f64::sinh, &xs, 1);
        check32("cosh f32", super::f32::cosh, f64::cosh, &xs, 1);
        check32("tanh f32", super::f32::tanh, f64::tanh, &xs, 1);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn atan_atan2_match_libm() {
        use super::f64::{atan, atan2};
        let xs = args(&[(-3.0, 3.0), (-100.0, 100.0)]);
        check("atan", atan, f64::atan, &xs, 1);
        check32(
            "atan f32",
            super::f32::atan,
            f64::atan,
            &args32(&[(-3.0, 3.0)]),
            1,
        );
        // Pairs: random bits, then uniform in a square, then one coordinate tiny.
        let mut rng = Rng(0xd1b5_4a32_d192_ed03);
        let mut pairs: Vec<(f64, f64)> = (0..n())
            .map(|_| (f64::from_bits(rng.next()), f64::from_bits(rng.next())))
            .collect();
        pairs.extend((0..n()).map(|_| (4.0 * rng.unit() - 2.0, 4.0 * rng.unit() - 2.0)));
        pairs.extend((0..n()).map(|_| (1e-3 * (rng.unit() - 0.5), 2.0 * rng.unit() - 1.0)));
        let (mut worst, mut worst32) = ((0, 0.0, 0.0), (0, 0.0, 0.0));
        for &(y, x) in &pairs {
            let u = ulps(atan2(y, x), y.atan2(x));
            if u > worst.0 {
                worst = (u, y, x);
            }
            let (y32, x32) = (y as f32, x as f32);
            let r = (y32 as f64).atan2(x32 as f64) as f32;
            let u = ulps32(super::f32::atan2(y32, x32), r);
            if u > worst32.0 {
                worst32 = (u, y, x);
            }
        }
        eprintln!("atan2: max {worst:?}, f32: {worst32:?}");
        assert!(worst.0 <= 2, "atan2 {worst:?}");
        assert!(worst32.0 <= 1, "atan2 f32 {worst32:?}");
    }

    /// A function's name, ours, and std's.
    type Case<T> = (&'static str, fn(T) -> T, fn(T) -> T);

    /// The special values give std's results exactly, sign of zero included.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn special_values_are_std_s() {
        use super::f64 as m;
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        let specials = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
            -5e-324,
            f64::MIN_POSITIVE,
            1e-300,
            -1e-300,
            f64::MAX,
            f64::MIN,
        ];
        let unary: [Case<f64>; 8] = [
            ("sin", m::sin, f64::sin),
            ("cos", m::cos, f64::cos),
            ("tan", m::tan, f64::tan),
            ("sinh", m::sinh, f64::sinh),
            ("cosh", m::cosh, f64::cosh),
            ("tanh", m::tanh, f64::tanh),
            ("atan", m::atan, f64::atan),
            ("atan2(x, 1)", |x| m::atan2(x, 1.0), |x| x.atan2(1.0)),
        ];
        for (name, f, g) in unary {
            for x in specials {
                // Past 2^20 only the non-finite special values must match exactly.
                if x.abs() > 1e300 && x.is_finite() && name.starts_with(['s', 'c', 't']) {
                    continue;
                }
                assert!(
                    same(f(x), g(x)),
                    "{name}({x:e}) = {:e}, std {:e}",
                    f(x),
                    g(x)
                );
            }
        }
        let axes = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            5e-324,
        ];
        for y in axes {
            for x in axes {
                let (a, b) = (m::atan2(y, x), y.atan2(x));
                assert!(same(a, b), "atan2({y:e}, {x:e}) = {a:e}, std {b:e}");
            }
        }
        use super::f32 as n;
        let same32 = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        let specials32 = [
            0.0f32,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            1e-45,
            -1e-45,
            f32::MIN_POSITIVE,
        ];
        let unary32: [Case<f32>; 8] = [
            ("sin", n::sin, f32::sin),
            ("cos", n::cos, f32::cos),
            ("tan", n::tan, f32::tan),
            ("sinh", n::sinh, f32::sinh),
            ("cosh", n::cosh, f32::cosh),
            ("tanh", n::tanh, f32::tanh),
            ("atan", n::atan, f32::atan),
            ("atan2(x, 1)", |x| n::atan2(x, 1.0), |x| x.atan2(1.0)),
        ];
        for (name, f, g) in unary32 {
            for x in specials32 {
                assert!(
                    same32(f(x), g(x)),
                    "{name}({x:e}) f32 = {:e}, std {:e}",
                    f(x),
                    g(x)
                );
            }
        }
        for y in axes {
            for x in axes {
                let (y, x) = (y as f32, x as f32);
                let (a, b) = (n::atan2(y, x), y.atan2(x));
                assert!(same32(a, b), "atan2({y:e}, {x:e}) f32 = {a:e}, std {b:e}");
            }
        }
    }
}
