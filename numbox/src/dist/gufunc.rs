//! `name::dist()` of a `#[guvectorize]` kernel: the loop over this rank's rows.

use super::stencil::{common_layout, Layout};
use super::ufunc::{check_operands, Local};
use super::{Dist, DistArray, DistOperand};
use crate::broadcast::Source;
use crate::element::Element;
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::gufunc::{BroadcastDims, CoreSpec, Gufunc, GufuncKernel};
use ndarray::IxDyn;

macro_rules! arity {
    ($($X:ident $x:ident $I:ident),+) => {
        impl<K, $($I: CoreSpec,)+ O0: CoreSpec> Dist<Gufunc<K, ($($I,)+), (O0,)>>
        where
            K: GufuncKernel<Inputs = ($($I,)+), Outputs = (O0,)>,
            $(<$I as CoreSpec>::Elem: Element,)+
            O0::Elem: Element + Default,
        {
            /// Runs the kernel over this rank's part of the loop dimensions (no
            /// communication): every distributed operand (`&DistArray`) has the loop
            /// dimensions of the result, axis 0 first (so the distributed axis is a loop
            /// axis; the core dimensions are whole on every rank); scalars and ordinary
            /// arrays whose loop dimensions broadcast along the trailing loop axes are
            /// passed whole. The result (one output; dynamic dimensionality) has the
            /// operands' partition, and its gathered array the bits of the single-process
            /// call.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($X: DistOperand<<$I as CoreSpec>::Elem>),+>(
                &self,
                $($x: $X),+
            ) -> Result<DistArray<O0::Elem, IxDyn>>
            where
                ($(<$I as CoreSpec>::Loop<$X::Dim>,)+): BroadcastDims,
            {
                // Each operand's layout and loop shape (its shape without the core axes).
                let loop_shape = |s: &[usize], core: usize| s[..s.len().saturating_sub(core)].to_vec();
                let ops: Vec<(Option<Layout>, Vec<usize>)> = vec![$({
                    let l = $x.layout();
                    let s = match (&l, $x.local()) {
                        (Some(l), _) => loop_shape(&l.global, <$I as CoreSpec>::NDIM),
                        (None, Source::Scalar(_)) => Vec::new(),
                        (None, Source::Array(a)) => loop_shape(a.shape(), <$I as CoreSpec>::NDIM),
                    };
                    (l, s)
                }),+];
                let names: Vec<String> = ops
                    .iter()
                    .enumerate()
                    .filter(|(_, (l, _))| l.is_some())
                    .map(|(k, _)| format!("operand {k}"))
                    .collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let layouts: Vec<Option<Layout>> = ops.iter().map(|(l, _)| l.clone()).collect();
                let layout = common_layout(K::NAME, &names, &layouts)?;
                if let Some((l, _)) = ops.iter().find(|(l, s)| l.is_some() && s.is_empty()) {
                    return Err(Error::new(
                        ErrorKind::CoreDimension,
                        format!(
                            "{}.dist: a distributed operand of global shape {} has no loop dimension: \
                             its axis 0 is a core dimension, which stays whole on each rank",
                            K::NAME,
                            shape_str(&l.as_ref().expect("distributed").global)
                        ),
                    ));
                }
                check_operands(K::NAME, &ops)?;
                let out = Gufunc::<K>::new(self.handle.target()).call($(Local($x.local())),+)?;
                Ok(layout.with_local(out.into_dyn()))
            }
        }
    };
}

arity!(A0 x0 I0);
arity!(A0 x0 I0, A1 x1 I1);
arity!(A0 x0 I0, A1 x1 I1, A2 x2 I2);
arity!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3);
arity!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3, A4 x4 I4);
arity!(A0 x0 I0, A1 x1 I1, A2 x2 I2, A3 x3 I3, A4 x4 I4, A5 x5 I5);
