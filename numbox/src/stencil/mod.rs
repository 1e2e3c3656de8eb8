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

// Per-axis loops index several `[_; N]` arrays (shape, strides, box) in step.
#![allow(clippy::needless_range_loop)]

mod boundary;
pub(crate) mod exec;
mod field;
mod neighbors;

pub use boundary::Mode;
pub use field::{Field, FieldSet, Patch};
pub use neighbors::{Neighbors, Neighbors1, Neighbors2, Neighbors3};

use crate::element::Element;
use crate::target::Target;
use ndarray::{ArrayBase, ArrayViewMut, DataMut, Dimension};
use std::marker::PhantomData;
use std::ops::Deref;

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
    /// The output element type.
    type Output: Element;
    /// The kernel at one point.
    fn eval(nbrs: <Self::Fields as FieldSet<N>>::Nbrs<'_>, params: Self::Params) -> Self::Output;
    /// The value of points not computed under [`Mode::Skip`] (`Some` for such kernels, or
    /// every call is an `Err`).
    fn cval() -> Option<Self::Output>;
    /// The value of out-of-range reads under [`Mode::Constant`] (`Some` for such kernels, or
    /// every call is an `Err`).
    fn cvals() -> Option<<Self::Fields as FieldSet<N>>::Elems>;
}

/// `out` arguments of `call_into`: `&mut Array`, `&mut ArrayViewMut` or an `ArrayViewMut`.
pub trait AsArrayMut<'o, A, D: Dimension> {
    /// The mutable view written to.
    fn into_view_mut(self) -> ArrayViewMut<'o, A, D>;
}

impl<'o, A, S: DataMut<Elem = A>, D: Dimension> AsArrayMut<'o, A, D> for &'o mut ArrayBase<S, D> {
    fn into_view_mut(self) -> ArrayViewMut<'o, A, D> {
        self.view_mut()
    }
}

impl<'o, A, D: Dimension> AsArrayMut<'o, A, D> for ArrayViewMut<'o, A, D> {
    fn into_view_mut(self) -> ArrayViewMut<'o, A, D> {
        self
    }
}

/// The per-kernel `call`/`call_into` methods behind a [`Handle`]. Implemented by `#[stencil]`.
pub trait HasHandle: Sized {
    /// The hidden type carrying the kernel's `call` and `call_into` for one target.
    type Calls: From<Target>;
}

/// A kernel bound to a target: `name::serial()` and `name::parallel()` return one.
///
/// It has the kernel's own `call(...)` and `call_into(..., out)` methods (through `Deref`),
/// with exactly the parameters of `name::call` and `name::call_into`.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::Array1;
///
/// #[stencil(mode = "wrap")]
/// fn curl(a: Neighbors1<i64>) -> i64 { a[1] - a[-1] }
///
/// # fn main() -> numbox::Result<()> {
/// let x = Array1::from_iter(0..100_000i64);
/// assert_eq!(curl::serial().target(), numbox::Target::Serial);
/// assert_eq!(curl::parallel().call(&x)?, curl::serial().call(&x)?);
/// # Ok(()) }
/// ```
pub struct Handle<K: HasHandle> {
    target: Target,
    calls: K::Calls,
    _kernel: PhantomData<fn() -> K>,
}

impl<K: HasHandle> Handle<K> {
    /// The kernel on `target`.
    pub fn new(target: Target) -> Self {
        Handle {
            target,
            calls: K::Calls::from(target),
            _kernel: PhantomData,
        }
    }

    /// Where the calls of this handle run.
    pub fn target(&self) -> Target {
        self.target
    }
}

impl<K: HasHandle> Deref for Handle<K> {
    type Target = K::Calls;
    fn deref(&self) -> &K::Calls {
        &self.calls
    }
}
