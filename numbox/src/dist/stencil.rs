//! `name::dist().call(..)` of a `#[stencil]`: the halo exchange, overlapped with the
//! single-process kernel on this rank's block, then the kernel on two thin strips around its
//! edges.
//!
//! A point of the block whose neighbourhood stays inside the block is computed from the
//! block alone (one call on the block, no copy), while the halo messages travel: they are
//! posted first and waited for after that call. The `up` rows at the top and `down` at the
//! bottom read rows of other ranks: each edge is recomputed on a strip (the halo rows and
//! `up + down` rows of the block) once the halo has arrived, and copied over. The call on the
//! block computes those edge rows too (from the block's own edge, as the kernel sees it) and
//! they are overwritten, so every point's computation is the single-process one. A block thinner than `up + down` rows is
//! computed in one call on the block with both halos. Along axis 0 the kept points never
//! read past a strip's own edges, except at the global edges, where the strip's edge *is*
//! the global edge (`skip`, `constant`) or the halo holds the rows the mode resolves to
//! (`nearest`, `reflect`, `mirror`, `wrap`): every point gets the bits of the
//! single-process call.

use super::checked::{self, Batch, Progress};
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

/// The reach of a call: rows above and below, and how the edges are computed (`strips`:
/// the block, then a strip at each edge; otherwise one call on the block with both halos).
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
    /// This rank's block, as the kernel's runtime takes it (needs no halo).
    #[doc(hidden)]
    fn block<'b>(&'b self) -> S::Value<'b>
    where
        S: 'b;
    /// Plans the halo exchange: the rows to send, the buffers to receive into.
    #[doc(hidden)]
    fn exchange(&self, plan: &Plan) -> Self::Held;
}

/// An argument's halo, posted with the others', and then the pieces the kernel's runtime
/// takes.
#[doc(hidden)]
pub trait HeldArg<S: ArgSlot<N>, const N: usize> {
    /// Adds the halo's messages to `batch`.
    fn post<'b>(&'b mut self, batch: &mut Batch<'b>, what: &str) -> Result<()>;
    /// Builds the pieces from the arrived halo (after the batch has been exchanged).
    fn arrived(&mut self, plan: &Plan);
    /// A piece (`Block` at any time, the others once the halo has arrived).
    fn piece<'b>(&'b self, piece: Piece) -> S::Value<'b>
    where
        S: 'b;
}

#[doc(hidden)]
pub struct HeldInput<'a, T, const N: usize>
where
    Dim<[usize; N]>: Dimension,
{
    array: &'a DistArray<T, Dim<[usize; N]>>,
    halo: halo::Halo<T>,
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

    fn block<'b>(&'b self) -> ArrayView<'b, T, Dim<[usize; N]>>
    where
        Input<T>: 'b,
    {
        self.local.view()
    }

    fn exchange(&self, plan: &Plan) -> HeldInput<'a, T, N> {
        let array = *self; // the `&'a DistArray` itself, not a borrow of this argument
        let empty = || {
            let mut dim = array.local.raw_dim();
            dim[0] = 0;
            Array::from_shape_vec(dim, Vec::new()).expect("no rows")
        };
        HeldInput {
            array,
            halo: halo::plan(array, plan.up, plan.down, plan.mode),
            edges: [empty(), empty()],
        }
    }
}

impl<'a, T: DistElement, const N: usize> HeldArg<Input<T>, N> for HeldInput<'a, T, N>
where
    Dim<[usize; N]>: Dimension,
{
    fn post<'b>(&'b mut self, batch: &mut Batch<'b>, what: &str) -> Result<()> {
        self.halo.post(batch, what)
    }

    fn arrived(&mut self, plan: &Plan) {
        let a = self.array;
        let (above, below) = self.halo.rows(a);
        let row_len = a.row_len();
        let flat = a.local.as_slice().expect("blocks are in standard layout");
        let l = a.local.len_of(Axis(0));
        let reach = plan.up + plan.down;
        let (na, nb) = {
            let (x, y) = halo::needs(&a.part, a.rank(), plan.up, plan.down, plan.mode);
            (x.len(), y.len())
        };
        // `rows` whole C-order rows, stacked (counted, not derived: a row may be empty).
        let stack = |parts: &[&[T]], rows: usize| {
            let mut dim = a.local.raw_dim();
            dim[0] = rows;
            Array::from_shape_vec(dim, parts.concat()).expect("whole rows")
        };
        self.edges = if plan.strips {
            [
                stack(&[&above, &flat[..reach * row_len]], na + reach),
                stack(&[&flat[(l - reach) * row_len..], &below], reach + nb),
            ]
        } else {
            [stack(&[&above, flat, &below], na + l + nb), stack(&[], 0)]
        };
    }

    fn piece<'b>(&'b self, piece: Piece) -> ArrayView<'b, T, Dim<[usize; N]>>
    where
        Input<T>: 'b,
    {
        match piece {
            Piece::Block => self.array.local.view(),
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

    fn block<'b>(&'b self) -> T
    where
        Param<T>: 'b,
    {
        *self
    }

    fn exchange(&self, _: &Plan) -> HeldParam<T> {
        HeldParam(*self)
    }
}

impl<T: Copy, const N: usize> HeldArg<Param<T>, N> for HeldParam<T> {
    fn post<'b>(&'b mut self, _: &mut Batch<'b>, _: &str) -> Result<()> {
        Ok(())
    }

    fn arrived(&mut self, _: &Plan) {}

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

/// Whether the call on the block alone is part of the plan (it then runs while the halo
/// travels): always, unless the block is thinner than the reach.
fn block_first(plan: &Plan) -> bool {
    plan.strips || plan.up + plan.down == 0
}

/// Posts every argument's halo messages (`post`, into one batch), lets MPI match what has
/// already arrived, runs `interior` (the work that needs no halo) while the messages travel,
/// and waits for them (collective). The outer `Err` is MPI's, the inner `interior`'s.
fn overlapped<'b, R>(
    layout: &Layout,
    what: &str,
    post: impl FnOnce(&mut Batch<'b>) -> Result<()>,
    interior: impl FnOnce() -> R,
) -> Result<R> {
    let mut batch = Batch::new();
    post(&mut batch)?;
    checked::exchange(&layout.comm, batch, what, |progress: &mut Progress<'_>| {
        // A message already posted by its sender is matched here, and on shared memory its
        // single copy is made now, not after the interior (Open MPI progresses messages
        // only inside MPI calls).
        progress.poll();
        interior()
    })
}

/// Overwrites the `up` top and `down` bottom rows of `out` (this rank's block of the result,
/// computed from the block alone) with the kernel's values on the strips around the edges,
/// which hold the halo.
fn edges<O: Clone, const N: usize>(
    layout: &Layout,
    plan: &Plan,
    mut out: ndarray::ArrayViewMut<'_, O, Dim<[usize; N]>>,
    run: impl Fn(Piece) -> Result<Array<O, Dim<[usize; N]>>>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    if plan.up + plan.down == 0 {
        return Ok(());
    }
    let (h, l) = full_rows(layout, plan);
    let top = run(Piece::Top)?;
    out.slice_axis_mut(Axis(0), Slice::from(..plan.up))
        .assign(&top.slice_axis(Axis(0), Slice::from(h..h + plan.up)));
    let bottom = run(Piece::Bottom)?;
    out.slice_axis_mut(Axis(0), Slice::from(l - plan.down..))
        .assign(&bottom.slice_axis(Axis(0), Slice::from(plan.up..plan.up + plan.down)));
    Ok(())
}

/// Finishes `call`: the block computed while the halo travelled (`block`, when
/// [`block_first`]) with its edge rows redone on the strips, or the call on the block with
/// both halos.
fn assemble<O: Clone, const N: usize>(
    layout: Layout,
    plan: &Plan,
    block: Option<Result<Array<O, Dim<[usize; N]>>>>,
    run: impl Fn(Piece) -> Result<Array<O, Dim<[usize; N]>>>,
) -> Result<DistArray<O, Dim<[usize; N]>>>
where
    Dim<[usize; N]>: Dimension,
{
    let local = match block {
        Some(block) => {
            let mut block = block?;
            edges(&layout, plan, block.view_mut(), &run)?;
            block
        }
        None => {
            let (h, l) = full_rows(&layout, plan);
            run(Piece::Full)?
                .slice_axis(Axis(0), Slice::from(h..h + l))
                .to_owned()
        }
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

/// Finishes `call_into`: `out` (this rank's block of the result) already holds the block's
/// call (`block`, when [`block_first`]) and gets its edge rows redone on the strips, or gets
/// this rank's rows of the call on the block with both halos.
fn fill<O: Clone, const N: usize>(
    layout: &Layout,
    plan: &Plan,
    mut out: ndarray::ArrayViewMut<'_, O, Dim<[usize; N]>>,
    block: Option<Result<()>>,
    run: impl Fn(Piece) -> Result<Array<O, Dim<[usize; N]>>>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    match block {
        Some(done) => {
            done?;
            edges(layout, plan, out, run)
        }
        None => {
            let (h, l) = full_rows(layout, plan);
            let full = run(Piece::Full)?;
            out.assign(&full.slice_axis(Axis(0), Slice::from(h..h + l)));
            Ok(())
        }
    }
}

/// How many halo rows this rank reads above its block (where its rows start in the `Full`
/// and `Top` pieces), and its row count.
fn full_rows(layout: &Layout, plan: &Plan) -> (usize, usize) {
    let me = layout.comm.rank() as usize;
    let h = halo::needs(&layout.part, me, plan.up, plan.down, plan.mode)
        .0
        .len();
    (h, layout.part.range(me).len())
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
                $(let mut $h = $x.exchange(&plan);)+
                let target = self.handle.target();
                let block = overlapped(
                    &layout,
                    K::NAME,
                    |batch| {
                        $($h.post(batch, K::NAME)?;)+
                        Ok(())
                    },
                    || {
                        block_first(&plan).then(|| {
                            let (views, params) = K::split(($($x.block(),)+));
                            exec::call::<K, N>(target, views, params)
                        })
                    },
                )?;
                $($h.arrived(&plan);)+
                assemble(layout, &plan, block, |piece| {
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
                $(let mut $h = $x.exchange(&plan);)+
                let target = self.handle.target();
                let block = overlapped(
                    &layout,
                    K::NAME,
                    |batch| {
                        $($h.post(batch, K::NAME)?;)+
                        Ok(())
                    },
                    || {
                        block_first(&plan).then(|| {
                            let (views, params) = K::split(($($x.block(),)+));
                            exec::call_into::<K, N>(target, views, params, out.local.view_mut())
                        })
                    },
                )?;
                $($h.arrived(&plan);)+
                fill(&layout, &plan, out.local.view_mut(), block, |piece| {
                    let (views, params) = K::split(($($h.piece(piece),)+));
                    exec::call::<K, N>(target, views, params)
                })
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
