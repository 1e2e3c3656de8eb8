//! `name::dist()` of a `#[guvectorize]` kernel: the loop over this rank's rows.

use super::stencil::Layout;
use super::ufunc::{check_operands, check_outputs, operands_common_layout, Local};
use super::{Dist, DistArray, DistOperand};
use crate::broadcast::Source;
use crate::element::Element;
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::gufunc::{BroadcastDims, CoreSpec, Gufunc, GufuncKernel};
use ndarray::{Dimension, IxDyn};

/// The operands' common layout and the number of loop dimensions of the result; `Err`
/// unless the distributed operands (`ops`: each one's layout and loop shape) share one
/// layout and have axis 0 as a loop dimension, and the others broadcast along the trailing
/// loop axes.
fn loop_layout(name: &str, ops: &[(Option<Layout>, Vec<usize>)]) -> Result<(Layout, usize)> {
    let layout = operands_common_layout(name, ops)?;
    if let Some((l, _)) = ops.iter().find(|(l, s)| l.is_some() && s.is_empty()) {
        return Err(Error::new(
            ErrorKind::CoreDimension,
            format!(
                "{name}.dist: a distributed operand of global shape {} has no loop dimension: \
                 its axis 0 is a core dimension, which stays whole on each rank",
                shape_str(&l.as_ref().expect("distributed").global)
            ),
        ));
    }
    check_operands(name, ops)?;
    let nd = ops.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
    Ok((layout, nd))
}

/// An operand's layout and loop shape (its shape without the `core` core axes).
fn loop_op<T, X: DistOperand<T>>(x: &X, core: usize) -> (Option<Layout>, Vec<usize>) {
    let loop_shape = |s: &[usize]| s[..s.len().saturating_sub(core)].to_vec();
    let l = x.layout();
    let s = match (&l, x.local()) {
        (Some(l), _) => loop_shape(&l.global),
        (None, Source::Scalar(_)) => Vec::new(),
        (None, Source::Array(a)) => loop_shape(a.shape()),
    };
    (l, s)
}

macro_rules! arity {
    (
        [$($X:ident $x:ident $I:ident),+]
        [$($O:ident $E:ident $o:ident),+]
        $layout:ident => $Ret:ty = $ret:expr;
        $OutTy:ty = $outs:pat => $views:expr
    ) => {
        impl<K, $($I: CoreSpec,)+ $($O: CoreSpec,)+> Dist<Gufunc<K, ($($I,)+), ($($O,)+)>>
        where
            K: GufuncKernel<Inputs = ($($I,)+), Outputs = ($($O,)+)>,
            $(<$I as CoreSpec>::Elem: Element,)+
            $($O::Elem: Element + Default,)+
        {
            /// Runs the kernel over this rank's part of the loop dimensions (no
            /// communication): every distributed operand (`&DistArray`) has the loop
            /// dimensions of the result, axis 0 first (so the distributed axis is a loop
            /// axis; the core dimensions are whole on every rank); scalars and ordinary
            /// arrays whose loop dimensions broadcast along the trailing loop axes are
            /// passed whole. The result (dynamic dimensionality; a tuple for a kernel with
            /// several outputs) has the operands' partition, and its gathered array the
            /// bits of the single-process call.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($X: DistOperand<<$I as CoreSpec>::Elem>),+>(
                &self,
                $($x: $X),+
            ) -> Result<$Ret>
            where
                ($(<$I as CoreSpec>::Loop<$X::Dim>,)+): BroadcastDims,
            {
                let ops = vec![$(loop_op(&$x, <$I as CoreSpec>::NDIM)),+];
                let ($layout, _) = loop_layout(K::NAME, &ops)?;
                let ($($o,)+) = Gufunc::<K>::new(self.handle.target())
                    .call($(Local($x.local())),+)?
                    .into_tuple();
                Ok($ret)
            }

            /// Like `call`, but writes this rank's block of the result into `out`:
            /// `&mut DistArray` (a tuple of them for a kernel with several outputs, as the
            /// single-process `call_into` takes them), each distributed like the inputs
            /// with the result's loop dimensions (axis 0 the distributed one) followed by
            /// its core dimensions; any other partition or dimensionality is an `Err` of
            /// kind `OutputShape` naming the output and the inputs, and a core or loop
            /// length that does not fit is the single-process `call_into`'s `Err`, on
            /// every rank alike. Elements the kernel does not write keep their values.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($X: DistOperand<<$I as CoreSpec>::Elem>,)+ $($E: Dimension),+>(
                &self,
                $($x: $X,)+
                out: $OutTy,
            ) -> Result<()>
            where
                ($(<$I as CoreSpec>::Loop<$X::Dim>,)+): BroadcastDims,
            {
                let ops = vec![$(loop_op(&$x, <$I as CoreSpec>::NDIM)),+];
                let (layout, nd) = loop_layout(K::NAME, &ops)?;
                let $outs = out;
                let core = [$(<$O as CoreSpec>::NDIM),+];
                check_outputs(K::NAME, &layout, &[$($o.dist_layout()),+], |k| nd + core[k])?;
                Gufunc::<K>::new(self.handle.target())
                    .call_into($(Local($x.local()),)+ $views)
                    .map_err(|e| e.context(&format!("{}.dist (this rank's blocks)", K::NAME)))
            }
        }
    };
}

/// A gufunc's result as a tuple, whatever its output count.
trait IntoTuple {
    type Tuple;
    fn into_tuple(self) -> Self::Tuple;
}

impl<T, D: Dimension> IntoTuple for ndarray::Array<T, D> {
    type Tuple = (Self,);
    fn into_tuple(self) -> (Self,) {
        (self,)
    }
}

impl<A, B> IntoTuple for (A, B) {
    type Tuple = Self;
    fn into_tuple(self) -> Self {
        self
    }
}

impl<A, B, C> IntoTuple for (A, B, C) {
    type Tuple = Self;
    fn into_tuple(self) -> Self {
        self
    }
}

macro_rules! outputs {
    ($($ins:tt)+) => {
        arity!([$($ins)+] [O0 E0 o0]
            layout => DistArray<O0::Elem, IxDyn> = layout.with_local(o0.into_dyn());
            &mut DistArray<O0::Elem, E0> = o0 => o0.local.view_mut());
        arity!([$($ins)+] [O0 E0 o0, O1 E1 o1]
            layout => (DistArray<O0::Elem, IxDyn>, DistArray<O1::Elem, IxDyn>) =
                (layout.clone().with_local(o0.into_dyn()), layout.with_local(o1.into_dyn()));
            (&mut DistArray<O0::Elem, E0>, &mut DistArray<O1::Elem, E1>) = (o0, o1)
                => (o0.local.view_mut(), o1.local.view_mut()));
        arity!([$($ins)+] [O0 E0 o0, O1 E1 o1, O2 E2 o2]
            layout => (DistArray<O0::Elem, IxDyn>, DistArray<O1::Elem, IxDyn>, DistArray<O2::Elem, IxDyn>) =
                (
                    layout.clone().with_local(o0.into_dyn()),
                    layout.clone().with_local(o1.into_dyn()),
                    layout.with_local(o2.into_dyn()),
                );
            (&mut DistArray<O0::Elem, E0>, &mut DistArray<O1::Elem, E1>, &mut DistArray<O2::Elem, E2>)
                = (o0, o1, o2)
                => (o0.local.view_mut(), o1.local.view_mut(), o2.local.view_mut()));
    };
}

outputs!(A0 x0 I0);
outputs!(A0 x0 I0, A1 x1 I1);
outputs!(A0 x0 I0, A1 x1 I1, A2 x2 I2);
outputs!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3);
outputs!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3, A4 x4 I4);
outputs!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3, A4 x4 I4, A5 x5 I5);
