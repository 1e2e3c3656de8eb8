//! `name::dist()` of a `#[vectorize]` kernel: elementwise calls on the local blocks.

use super::stencil::{common_layout, Layout};
use super::{Dist, DistArray};
use crate::broadcast::{Operand, Source};
use crate::element::Element;
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::ufunc::{call, call_into, DimFold, Kernel, OutArgs, OutArrays, Ufunc};
use ndarray::{Array, ArrayBase, ArrayViewMut, Dimension, Ix0};

/// An operand of a distributed `#[vectorize]` call: a `&DistArray` (its local block takes
/// part), a scalar, or an ordinary array that every rank holds whole and that broadcasts
/// along the trailing axes only (its axis does not line up with the distributed axis 0, or
/// has length 1 there).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand of a distributed call taking `{T}`",
    label = "expected `&DistArray<{T}, _>`, a `{T}` scalar or `&array` replicated on every rank"
)]
pub trait DistOperand<T>: sealed::Sealed {
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
crate::broadcast::for_each_scalar_operand!(scalar_operands);

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

/// The output argument(s) of a distributed `call_into`: `&mut DistArray` for a kernel with
/// one output, a tuple of them for several (as the single-process `call_into` takes
/// `&mut` arrays). Each must be distributed like the inputs: the same partition and
/// communicator, with axis 0 the distributed one.
///
/// ```
/// use numbox::dist::{mpi, mpi::topology::Communicator, DistArray};
/// use numbox::ndarray::Array1;
/// use numbox::prelude::*;
///
/// #[vectorize]
/// fn split(x: f64) -> (f64, f64) {
///     (x.trunc(), x.fract())
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let universe = mpi::initialize().expect("MPI initialised once");
/// let world = universe.world();
/// let x = Array1::from_iter((0..8).map(|k| k as f64 * 0.75));
/// let d = DistArray::scatter(&world, 0, (world.rank() == 0).then_some(&x))?;
/// let zeros = Array1::<f64>::zeros(8);
/// let mut whole = DistArray::scatter(&world, 0, (world.rank() == 0).then_some(&zeros))?;
/// let mut frac = DistArray::scatter(&world, 0, (world.rank() == 0).then_some(&zeros))?;
/// split::dist().call_into(&d, (&mut whole, &mut frac))?;
/// assert_eq!(frac.all_gather()?, x.mapv(f64::fract));
/// # Ok(()) }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot receive the outputs `{Out}` of this distributed call",
    label = "pass `&mut DistArray` (or a tuple of them for a kernel with several outputs)"
)]
pub trait DistOutputs<Out: OutArrays>: sealed::Sealed {
    /// This rank's blocks of the outputs, as the single-process `call_into` takes them.
    #[doc(hidden)]
    type Local<'a>: OutArgs<Out>
    where
        Self: 'a;
    /// The distribution of each output.
    #[doc(hidden)]
    fn layouts(&self) -> Vec<Layout>;
    /// This rank's blocks of the outputs.
    #[doc(hidden)]
    fn locals(&mut self) -> Self::Local<'_>;
}

impl<R: Element, E: Dimension> DistOutputs<(R,)> for &mut DistArray<R, E> {
    type Local<'a>
        = ArrayViewMut<'a, R, E>
    where
        Self: 'a;
    fn layouts(&self) -> Vec<Layout> {
        vec![self.dist_layout()]
    }
    fn locals(&mut self) -> ArrayViewMut<'_, R, E> {
        self.local.view_mut()
    }
}

macro_rules! dist_outputs {
    ($($R:ident $E:ident $i:tt),+) => {
        impl<$($R: Element, $E: Dimension),+> DistOutputs<($($R,)+)> for ($(&mut DistArray<$R, $E>,)+) {
            type Local<'a>
                = ($(ArrayViewMut<'a, $R, $E>,)+)
            where
                Self: 'a;
            fn layouts(&self) -> Vec<Layout> {
                vec![$(self.$i.dist_layout()),+]
            }
            fn locals(&mut self) -> Self::Local<'_> {
                ($(self.$i.local.view_mut(),)+)
            }
        }
    };
}
dist_outputs!(R0 E0 0, R1 E1 1);
dist_outputs!(R0 E0 0, R1 E1 1, R2 E2 2);
dist_outputs!(R0 E0 0, R1 E1 1, R2 E2 2, R3 E3 3);

/// What a distributed `#[vectorize]` `call` returns for a kernel whose outputs are `Self`:
/// `DistArray<R, D>` for one output, a tuple of them for several, each distributed like the
/// inputs (as the single-process `call` returns an array or a tuple of arrays).
///
/// ```
/// use numbox::dist::{mpi, mpi::topology::Communicator, DistArray};
/// use numbox::ndarray::Array1;
/// use numbox::prelude::*;
///
/// #[vectorize]
/// fn split(x: f64) -> (f64, f64) {
///     (x.trunc(), x.fract())
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let universe = mpi::initialize().expect("MPI initialised once");
/// let world = universe.world();
/// let x = Array1::from_iter((0..8).map(|k| k as f64 * 0.75));
/// let d = DistArray::scatter(&world, 0, (world.rank() == 0).then_some(&x))?;
/// let (whole, frac) = split::dist().call(&d)?;
/// assert_eq!(whole.all_gather()?, x.mapv(f64::trunc));
/// assert_eq!(frac.all_gather()?, x.mapv(f64::fract));
/// # Ok(()) }
/// ```
pub trait DistResults: OutArrays + sealed::Results {
    /// One `DistArray` of dimensionality `D` per output (a tuple for several).
    type Dist<D: Dimension>;
    /// This rank's blocks of the outputs (any dimensionality `E`), distributed by `layout`
    /// as arrays of dimensionality `D` (the broadcast's).
    #[doc(hidden)]
    fn distribute<E: Dimension, D: Dimension>(
        blocks: Self::Arrays<E>,
        layout: Layout,
    ) -> Self::Dist<D>;
}

/// A block of the broadcast's dimensionality `D`, distributed by `layout`.
fn dist_block<R: Clone, E: Dimension, D: Dimension>(
    block: Array<R, E>,
    layout: Layout,
) -> DistArray<R, D> {
    layout.with_local(
        block
            .into_dimensionality::<D>()
            .expect("the broadcast dimensionality"),
    )
}

impl<R0: Element> DistResults for (R0,) {
    type Dist<D: Dimension> = DistArray<R0, D>;
    fn distribute<E: Dimension, D: Dimension>(b: Array<R0, E>, layout: Layout) -> DistArray<R0, D> {
        dist_block(b, layout)
    }
}

macro_rules! dist_results {
    ($($R:ident $i:tt),+) => {
        impl<$($R: Element),+> DistResults for ($($R,)+) {
            type Dist<D: Dimension> = ($(DistArray<$R, D>,)+);
            fn distribute<E: Dimension, D: Dimension>(
                b: ($(Array<$R, E>,)+),
                layout: Layout,
            ) -> Self::Dist<D> {
                ($(dist_block(b.$i, layout.clone()),)+)
            }
        }
    };
}
dist_results!(R0 0, R1 1);
dist_results!(R0 0, R1 1, R2 2);
dist_results!(R0 0, R1 1, R2 2, R3 3);

/// [`DistOperand`] and [`DistOutputs`] are implemented here only: their layouts decide which
/// rank waits for which message, so a foreign impl could not be allowed to state them.
mod sealed {
    use super::DistArray;
    use ndarray::{ArrayBase, Dimension};

    pub trait Sealed {}
    impl<T, D: Dimension> Sealed for &DistArray<T, D> {}
    impl<S: ndarray::RawData, D: Dimension> Sealed for &ArrayBase<S, D> {}
    impl<T, D: Dimension> Sealed for &mut DistArray<T, D> {}
    macro_rules! scalars {
        ($($t:ty),* $(,)?) => {$(impl Sealed for $t {})*};
    }
    crate::broadcast::for_each_scalar_operand!(scalars);
    macro_rules! tuples {
        ($($R:ident $E:ident),+) => {
            impl<$($R, $E: Dimension),+> Sealed for ($(&mut DistArray<$R, $E>,)+) {}
        };
    }
    tuples!(R0 E0, R1 E1);
    tuples!(R0 E0, R1 E1, R2 E2);
    tuples!(R0 E0, R1 E1, R2 E2, R3 E3);

    /// The output tuples `DistResults` knows (it only builds `DistArray`s; sealed so that
    /// its list can grow with `OutArrays`'s).
    pub trait Results {}
    impl<R0> Results for (R0,) {}
    impl<R0, R1> Results for (R0, R1) {}
    impl<R0, R1, R2> Results for (R0, R1, R2) {}
    impl<R0, R1, R2, R3> Results for (R0, R1, R2, R3) {}
}

/// `Err` of kind `OutputShape` unless every output (`outs`) splits axis 0 like the inputs
/// (`layout`) and has `ndim(k)` dimensions, so that its axis 0 is the distributed one.
pub(crate) fn check_outputs(
    name: &str,
    layout: &Layout,
    outs: &[Layout],
    ndim: impl Fn(usize) -> usize,
) -> Result<()> {
    let Some((k, o)) = outs
        .iter()
        .enumerate()
        .find(|(k, o)| !o.same_split(layout) || o.global.len() != ndim(*k))
    else {
        return Ok(());
    };
    Err(Error::new(
        ErrorKind::OutputShape,
        format!(
            "{name}.dist: output {k} has global shape {} split as {}, the distributed inputs {} split as {}: \
             an output needs the inputs' partition and communicator, and {} dimensions (axis 0 the distributed one)",
            shape_str(&o.global),
            o.split_str(),
            shape_str(&layout.global),
            layout.split_str(),
            ndim(k)
        ),
    ))
}

/// The one layout of the distributed operands (`ops`: each operand's layout, if distributed,
/// and its shape), or an `Err` naming each distributed operand's (`operand k`).
pub(crate) fn operands_common_layout(
    name: &str,
    ops: &[(Option<Layout>, Vec<usize>)],
) -> Result<Layout> {
    let names: Vec<String> = ops
        .iter()
        .enumerate()
        .filter(|(_, (l, _))| l.is_some())
        .map(|(k, _)| format!("operand {k}"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let layouts: Vec<Option<Layout>> = ops.iter().map(|(l, _)| l.clone()).collect();
    common_layout(name, &names, &layouts)
}

/// The operands' layouts and local shapes; `Err` unless the distributed ones share one
/// layout and the others broadcast along the trailing axes.
fn operands_layout(name: &str, ops: &[(Option<Layout>, Vec<usize>)]) -> Result<Layout> {
    let layout = operands_common_layout(name, ops)?;
    check_operands(name, ops)?;
    Ok(layout)
}

macro_rules! arity {
    ($($X:ident $x:ident $T:ident),+) => {
        impl<K, $($T: Element,)+> Dist<Ufunc<K, ($($T,)+)>>
        where
            K: Kernel<Args = ($($T,)+), Out: DistResults>,
        {
            /// Applies the kernel elementwise to this rank's part of the operands
            /// (`&DistArray`s of one partition, scalars, ordinary arrays broadcasting along
            /// the trailing axes): the result (a `DistArray`, a tuple of them for a kernel
            /// with several outputs, [`DistResults`]) has their partition, and its gathered
            /// arrays the bits of the single-process call. No communication.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($X: DistOperand<$T>),+>(
                &self,
                $($x: $X),+
            ) -> Result<<K::Out as DistResults>::Dist<<($($X::Dim,)+) as DimFold>::Out>>
            where
                ($($X::Dim,)+): DimFold,
            {
                let ops = vec![$(op_of(&$x)),+];
                let layout = operands_layout(K::NAME, &ops)?;
                let locals = ($(Local($x.local()),)+);
                let out = call::<K, _>(&locals, self.handle.target())?;
                Ok(<K::Out as DistResults>::distribute(out, layout))
            }

            /// Like `call`, but writes this rank's block of the result into `out`:
            /// `&mut DistArray` (a tuple of them for a kernel with several outputs), each
            /// distributed like the inputs with the result's dimensions (any other is an
            /// `Err` of kind `OutputShape` naming the output and the inputs). As the
            /// single-process `call_into`, the operands broadcast to the outputs' shape.
            /// No communication.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($X: DistOperand<$T>,)+ O: DistOutputs<K::Out>>(
                &self,
                $($x: $X,)+
                mut out: O,
            ) -> Result<()>
            where
                ($($X::Dim,)+): DimFold,
            {
                let ops = vec![$(op_of(&$x)),+];
                let layout = operands_layout(K::NAME, &ops)?;
                let nd = ops.iter().map(|(_, s)| s.len()).max().unwrap_or(0);
                check_outputs(K::NAME, &layout, &out.layouts(), |_| nd)?;
                let locals = ($(Local($x.local()),)+);
                call_into::<K, _, _>(&locals, out.locals(), self.handle.target())
                    .map_err(|e| e.context(&format!("{}.dist (this rank's blocks)", K::NAME)))
            }
        }
    };
}

/// An operand's layout and local shape (empty for a scalar).
fn op_of<T, X: DistOperand<T>>(x: &X) -> (Option<Layout>, Vec<usize>) {
    let shape = match x.local() {
        Source::Scalar(_) => Vec::new(),
        Source::Array(a) => a.shape().to_vec(),
    };
    (x.layout(), shape)
}

arity!(A0 x0 T0);
arity!(A0 x0 T0, A1 x1 T1);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7);
