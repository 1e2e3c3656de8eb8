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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alloc;
mod broadcast;
pub mod dispatch;
mod driver;
mod dtype;
mod dyn_array;
mod element;
mod error;
mod executor;
mod fastmath;
pub mod gufunc;
pub mod math;
mod npy;
mod ptr;
mod small;
mod target;
mod threads;
pub mod ufunc;

pub mod parallel_loop;

pub mod prelude;
pub mod stencil;

pub use broadcast::{broadcast_shapes, Operand, Scalar, Source};
pub use dispatch::{DynUfunc, Registry, Signature};
pub use dtype::DType;
pub use dyn_array::{DynArray, NativeType};
pub use element::Element;
pub use error::{Error, ErrorKind, Result};
pub use npy::NpyOptions;
pub use target::Target;
pub use threads::{get_num_threads, set_num_threads};

pub use gufunc::Gufunc;
pub use parallel_loop::prange;

pub use numbox_macros::parallel_loop;
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
///   of the broadcast shape (a tuple of them for several outputs).
/// - For `fn(T, T) -> T`: `reduce(a, Axis(k))`, `reduce_all(a)`, `accumulate(a, Axis(k))`,
///   `outer(a, b)`, with NumPy's semantics: the reductions are left folds
///   `f(f(f(a0, a1), a2), ...)` in logical C index order, whatever the layout and the target
///   (the parallel target splits only the kept axes); see [`ufunc::Ufunc2`] for the details.
/// - `name::serial()` / `name::parallel()`: handles ([`ufunc::Ufunc1`] ..
///   [`ufunc::Ufunc12`]) with the same methods on an explicit target.
///
/// Options: `target = "cpu" | "parallel"` (the default target of `call`), `identity = expr`
/// (the value of an empty reduction), `associative` (or `associative = true | false`), and a
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
