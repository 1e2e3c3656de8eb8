//! # numbox — Numba's one-line speed-ups, the Rust way
//!
//! Write a plain scalar function, add one attribute, and get a fast broadcasting, windowed
//! or parallel array kernel over [`ndarray`], checked at compile time, with no run-time
//! compiler.
//!
//! ```
//! use numbox::prelude::*;
//! use numbox::ndarray::array;
//!
//! #[vectorize]
//! fn rel_diff(x: f64, y: f64) -> f64 {
//!     (x - y).abs() / (x.abs() + y.abs())
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! assert_eq!(rel_diff(3.0, 1.0), 0.5);                 // the scalar function, untouched
//! let a = array![[1.0, 2.0], [3.0, 4.0]];
//! let z = rel_diff::call(&a, 1.0)?;                    // the array kernel, broadcasting
//! assert_eq!(z, array![[0.0, 1.0 / 3.0], [0.5, 0.6]]);
//! # Ok(()) }
//! ```
//!
//! ## Fast without build flags
//!
//! Every kernel loop (elementwise, reductions, gufunc loops, stencils, `prange` blocks) is
//! compiled for several CPU tiers — the crate's target (SSE2 by default), AVX2+FMA and
//! AVX-512 — and the best one the running CPU supports is chosen once, at run time
//! ([`cpu_tier`]; `NUMBOX_CPU=baseline|avx2|avx512` forces a lower one). The tier never
//! changes a result: every tier gives the same bits (see [`cpu`]).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alloc;
mod broadcast;
pub mod cpu;
pub mod dispatch;
mod driver;
mod dtype;
mod dyn_array;
mod element;
mod error;
mod executor;
mod fastmath;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod gufunc;
pub mod lanes;
pub mod math;
mod npy;
mod out;
mod ptr;
mod small;
mod target;
mod threads;
pub mod ufunc;

pub mod parallel_loop;

pub mod prelude;
pub mod stencil;

#[cfg(feature = "mpi")]
#[cfg_attr(docsrs, doc(cfg(feature = "mpi")))]
pub mod dist;

pub use broadcast::{broadcast_shapes, ElemStorage, Operand, Scalar, Source};
pub use cpu::{cpu_tier, CpuTier};
pub use dispatch::{DynUfunc, Registry, Signature};
pub use dtype::DType;
pub use dyn_array::{DynArray, NativeType};
pub use element::Element;
pub use error::{Error, ErrorKind, Result};
pub use npy::NpyOptions;
pub use out::OutArg;
pub use target::Target;
pub use threads::{get_num_threads, set_num_threads};

pub use gufunc::Gufunc;
pub use parallel_loop::prange;

/// `fastmath` (or `fastmath = true | false`), as Numba's `fastmath=True`: the function's
/// math calls become `numbox::math`'s, as for [`vectorize`](macro@vectorize), and each
/// reduction (`s += ..` and the others) accumulates on a fixed lane grid that LLVM can run on
/// SIMD registers. The grid: the range of `n` iterations is cut into blocks of
/// `ceil(n / 1024)` iterations (the plain reductions' grid); inside a block, iteration `j`
/// (counting from the block's start) adds into lane `j % 8` of 8 accumulators, each starting
/// from the operator's identity; the lanes combine as `((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
/// (l6 + l7))`, the blocks in order, and the initial value last. The grid depends on `n`
/// only, so a float sum still has the same bits for any thread count and schedule; it
/// differs from the plain reduction's in the last bits.
///
/// ```
/// use numbox::prelude::*;
///
/// #[parallel_loop(fastmath)]
/// fn sum_exp(x: &[f64]) -> f64 {
///     let mut s = 0.0;
///     for i in prange(0..x.len()) {
///         s += x[i].exp(); // numbox::math::exp, 8 lanes per block
///     }
///     s
/// }
///
/// let x: Vec<f64> = (0..20).map(|k| k as f64 / 10.0).collect();
/// // 20 iterations: blocks of one, so one lane each: the left fold of the terms.
/// let want = x.iter().fold(0.0, |s, &v| s + numbox::math::exp(v));
/// assert_eq!(sum_exp(&x), want);
/// ```
pub use numbox_macros::parallel_loop;
/// `fastmath` (or `fastmath = true | false`), as Numba's `fastmath=True`: the kernel's math
/// calls become `numbox::math`'s, as for [`vectorize`](macro@vectorize) (the body is
/// compiled once, so the function and the array kernel both use them).
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::array;
///
/// #[stencil(fastmath)]
/// fn blur_exp(u: Neighbors1<f64>) -> f64 {
///     (0.25 * u[-1] + 0.5 * u[0] + 0.25 * u[1]).exp()
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let out = blur_exp::call(&array![0.0, 1.0, 2.0, 3.0])?;
/// assert_eq!(out[1], numbox::math::exp(1.0));
/// # Ok(()) }
/// ```
pub use numbox_macros::stencil;

/// Turns a scalar function into a broadcasting array kernel: a NumPy ufunc.
///
/// The function stays exactly as written; a companion type of the same name (types and
/// functions live in different namespaces) carries the array API:
///
/// - `name::call(x1, .., xn)`: each operand a scalar, an array or view of any layout
///   (transposed, stepped, negative strides), `&[T]` or `&Vec<T>`; operands broadcast by
///   NumPy's rules and the result has the broadcast dimensionality (`Array2` with `Array1`
///   gives `Array2`; any `IxDyn` gives `ArrayD`). A tuple return gives a tuple of arrays.
/// - `name::call_into(x1, .., xn, out)`: writes into `&mut` an array or an `ArrayViewMut`
///   (a tuple of them for several outputs). As NumPy's `out=`, the operands broadcast to the
///   output's shape (inputs of shape `[3, 4]` fill every `[3, 4]` slice of a `[2, 3, 4]`
///   output); the output itself is never broadcast.
/// - For `fn(T, T) -> T`: `reduce(a, Axis(k))`, `reduce_all(a)`, `accumulate(a, Axis(k))`,
///   `outer(a, b)`, with NumPy's semantics: the reductions are left folds
///   `f(f(f(a0, a1), a2), ...)` in logical C index order, whatever the layout and the target
///   (the parallel target splits only the kept axes); see [`ufunc::Ufunc::reduce`] for the details.
/// - `name::serial()` / `name::parallel()`: a [`ufunc::Ufunc`] handle with the same methods on
///   an explicit target.
///
/// Options: `target = "cpu" | "parallel"` (the default target of `call`), `identity = expr`
/// (the value of an empty reduction), `associative` (or `associative = true | false`),
/// `fastmath` (below), `lanes = N` (below), and a
/// list of signatures `fn(f32, f32) -> f32, ...` that compiles the kernel for run-time
/// dispatch over [`DynArray`]s (`name::call_dyn`, `name::signatures()`, `name::ufunc()` for
/// a [`Registry`]).
///
/// `associative` promises `f(f(x, y), z) == f(x, f(y, z))` ([`ufunc::Kernel::ASSOCIATIVE`]):
/// `reduce_all` and the parallel `reduce` may then regroup (never reorder) the fold on a
/// grid fixed by the shape, split across threads and SIMD-friendly lanes, with the same bits
/// for any thread count. Mark `+` (integer or float, as NumPy's pairwise sum does), `*`,
/// `max`, `min`; a float sum then differs from the left fold in the last bits. Leave it off
/// for `-`, `/` or any kernel whose result depends on the grouping. Like `identity`, it
/// requires a kernel `fn(T, T) -> T`.
///
/// `fastmath` (or `fastmath = true | false`; the same option on all four attributes) is
/// Numba's `fastmath=True`: calls of `exp`, `exp2`, `exp_m1`, `ln`, `log2`, `log10`, `ln_1p`,
/// `sin`, `cos`, `tan`, `tanh`, `sinh`, `cosh`, `atan`, `atan2`, `powf`, `powi`, `cbrt` and
/// `hypot` in the function body, as methods (`x.exp()`) or paths (`f64::exp(x)`,
/// `f32::exp(x)`), become calls of the [`math`] versions, which LLVM vectorizes in the
/// kernel's loop (a few ulp from the C library; see [`math`]). The function itself is
/// rewritten, so calling it directly gives the same bits as the array kernel. A method call
/// takes `numbox::math` when its receiver is `f32`, `f64` or a reference to one (decided on
/// the types after monomorphisation, at compile time: a generic kernel instantiated at `f64`
/// takes it too), and keeps its own method for anything else (`Complex<f64>::exp`, a user
/// type's `exp`). The receiver, then the arguments, are evaluated once, in the order
/// written; the receiver is passed by value, so a non-`Copy` receiver whose method takes
/// `&self` and that is used afterwards is written `(&a).exp()`. In a generic kernel a method
/// of one of these names on `T` is taken to be the float function when `T` is a float (as
/// `num_traits::Float`'s are). Calls inside the arguments of the standard macros (`assert!`,
/// `vec!`, `format!`..) are rewritten; other macros' tokens and items nested in the body are
/// left as written. Without `fastmath`, nothing changes: `x.exp()` is the C library's.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::array;
///
/// #[vectorize(fastmath)]
/// fn log_exp(x: f64, y: f64) -> f64 {
///     (x.exp() * y.ln()).ln()
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let z = log_exp::call(&array![0.5, 1.0], 2.0)?;
/// assert_eq!(z[0], numbox::math::ln(numbox::math::exp(0.5) * numbox::math::ln(2.0)));
/// assert_eq!(log_exp(0.5, 2.0), z[0]); // the function is the kernel
/// # Ok(()) }
/// ```
///
/// A kernel whose body has loops that depend on the data (an escape-time `while`, a Newton
/// iteration with a tolerance, with branches and early `return`s inside) also gets a *lockstep*
/// version that runs several elements at once in SIMD lanes, branches as masks, with results
/// bit-identical to the function's; see [`lanes`] for the subset of Rust it handles
/// (anything else runs the function one element at a time, as before). `lanes = N` (a power
/// of two from 2 to 64) sets the lanes per group, by default 8, or 16 with AVX-512;
/// `lanes = 1` turns the lockstep version off.
///
/// Kernels take 1 to 12 parameters of any `Copy + Send + Sync` type, may be generic, and
/// return one value or a tuple of up to 4. Shape problems are `Err`s naming the operands and
/// their shapes; mistakes in the function or the options are compile errors at the tokens.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, Axis};
///
/// #[vectorize(identity = 0, target = "parallel", associative)]
/// fn add(x: i64, y: i64) -> i64 {
///     x + y
/// }
///
/// #[vectorize]
/// fn sub(x: i64, y: i64) -> i64 {
///     x - y
/// }
///
/// #[vectorize]
/// fn divmod(x: i64, y: i64) -> (i64, i64) {
///     (x.div_euclid(y), x.rem_euclid(y))
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let a = array![[1, 2, 3], [4, 5, 6]];
/// assert_eq!(add::call(&a, &array![10, 20, 30])?, array![[11, 22, 33], [14, 25, 36]]);
/// assert_eq!(add::reduce(&a, Axis(0))?, array![5, 7, 9]);
/// assert_eq!(add::accumulate(&a, Axis(1))?, array![[1, 3, 6], [4, 9, 15]]);
/// assert_eq!(add::reduce_all(&a)?, 21);
/// // Not associative: NumPy's left fold, 1 - 2 - 3 - 4 - 5 - 6, on either target.
/// assert_eq!(sub::parallel().reduce_all(&a)?, -19);
/// let (q, r) = divmod::serial().call(&a, 4)?;
/// assert_eq!((q, r), (array![[0, 0, 0], [1, 1, 1]], array![[1, 2, 3], [0, 1, 2]]));
/// # Ok(()) }
/// ```
pub use numbox_macros::vectorize;

/// Generalized ufuncs: [`numbox::gufunc`](crate::gufunc) has the layout rules, the
/// companion type's methods and the run-time errors.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, ArrayView1};
///
/// #[guvectorize("(n)->()")]
/// fn mean(x: ArrayView1<f64>) -> f64 {
///     x.sum() / x.len() as f64
/// }
///
/// # fn main() -> numbox::Result<()> {
/// assert_eq!(mean(array![1.0, 3.0].view()), 2.0); // the function, untouched
/// assert_eq!(mean::call(&array![[1.0, 3.0], [2.0, 6.0]])?, array![2.0, 4.0]); // over rows
/// # Ok(()) }
/// ```
///
/// `#[guvectorize("layout", fastmath)]` (or `fastmath = true | false`) rewrites the body's
/// math calls to `numbox::math`'s, as for [`vectorize`](macro@vectorize); an element read
/// through a reference (`for v in x.iter() { v.exp() }`) takes them too.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, ArrayView1};
///
/// #[guvectorize("(n)->()", fastmath)]
/// fn log_sum_exp(x: ArrayView1<f64>) -> f64 {
///     x.iter().map(|v| v.exp()).sum::<f64>().ln()
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let want = numbox::math::ln(numbox::math::exp(1.0) + numbox::math::exp(2.0));
/// assert_eq!(log_sum_exp::call(&array![[1.0, 2.0]])?, array![want]);
/// # Ok(()) }
/// ```
pub use numbox_macros::guvectorize;

pub use ndarray;
pub use num_complex;
pub use rayon;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
