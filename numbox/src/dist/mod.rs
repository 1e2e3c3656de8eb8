//! Distributed kernels over MPI (the `mpi` feature): arrays block-partitioned along axis 0
//! over the ranks of a communicator, and every attribute's kernel run on them through its
//! companion's `name::dist()`.
//!
//! A [`DistArray`] holds this rank's block of rows of a global array; the partition is a
//! function of the global row count `n` and the communicator size `p` alone: every rank gets
//! `n / p` rows and the first `n % p` ranks one more ([`Partition`]). Arrays come from
//! [`DistArray::scatter`] (from a root), [`DistArray::from_local`] (each rank builds its own
//! block) or a distributed kernel call, and go back with [`DistArray::gather`].
//!
//! `name::dist()` returns a [`Dist`] wrapping the kernel's usual handle (on the attribute's
//! target, which then applies inside each rank):
//!
//! - `#[vectorize]`: `call` applies the kernel to the local blocks (every distributed operand
//!   must have the same partition; scalars and ordinary arrays that broadcast along the
//!   trailing axes are passed to every rank as they are) and returns a `DistArray`, or a
//!   tuple of them for a kernel with several outputs ([`DistResults`]); `reduce_all` gives every rank the
//!   single-process `reduce_all` of the gathered array, and `reduce` the serial
//!   single-process `reduce`, bit for bit, for any number of ranks (see
//!   [`Dist::reduce_all`]). `call_into` writes into `&mut DistArray` outputs (a tuple of
//!   them for several outputs, [`DistOutputs`]) distributed like the inputs.
//! - `#[stencil]`: `call` exchanges halo rows with the ranks that own them (as many rows as
//!   the neighbourhood reaches along axis 0), applies the border mode at the *global* edges
//!   (`wrap` wraps across the first and last rank) and gives the bits of the single-process
//!   call, whatever the partition, blocks thinner than the halo included. The halo messages
//!   travel while the rank computes its block; the rows that read the halo are computed
//!   after they arrive.
//! - `#[guvectorize]`: `call` runs the loop over the local blocks when axis 0 is a loop
//!   dimension of every distributed operand (core dimensions stay local); several outputs
//!   come back as a tuple, and `call_into` takes `&mut DistArray` outputs (a tuple of them
//!   for several) distributed like the inputs.
//! - `#[parallel_loop]` rewrites a function in place and has no companion: call the function
//!   on each rank's block ([`DistArray::local`]) inside [`on_rows`], where its `prange`
//!   splits the block across the rank's threads and its reductions give every rank the bits
//!   of the single-process call, for any number of ranks.
//!
//! Errors are `Err(numbox::Error)` naming the operands and shapes, and are raised on every
//! rank alike (every check uses data all ranks share), so a failing call never leaves one
//! rank waiting in a collective.
//!
//! MPI failures in numbox's own communication are `Err`s of kind
//! [`Mpi`](crate::ErrorKind::Mpi) too, with MPI's error text, the operation and the rank:
//! the communicator a `DistArray` holds (a duplicate numbox owns) is set to
//! `MPI_ERRORS_RETURN`, and numbox checks the code of every MPI call it makes on it. MPI
//! itself guarantees little after an error: one found in the arguments (a rank or root out
//! of range, say) is reported on the rank that made the call and leaves the communicator
//! usable in practice, but a failure in flight is reported only where MPI notices it, and a
//! rank waiting for a message from the failed one may wait forever (MPI offers no way out
//! short of its fault-tolerance extensions). What numbox does not own keeps its handler,
//! by default `MPI_ERRORS_ARE_FATAL` (the job aborts): the caller's communicator while
//! [`DistArray::scatter`] and [`DistArray::from_local`] duplicate it, and [`fold_ranks`],
//! which communicates on the caller's communicator.
//!
//! ```
//! use numbox::dist::{mpi, mpi::topology::Communicator, DistArray};
//! use numbox::ndarray::Array2;
//! use numbox::prelude::*;
//!
//! #[stencil(mode = "wrap")]
//! fn heat(u: Neighbors2<f64>) -> f64 {
//!     u[[0, 0]] + 0.1 * (u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]])
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! let universe = mpi::initialize().expect("MPI initialised once");
//! let world = universe.world();
//! let root = (world.rank() == 0).then(|| Array2::from_shape_fn((64, 64), |(i, j)| (i * j) as f64));
//! let mut u = DistArray::scatter(&world, 0, root.as_ref())?; // rows split over the ranks
//! for _ in 0..10 {
//!     u = heat::dist().call(&u)?; // halo rows exchanged with the neighbouring ranks
//! }
//! if let Some(all) = u.gather(0)? {
//!     // Only on rank 0: the single-process loop gives the same bits.
//!     let mut want = root.expect("rank 0 has the grid");
//!     for _ in 0..10 {
//!         want = heat::call(&want)?;
//!     }
//!     assert_eq!(all, want);
//! }
//! # Ok(()) }
//! ```

use crate::error::{shape_str, Error, ErrorKind, Result};
use mpi::collective::CommunicatorCollectives;
use mpi::datatype::Equivalence;
use mpi::topology::{Communicator, SimpleCommunicator};
use ndarray::{Array, ArrayBase, ArrayView, ArrayViewMut, Data, Dimension};
use std::ops::Range;
use std::rc::Rc;

mod checked;
mod gufunc;
mod halo;
mod reduce;
pub(crate) mod rows;
mod stencil;
mod ufunc;

pub use rows::on_rows;
pub use stencil::DistArg;
pub use ufunc::{DistOperand, DistOutputs, DistResults};

/// The `mpi` crate (rsmpi), re-exported: `mpi::initialize()`, the communicator traits and
/// [`Equivalence`] for element types of your own.
pub use mpi;

/// The element types a [`DistArray`] can send between ranks: numbox elements with an MPI
/// datatype and a default value (every primitive number, `bool`, `Complex32`, `Complex64`,
/// or a `Default` type implementing [`Equivalence`]). Receive buffers start as
/// `T::default()`.
pub trait DistElement: crate::Element + Equivalence + Default {}

impl<T: crate::Element + Equivalence + Default> DistElement for T {}

/// The split of `rows` global rows over `ranks` ranks: `rows / ranks` each, one more for each
/// of the first `rows % ranks` ranks, in rank order. Every rank gets at least one row.
///
/// ```
/// use numbox::dist::Partition;
/// let p = Partition::new(10, 3).unwrap();
/// assert_eq!((p.range(0), p.range(1), p.range(2)), (0..4, 4..7, 7..10));
/// assert_eq!(p.owner(6), 1);
/// assert!(Partition::new(2, 3).is_err()); // more ranks than rows
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    starts: Rc<[usize]>,
}

impl Partition {
    /// The partition of `rows` rows over `ranks` ranks; an `Err` of kind `InvalidArgument`
    /// when there are fewer rows than ranks (a rank would hold nothing).
    pub fn new(rows: usize, ranks: usize) -> Result<Self> {
        if ranks == 0 || rows < ranks {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "cannot split {rows} rows (axis 0) over {ranks} ranks: every rank needs at least one row; \
                     use fewer ranks or distribute a longer axis"
                ),
            ));
        }
        let (base, rem) = (rows / ranks, rows % ranks);
        let mut starts = Vec::with_capacity(ranks + 1);
        let mut s = 0;
        starts.push(0);
        for r in 0..ranks {
            s += base + usize::from(r < rem);
            starts.push(s);
        }
        Ok(Partition {
            starts: starts.into(),
        })
    }

    /// The number of ranks.
    pub fn ranks(&self) -> usize {
        self.starts.len() - 1
    }

    /// The global row count.
    pub fn rows(&self) -> usize {
        self.starts[self.ranks()]
    }

    /// The global rows of rank `r`.
    pub fn range(&self, r: usize) -> Range<usize> {
        self.starts[r]..self.starts[r + 1]
    }

    /// The rank that owns global row `row` (which must be `< rows()`).
    pub fn owner(&self, row: usize) -> usize {
        debug_assert!(row < self.rows());
        self.starts.partition_point(|&s| s <= row) - 1
    }
}

/// An n-dimensional array block-partitioned along axis 0 over the ranks of a communicator:
/// this rank's rows ([`local`](Self::local), always in standard C order), the global shape
/// and the [`Partition`].
///
/// Every method that communicates is collective: all ranks of the communicator call it, in
/// the same order.
pub struct DistArray<T, D: Dimension> {
    comm: Rc<SimpleCommunicator>,
    part: Partition,
    global: D,
    local: Array<T, D>,
}

impl<T: std::fmt::Debug, D: Dimension> std::fmt::Debug for DistArray<T, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistArray")
            .field("rank", &self.rank())
            .field("global_shape", &self.global.slice())
            .field("rows", &self.rows())
            .field("local", &self.local)
            .finish()
    }
}

fn mpi_count(n: usize, what: &str) -> Result<i32> {
    i32::try_from(n).map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: {n} elements on one rank exceed MPI's count limit (2^31 - 1); use more ranks"),
        )
    })
}

/// Counts and displacements (in elements) of every rank's block, for the varcount collectives.
fn counts_displs(part: &Partition, row_len: usize, what: &str) -> Result<(Vec<i32>, Vec<i32>)> {
    let counts = (0..part.ranks())
        .map(|r| mpi_count(part.range(r).len() * row_len, what))
        .collect::<Result<Vec<_>>>()?;
    let displs = (0..part.ranks())
        .map(|r| mpi_count(part.range(r).start * row_len, what))
        .collect::<Result<Vec<_>>>()?;
    Ok((counts, displs))
}

fn check_root<C: Communicator>(comm: &C, root: i32, what: &str) -> Result<()> {
    if !(0..comm.size()).contains(&root) {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{what}: root rank {root} is out of range for a communicator of {} ranks",
                comm.size()
            ),
        ));
    }
    Ok(())
}

/// `D` of the given shape, or an `Err` when `D` has another fixed dimensionality.
fn dim_of<D: Dimension>(shape: &[usize], what: &str) -> Result<D> {
    if D::NDIM.is_some_and(|n| n != shape.len()) {
        return Err(Error::new(
            ErrorKind::ShapeMismatch,
            format!(
                "{what}: shape {} does not have the array type's {} dimensions",
                shape_str(shape),
                D::NDIM.map_or("dynamic".to_string(), |n| n.to_string())
            ),
        ));
    }
    let mut d = D::zeros(shape.len());
    d.slice_mut().copy_from_slice(shape);
    Ok(d)
}

impl<T: DistElement, D: Dimension> DistArray<T, D> {
    /// Splits `global`, given on rank `root` (ignored elsewhere: pass `None`), into blocks
    /// of rows, one per rank of `comm` (collective). The array gets a duplicate of `comm`,
    /// so its messages never mix with the caller's.
    ///
    /// `Err` on every rank when `root` has no array, the array has no axis, fewer rows than
    /// `comm` has ranks, or `root` is out of range.
    pub fn scatter<C: Communicator, S: Data<Elem = T>>(
        comm: &C,
        root: i32,
        global: Option<&ArrayBase<S, D>>,
    ) -> Result<Self> {
        const WHAT: &str = "DistArray::scatter";
        check_root(comm, root, WHAT)?;
        let comm = owned_duplicate(comm, WHAT)?;
        let me = comm.rank();
        // [has an array, ndim], then the shape.
        let mut head = [0u64; 2];
        if me == root {
            if let Some(a) = global {
                head = [1, a.ndim() as u64];
            }
        }
        checked::broadcast(&comm, root, &mut head[..], WHAT)?;
        if head[0] == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{WHAT}: the root rank {root} passed no array (None)"),
            ));
        }
        let mut shape = vec![0u64; head[1] as usize];
        if me == root {
            let a = global.expect("checked above");
            shape
                .iter_mut()
                .zip(a.shape())
                .for_each(|(s, &n)| *s = n as u64);
        }
        checked::broadcast(&comm, root, &mut shape[..], WHAT)?;
        let shape: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
        if shape.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{WHAT}: a 0-dimensional array has no axis 0 to distribute"),
            ));
        }
        let part = Partition::new(shape[0], comm.size() as usize).map_err(|e| e.context(WHAT))?;
        let global_dim: D = dim_of(&shape, WHAT)?;
        let row_len: usize = shape[1..].iter().product();
        let (counts, displs) = counts_displs(&part, row_len, WHAT)?;
        let mut local_dim = global_dim.clone();
        local_dim[0] = part.range(me as usize).len();
        let mut buf: Vec<T> = recv_buffer(local_dim.size());
        if me == root {
            let a = global.expect("checked above");
            let std = a.as_standard_layout();
            let send = std.as_slice().expect("standard layout");
            let send = Some((send, &counts[..], &displs[..]));
            checked::scatter_varcount(&comm, root, send, &mut buf[..], WHAT)?;
        } else {
            checked::scatter_varcount(&comm, root, None, &mut buf[..], WHAT)?;
        }
        let local = Array::from_shape_vec(local_dim, buf).expect("the block's size");
        Ok(DistArray {
            comm,
            part,
            global: global_dim,
            local,
        })
    }

    /// The array whose block on this rank is `local` (collective): the blocks are stacked
    /// in rank order along axis 0. The blocks must have the same shape apart from axis 0 and
    /// the row counts of the [`Partition`] of their total; anything else is an `Err` on
    /// every rank naming each rank's block shape. The array gets a duplicate of `comm`.
    pub fn from_local<C: Communicator, S: Data<Elem = T>>(
        comm: &C,
        local: &ArrayBase<S, D>,
    ) -> Result<Self> {
        const WHAT: &str = "DistArray::from_local";
        let comm = owned_duplicate(comm, WHAT)?;
        let p = comm.size() as usize;
        let mut ndims = vec![0u64; p];
        checked::all_gather(&comm, &[local.ndim() as u64], &mut ndims[..], WHAT)?;
        let nd = ndims[0] as usize;
        if nd == 0 || ndims.iter().any(|&n| n as usize != nd) {
            return Err(Error::new(
                ErrorKind::ShapeMismatch,
                format!("{WHAT}: the blocks have {ndims:?} dimensions on ranks 0..{p}; they need one dimensionality with an axis 0"),
            ));
        }
        let mine: Vec<u64> = local.shape().iter().map(|&n| n as u64).collect();
        let mut all = vec![0u64; p * nd];
        checked::all_gather(&comm, &mine[..], &mut all[..], WHAT)?;
        let shapes: Vec<Vec<usize>> = all
            .chunks(nd)
            .map(|c| c.iter().map(|&n| n as usize).collect())
            .collect();
        let describe = || {
            shapes
                .iter()
                .enumerate()
                .map(|(r, s)| format!("rank {r} has {}", shape_str(s)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if shapes.iter().any(|s| s[1..] != shapes[0][1..]) {
            return Err(Error::new(
                ErrorKind::ShapeMismatch,
                format!("{WHAT}: the blocks differ beyond axis 0: {}", describe()),
            ));
        }
        let rows: usize = shapes.iter().map(|s| s[0]).sum();
        let part = Partition::new(rows, p).map_err(|e| e.context(WHAT))?;
        if let Some(r) = (0..p).find(|&r| shapes[r][0] != part.range(r).len()) {
            return Err(Error::new(
                ErrorKind::ShapeMismatch,
                format!(
                    "{WHAT}: rank {r} has {} rows, but the partition of {rows} rows over {p} ranks gives it {} \
                     (rows / ranks each, one more on the first rows % ranks ranks): {}",
                    shapes[r][0],
                    part.range(r).len(),
                    describe()
                ),
            ));
        }
        let mut global_shape = shapes[0].clone();
        global_shape[0] = rows;
        let global = dim_of(&global_shape, WHAT)?;
        Ok(DistArray {
            comm,
            part,
            global,
            local: local.as_standard_layout().into_owned(),
        })
    }

    /// The global array on rank `root` (`Some`), `None` on the others (collective).
    pub fn gather(&self, root: i32) -> Result<Option<Array<T, D>>> {
        const WHAT: &str = "DistArray::gather";
        check_root(&*self.comm, root, WHAT)?;
        let row_len = self.row_len();
        let (counts, displs) = counts_displs(&self.part, row_len, WHAT)?;
        let send = self
            .local
            .as_slice()
            .expect("blocks are in standard layout");
        if self.comm.rank() == root {
            let mut buf: Vec<T> = recv_buffer(self.global.size());
            let recv = Some((&mut buf[..], &counts[..], &displs[..]));
            checked::gather_varcount(&self.comm, root, send, recv, WHAT)?;
            Ok(Some(
                Array::from_shape_vec(self.global.clone(), buf).expect("the global size"),
            ))
        } else {
            checked::gather_varcount(&self.comm, root, send, None, WHAT)?;
            Ok(None)
        }
    }

    /// The global array on every rank (collective).
    pub fn all_gather(&self) -> Result<Array<T, D>> {
        const WHAT: &str = "DistArray::all_gather";
        let (counts, displs) = counts_displs(&self.part, self.row_len(), WHAT)?;
        let send = self
            .local
            .as_slice()
            .expect("blocks are in standard layout");
        let mut buf: Vec<T> = recv_buffer(self.global.size());
        checked::all_gather_varcount(&self.comm, send, &mut buf[..], &counts, &displs, WHAT)?;
        Ok(Array::from_shape_vec(self.global.clone(), buf).expect("the global size"))
    }
}

/// A duplicate of `comm` for a [`DistArray`] to own, with MPI errors returned as codes
/// (`MPI_ERRORS_RETURN`) rather than aborting the job: numbox's communication on it reports
/// them as `Err` (see `checked`).
fn owned_duplicate<C: Communicator>(comm: &C, what: &str) -> Result<Rc<SimpleCommunicator>> {
    let dup = comm.duplicate();
    checked::errors_return(&dup, what)?;
    Ok(Rc::new(dup))
}

/// A buffer of `n` elements for MPI to overwrite (filled with `T::default()` first, so that
/// it is initialised whatever MPI does).
fn recv_buffer<T: DistElement>(n: usize) -> Vec<T> {
    vec![T::default(); n]
}

impl<T, D: Dimension> DistArray<T, D> {
    /// The global shape.
    pub fn global_shape(&self) -> &[usize] {
        self.global.slice()
    }

    /// The global rows (along axis 0) this rank holds.
    pub fn rows(&self) -> Range<usize> {
        self.part.range(self.rank())
    }

    /// The partition of axis 0 over the ranks.
    pub fn partition(&self) -> &Partition {
        &self.part
    }

    /// This rank's index in the array's communicator.
    pub fn rank(&self) -> usize {
        self.comm.rank() as usize
    }

    /// The communicator the array is distributed over (a duplicate of the one it was made
    /// from, shared by every array computed from it).
    pub fn comm(&self) -> &SimpleCommunicator {
        &self.comm
    }

    /// This rank's block: the global rows [`rows()`](Self::rows), in standard layout.
    pub fn local(&self) -> ArrayView<'_, T, D> {
        self.local.view()
    }

    /// This rank's block, writable (the global shape and the partition cannot change).
    pub fn local_mut(&mut self) -> ArrayViewMut<'_, T, D> {
        self.local.view_mut()
    }

    /// The block, consumed.
    pub fn into_local(self) -> Array<T, D> {
        self.local
    }

    /// Elements per row (the product of the global shape past axis 0).
    fn row_len(&self) -> usize {
        self.global.slice()[1..].iter().product()
    }
}

/// Combines one value per rank on every rank (collective): the left fold
/// `f(f(v0, v1), v2)..` of the ranks' values in rank order.
///
/// Each rank's value counts once, whatever its rows: a float sum of per-rank partial sums
/// depends on the rank count. For the reductions of a `#[parallel_loop]` function over a
/// [`DistArray`]'s rows use [`on_rows`] instead, which gives every rank the single-process
/// bits for any rank count (as [`Dist::reduce_all`] does for an `associative`
/// `#[vectorize]` kernel).
///
/// ```
/// use numbox::dist::{fold_ranks, mpi, mpi::topology::Communicator};
///
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let total = fold_ranks(&world, world.rank() as i64 + 1, |a, b| a + b);
/// assert_eq!(total, (1..=world.size() as i64).sum::<i64>());
/// ```
pub fn fold_ranks<C: Communicator, T: DistElement>(comm: &C, value: T, f: impl Fn(T, T) -> T) -> T {
    let mut all: Vec<T> = recv_buffer(comm.size() as usize);
    comm.all_gather_into(&value, &mut all[..]);
    let mut it = all.into_iter();
    let first = it.next().expect("a communicator has a rank");
    it.fold(first, f)
}

/// The companion's `name::dist()`: the kernel's handle `H` (a [`Ufunc`](crate::ufunc::Ufunc),
/// a stencil [`Handle`](crate::stencil::Handle) or a [`Gufunc`](crate::Gufunc)) run on
/// [`DistArray`]s. Build one for another target with [`Dist::new`]`(name::parallel())`.
#[derive(Clone, Copy, Debug)]
pub struct Dist<H> {
    handle: H,
}

impl<H> Dist<H> {
    /// The distributed calls of `handle`'s kernel, on `handle`'s target inside each rank.
    pub const fn new(handle: H) -> Self {
        Dist { handle }
    }

    /// The wrapped single-process handle.
    pub fn handle(&self) -> &H {
        &self.handle
    }
}

/// Hooks for numbox's own distributed tests (`tests/dist.rs`), not part of the API: each
/// makes an MPI call that MPI rejects on `a`'s communicator, through the same checked layer
/// as every other message numbox sends, and returns its `Err`.
#[doc(hidden)]
pub mod __test_hooks {
    use super::{checked, DistArray, DistElement, Result};
    use mpi::topology::Communicator;
    use ndarray::Dimension;

    /// A non-blocking send of one element to rank `size` (there is none): `MPI_ERR_RANK`.
    pub fn send_to_missing_rank<T: DistElement, D: Dimension>(a: &DistArray<T, D>) -> Result<()> {
        const WHAT: &str = "send_to_missing_rank";
        let buf = [T::default()];
        let mut batch = checked::Batch::new();
        batch.send(a.comm.size() as usize, 0, &buf[..], WHAT)?;
        checked::exchange(&a.comm, batch, WHAT, |_| ())
    }

    /// A broadcast from root `size` (there is none): `MPI_ERR_ROOT`.
    pub fn broadcast_from_missing_root<T: DistElement, D: Dimension>(
        a: &DistArray<T, D>,
    ) -> Result<()> {
        let mut buf = [T::default()];
        checked::broadcast(
            &a.comm,
            a.comm.size(),
            &mut buf[..],
            "broadcast_from_missing_root",
        )
    }
}
