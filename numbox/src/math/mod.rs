//! Elementary functions written so that LLVM vectorizes them inside a kernel's loop.
//!
//! `f64::exp` and friends call the C library one element at a time, which keeps the loop of
//! a `#[vectorize]` kernel scalar. These versions are branch-free code on the bits of the
//! argument (selects instead of branches, no calls, no float-to-int conversions in 64-bit
//! lanes, no tables but one of 154 rows for the `f32` trigonometric reduction),
//! `#[inline(always)]`, so LLVM runs the kernel's loop on SIMD lanes (the exceptions, the
//! `f64` `sin`, `cos` and `tan`, are below).
//! `numbox::math::NAME` is the `f64` version, [`numbox::math::f32::NAME`](self::f32) the `f32`
//! one; signatures are std's (`atan2(y, x)` is `y.atan2(x)`). Results are bit-identical on
//! every CPU tier: no fused multiply-add is used.
//!
//! Every function handles NaN, the infinities, signed zeros and subnormals exactly as std
//! does (tested value for value, the sign of zero included). `powf` follows IEEE 754 /
//! C99 Annex F: `powf(x, ±0) = 1` and `powf(1, y) = 1` even for NaN, negative `x` only with
//! an integer `y`. `powi(x, n)` stays within 1 ulp for every `n` (see below); the `f32`
//! one computes in `f64`.
//!
//! # Accuracy and speed
//!
//! Maximum error in ulps: for `f64`, against glibc over 10^6 arguments (random bit patterns
//! over the whole domain and uniform ones on the interesting ranges; glibc is within 1 ulp
//! for these functions, 1.2 for `log10`) and, in brackets, against a double-double
//! reference on 2x10^4 arguments; for `f32`, against the C library's `f64` result rounded
//! to `f32` (effectively exact) over 10^6 arguments.
//!
//! Speed: time per element (ns) of a `#[vectorize]` kernel over 10^6 elements
//! (`cargo bench --bench math_exp_log` and `--bench math_trig`, `NUMBOX_CPU=avx2` for the
//! AVX2 + FMA tier, unset for the AVX-512 one), and in brackets the speed-up over the same
//! kernel calling std (the C library). Measured on an AVX-512 Xeon shared with other builds
//! (load average 8 to 10 on 2 cores), the least time over two interleaved runs, the C
//! library's the least over all runs: absolute times are inflated about 3x, and the
//! ratios are uncertain by some 30%. Rows marked * were measured earlier, AVX2 build
//! (`-C target-cpu=x86-64-v3`), under lighter load.
//!
//! | function | `f64` ulp | `f32` ulp | `f64` AVX2 | `f64` AVX-512 | `f32` AVX2 | `f32` AVX-512 |
//! |---|---|---|---|---|---|---|
//! | `exp` | 1 (1.01) | 1 | 11 (1.4x) | 4.8 (3.2x) | 6.2 (2.0x) | 2.4 (5.3x) |
//! | `exp2` | 1 (1.08) | 1 | 9.2 (1.5x) | 4.7 (2.9x) | 5.0 (2.0x) | 2.0 (4.9x) |
//! | `exp_m1` | 2 (2.03) | 1 | 13 (2.0x) | 6.9 (3.7x) | 8.5 (4.5x) | 5.4 (7.0x) |
//! | `ln` | 1 (0.64) | 1 | 17 (0.8x) | 6.2 (2.1x) | 7.8 (1.7x) | 4.7 (2.8x) |
//! | `log2` | 1 (0.50) | 1 | 19 (0.9x) | 7.8 (2.1x) | 17 (0.76x) | 9.7 (1.3x) |
//! | `log10` | 2 (0.53) | 1 | 17 (1.6x) | 8.6 (3.3x) | 7.3 (2.6x) | - |
//! | `ln_1p` | 1 (1.04) | 1 | 13 (1.9x) | 7.7 (3.1x) | 8.6 (1.5x) | - |
//! | `cbrt` * | 1 (0.67) | 1 | 7.9 (4.0x) | - | 8.7 (0.9x) | - |
//! | `hypot` * | 1 (1.10) | 1 | 4.4 (3.7x) | - | - | - |
//! | `powf` * | 1 (0.76) | 1 | 33.4 (1.0x) | - | - | - |
//! | `powi` * | 1; 2 for `n` in `-1..=4` | 1 | 31.4 (0.2x) for a varying `n` | - | - | - |
//! | `sin` | 1 | 1 | 64 (0.6x) | 62 (0.6x) | 19 (1.0x) | 17 (1.2x) |
//! | `cos` | 1 | 1 | 31 (0.8x) | 69 (0.4x) | 17 (0.8x) | 13 (1.1x) |
//! | `tan` | 2 | 1 | 69 (0.6x) | 69 (0.6x) | 28 (2.0x) | 22 (2.5x) |
//! | `tanh` | 4 | 1 | 20 (2.2x) | 8.4 (5.4x) | 17 (3.3x) | 9.9 (5.6x) |
//! | `sinh` * | 2 | 1 | 62 (1.5x) | - | 45 (3.5x) | - |
//! | `cosh` * | 2 | 1 | 40 (1.5x) | - | 36 (1.5x) | - |
//! | `atan` * | 1 | 1 | 49 (2.6x) | - | 52 (2.0x) | - |
//! | `atan2` * | 1 | 1 | 80 (2.7x) | - | 81 (2.0x) | - |
//!
//! The `f64` columns of `exp`, `exp2`, `ln`, `log2`, `log10` and `ln_1p` (not the `f32`
//! ones, which for `log10` and `ln_1p` are the earlier * figures) are from the least of
//! three interleaved runs at load average 10, where the 10^6-element kernel is noisier than
//! the last change to these functions (below) gained.
//!
//! Measured in a plain loop over 2^14 elements in cache (no load noise from memory, 300
//! alternating repetitions, the least time, `-C target-cpu=x86-64-v3`), the `f64` `exp`
//! takes 3.3 to 3.4 ns against the C library's 6.1 to 6.4 (1.9x), `exp2` 2.9 to 3.0, `ln`
//! 4.4 to 4.8 against 6.1 to 6.2 (1.3x to 1.4x) and `log2` 5.2 to 5.5; on AVX-512
//! (`x86-64-v4`) `exp` 2.7 and `ln` 3.1 against 6.1 (2.3x and 1.9x).
//!
//! Why `exp` and `ln` stay under 3x the C library on AVX2: the bits must be the same on
//! every tier, so no FMA, and glibc's `exp` and `log` use FMA and a 128-entry table (its
//! x86-64 FMA variants). The AVX2 loop of `exp` is 38 uops per 4 elements on the two ports
//! (0 and 1) that execute float multiplies, adds and compares: 17 multiplies, 17 adds, a
//! max, 2 compares and a shift, at least 19 cycles; 23 of them are the degree-11
//! polynomial alone (13 multiplies and 10 adds in Estrin's scheme; Horner's rule saves 2
//! but lengthens the chain). 3x the C library (2.0 ns here) is about 23 such uops: the
//! polynomial alone. `ln` is 36 of them plus one division; the divider takes 8 cycles per
//! 4 elements (Cascade Lake), under the 18-cycle port bound, so a division-free reduction
//! would not help: a polynomial in `f` needs degree 20 for the same accuracy. What did pay:
//! `exp` and `exp2` test overflow and NaN in one unordered comparison (`x + inf` gives both
//! results), and the logarithms split `x = 2^e m` with integer operations on the bits (as
//! musl does; integer ops run on three ports) instead of a compare, a multiply and a
//! select for `m > sqrt(2)`: 5% to 9% (`exp`, `exp2`) and 9% to 14% (`ln`, `log2`) in the
//! probe above on AVX2, with the same bits.
//!
//! `exp` and `ln` evaluate minimax polynomials (fitted by `scripts/fit_math_polys.py`) in
//! Estrin's scheme: a loop over SIMD lanes is bound by the polynomial's dependency chain,
//! which Horner's rule makes as long as the degree. `exp` scales by `2^k` with one integer
//! add on the bits. `ln` keeps its one division (`s = f / (2 + f)`, whose series converges
//! fast): a polynomial in `f` without it needs degree 20 for the same accuracy.
//!
//! The `f64` `sin`, `cos` and `tan` reduce their argument exactly over the whole domain: a
//! branch-free three-part reduction below `2^20` and, above, an exact (Payne-Hanek)
//! reduction in a cold out-of-line function. That call keeps a loop calling them scalar,
//! so they are exact (glibc's `cos` is 8 ulp off at `6381956970095103 * 2^797`; these are
//! not) but not faster than the C library. Computing the exact reduction branch-free for
//! every lane vectorizes but costs twice the C library's time (`trig` module docs); a
//! speed-up needs the kernel's loop to test a SIMD block for huge elements and take a
//! scalar path for that block only. The `f32` `sin`, `cos` and `tan` use their own exact
//! table-driven reduction, branch-free, and vectorize.
//!
//! The `f32` versions of `exp`, `exp2`, `ln`, `sin`, `cos` and `tan` are native `f32`
//! polynomials (8 AVX2 lanes; the trigonometric ones evaluate in `f64`); the other `f32`
//! versions compute in `f64` and round once.
//!
//! `powi` is `powf(x, n)` (within 1 ulp for every `n`), except for `n` in `-1..=4`, where it
//! multiplies as std does (a constant small `n` folds to those multiplications). std's own
//! `powi` (repeated squaring) is faster for an `n` that varies per element, but its error
//! grows with `|n|` (18 ulp measured for `|n| <= 32`): past this module's 4-ulp bound.
//!
//! ```
//! use numbox::math;
//! assert!((math::exp(1.0) - std::f64::consts::E).abs() < 1e-15);
//! assert_eq!(math::ln(1.0), 0.0);
//! assert_eq!(math::log2(1024.0), 10.0);
//! assert_eq!(math::cbrt(-27.0), -3.0);
//! assert_eq!(math::hypot(3.0, 4.0), 5.0);
//! assert_eq!(math::powf(2.0, 10.0), 1024.0);
//! assert_eq!(math::powf(f64::NAN, 0.0), 1.0);
//! assert_eq!(math::powi(-2.0, 3), -8.0);
//! assert_eq!(math::f32::exp2(3.0), 8.0);
//! assert!((math::tanh(0.5) - 0.5f64.tanh()).abs() < 1e-16);
//! ```

mod exp_log;
mod f32_reduction;
mod trig;

pub use exp_log::f64::{cbrt, exp, exp2, exp_m1, hypot, ln, ln_1p, log10, log2, powf, powi};
pub use trig::f64::{atan, atan2, cos, cosh, sin, sinh, tan, tanh};

/// The same functions for `f32`.
pub mod f32 {
    pub use super::exp_log::f32::{
        cbrt, exp, exp2, exp_m1, hypot, ln, ln_1p, log10, log2, powf, powi,
    };
    pub use super::trig::f32::{atan, atan2, cos, cosh, sin, sinh, tan, tanh};
}
