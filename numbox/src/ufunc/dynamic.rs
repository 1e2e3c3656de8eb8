//! The bridge from a typed kernel to run-time dispatch: one loop-table entry per signature.
//!
//! `#[vectorize(fn(f32, f32) -> f32, fn(f64, f64) -> f64)]` instantiates the kernel at each
//! listed signature and stores `dyn_loop::<kernel<T>>` in a static table of
//! [`Loop`](crate::dispatch::Loop)s; [`call_dyn`](crate::dispatch::call_dyn) picks the entry
//! by NumPy's rules, casts the inputs, and this function does the rest.

use super::OutArrays;
use super::{call, ElementKernel, Operands};
use crate::executor::tuple::InTuple;
use crate::target::Target;
use crate::{DynArray, NativeType, Result};
use ndarray::{ArrayD, ArrayViewD, IxDyn};

/// A kernel's argument tuple whose elements all have a NumPy dtype.
pub trait DynArgs: InTuple {
    /// The inputs as typed dynamic-rank views.
    type Views<'a>: Operands<Self, Dim = IxDyn>
    where
        Self: 'a;
    /// Views `inputs` (already of this tuple's dtypes) as typed arrays, without copying.
    fn views<'a>(inputs: &[&'a DynArray]) -> Result<Self::Views<'a>>
    where
        Self: 'a;
}

/// A kernel's result tuple whose elements all have a NumPy dtype.
pub trait DynOuts: OutArrays {
    /// Wraps typed results as [`DynArray`]s, without copying.
    fn wrap(arrays: Self::Arrays<IxDyn>) -> Vec<DynArray>;
}

macro_rules! dyn_args {
    ($($T:ident $i:tt),+) => {
        impl<$($T: NativeType),+> DynArgs for ($($T,)+) {
            type Views<'a> = ($(ArrayViewD<'a, $T>,)+) where Self: 'a;

            fn views<'a>(inputs: &[&'a DynArray]) -> Result<Self::Views<'a>>
            where
                Self: 'a,
            {
                Ok(($(inputs[$i].view::<$T>()?,)+))
            }
        }
    };
}
dyn_args!(T0 0);
dyn_args!(T0 0, T1 1);
dyn_args!(T0 0, T1 1, T2 2);
dyn_args!(T0 0, T1 1, T2 2, T3 3);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
dyn_args!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);

impl<R0: NativeType> DynOuts for (R0,) {
    fn wrap(a: ArrayD<R0>) -> Vec<DynArray> {
        vec![R0::wrap(a)]
    }
}

impl<R0: NativeType, R1: NativeType> DynOuts for (R0, R1) {
    fn wrap((a, b): (ArrayD<R0>, ArrayD<R1>)) -> Vec<DynArray> {
        vec![R0::wrap(a), R1::wrap(b)]
    }
}

impl<R0: NativeType, R1: NativeType, R2: NativeType> DynOuts for (R0, R1, R2) {
    fn wrap((a, b, c): (ArrayD<R0>, ArrayD<R1>, ArrayD<R2>)) -> Vec<DynArray> {
        vec![R0::wrap(a), R1::wrap(b), R2::wrap(c)]
    }
}

impl<R0: NativeType, R1: NativeType, R2: NativeType, R3: NativeType> DynOuts for (R0, R1, R2, R3) {
    fn wrap((a, b, c, d): (ArrayD<R0>, ArrayD<R1>, ArrayD<R2>, ArrayD<R3>)) -> Vec<DynArray> {
        vec![R0::wrap(a), R1::wrap(b), R2::wrap(c), R3::wrap(d)]
    }
}

/// Runs kernel `K` on dynamically typed inputs of exactly its argument dtypes (the
/// [`LoopFn`](crate::dispatch::LoopFn) of one loop-table entry): views them, broadcasts,
/// runs on `target` and wraps the results.
pub fn dyn_loop<K: ElementKernel>(inputs: &[&DynArray], target: Target) -> Result<Vec<DynArray>>
where
    K::Args: DynArgs,
    K::Out: DynOuts,
{
    let views = <K::Args as DynArgs>::views(inputs).map_err(|e| e.context(K::NAME))?;
    call::<K, _>(&views, target).map(<K::Out as DynOuts>::wrap)
}
