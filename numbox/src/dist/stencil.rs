//! `name::dist().call(..)` of a `#[stencil]`: the halo exchange, then the single-process
//! kernel on this rank's block and on two thin strips around its edges.
//!
//! A point of the block whose neighbourhood stays inside the block is computed from the
//! block alone (one call on the block, no copy). The `up` rows at the top and `down` at the
//! bottom read rows of other ranks: each edge is recomputed on a strip (the halo rows and
//! `up + down` rows of the block) and copied over. A block thinner than `up + down` rows is
//! computed in one call on the block with both halos. Along axis 0 the kept points never
//! read past a strip's own edges, except at the global edges, where the strip's edge *is*
//! the global edge (`skip`, `constant`) or the halo holds the rows the mode resolves to
//! (`nearest`, `reflect`, `mirror`, `wrap`): every point gets the bits of the
//! single-process call.

use super::{halo, Dist, DistArray, DistElement, Partition};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::stencil::{exec, ArgSlot, Handle, Input, Param, StencilKernel};
use mpi::topology::{Communicator, SimpleCommunicator};
use ndarray::{Array, ArrayView, Axis, Dim, Dimension, Slice};
use std::rc::Rc;

/// What the kernel is run on: the block, the top or bottom strip, or the block with both
/// halos (a block thinner than the halo).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Block,
    Top,
    Bottom,
    Full,
}

/// The distribution every distributed argument of a call must share.
#[doc(hidden)]
#[derive(Clone)]
pub struct Layout {
    pub(crate) comm: Rc<SimpleCommunicator>,
    pub(crate) part: Partition,
    pub(crate) global: Vec<usize>,
}

impl<T, D: Dimension> DistArray<T, D> {
    pub(crate) fn dist_layout(&self) -> Layout {
        Layout {
            comm: self.comm.clone(),
            part: self.part.clone(),
            global: self.global.slice().to_vec(),
        }
    }
}

/// The reach of a call: rows above and below, and how the edges are computed.
#[doc(hidden)]
pub struct Plan {
    up: usize,
    down: usize,
    mode: crate::stencil::Mode,
    strips: bool,
}

/// An argument of `name::dist().call(..)` at a position `S` of an `N`-dimensional stencil:
/// a `&DistArray` of the kernel's dimensionality for a `Neighbors` parameter, a value of the
/// parameter's type for a scalar one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an argument for a `{S}` parameter of this distributed {N}-dimensional stencil",
    label = "expected `&DistArray` of the kernel's dimensionality for a `Neighbors` parameter, or a value of the parameter's type"
)]
pub trait DistArg<S: ArgSlot<N>, const N: usize> {
    /// The argument after the halo exchange.
    #[doc(hidden)]
    type Held: HeldArg<S, N>;
    /// The distribution of a distributed argument.
    #[doc(hidden)]
    fn layout(&self) -> Option<Layout>;
    /// Exchanges the halo (collective).
    #[doc(hidden)]
    fn exchange(self, plan: &Plan) -> Self::Held;
}

/// An argument after the halo exchange: what the kernel's runtime takes, per piece.
#[doc(hidden)]
pub trait HeldArg<S: ArgSlot<N>, const N: usize> {
    fn piece<'b>(&'b self, piece: Piece) -> S::Value<'b>
    where
        S: 'b;
}

#[doc(hidden)]
pub struct HeldInput<'a, T, const N: usize>
where
    Dim<[usize; N]>: Dimension,
{
    block: ArrayView<'a, T, Dim<[usize; N]>>,
    edges: [Array<T, Dim<[usize; N]>>; 2],
}

#[doc(hidden)]
pub struct HeldParam<T>(T);

impl<'a, T: DistElement, const N: usize> DistArg<Input<T>, N> for &'a DistArray<T, Dim<[usize; N]>>
where
    Dim<[usize; N]>: Dimension,
{
    type Held = HeldInput<'a, T, N>;

    fn layout(&self) -> Option<Layout> {
        Some(self.dist_layout())
    }

    fn exchange(self, plan: &Plan) -> HeldInput<'a, T, N> {
        let (above, below) = halo::exchange(self, plan.up, plan.down, plan.mode);
        let row_len = self.row_len();
        let block = self.local.view();
        let flat = self
            .local
            .as_slice()
            .expect("blocks are in standard layout");
        let l = block.len_of(Axis(0));
        let reach = plan.up + plan.down;
        let (na, nb) = {
            let (a, b) = halo::needs(&self.part, self.rank(), plan.up, plan.down, plan.mode);
            (a.len(), b.len())
        };
        // `rows` whole C-order rows, stacked (counted, not derived: a row may be empty).
        let stack = |parts: &[&[T]], rows: usize| {
            let mut dim = self.local.raw_dim();
            dim[0] = rows;
            Array::from_shape_vec(dim, parts.concat()).expect("whole rows")
        };
        let edges = if plan.strips {
            [
                stack(&[&above, &flat[..reach * row_len]], na + reach),
                stack(&[&flat[(l - reach) * row_len..], &below], reach + nb),
            ]
        } else {
            [stack(&[&above, flat, &below], na + l + nb), stack(&[], 0)]
        };
        HeldInput { block, edges }
    }
}

impl<'a, T, const N: usize> HeldArg<Input<T>, N> for HeldInput<'a, T, N>
where
    Dim<[usize; N]>: Dimension,
{
    fn piece<'b>(&'b self, piece: Piece) -> ArrayView<'b, T, Dim<[usize; N]>>
    where
        Input<T>: 'b,
    {
        match piece {
            Piece::Block => self.block.view(),
            Piece::Top | Piece::Full => self.edges[0].view(),
            Piece::Bottom => self.edges[1].view(),
        }
    }
}

impl<T: Copy, const N: usize> DistArg<Param<T>, N> for T {
    type Held = HeldParam<T>;

    fn layout(&self) -> Option<Layout> {
        None
    }

    fn exchange(self, _: &Plan) -> HeldParam<T> {
        HeldParam(self)
    }
}

impl<T: Copy, const N: usize> HeldArg<Param<T>, N> for HeldParam<T> {
    fn piece<'b>(&'b self, _: Piece) -> T
    where
        Param<T>: 'b,
    {
        self.0
    }
}

/// The one layout of the distributed arguments, or an `Err` naming each argument's
/// (`inputs`: the names of the distributed ones, in order).
#[doc(hidden)]
pub fn common_layout(name: &str, inputs: &[&str], layouts: &[Option<Layout>]) -> Result<Layout> {
    let mut it = layouts
        .iter()
        .enumerate()
        .filter_map(|(k, l)| Some((k, l.as_ref()?)));
    let Some((_, first)) = it.next() else {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name}.dist: no argument is a DistArray"),
        ));
    };
    let differs = it.any(|(_, l)| l.global != first.global || !l.same_split(first));
    if differs {
        let each = layouts
            .iter()
            .flatten()
            .enumerate()
            .map(|(k, l)| {
                let n = inputs.get(k).copied().unwrap_or("?");
                format!(
                    "`{n}` has global shape {} split as {:?}",
                    shape_str(&l.global),
                    (0..l.part.ranks())
                        .map(|r| l.part.range(r))
                        .collect::<Vec<_>>()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::new(
            ErrorKind::ShapeMismatch,
            format!(
                "{name}.dist: the distributed inputs must have one global shape, partition and communicator: {each}"
            ),
        ));
    }
    Ok(first.clone())
}

impl Layout {
    /// Whether `other` splits axis 0 the same way over the same ranks: an equal partition and
    /// the same (or a congruent) communicator. The shapes past axis 0 are not compared.
    pub(crate) fn same_split(&self, other: &Layout) -> bool {
        self.part == other.part
            && (Rc::ptr_eq(&self.comm, &other.comm)
                || matches!(
                    self.comm.compare(&*other.comm),
                    mpi::topology::CommunicatorRelation::Identical
                        | mpi::topology::CommunicatorRelation::Congruent
                ))
    }

    /// `[rows of rank 0, rows of rank 1, ..]`, for error messages.
    pub(crate) fn split_str(&self) -> String {
        format!(
            "{:?}",
            (0..self.part.ranks())
                .map(|r| self.part.range(r))
                .collect::<Vec<_>>()
        )
    }

    /// The distributed array with this layout's communicator and partition whose block on
    /// this rank is `local` (which has this rank's rows).
    pub(crate) fn with_local<U: Clone, E: Dimension>(
        self,
        local: ndarray::Array<U, E>,
    ) -> DistArray<U, E> {
        let mut global = local.raw_dim();
        global[0] = self.part.rows();
        DistArray {
            comm: self.comm,
            part: self.part,
            global,
            local: local.as_standard_layout().into_owned(),
        }
    }
}

/// Runs the kernel on the pieces of this rank and writes its block of the result into
/// `out` (this rank's rows): `run` computes a piece into a new array, `run_into` the block
/// straight into `out`.
fn fill<O: Clone, const N: usize>(
    layout: &Layout,
    plan: &Plan,
    mut out: ndarray::ArrayViewMut<'_, O, Dim<[usize; N]>>,
    run: impl Fn(Piece) -> Result<Array<O, Dim<[usize; N]>>>,
    run_into: impl FnOnce(ndarray::ArrayViewMut<'_, O, Dim<[usize; N]>>) -> Result<()>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    let me = layout.comm.rank() as usize;
    let (above, _) = halo::needs(&layout.part, me, plan.up, plan.down, plan.mode);
    let h = above.len();
    let l = layout.part.range(me).len();
    if plan.up + plan.down == 0 {
        run_into(out)
    } else if plan.strips {
        run_into(out.view_mut())?;
        let top = run(Piece::Top)?;
        out.slice_axis_mut(Axis(0), Slice::from(..plan.up))
            .assign(&top.slice_axis(Axis(0), Slice::from(h..h + plan.up)));
        let bottom = run(Piece::Bottom)?;
        out.slice_axis_mut(Axis(0), Slice::from(l - plan.down..))
            .assign(&bottom.slice_axis(Axis(0), Slice::from(plan.up..plan.up + plan.down)));
        Ok(())
    } else {
        let full = run(Piece::Full)?;
        out.assign(&full.slice_axis(Axis(0), Slice::from(h..h + l)));
        Ok(())
    }
}

/// Runs the kernel on the pieces of this rank into a new block of the result.
fn assemble<O: Clone, const N: usize>(
    layout: Layout,
    plan: &Plan,
    run: impl Fn(Piece) -> Result<Array<O, Dim<[usize; N]>>>,
) -> Result<DistArray<O, Dim<[usize; N]>>>
where
    Dim<[usize; N]>: Dimension,
{
    let local = if plan.strips || plan.up + plan.down == 0 {
        // The block's own call allocates the block of the result.
        let mut block = run(Piece::Block)?;
        if plan.up + plan.down > 0 {
            // The edge rows, over the block's own (`fill` with the block already done).
            fill(&layout, plan, block.view_mut(), &run, |_| Ok(()))?;
        }
        block
    } else {
        let me = layout.comm.rank() as usize;
        let h = halo::needs(&layout.part, me, plan.up, plan.down, plan.mode)
            .0
            .len();
        let l = layout.part.range(me).len();
        run(Piece::Full)?
            .slice_axis(Axis(0), Slice::from(h..h + l))
            .to_owned()
    };
    let mut global = Dim::<[usize; N]>::default();
    global.slice_mut().copy_from_slice(&layout.global);
    Ok(DistArray {
        comm: layout.comm,
        part: layout.part,
        global,
        local,
    })
}

/// `Err` unless `out` is distributed like the inputs (the same global shape, partition and
/// communicator).
fn check_out<O, const N: usize>(
    name: &str,
    layout: &Layout,
    out: &DistArray<O, Dim<[usize; N]>>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    let theirs = out.dist_layout();
    if common_layout(
        name,
        &["input", "out"],
        &[Some(layout.clone()), Some(theirs)],
    )
    .is_err()
    {
        return Err(Error::new(
            ErrorKind::OutputShape,
            format!(
                "{name}.dist: the output has global shape {}, the inputs {}; it must also share their \
                 partition and communicator",
                shape_str(out.global_shape()),
                shape_str(&layout.global)
            ),
        ));
    }
    Ok(())
}

impl Plan {
    /// The plan of kernel `K` on this rank of `layout`.
    fn of<K: StencilKernel<N>, const N: usize>(layout: &Layout) -> Plan {
        let [lo, hi] = if N > 0 { K::NEIGHBORHOOD[0] } else { [0, 0] };
        // A neighbourhood without offset 0 is the kernel call's own `Err`; reach nothing.
        let (up, down) = (lo.min(0).unsigned_abs(), hi.max(0) as usize);
        let l = layout.part.range(layout.comm.rank() as usize).len();
        Plan {
            up,
            down,
            mode: K::MODE,
            strips: l >= up + down,
        }
    }
}

macro_rules! arity {
    ($($S:ident $X:ident $x:ident $h:ident),+) => {
        impl<K, $($S: ArgSlot<N>,)+ const N: usize> Dist<Handle<K, N, ($($S,)+)>>
        where
            K: StencilKernel<N, Args = ($($S,)+)>,
            Dim<[usize; N]>: Dimension,
        {
            /// Runs the kernel at every point of the distributed inputs (`&DistArray`s of
            /// one global shape and partition; scalar parameters as in `call`), exchanging
            /// halo rows with the ranks that own them (collective). The result has the
            /// inputs' partition, and its gathered array the bits of the single-process
            /// call on the gathered inputs.
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($X: DistArg<$S, N>),+>(&self, $($x: $X),+) -> Result<DistArray<K::Output, Dim<[usize; N]>>> {
                let layout = common_layout(K::NAME, K::INPUTS, &[$($x.layout()),+])?;
                let plan = Plan::of::<K, N>(&layout);
                $(let $h = $x.exchange(&plan);)+
                let target = self.handle.target();
                assemble(layout, &plan, |piece| {
                    let (views, params) = K::split(($($h.piece(piece),)+));
                    exec::call::<K, N>(target, views, params)
                })
            }

            /// Like `call`, but writes this rank's block of the result into `out`, a
            /// `DistArray` distributed like the inputs (any other is an `Err` of kind
            /// `OutputShape`): a time loop can swap two arrays instead of allocating one a
            /// step.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($X: DistArg<$S, N>),+>(
                &self,
                $($x: $X,)+
                out: &mut DistArray<K::Output, Dim<[usize; N]>>,
            ) -> Result<()> {
                let layout = common_layout(K::NAME, K::INPUTS, &[$($x.layout()),+])?;
                check_out(K::NAME, &layout, out)?;
                let plan = Plan::of::<K, N>(&layout);
                $(let $h = $x.exchange(&plan);)+
                let target = self.handle.target();
                fill(
                    &layout,
                    &plan,
                    out.local.view_mut(),
                    |piece| {
                        let (views, params) = K::split(($($h.piece(piece),)+));
                        exec::call::<K, N>(target, views, params)
                    },
                    |block| {
                        let (views, params) = K::split(($($h.piece(Piece::Block),)+));
                        exec::call_into::<K, N>(target, views, params, block)
                    },
                )
            }
        }
    };
}
arity!(S0 X0 x0 h0);
arity!(S0 X0 x0 h0, S1 X1 x1 h1);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2, S3 X3 x3 h3);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2, S3 X3 x3 h3, S4 X4 x4 h4);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2, S3 X3 x3 h3, S4 X4 x4 h4, S5 X5 x5 h5);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2, S3 X3 x3 h3, S4 X4 x4 h4, S5 X5 x5 h5, S6 X6 x6 h6);
arity!(S0 X0 x0 h0, S1 X1 x1 h1, S2 X2 x2 h2, S3 X3 x3 h3, S4 X4 x4 h4, S5 X5 x5 h5, S6 X6 x6 h6,
    S7 X7 x7 h7);
