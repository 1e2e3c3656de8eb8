//! `name::dist()` of a `#[vectorize]` kernel: elementwise calls on the local blocks.

use super::stencil::{common_layout, Layout};
use super::{Dist, DistArray};
use crate::broadcast::{Operand, Source};
use crate::element::Element;
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::ufunc::{call, DimFold, Kernel, Ufunc};
use ndarray::{ArrayBase, Dimension, Ix0};
use num_complex::Complex;

/// An operand of a distributed `#[vectorize]` call: a `&DistArray` (its local block takes
/// part), a scalar, or an ordinary array that every rank holds whole and that broadcasts
/// along the trailing axes only (its axis does not line up with the distributed axis 0, or
/// has length 1 there).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand of a distributed call taking `{T}`",
    label = "expected `&DistArray<{T}, _>`, a `{T}` scalar or `&array` replicated on every rank"
)]
pub trait DistOperand<T> {
    /// The operand's dimensionality.
    type Dim: Dimension;
    /// The distribution of a distributed operand.
    #[doc(hidden)]
    fn layout(&self) -> Option<Layout>;
    /// The operand on this rank: the local block, the scalar or the whole replicated array.
    #[doc(hidden)]
    fn local(&self) -> Source<'_, T, Self::Dim>;
}

impl<T: Copy, D: Dimension> DistOperand<T> for &DistArray<T, D> {
    type Dim = D;
    fn layout(&self) -> Option<Layout> {
        Some(self.dist_layout())
    }
    fn local(&self) -> Source<'_, T, D> {
        Source::Array(self.local.view())
    }
}

impl<T: Copy, S: ndarray::Data<Elem = T>, D: Dimension> DistOperand<T> for &ArrayBase<S, D> {
    type Dim = D;
    fn layout(&self) -> Option<Layout> {
        None
    }
    fn local(&self) -> Source<'_, T, D> {
        Source::Array(self.view())
    }
}

macro_rules! scalar_operands {
    ($($t:ty),* $(,)?) => {$(
        impl DistOperand<$t> for $t {
            type Dim = Ix0;
            fn layout(&self) -> Option<Layout> {
                None
            }
            fn local(&self) -> Source<'_, $t, Ix0> {
                Source::Scalar(*self)
            }
        }
    )*};
}
scalar_operands!(
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    char,
    Complex<f32>,
    Complex<f64>
);

/// One operand's part on this rank, as the single-process runtime takes it.
pub(crate) struct Local<'a, T, D: Dimension>(pub(crate) Source<'a, T, D>);

impl<T: Copy, D: Dimension> Operand<T> for Local<'_, T, D> {
    type Dim = D;
    fn source(&self) -> Source<'_, T, D> {
        match &self.0 {
            Source::Scalar(v) => Source::Scalar(*v),
            Source::Array(a) => Source::Array(a.view()),
        }
    }
}

/// Checks the operands' shapes against the distributed axis: every distributed operand has
/// the broadcast's dimensionality (so its axis 0 is the result's), and a replicated array
/// that reaches axis 0 has length 1 there. `ops` holds each operand's layout (distributed)
/// and local shape.
pub(crate) fn check_operands(name: &str, ops: &[(Option<Layout>, Vec<usize>)]) -> Result<()> {
    let nd = ops.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
    let fits = |(l, s): &(Option<Layout>, Vec<usize>)| match l {
        Some(_) => s.len() == nd,
        None => s.len() < nd || s[0] == 1,
    };
    if ops.iter().all(fits) {
        return Ok(());
    }
    let each = ops
        .iter()
        .enumerate()
        .map(|(k, (l, s))| match l {
            Some(l) => format!(
                "operand {k} is distributed with global shape {}",
                shape_str(&l.global)
            ),
            None if s.is_empty() => format!("operand {k} is a scalar"),
            None => format!("operand {k} is an ordinary array of shape {}", shape_str(s)),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Err(Error::new(
        ErrorKind::Broadcast,
        format!(
            "{name}.dist: {each}; distributed operands need the result's {nd} dimensions, and an ordinary \
             array (held whole by every rank) may only broadcast along the trailing axes: axis 0 absent \
             or of length 1 (scatter a full-length one into a DistArray)"
        ),
    ))
}

macro_rules! arity {
    ($($X:ident $x:ident $T:ident),+) => {
        impl<K, $($T: Element,)+ R: Element> Dist<Ufunc<K, ($($T,)+)>>
        where
            K: Kernel<Args = ($($T,)+), Out = (R,)>,
        {
            /// Applies the kernel elementwise to this rank's part of the operands
            /// (`&DistArray`s of one partition, scalars, ordinary arrays broadcasting along
            /// the trailing axes): the result has their partition, and its gathered array
            /// the bits of the single-process call. No communication.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($X: DistOperand<$T>),+>(
                &self,
                $($x: $X),+
            ) -> Result<DistArray<R, <($($X::Dim,)+) as DimFold>::Out>>
            where
                ($($X::Dim,)+): DimFold,
            {
                let ops: Vec<(Option<Layout>, Vec<usize>)> = vec![$(($x.layout(), match $x.local() {
                    Source::Scalar(_) => Vec::new(),
                    Source::Array(a) => a.shape().to_vec(),
                })),+];
                let names: Vec<String> = ops
                    .iter()
                    .enumerate()
                    .filter(|(_, (l, _))| l.is_some())
                    .map(|(k, _)| format!("operand {k}"))
                    .collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let layouts: Vec<Option<Layout>> = ops.iter().map(|(l, _)| l.clone()).collect();
                let layout = common_layout(K::NAME, &names, &layouts)?;
                check_operands(K::NAME, &ops)?;
                let locals = ($(Local($x.local()),)+);
                let out = call::<K, _>(&locals, self.handle.target())?;
                let out = out
                    .into_dimensionality::<<($($X::Dim,)+) as DimFold>::Out>()
                    .expect("the broadcast dimensionality");
                Ok(layout.with_local(out))
            }
        }
    };
}

arity!(A0 x0 T0);
arity!(A0 x0 T0, A1 x1 T1);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7);
