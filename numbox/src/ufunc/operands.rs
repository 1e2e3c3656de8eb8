//! Tuples of operands and of output arguments, implemented once per arity.

use super::OutArrays;
use crate::broadcast::{Meta, Operand, Source};
use crate::element::Element;
use crate::executor::tuple::{InTuple, Src};
use crate::ptr::{ReadPtr, WritePtr, Writes};
use ndarray::{ArrayViewMut, DimMax, Dimension};

#[doc(no_inline)]
pub use crate::out::OutArg;

/// Seals [`Operands`] and [`OutArgs`]: the executor writes through the pointers and layouts
/// they return, so only this crate's implementations may exist ([`OutArg`] has its own seal).
mod sealed {
    /// Implemented for the tuples of operands of a kernel taking `Args`.
    pub trait Operands<Args> {}
    /// Implemented for the outputs (or tuples of outputs) of a kernel returning `Out`.
    pub trait Outputs<Out> {}
}

/// The broadcast dimensionality of a tuple of dimensions: `DimMax` folded left to right.
pub trait DimFold {
    /// The resulting dimension type (`IxDyn` as soon as any operand is `IxDyn`).
    type Out: Dimension;
}

impl<D0: Dimension> DimFold for (D0,) {
    type Out = D0;
}

macro_rules! dim_fold {
    ($D0:ident $D1:ident $($D:ident)*) => {
        impl<$D0: Dimension + DimMax<$D1>, $D1: Dimension, $($D: Dimension),*> DimFold for ($D0, $D1, $($D,)*)
        where
            (<$D0 as DimMax<$D1>>::Output, $($D,)*): DimFold,
        {
            type Out = <(<$D0 as DimMax<$D1>>::Output, $($D,)*) as DimFold>::Out;
        }
    };
}
dim_fold!(D0 D1);
dim_fold!(D0 D1 D2);
dim_fold!(D0 D1 D2 D3);
dim_fold!(D0 D1 D2 D3 D4);
dim_fold!(D0 D1 D2 D3 D4 D5);
dim_fold!(D0 D1 D2 D3 D4 D5 D6);
dim_fold!(D0 D1 D2 D3 D4 D5 D6 D7);
dim_fold!(D0 D1 D2 D3 D4 D5 D6 D7 D8);
dim_fold!(D0 D1 D2 D3 D4 D5 D6 D7 D8 D9);
dim_fold!(D0 D1 D2 D3 D4 D5 D6 D7 D8 D9 D10);
dim_fold!(D0 D1 D2 D3 D4 D5 D6 D7 D8 D9 D10 D11);

/// A tuple `(A1, ..., An)` of operands for a kernel taking `Args = (T1, ..., Tn)`.
///
/// Sealed: implemented for tuples of [`Operand`]s (which any type may implement, since an
/// operand only lends a checked `ndarray` view), because the executor reads through the
/// pointers and strides this trait returns.
#[diagnostic::on_unimplemented(
    message = "these operands do not fit a kernel taking `{Args}`",
    label = "each operand must be a scalar, an array, a view or a slice of the kernel's parameter type"
)]
pub trait Operands<Args: InTuple>: sealed::Operands<Args> {
    /// The broadcast dimensionality of the result.
    type Dim: Dimension;
    /// `[Option<Meta>; N]`.
    #[doc(hidden)]
    type Metas: AsRef<[Option<Meta>]>;
    /// Every operand as a value or a pointer, and the shape/strides of the array ones.
    #[doc(hidden)]
    fn sources(&self) -> (Args::Srcs, Self::Metas);
}

fn split<T: Copy, D: Dimension>(s: Source<'_, T, D>) -> (Src<T>, Option<Meta>) {
    match s {
        Source::Scalar(v) => (Src::Scalar(v), None),
        Source::Array(a) => (Src::Ptr(ReadPtr::new(a.as_ptr())), Some(Meta::of(&a))),
    }
}

macro_rules! operands {
    ($n:literal; $($A:ident $T:ident $i:tt),+) => {
        impl<$($A: Operand<$T>, $T: Element),+> sealed::Operands<($($T,)+)> for ($($A,)+) {}

        impl<$($A: Operand<$T>, $T: Element),+> Operands<($($T,)+)> for ($($A,)+)
        where
            ($(<$A as Operand<$T>>::Dim,)+): DimFold,
        {
            type Dim = <($(<$A as Operand<$T>>::Dim,)+) as DimFold>::Out;
            type Metas = [Option<Meta>; $n];

            fn sources(&self) -> (<($($T,)+) as InTuple>::Srcs, Self::Metas) {
                let parts = ($(split(self.$i.source()),)+);
                (($(parts.$i.0,)+), [$(parts.$i.1),+])
            }
        }
    };
}
operands!(1; A0 T0 0);
operands!(2; A0 T0 0, A1 T1 1);
operands!(3; A0 T0 0, A1 T1 1, A2 T2 2);
operands!(4; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3);
operands!(5; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4);
operands!(6; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5);
operands!(7; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6);
operands!(8; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6, A7 T7 7);
operands!(9; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6, A7 T7 7, A8 T8 8);
operands!(10; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6, A7 T7 7, A8 T8 8, A9 T9 9);
operands!(11; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6, A7 T7 7, A8 T8 8, A9 T9 9,
    A10 T10 10);
operands!(12; A0 T0 0, A1 T1 1, A2 T2 2, A3 T3 3, A4 T4 4, A5 T5 5, A6 T6 6, A7 T7 7, A8 T8 8, A9 T9 9,
    A10 T10 10, A11 T11 11);

/// The output argument(s) of `call_into`: one [`OutArg`] for a single-output kernel, a tuple
/// of them for several outputs.
///
/// Sealed, like [`OutArg`]: pointers and layouts are read from the unique views the outputs
/// lend, never from the arrays they were taken from.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive the outputs `{Out}` of this kernel",
    label = "pass `&mut array` (or a tuple of them for a kernel with several outputs)"
)]
pub trait OutArgs<Out: OutArrays>: sealed::Outputs<Out> {
    /// Pointers to every output and their shapes and strides.
    #[doc(hidden)]
    fn dsts(&mut self) -> (Out::Dsts, Out::Metas);
}

/// The pointer and layout of one output, both read from the unique view it lends.
///
/// The layout is read from the view itself, never from the array it was taken from: for
/// shared storages (`ArcArray`, `CowArray` borrowing) taking the view first makes the data
/// unique, which may move it into a new buffer with other strides.
fn dst_of<R, O: OutArg<R>>(out: &mut O) -> (WritePtr<R>, Meta) {
    let mut view: ArrayViewMut<'_, R, O::Dim> = out.__view_mut();
    let meta = Meta::of(&view);
    (Writes::new(view.as_mut_ptr()), meta)
}

impl<R, O: OutArg<R>> sealed::Outputs<(R,)> for O {}
impl<R: Element, O: OutArg<R>> OutArgs<(R,)> for O {
    fn dsts(&mut self) -> ((WritePtr<R>,), [Meta; 1]) {
        let (p, m) = dst_of(self);
        ((p,), [m])
    }
}

macro_rules! out_args {
    ($($O:ident $R:ident $i:tt),+) => {
        impl<$($R: Element, $O: OutArg<$R>),+> sealed::Outputs<($($R,)+)> for ($($O,)+) {}

        impl<$($R: Element, $O: OutArg<$R>),+> OutArgs<($($R,)+)> for ($($O,)+) {
            fn dsts(&mut self) -> (($(WritePtr<$R>,)+), <($($R,)+) as OutArrays>::Metas) {
                let parts = ($(dst_of(&mut self.$i),)+);
                (($(parts.$i.0,)+), [$(parts.$i.1),+])
            }
        }
    };
}
out_args!(O0 R0 0, O1 R1 1);
out_args!(O0 R0 0, O1 R1 1, O2 R2 2);
out_args!(O0 R0 0, O1 R1 1, O2 R2 2, O3 R3 3);
