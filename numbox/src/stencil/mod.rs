//! The runtime of `#[stencil]`: relative-index neighbourhood kernels.
//!
//! `#[stencil]` turns a scalar kernel over [`Neighbors1`], [`Neighbors2`] or [`Neighbors3`]
//! views into a companion type implementing [`StencilKernel`]; everything else lives here,
//! written once: the interior pass (no boundary logic, no bounds checks, a plain loop over
//! contiguous rows that LLVM vectorises), the border pass (the [`Mode`]), the serial and the
//! parallel split (blocks of outer-axis rows, bitwise identical to serial).
//!
//! ```
//! use numbox::prelude::*;
//! use numbox::ndarray::{array, Array2};
//!
//! #[stencil(mode = "nearest")]
//! fn smooth(u: Neighbors2<f64>, w: f64) -> f64 {
//!     (1.0 - w) * u[[0, 0]] + w * 0.25 * (u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]])
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! let grid = array![[1.0, 1.0], [1.0, 1.0]];
//! let out: Array2<f64> = smooth::call(&grid, 0.5)?;
//! assert_eq!(out, grid);                                 // constant field, nearest borders
//! let par = smooth::parallel().call(&grid, 0.5)?;        // the same bits on rayon
//! assert_eq!(par, out);
//! # Ok(()) }
//! ```
//!
//! A kernel may be generic, as a `#[vectorize]` one: the element type is inferred from the
//! arrays (or named, `diff::<f32>::call(..)`). Under the default `mode = "skip"` the border
//! points hold `T::default()`, so such a kernel is callable for types that are `Default`.
//!
//! ```
//! use numbox::prelude::*;
//! use numbox::ndarray::array;
//!
//! #[stencil]
//! fn diff<T: Copy + std::ops::Sub<Output = T>>(a: Neighbors1<T>) -> T {
//!     a[1] - a[-1]
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! assert_eq!(diff::call(&array![1.0f32, 2.0, 4.0])?, array![0.0, 3.0, 0.0]);
//! assert_eq!(diff::call(&array![1i64, 5, 6, 9])?, array![0, 5, 4, 0]);
//! # Ok(()) }
//! ```

// Per-axis loops index several `[_; N]` arrays (shape, strides, box) in step.
#![allow(clippy::needless_range_loop)]

mod boundary;
pub(crate) mod exec;
mod field;
mod handle;
mod neighbors;

pub use boundary::Mode;
pub use field::{Field, FieldSet, Patch};
pub use handle::{
    ArgList, ArgSlot, ArgValues, AsInput, CallResult, Handle, Input, IntoArg, Param, SplitArgs,
};
pub use neighbors::{Neighbors, Neighbors1, Neighbors2, Neighbors3};

use crate::element::Element;

/// A stencil kernel in `N` dimensions; `#[stencil]` implements it for the companion type.
///
/// The kernel reads its relatively indexed inputs through one [`Neighbors`] each and takes
/// its scalar parameters by value; the runtime calls [`eval`](Self::eval) once per output
/// point with views whose neighbourhood is [`NEIGHBORHOOD`](Self::NEIGHBORHOOD).
///
/// The trait is safe to implement by hand: the runtime trusts none of its constants. Every
/// call checks that the neighbourhood contains offset 0 on every axis and fits in memory, and
/// that the mode's border values exist, and returns an `Err` otherwise; the pointers it reads
/// through come from the [`FieldSet`], which is `unsafe` to implement.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a {N}-dimensional stencil kernel",
    note = "stencil kernels are made with `#[stencil]` on a fn taking `Neighbors1/2/3<T>` parameters"
)]
pub trait StencilKernel<const N: usize>: Sized + 'static {
    /// The kernel's name, put in front of error messages.
    const NAME: &'static str;
    /// The names of the relatively indexed parameters, in order.
    const INPUTS: &'static [&'static str];
    /// Per axis, the offsets `[lo, hi]` (inclusive) the kernel may read; `lo <= 0 <= hi`,
    /// or every call is an `Err`.
    const NEIGHBORHOOD: [[isize; 2]; N];
    /// How points near the border are computed.
    const MODE: Mode;
    /// The relatively indexed inputs: a tuple of one [`Field`] per `Neighbors` parameter.
    type Fields: FieldSet<N>;
    /// The scalar parameters, as a tuple in their order of declaration.
    type Params: Copy + Send + Sync;
    /// Every parameter in declaration order, as an [`Input`] (a `Neighbors` parameter) or a
    /// [`Param`] (a scalar): what the arguments of a [`Handle`]'s `call` are converted to.
    type Args: ArgList<N>;
    /// The output element type.
    type Output: Element;
    /// Sorts a call's converted arguments, in declaration order, into the inputs' views
    /// (in the order of [`Fields`](Self::Fields)) and the scalar parameters.
    fn split(args: ArgValues<'_, Self, N>) -> SplitArgs<'_, Self, N>;
    /// The kernel at one point.
    fn eval(nbrs: <Self::Fields as FieldSet<N>>::Nbrs<'_>, params: Self::Params) -> Self::Output;
    /// The value of points not computed under [`Mode::Skip`] (`Some` for such kernels, or
    /// every call is an `Err`; `None` by default).
    fn cval() -> Option<Self::Output> {
        None
    }
    /// The value of out-of-range reads under [`Mode::Constant`] (`Some` for such kernels, or
    /// every call is an `Err`; `None` by default).
    fn cvals() -> Option<<Self::Fields as FieldSet<N>>::Elems> {
        None
    }
}
