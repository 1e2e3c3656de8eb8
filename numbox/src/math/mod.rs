//! Elementary functions written so that LLVM vectorizes them inside a kernel's loop.
//!
//! `f64::exp` and friends call the C library one element at a time, which keeps the loop of
//! a `#[vectorize]` kernel scalar. These versions are branch-free code on the bits of the
//! argument (selects instead of branches, no calls, no tables, no float-to-int conversions
//! in 64-bit lanes), `#[inline(always)]`, so LLVM runs the kernel's loop on SIMD lanes.
//! `numbox::math::NAME` is the `f64` version, [`numbox::math::f32::NAME`](self::f32) the `f32`
//! one; signatures are std's (`atan2(y, x)` is `y.atan2(x)`). Results are bit-identical on
//! every CPU tier: no fused multiply-add is used.
//!
//! Every function handles NaN, the infinities, signed zeros and subnormals exactly as std
//! does (tested value for value, the sign of zero included). `powf` follows IEEE 754 /
//! C99 Annex F: `powf(x, ±0) = 1` and `powf(1, y) = 1` even for NaN, negative `x` only with
//! an integer `y`. `powi(x, n)` is `x * x`, `1 / x`, ... like std for `n` in `-1..=4` (so a
//! constant small `n` costs a multiplication) and `powf(x, n)` elsewhere, which is more
//! accurate than std's repeated multiplication for large `|n|`.
//!
//! # Accuracy and speed
//!
//! Maximum error in ulps: for `f64`, against glibc over 10^6 arguments (random bit patterns
//! over the whole domain and uniform ones on the interesting ranges; glibc is within 1 ulp
//! for these functions, 1.2 for `log10`) and, in brackets, against a double-double
//! reference on 2x10^4 arguments; for `f32`, against the C library's `f64` result rounded
//! to `f32` (effectively exact) over 10^6 arguments.
//!
//! Time per element (ns, thread CPU time) of a loop over 10^6 elements on this project's
//! machine (Zen 3, heavily shared while measured: absolute times are inflated, the ratios
//! are the figure to read) built with `-C target-cpu=x86-64-v3` (AVX2 + FMA), against the
//! same loop calling std, and the speed-up. On the default x86-64 target (SSE2, 2 `f64`
//! lanes) the gains shrink and most `f64` functions are at best even with the C library:
//! `exp` 1.2x, `ln` 0.8x, `hypot` 2.3x, `powf` 0.4x; `f32` `exp` 1.4x.
//!
//! | function | `f64` ulp | `f32` ulp | `f64` ns/elt (std, speed-up) | `f32` ns/elt (std, speed-up) |
//! |---|---|---|---|---|
//! | `exp` | 1 (1.03) | 1 | 8.7 (13.0, 1.5x) | 2.7 (7.9, 2.9x) |
//! | `exp2` | 1 (1.13) | 1 | 8.3 (10.7, 1.3x) | 2.2 (6.9, 3.1x) |
//! | `exp_m1` | 2 (1.99) | 1 | 10.0 (21.4, 2.1x) | 7.4 (26.7, 3.6x) |
//! | `ln` | 1 (0.63) | 1 | 9.3 (7.1, 0.8x) | 3.0 (10.2, 3.4x) |
//! | `log2` | 1 (0.50) | 1 | 11.0 (11.8, 1.1x) | 6.5 (5.1, 0.8x) |
//! | `log10` | 2 (0.54) | 1 | 10.2 (14.6, 1.4x) | 7.3 (18.8, 2.6x) |
//! | `ln_1p` | 1 (1.00) | 1 | 9.5 (19.7, 2.1x) | 8.6 (13.3, 1.5x) |
//! | `cbrt` | 1 (0.67) | 1 | 7.9 (31.8, 4.0x) | 8.7 (8.1, 0.9x) |
//! | `hypot` | 1 (1.10) | 1 | 4.4 (16.2, 3.7x) | - |
//! | `powf` | 1 (0.76) | 1 | 33.4 (31.8, 1.0x) | - |
//! | `powi` | 1; 2 for `n` in `-1..=4` | 1 | 31.4 (6.6, 0.2x) for a varying `n`; 1 multiplication for a constant small `n` | - |
//! | `sin` | 1 | 1 | 42 (43, 1.0x) | 40 (13, 0.3x) |
//! | `cos` | 1 | 1 | 35 (43, 1.2x) | 52 (22, 0.4x) |
//! | `tan` | 2 | 1 | 78 (59, 0.75x) | 68 (50, 0.7x) |
//! | `tanh` | 4 | 1 | 42 (176, 4.2x) | 34 (123, 3.7x) |
//! | `sinh` | 2 | 1 | 62 (93, 1.5x) | 45 (157, 3.5x) |
//! | `cosh` | 2 | 1 | 40 (59, 1.5x) | 36 (54, 1.5x) |
//! | `atan` | 1 | 1 | 49 (128, 2.6x) | 52 (102, 2.0x) |
//! | `atan2` | 1 | 1 | 80 (213, 2.7x) | 81 (164, 2.0x) |
//!
//! The trigonometric rows were measured in the same way but as a criterion benchmark
//! (`cargo bench --bench math_trig`, ms per 10^6 elements = ns per element, under heavier
//! load, so only their ratios compare). `sin`, `cos` and `tan` reduce their argument
//! exactly over the whole domain: a branch-free three-part reduction below `2^20` and, above,
//! an exact (Payne-Hanek) reduction in a cold out-of-line function. That call keeps a loop
//! calling them scalar, so they are exact (glibc's `cos` is 8 ulp off at
//! `6381956970095103 * 2^797`; these are not) but not yet faster than the C library. The
//! `f32` trigonometric functions compute in `f64`.
//!
//! The `f32` versions of `exp`, `exp2` and `ln` are native `f32` polynomials (8 AVX2
//! lanes); the other `f32` versions compute in `f64` and round once. `powi` with an `n`
//! that varies per element costs a `powf` (std's repeated multiplication is faster there,
//! and less accurate); with a constant `n` in `-1..=4` it folds to std's multiplications.
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
