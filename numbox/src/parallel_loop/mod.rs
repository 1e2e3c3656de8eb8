//! `prange` and the runtime behind `#[parallel_loop]`.
//!
//! [`prange`] is an ordinary function that returns its range unchanged, so a function that
//! uses it runs serially as written. `#[parallel_loop]` rewrites each
//! `for i in prange(range) { body }` of the function it decorates into a call of this
//! module's driver, which runs the iterations on the caller's rayon pool (see
//! [`set_num_threads`](crate::set_num_threads)):
//!
//! - read-only captures are shared;
//! - a captured slice, `Vec` or ndarray array written only at the loop index (`out[i] = ..`,
//!   `out[[i, j]] = ..`, `out.row_mut(i)`, `out.index_axis_mut(Axis(0), i)`) is split so that
//!   each iteration owns its element or row;
//! - a variable updated only by `+= -= *= |= &= ^=` or `v = v.max(e)` / `v = v.min(e)` is a
//!   reduction: every block of a fixed grid (which depends on the range length only, never on
//!   the thread count or the schedule) starts from the operator's identity ([`Zero`], [`One`],
//!   [`AllOnes`]; min/max start from the initial value), blocks combine in index order, and the
//!   initial value is applied once at the end. A float sum therefore has the same bits on 1, 2
//!   or 64 threads and under every schedule.
//!
//! Macros in the body: the arguments of the standard macros (`print!`, `println!`,
//! `eprintln!`, `format!`, `format_args!`, `panic!`, `todo!`, `unreachable!`, `write!`,
//! `writeln!`, `assert!`, `assert_eq!`, `assert_ne!` and their `debug_` forms, `vec!`,
//! `matches!`, `dbg!`, `concat!`; also written `std::name!`, `core::name!`) are checked like
//! the same code without the macro: `assert!(out[i] > 0.0)` reads the element at the loop
//! index, a format string's `{s}` reads `s`, and `write!(w, ..)` borrows `w` mutably. The
//! expansion of any other macro is invisible to the check, so such a macro may not mention the
//! loop variable, a container the loop indexes or writes, or a reduction (it could rebind the
//! loop variable, write another iteration's element or read a partial sum): call a function,
//! or hand the macro a plain local (`let v = out[i]; my_macro!(v);`). A local `macro_rules!`
//! that reuses a standard name (`vec!`) with the standard argument syntax is taken for the
//! standard macro.
//!
//! ```compile_fail
//! use numbox::prelude::*;
//!
//! macro_rules! rebind {
//!     ($i:ident) => {
//!         let $i = 0usize;
//!     };
//! }
//!
//! #[parallel_loop]
//! fn f(out: &mut [u32]) {
//!     for i in prange(0..out.len()) {
//!         rebind!(i); // error: `rebind!` mentions `i`, the prange loop variable
//!         out[i] += 1;
//!     }
//! }
//! ```
//!
//! Anything that could race is a compile error. A `prange` nested in the body of another
//! `prange` runs as a plain serial loop inside each parallel iteration (the outer loop already
//! keeps the pool busy; Numba does the same). `continue` (also `continue 'label` to the prange
//! loop's own label) ends the iteration; locals of the body are private to the iteration.
//!
//! A float reduction is deterministic but not bit-equal to the serial loop: the serial loop
//! adds left to right, the parallel one adds blocks of the grid and then the block sums. The
//! grid has at most 1024 blocks, so for up to 1024 iterations (one per block) the results are
//! equal too. Integer, bit, min and max reductions equal the serial loop exactly.
//!
//! # Lockstep lanes
//!
//! A body with a loop whose trip count depends on the data runs each iteration alone: LLVM
//! cannot vectorize it. When the body has the shape below, `#[parallel_loop]` also builds a
//! lockstep version of it (as `#[vectorize]` does, see [`lanes`](crate::lanes)) and runs
//! groups of `K` consecutive iterations together, each local `K` lanes wide, the loop
//! running while any lane is still in it; the iterations left over at the end of each piece
//! of the schedule run the body as written. Each iteration's result is **bit-identical** to
//! the body's. `K` is 16 on the AVX-512 CPU tier and 8 otherwise.
//!
//! - `prange` over a plain loop variable `i`, and no reduction;
//! - reads of parameters at the loop index, `x[i]` or `a[[i, j]]` (`j` the same on every
//!   iteration), only where every iteration makes them: in the body's top-level `let`s
//!   and assignments and in the store, outside `&&`, `||`, `if` and loops;
//! - a `while` or `loop` (a body with branches only is left to LLVM, which if-converts it),
//!   the rest in `#[vectorize]`'s lockstep subset, with parameters of number types
//!   (`f64`, `u32`, `Complex64`, ...) and constants as the only other outside names;
//! - as the last statement, one store `out[i] = value;` (or `out[[i, j]]`), into a
//!   parameter of slice, `Vec` or 1-D/2-D ndarray type (the types come from the signature).
//!
//! Anything else keeps the scalar path, silently. `#[parallel_loop(lanes = 1)]` turns the
//! lockstep path off; `lanes = N` (a power of two from 2 to 64) sets `K` and makes a body
//! that does not fit a compile error saying why. A `fastmath` body keeps the scalar path.
//!
//! ```
//! use numbox::num_complex::Complex64;
//! use numbox::prelude::*;
//!
//! #[parallel_loop] // runs in lockstep lanes
//! fn julia(maxiter: u32, zs: &[Complex64], c: Complex64, out: &mut [u32]) {
//!     for i in prange(0..zs.len()) {
//!         let (mut z, mut n) = (zs[i], 0);
//!         while n < maxiter && z.norm_sqr() < 4.0 {
//!             z = z * z + c;
//!             n += 1;
//!         }
//!         out[i] = n;
//!     }
//! }
//!
//! #[parallel_loop(lanes = 1)] // the same body, one iteration at a time
//! fn julia_scalar(maxiter: u32, zs: &[Complex64], c: Complex64, out: &mut [u32]) {
//!     for i in prange(0..zs.len()) {
//!         let (mut z, mut n) = (zs[i], 0);
//!         while n < maxiter && z.norm_sqr() < 4.0 {
//!             z = z * z + c;
//!             n += 1;
//!         }
//!         out[i] = n;
//!     }
//! }
//!
//! let zs: Vec<Complex64> = (0..100).map(|k| Complex64::new(k as f64 / 50.0 - 1.0, 0.3)).collect();
//! let c = Complex64::new(-0.62772, -0.42193);
//! let (mut a, mut b) = (vec![0; 100], vec![0; 100]);
//! julia(300, &zs, c, &mut a);
//! julia_scalar(300, &zs, c, &mut b);
//! assert_eq!(a, b);
//! ```
//!
//! In a generic kernel, a reduction of `T` needs `T: Zero` (`+=`, `-=`, `|=`, `^=`), `T: One`
//! (`*=`) or `T: AllOnes` (`&=`), and `T: Clone` for `max`/`min`:
//!
//! ```
//! use numbox::parallel_loop::Zero;
//! use numbox::prelude::*;
//!
//! #[parallel_loop]
//! fn total<T: Zero + Copy + Send + Sync + std::ops::AddAssign>(x: &[T], init: T) -> T {
//!     let mut s = init;
//!     for i in prange(0..x.len()) {
//!         s += x[i];
//!     }
//!     s
//! }
//!
//! assert_eq!(total(&[1_u8, 2, 3], 4), 10);
//! ```

pub(crate) mod disjoint;
pub(crate) mod identity;
mod range;
pub(crate) mod runner;

pub use crate::driver::Schedule;
pub use identity::{AllOnes, One, Zero};
pub use range::{IntoPrange, PrangeIndex, PrangeRange};

/// The loop range of a parallel loop, returned unchanged.
///
/// Outside `#[parallel_loop]` (or before it expands) `prange` is the plain serial range, so
/// the function runs serially. A bare count `prange(n)` means `0..n`, like Numba's
/// `prange(n)`. Steps are not supported: loop over `0..n / step` and use `step * i`.
///
/// ```
/// use numbox::prelude::*;
///
/// #[parallel_loop]
/// fn sum_squares(x: &[f64]) -> f64 {
///     let mut s = 0.0;
///     for i in prange(0..x.len()) {
///         s += x[i] * x[i];
///     }
///     s
/// }
///
/// assert_eq!(sum_squares(&[1.0, 2.0, 3.0]), 14.0);
/// assert_eq!(prange(2..5), 2..5);
/// assert_eq!(prange(3_usize), 0..3);
/// ```
pub fn prange<R: IntoPrange>(range: R) -> R::Range {
    range.into_prange()
}
