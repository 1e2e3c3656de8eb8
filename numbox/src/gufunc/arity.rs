//! The typed half of a gufunc call, once per arity (1..=6 inputs, 1..=3 outputs): turns the
//! operands into pointers and a [`LoopPlan`], allocates or checks the outputs, and hands each loop
//! iteration's core views to the kernel.

use super::exec::{execute, init_range, Fresh};
use super::plan::{check_layout, LoopPlan, OpShape};
use super::{
    BroadcastDims, CoreSpec, GuArgs, Gufunc, GufuncKernel, GufuncOutput, InputList, OutArg,
    OutputList,
};
use crate::broadcast::{Operand, Source};
use crate::element::Element;
use crate::error::{Error, ErrorKind, Result};
// Threads read inputs and write disjoint elements of the outputs through these: every loop
// iteration writes its own part of each output (outputs are not broadcast).
use crate::ptr::{ReadPtr, Reads, WritePtr, Writes};
use ndarray::{Array, Dimension, IxDyn};
use std::ops::Range;

fn src_ptr<T, D: Dimension>(s: &Source<'_, T, D>) -> *const T {
    match s {
        Source::Scalar(v) => v as *const T,
        Source::Array(a) => a.as_ptr(),
    }
}

fn op_shape<'s, T, D: Dimension>(s: &'s Source<'_, T, D>) -> OpShape<'s> {
    match s {
        Source::Scalar(_) => OpShape {
            shape: None,
            strides: &[],
        },
        Source::Array(a) => OpShape {
            shape: Some(a.shape()),
            strides: a.strides(),
        },
    }
}

/// The finished output `buf` of `shape` as an array of dimensionality `D`.
fn into_array<T, D: Dimension>(buf: Vec<T>, shape: &[usize]) -> Result<Array<T, D>> {
    Array::from_shape_vec(IxDyn(shape), buf)
        .and_then(|a| a.into_dimensionality::<D>())
        .map_err(|e| {
            Error::new(
                ErrorKind::ShapeMismatch,
                format!("output of shape {shape:?}: {e}"),
            )
        })
}

macro_rules! lists {
    (inputs $($I:ident $A:ident),+) => {
        impl<$($I: CoreSpec),+> InputList for ($($I,)+) {
            type Views<'a> = ($(<$I as CoreSpec>::In<'a>,)+) where Self: 'a;
        }
        impl<$($I: CoreSpec, $A: Operand<<$I as CoreSpec>::Elem>),+> GuArgs<($($I,)+)> for ($($A,)+)
        where
            ($(<$I as CoreSpec>::Loop<<$A as Operand<<$I as CoreSpec>::Elem>>::Dim>,)+): BroadcastDims,
        {
            type LoopDim = <($(<$I as CoreSpec>::Loop<<$A as Operand<<$I as CoreSpec>::Elem>>::Dim>,)+)
                as BroadcastDims>::Output;
        }
    };
    (outputs $($O:ident),+ => $owned:ty) => {
        impl<$($O: CoreSpec),+> OutputList for ($($O,)+) {
            type Views<'a> = ($(<$O as CoreSpec>::Out<'a>,)+) where Self: 'a;
            type Owned<L: Dimension> = $owned;
        }
    };
}
lists!(inputs I0 A0);
lists!(inputs I0 A0, I1 A1);
lists!(inputs I0 A0, I1 A1, I2 A2);
lists!(inputs I0 A0, I1 A1, I2 A2, I3 A3);
lists!(inputs I0 A0, I1 A1, I2 A2, I3 A3, I4 A4);
lists!(inputs I0 A0, I1 A1, I2 A2, I3 A3, I4 A4, I5 A5);
lists!(outputs O0 => Array<O0::Elem, O0::Full<L>>);
lists!(outputs O0, O1 => (Array<O0::Elem, O0::Full<L>>, Array<O1::Elem, O1::Full<L>>));
lists!(outputs O0, O1, O2 => (
    Array<O0::Elem, O0::Full<L>>,
    Array<O1::Elem, O1::Full<L>>,
    Array<O2::Elem, O2::Full<L>>
));

macro_rules! gufunc_arity {
    (
        [$(($A:ident $I:ident $a:ident $ki:tt))+]
        [$(($B:ident $O:ident $b:ident $ko:tt $slot:tt))+]
        => $ret:expr; $out_pat:pat, $out_ty:ty
    ) => {
        impl<K, $($I: CoreSpec,)+ $($O: CoreSpec,)+> Gufunc<K, ($($I,)+), ($($O,)+)>
        where
            K: GufuncKernel<Inputs = ($($I,)+), Outputs = ($($O,)+)>,
        {
            /// Runs the kernel over the operands' loop dimensions (broadcast by NumPy's rules)
            /// and returns new outputs of shape `loop dimensions ++ output core dimensions`,
            /// initialised to `T::default()` before the kernel runs.
            ///
            /// Several outputs come back as a tuple. Errors name the operands and shapes: too
            /// few dimensions for the core, a core dimension bound to two sizes, a fixed size
            /// that does not match, loop dimensions that do not broadcast.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($A),+>(&self, $($a: $A),+) -> Result<GufuncOutput<K, ($($A,)+)>>
            where
                $($A: Operand<<$I as CoreSpec>::Elem>,)+
                ($($A,)+): GuArgs<($($I,)+)>,
                $(<$I as CoreSpec>::Elem: Element,)+
                $(<$O as CoreSpec>::Elem: Element + Default,)+
            {
                let ctx = |e: Error| e.context(K::NAME);
                check_layout(
                    &K::LAYOUT,
                    &[$(<$I as CoreSpec>::NDIM),+],
                    &[$(<$O as CoreSpec>::NDIM),+],
                )
                .map_err(ctx)?;
                $(let $a = $a.source();)+
                let mut plan = LoopPlan::new(&K::LAYOUT, &[$(op_shape(&$a)),+], None).map_err(ctx)?;
                $(
                    let mut $b = Fresh::<<$O as CoreSpec>::Elem>::new(plan.out_len($ko).map_err(ctx)?)
                        .map_err(ctx)?;
                    plan.set_output_c($ko);
                )+
                let ins = ($(Reads::new(src_ptr(&$a)),)+);
                let outs = ($(Writes::new($b.ptr()),)+);
                let core_lens = [$(plan.out_core_len($ko)),+];
                let ready = [$($b.is_initialised()),+];
                let plan_ref = &plan;
                execute(&plan, self.target(), #[inline(always)] |r: Range<usize>| {
                    $(
                        if !ready[$ko] {
                            // SAFETY: output `ko` is a fresh C-contiguous buffer of
                            // `iterations * core_len` elements; iterations `r` own exactly
                            // this range of it, and no other block touches it.
                            unsafe {
                                init_range(
                                    outs.$ko.ptr(),
                                    r.start * core_lens[$ko]..r.end * core_lens[$ko],
                                )
                            };
                        }
                    )+
                    // SAFETY: `LoopPlan` checked every operand's shape against the layout; the
                    // outputs' parts of iterations `r` were initialised above and belong to
                    // this block alone.
                    unsafe { Self::eval_range(plan_ref, &ins, &outs, r) };
                });
                $(
                    // SAFETY: the buffer came zeroed (zero is the default), or `execute` ran
                    // every loop iteration and their blocks initialised the whole buffer.
                    let $b = unsafe { $b.finish() };
                    let $b = into_array($b, plan.out_shape($ko)).map_err(ctx)?;
                )+
                Ok($ret)
            }

            /// Like `call`, but writes into existing outputs: `out` is one [`OutArg`]
            /// (`&mut Array`, `ArrayViewMut`, `&mut [T]` or `&mut Vec<T>`, any layout) for a
            /// kernel with one output, a tuple `(&mut a, &mut b)` of them for several (NumPy's
            /// `out=(a, b)`). Each has shape `loop dimensions ++ output core dimensions`, where
            /// the loop dimensions are the outputs' own: the inputs' loop dimensions broadcast
            /// to them, an output is never broadcast. A wrong shape is an `Err`. Elements the
            /// kernel does not write keep their values.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($A,)+ $($B),+>(&self, $($a: $A,)+ out: $out_ty) -> Result<()>
            where
                $($A: Operand<<$I as CoreSpec>::Elem>,)+
                $($B: OutArg<<$O as CoreSpec>::Elem>,)+
                $(<$I as CoreSpec>::Elem: Element,)+
                $(<$O as CoreSpec>::Elem: Element,)+
            {
                let ctx = |e: Error| e.context(K::NAME);
                check_layout(
                    &K::LAYOUT,
                    &[$(<$I as CoreSpec>::NDIM),+],
                    &[$(<$O as CoreSpec>::NDIM),+],
                )
                .map_err(ctx)?;
                $(let $a = $a.source();)+
                let $out_pat = out;
                $(let mut $b = $b.__view_mut();)+
                let mut plan = LoopPlan::new(
                    &K::LAYOUT,
                    &[$(op_shape(&$a)),+],
                    Some(&[$($b.shape()),+]),
                )
                .map_err(ctx)?;
                $(plan.set_output($ko, $b.shape(), $b.strides()).map_err(ctx)?;)+
                let ins = ($(Reads::new(src_ptr(&$a)),)+);
                let outs = ($(Writes::new($b.as_mut_ptr()),)+);
                let plan_ref = &plan;
                // SAFETY: as in `call`; the outputs are the caller's exclusive views, checked to
                // have the planned shape, and ndarray's mutable views never alias themselves,
                // so iterations write disjoint parts.
                execute(&plan, self.target(), #[inline(always)] |r: Range<usize>| unsafe {
                    Self::eval_range(plan_ref, &ins, &outs, r)
                });
                Ok(())
            }

            /// Runs the kernel on loop iterations `r`: the loop body of `call` and `call_into`.
            ///
            /// # Safety
            /// `plan` was checked against every operand, `ins` and `outs` point at buffers of
            /// the planned shapes that stay alive, and the outputs' parts of iterations `r` are
            /// initialised and written by no one else meanwhile.
            #[inline(always)]
            unsafe fn eval_range(
                plan: &LoopPlan,
                ins: &($(ReadPtr<<$I as CoreSpec>::Elem>,)+),
                outs: &($(WritePtr<<$O as CoreSpec>::Elem>,)+),
                r: Range<usize>,
            ) {
                plan.for_each(r, #[inline(always)] |off| {
                    // SAFETY: each offset plus its core geometry addresses elements of that
                    // operand's live buffer (the caller's guarantee), and this iteration's
                    // output parts belong to it alone.
                    unsafe {
                        K::eval(
                            ($(<$I as CoreSpec>::input(ins.$ki.ptr().offset(off[$ki]), &plan.cores[$ki]),)+),
                            ($(<$O as CoreSpec>::output(outs.$ko.ptr().offset(off[$slot]), &plan.cores[$slot]),)+),
                        )
                    }
                });
            }
        }
    };
}

macro_rules! for_outputs {
    ($n:tt [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 $n)] => out0; mut out0, B0);
        for_outputs!(@two $n [$($ins)+]);
    };
    (@two 1 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 1) (B1 O1 out1 1 2)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 1) (B1 O1 out1 1 2) (B2 O2 out2 2 3)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
    (@two 2 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 2) (B1 O1 out1 1 3)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 2) (B1 O1 out1 1 3) (B2 O2 out2 2 4)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
    (@two 3 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 3) (B1 O1 out1 1 4)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 3) (B1 O1 out1 1 4) (B2 O2 out2 2 5)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
    (@two 4 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 4) (B1 O1 out1 1 5)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 4) (B1 O1 out1 1 5) (B2 O2 out2 2 6)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
    (@two 5 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 5) (B1 O1 out1 1 6)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 5) (B1 O1 out1 1 6) (B2 O2 out2 2 7)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
    (@two 6 [$($ins:tt)+]) => {
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 6) (B1 O1 out1 1 7)] => (out0, out1);
            (mut out0, mut out1), (B0, B1));
        gufunc_arity!([$($ins)+] [(B0 O0 out0 0 6) (B1 O1 out1 1 7) (B2 O2 out2 2 8)] => (out0, out1, out2);
            (mut out0, mut out1, mut out2), (B0, B1, B2));
    };
}

for_outputs!(1 [(A0 I0 in0 0)]);
for_outputs!(2 [(A0 I0 in0 0) (A1 I1 in1 1)]);
for_outputs!(3 [(A0 I0 in0 0) (A1 I1 in1 1) (A2 I2 in2 2)]);
for_outputs!(4 [(A0 I0 in0 0) (A1 I1 in1 1) (A2 I2 in2 2) (A3 I3 in3 3)]);
for_outputs!(5 [(A0 I0 in0 0) (A1 I1 in1 1) (A2 I2 in2 2) (A3 I3 in3 3) (A4 I4 in4 4)]);
for_outputs!(6 [(A0 I0 in0 0) (A1 I1 in1 1) (A2 I2 in2 2) (A3 I3 in3 3) (A4 I4 in4 4) (A5 I5 in5 5)]);
