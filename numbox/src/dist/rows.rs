//! [`on_rows`]: a `#[parallel_loop]` function run on every rank's block of a [`DistArray`],
//! its `prange` reductions over the block's rows combined across the ranks with the bits of
//! the single-process call.
//!
//! The scope is a thread-local value the runtime's reductions look at (one read of it per
//! reduction; nothing at all without the `mpi` feature). A reduction whose range has the
//! rank's row count folds the *global* grid of the single-process call (blocks of
//! `ceil(rows / 1024)` consecutive rows, under `fastmath` eight lanes in each): the blocks
//! lying on this rank are folded on its threads as usual; a block split between ranks is
//! begun by the rank holding its first row, which sends its running accumulator (all eight
//! lanes under `fastmath`) to the next rank, which continues the same left fold over its
//! rows (a block can span several ranks: each passes it on); then every rank gathers the
//! block results and combines them in block order, as the single-process call does.

use super::{mpi_count, DistArray, Partition};
use crate::error::{Error, ErrorKind, Result};
use crate::parallel_loop::runner::Ranks;
use mpi::collective::CommunicatorCollectives;
use mpi::datatype::PartitionMut;
use mpi::point_to_point::{Destination, Source};
use mpi::topology::{Communicator, SimpleCommunicator};
use ndarray::Dimension;
use std::cell::Cell;
use std::ops::{Deref, DerefMut, Range};
use std::rc::Rc;

/// The tag of the accumulators passed from rank to rank.
const TAG: i32 = 0x6e70;

/// Runs `f` on this rank with the rows of `rows` as the distributed `prange` axis
/// (collective: every rank of `rows`' communicator calls it, with the same code).
///
/// Inside `f`, call `#[parallel_loop]` functions on the local blocks
/// ([`DistArray::local`], [`DistArray::local_mut`]). A loop without a reduction runs over the
/// rank's rows, split across the rank's threads as usual. A `prange` **with** reductions
/// whose range has the rank's row count (`0..u.local().nrows()`) gives every rank the
/// reductions' values of the single-process call over the whole array, **bit for bit, for
/// any number of ranks**: `+=`, `-=`, `*=`, `|=`, `&=`, `^=`, `min` and `max`, several
/// reduction variables, `fastmath` too. The reduction variables must be primitive numbers,
/// `bool`, `Complex32` or `Complex64` (their values travel between ranks).
///
/// The body sees the rank's *local* row index (row `i` of the block is global row
/// `rows.rows().start + i`), so a body that reads data at `i` computes what the
/// single-process call computes for that row.
///
/// Only the `prange` loops that `f` runs on its own thread take part: a `#[parallel_loop]`
/// function called from inside a `prange` body runs on the rank's data alone.
///
/// Every rank must run the same reductions in the same order (each is collective). A
/// reduction whose range does not have the rank's row count on every rank, or whose
/// variable has another type, makes `on_rows` return an `Err` on every rank (the reductions
/// after it run on the rank's rows alone, without communicating, so no rank waits); the
/// checks use only what all ranks share, so all ranks agree.
///
/// ```
/// use numbox::dist::{mpi, on_rows, DistArray};
/// use numbox::ndarray::{Array2, ArrayView2};
/// use numbox::prelude::*;
///
/// #[parallel_loop]
/// fn energy(u: ArrayView2<f64>) -> f64 {
///     let mut e = 0.0;
///     for i in prange(0..u.nrows()) {
///         for j in 0..u.ncols() {
///             e += u[[i, j]] * u[[i, j]];
///         }
///     }
///     e
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let universe = mpi::initialize().expect("MPI initialised once");
/// let world = universe.world();
/// let grid = Array2::from_shape_fn((5000, 8), |(i, j)| ((i * 7 + j) % 13) as f64 / 3.0);
/// let u = DistArray::scatter(&world, 0, Some(&grid))?;
/// // Every rank gets the single-process sum, whatever the rank count.
/// let e = on_rows(&u, || energy(u.local()))?;
/// assert_eq!(e.to_bits(), energy(grid.view()).to_bits());
/// # Ok(()) }
/// ```
pub fn on_rows<T, D: Dimension, R>(rows: &DistArray<T, D>, f: impl FnOnce() -> R) -> Result<R> {
    let scope = Scope {
        comm: rows.comm.clone(),
        part: rows.part.clone(),
        rank: rows.rank(),
        reductions: 0,
        failed: None,
    };
    /// Puts back the scope that was active before (also when `f` panics).
    struct Restore(Option<Scope>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ACTIVE.set(self.0.take());
        }
    }
    let restore = Restore(ACTIVE.replace(Some(scope)));
    let out = f();
    let scope = ACTIVE
        .take()
        .expect("the scope is back after every reduction");
    drop(restore);
    match scope.failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

thread_local! {
    /// The innermost [`on_rows`] on this thread; taken out while a reduction uses it, so
    /// a reduction nested in that one's body runs locally.
    static ACTIVE: Cell<Option<Scope>> = const { Cell::new(None) };
}

/// An [`on_rows`] scope: the array's communicator and partition, and the first failure.
pub(crate) struct Scope {
    comm: Rc<SimpleCommunicator>,
    part: Partition,
    rank: usize,
    /// Reductions seen so far (for the messages).
    reductions: usize,
    failed: Option<Error>,
}

/// The active scope, taken from the thread until dropped.
pub(crate) struct Entered(Option<Scope>);

impl Drop for Entered {
    fn drop(&mut self) {
        ACTIVE.set(self.0.take());
    }
}

impl Deref for Entered {
    type Target = Scope;
    fn deref(&self) -> &Scope {
        self.0.as_ref().expect("present until dropped")
    }
}

impl DerefMut for Entered {
    fn deref_mut(&mut self) -> &mut Scope {
        self.0.as_mut().expect("present until dropped")
    }
}

impl Scope {
    /// The scope of the innermost [`on_rows`] on this thread, if any.
    #[inline]
    pub(crate) fn enter() -> Option<Entered> {
        ACTIVE.take().map(|s| Entered(Some(s)))
    }
}

impl Ranks for Scope {
    /// Whether a reduction over `0..n` runs on the global grid (collective unless the scope
    /// has already failed or `unsupported` names a variable that cannot travel): `false`,
    /// with the scope failed, when some rank's `n` is not its row count.
    fn admit(
        &mut self,
        n: usize,
        unsupported: &dyn Fn() -> Option<(&'static str, &'static str)>,
    ) -> bool {
        self.reductions += 1;
        let k = self.reductions;
        if self.failed.is_some() {
            return false;
        }
        if let Some((name, ty)) = unsupported() {
            self.failed = Some(Error::new(
                ErrorKind::DType,
                format!(
                    "numbox::dist::on_rows: the reduction variable `{name}` (in reduction {k} of the scope) \
                     has type `{ty}`, which cannot travel between ranks; reduce primitive numbers, bool, \
                     Complex32 or Complex64"
                ),
            ));
            return false;
        }
        let p = self.part.ranks();
        let mut all = vec![0u64; p];
        self.comm.all_gather_into(&(n as u64), &mut all[..]);
        if (0..p).any(|r| all[r] != self.part.range(r).len() as u64) {
            let each = (0..p)
                .map(|r| {
                    format!(
                        "rank {r}: {} iterations, {} rows",
                        all[r],
                        self.part.range(r).len()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            self.failed = Some(Error::new(
                ErrorKind::ShapeMismatch,
                format!(
                    "numbox::dist::on_rows: reduction {k} of the scope loops over a range that is not the \
                     rank's rows of the {}-row array on every rank ({each}); a prange with reductions \
                     inside on_rows must run over 0..(the rank's row count)",
                    self.part.rows()
                ),
            ));
            return false;
        }
        true
    }

    /// The global row count.
    fn rows(&self) -> usize {
        self.part.rows()
    }

    /// This rank's global rows.
    fn mine(&self) -> Range<usize> {
        self.part.range(self.rank)
    }

    /// `f(rows of r)` for every rank `r`, in rank order.
    fn per_rank(&self, f: &dyn Fn(Range<usize>) -> usize) -> Vec<usize> {
        (0..self.part.ranks())
            .map(|r| f(self.part.range(r)))
            .collect()
    }

    /// Sends `bytes` to the next rank.
    fn send_next(&self, bytes: &[u8]) {
        self.comm
            .process_at_rank(self.rank as i32 + 1)
            .send_with_tag(bytes, TAG);
    }

    /// Receives `len` bytes from the previous rank.
    fn receive_previous(&self, len: usize) -> Vec<u8> {
        let mut buf = vec![0u8; len];
        self.comm
            .process_at_rank(self.rank as i32 - 1)
            .receive_into_with_tag(&mut buf[..], TAG);
        buf
    }

    /// Every rank's `mine` (`counts[r]` values of `unit` bytes on rank `r`), concatenated in
    /// rank order, on every rank.
    fn all_gather(&self, mine: &[u8], counts: &[usize], unit: usize) -> Vec<u8> {
        const WHAT: &str = "numbox::dist::on_rows";
        debug_assert_eq!(mine.len(), counts[self.rank] * unit);
        let bytes: Vec<i32> = counts
            .iter()
            .map(|&c| mpi_count(c * unit, WHAT).expect("at most 1024 block results"))
            .collect();
        let displs: Vec<i32> = bytes
            .iter()
            .scan(0, |at, &c| {
                let d = *at;
                *at += c;
                Some(d)
            })
            .collect();
        let mut all = vec![0u8; counts.iter().sum::<usize>() * unit];
        {
            let mut recv = PartitionMut::new(&mut all[..], &bytes[..], &displs[..]);
            self.comm.all_gather_varcount_into(mine, &mut recv);
        }
        all
    }
}
