//! `name::serial()` / `name::parallel()`: one handle type for every stencil kernel, with
//! `call` and `call_into` implemented once per number of parameters.
//!
//! A kernel's parameters may interleave `Neighbors` inputs and scalars in any order; its
//! [`StencilKernel::Args`] lists each position as an [`Input`] or a [`Param`], the handle
//! converts each argument by its position ([`IntoArg`]) and the kernel's
//! [`split`](StencilKernel::split) sorts the converted tuple into inputs and parameters.

use super::exec;
use super::StencilKernel;
use crate::broadcast::ElemStorage;
use crate::error::Result;
use crate::out::OutArg;
use crate::target::Target;
use ndarray::{Array, ArrayBase, ArrayView, Dim, Dimension, Ix1};
use std::marker::PhantomData;

/// A `NeighborsN<T>` parameter of a kernel, in [`StencilKernel::Args`]: the call takes an
/// array (or a view, a slice for 1-D) of `T` with the kernel's dimensionality.
pub struct Input<T>(PhantomData<fn() -> T>);

/// A scalar parameter of type `T` of a kernel, in [`StencilKernel::Args`]: passed as is.
pub struct Param<T>(PhantomData<fn() -> T>);

/// One position of a kernel's parameter list: what a `call` argument there becomes.
pub trait ArgSlot<const N: usize> {
    /// The converted argument: an `ArrayView` for an [`Input`], the value for a [`Param`].
    type Value<'a>
    where
        Self: 'a;
}

impl<T, const N: usize> ArgSlot<N> for Input<T>
where
    Dim<[usize; N]>: Dimension,
{
    type Value<'a>
        = ArrayView<'a, T, Dim<[usize; N]>>
    where
        Self: 'a;
}

impl<T, const N: usize> ArgSlot<N> for Param<T> {
    type Value<'a>
        = T
    where
        Self: 'a;
}

/// A kernel's parameter list: a tuple of [`Input`]s and [`Param`]s (1 to 12).
pub trait ArgList<const N: usize> {
    /// The converted arguments, in declaration order.
    type Values<'a>
    where
        Self: 'a;
}

/// An argument `call` accepts at a position `S` of an `N`-dimensional kernel: for an
/// [`Input`], an array of that dimensionality by reference (`&Array`, `&ArcArray`,
/// `&CowArray`, `&ArrayView`..), an `ArrayView`, or in 1-D a `&[T]`, `&Vec<T>` or `&[T; M]`;
/// for a [`Param`], a value of its type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an argument for a `{S}` parameter of this {N}-dimensional stencil",
    label = "expected an array of the kernel's dimensionality (e.g. `&x`) for a `Neighbors` parameter, or a value of the parameter's type"
)]
pub trait IntoArg<'a, S: ArgSlot<N>, const N: usize> {
    /// The argument as the kernel's runtime takes it.
    fn into_arg(self) -> S::Value<'a>;
}

// One impl per kind of array, with `T` in the argument's own type (through `ElemStorage`):
// an array of another element type then matches no impl, and the error is `ElemStorage`'s
// "this kernel takes `T` operands" rather than a missing `From` between two views.
impl<'a, T: 'a, S: ElemStorage<T>, const N: usize> IntoArg<'a, Input<T>, N>
    for &'a ArrayBase<S, Dim<[usize; N]>>
where
    Dim<[usize; N]>: Dimension,
{
    #[inline]
    fn into_arg(self) -> ArrayView<'a, T, Dim<[usize; N]>> {
        self.view()
    }
}

impl<'a, T: 'a, const N: usize> IntoArg<'a, Input<T>, N> for ArrayView<'a, T, Dim<[usize; N]>>
where
    Dim<[usize; N]>: Dimension,
{
    #[inline]
    fn into_arg(self) -> ArrayView<'a, T, Dim<[usize; N]>> {
        self
    }
}

impl<'a, T: 'a> IntoArg<'a, Input<T>, 1> for &'a [T] {
    #[inline]
    fn into_arg(self) -> ArrayView<'a, T, Ix1> {
        ArrayView::from(self)
    }
}

impl<'a, T: 'a> IntoArg<'a, Input<T>, 1> for &'a Vec<T> {
    #[inline]
    fn into_arg(self) -> ArrayView<'a, T, Ix1> {
        ArrayView::from(self.as_slice())
    }
}

impl<'a, T: 'a, const M: usize> IntoArg<'a, Input<T>, 1> for &'a [T; M] {
    #[inline]
    fn into_arg(self) -> ArrayView<'a, T, Ix1> {
        ArrayView::from(&self[..])
    }
}

impl<'a, T, const N: usize> IntoArg<'a, Param<T>, N> for T {
    #[inline]
    fn into_arg(self) -> T {
        self
    }
}

/// An input array of an `N`-dimensional stencil kernel, at a `NeighborsN<T>` parameter of
/// `name::call`: `&Array`, an `ArrayView`, `&ArcArray`, ... of `T` with `N` dimensions, or a
/// `&[T]` / `&Vec<T>` in 1-D.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an array of `{T}` with {N} dimension(s)",
    label = "expected `&array`, an `ArrayView` (or, in 1-D, a `&[{T}]`)"
)]
pub trait AsInput<'a, T, const N: usize>: IntoArg<'a, Input<T>, N>
where
    Dim<[usize; N]>: Dimension,
{
}

impl<'a, T, X: IntoArg<'a, Input<T>, N>, const N: usize> AsInput<'a, T, N> for X where
    Dim<[usize; N]>: Dimension
{
}

/// What `call` returns for an `N`-dimensional kernel with output elements `T`.
pub type CallResult<T, const N: usize> = Result<Array<T, Dim<[usize; N]>>>;

/// The converted arguments of kernel `K`, in declaration order (the input of
/// [`StencilKernel::split`]).
pub type ArgValues<'a, K, const N: usize> =
    <<K as StencilKernel<N>>::Args as ArgList<N>>::Values<'a>;

/// The inputs' views and the scalar parameters of kernel `K` (the output of
/// [`StencilKernel::split`]).
pub type SplitArgs<'a, K, const N: usize> = (
    <<K as StencilKernel<N>>::Fields as super::FieldSet<N>>::Views<'a>,
    <K as StencilKernel<N>>::Params,
);

/// A kernel bound to a target: `name::serial()` and `name::parallel()` return one.
///
/// Its `call(...)` and `call_into(..., out)` take exactly the parameters of `name::call` and
/// `name::call_into`. `N` is the kernel's dimensionality; `A` its parameter list (left at its
/// default).
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
/// let mut out = vec![0; x.len()];
/// curl::parallel().call_into(&x, &mut out)?; // any `OutArg`: here a `Vec` (1-D)
/// assert_eq!(out[1], 2);
/// # Ok(()) }
/// ```
pub struct Handle<K: StencilKernel<N>, const N: usize, A = <K as StencilKernel<N>>::Args> {
    target: Target,
    _kernel: PhantomData<fn() -> (K, A)>,
}

impl<K: StencilKernel<N>, const N: usize, A> Clone for Handle<K, N, A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: StencilKernel<N>, const N: usize, A> Copy for Handle<K, N, A> {}

impl<K: StencilKernel<N>, const N: usize, A> std::fmt::Debug for Handle<K, N, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("kernel", &K::NAME)
            .field("target", &self.target)
            .finish()
    }
}

impl<K: StencilKernel<N>, const N: usize> Handle<K, N> {
    /// The kernel on `target`.
    pub fn new(target: Target) -> Self {
        Handle {
            target,
            _kernel: PhantomData,
        }
    }
}

impl<K: StencilKernel<N>, const N: usize, A> Handle<K, N, A> {
    /// Where the calls of this handle run.
    pub fn target(&self) -> Target {
        self.target
    }
}

macro_rules! arity {
    ($($S:ident $X:ident $x:ident),+) => {
        impl<$($S: ArgSlot<N>),+, const N: usize> ArgList<N> for ($($S,)+) {
            type Values<'a> = ($($S::Value<'a>,)+) where Self: 'a;
        }

        impl<K, $($S: ArgSlot<N>,)+ const N: usize> Handle<K, N, ($($S,)+)>
        where
            K: StencilKernel<N, Args = ($($S,)+)>,
            Dim<[usize; N]>: Dimension,
        {
            /// Runs the kernel at every point: a new array of the inputs' shape and
            /// dimensionality. Inputs of different shapes are an `Err`.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn call<'a, $($X: IntoArg<'a, $S, N>),+>(&self, $($x: $X),+) -> CallResult<K::Output, N>
            where
                $($S: 'a,)+
            {
                let (views, params) = K::split(($($x.into_arg(),)+));
                exec::call::<K, N>(self.target, views, params)
            }

            /// Writes the kernel's value at every point of `out`, any [`OutArg`] of the
            /// inputs' shape (`&mut Array`, an `ArrayViewMut`, `&mut [T]` / `&mut Vec<T>` in
            /// 1-D); another shape is an `Err`.
            #[allow(clippy::too_many_arguments)]
            #[inline]
            pub fn call_into<'a, $($X: IntoArg<'a, $S, N>,)+ O>(&self, $($x: $X,)+ out: O) -> Result<()>
            where
                $($S: 'a,)+
                O: OutArg<K::Output, Dim = Dim<[usize; N]>>,
            {
                let (views, params) = K::split(($($x.into_arg(),)+));
                exec::call_into::<K, N>(self.target, views, params, out)
            }
        }
    };
}
arity!(S0 X0 x0);
arity!(S0 X0 x0, S1 X1 x1);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6, S7 X7 x7);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6, S7 X7 x7, S8 X8 x8);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6, S7 X7 x7, S8 X8 x8,
    S9 X9 x9);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6, S7 X7 x7, S8 X8 x8,
    S9 X9 x9, S10 X10 x10);
arity!(S0 X0 x0, S1 X1 x1, S2 X2 x2, S3 X3 x3, S4 X4 x4, S5 X5 x5, S6 X6 x6, S7 X7 x7, S8 X8 x8,
    S9 X9 x9, S10 X10 x10, S11 X11 x11);
