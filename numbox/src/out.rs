//! Where `call_into` writes: one output trait for ufuncs, gufuncs and stencils.
//!
//! Every family's `call_into` takes its outputs as [`OutArg`]s and reads the pointer, shape
//! and strides it writes through from the unique view the argument lends, never from the
//! array it came from: for shared storages (`ArcArray`, a borrowing `CowArray`) taking the
//! mutable view first makes the data unique, which may move it into a new buffer with other
//! strides.

use ndarray::{ArrayBase, ArrayViewMut, ArrayViewMut1, DataMut, Dimension, Ix1};

/// Seals [`OutArg`]: the runtimes write through the views it lends, so only this crate's
/// implementations may exist.
mod sealed {
    pub trait Sealed {}
}

/// A place a kernel output of element type `T` can be written to by `call_into`: `&mut` an
/// array of any storage (`Array`, `ArrayViewMut`, `ArcArray`, `CowArray`, ...), an
/// `ArrayViewMut` by value, or a `&mut [T]` / `&mut Vec<T>` (1-D).
///
/// The same trait serves `#[vectorize]`, `#[guvectorize]` and `#[stencil]` kernels. It is
/// sealed: the runtime writes through the view it lends, from several threads.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, Array1, ArcArray1};
///
/// #[vectorize]
/// fn twice(x: f64) -> f64 { 2.0 * x }
///
/// # fn main() -> numbox::Result<()> {
/// let x = array![1.0, 2.0, 3.0];
/// let mut a = Array1::zeros(3);
/// twice::call_into(&x, &mut a)?;           // `&mut Array`
/// let mut v = vec![0.0; 3];
/// twice::call_into(&x, &mut v)?;           // `&mut Vec` (1-D)
/// twice::call_into(&x, &mut v[..])?;       // `&mut [T]` (1-D)
/// let mut s = ArcArray1::zeros(3);
/// twice::call_into(&x, &mut s)?;           // shared storage, made unique first
/// assert_eq!(v, a.to_vec());
/// assert_eq!(s, a);
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive a kernel output of type `{T}`",
    label = "expected `&mut Array<{T}, D>`, an `ArrayViewMut<{T}, D>`, a `&mut [{T}]` or a `&mut Vec<{T}>`",
    note = "outputs are written in place: pass the array by `&mut`, not by value or by `&`"
)]
pub trait OutArg<T>: sealed::Sealed {
    /// The output's dimensionality (`Ix1` for slices and vectors).
    type Dim: Dimension;
    /// The unique view written through, borrowed from `self` for the call.
    #[doc(hidden)]
    fn __view_mut(&mut self) -> ArrayViewMut<'_, T, Self::Dim>;
}

impl<T, S: DataMut<Elem = T>, D: Dimension> sealed::Sealed for &mut ArrayBase<S, D> {}
impl<T, S: DataMut<Elem = T>, D: Dimension> OutArg<T> for &mut ArrayBase<S, D> {
    type Dim = D;
    #[inline]
    fn __view_mut(&mut self) -> ArrayViewMut<'_, T, D> {
        self.view_mut()
    }
}

impl<T, D: Dimension> sealed::Sealed for ArrayViewMut<'_, T, D> {}
impl<T, D: Dimension> OutArg<T> for ArrayViewMut<'_, T, D> {
    type Dim = D;
    #[inline]
    fn __view_mut(&mut self) -> ArrayViewMut<'_, T, D> {
        self.view_mut()
    }
}

impl<T> sealed::Sealed for &mut [T] {}
impl<T> OutArg<T> for &mut [T] {
    type Dim = Ix1;
    #[inline]
    fn __view_mut(&mut self) -> ArrayViewMut1<'_, T> {
        ArrayViewMut1::from(&mut **self)
    }
}

impl<T> sealed::Sealed for &mut Vec<T> {}
impl<T> OutArg<T> for &mut Vec<T> {
    type Dim = Ix1;
    #[inline]
    fn __view_mut(&mut self) -> ArrayViewMut1<'_, T> {
        ArrayViewMut1::from(&mut ***self)
    }
}
