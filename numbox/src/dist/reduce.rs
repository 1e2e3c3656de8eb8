//! Distributed `reduce_all` and `reduce` of a binary `#[vectorize]` kernel, with the bits of
//! the single-process call for any number of ranks.
//!
//! - `reduce_all` of an `associative` kernel folds the single-process grid: blocks of
//!   [`BLOCK`] consecutive elements in global C order, each folded as the single-process
//!   call folds it, the block results folded left to right. A block is folded by the rank
//!   that holds its first element; the ranks after it send it the block's remaining
//!   elements (a block spans a rank boundary at most once per boundary). The block results
//!   are gathered on every rank and folded in order there.
//! - `reduce_all` of any other kernel is the left fold in global C order: rank 0 folds its
//!   block and passes the running value to rank 1, which folds its own into it, and so on.
//! - `reduce` along axis 0 is the left fold of the rows, passed from rank to rank the same
//!   way; along another axis each rank reduces its block. Every element of the result is the
//!   left fold along the axis (NumPy's order), the serial single-process call's bits.

use super::checked::{self, Batch};
use super::{Dist, DistArray, DistElement};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::executor::reduce::{fold_axis, fold_block_all, Grouping, BLOCK};
use crate::ufunc::{Kernel, Ufunc};
use ndarray::{Array, Axis, Dimension, RemoveAxis, Zip};

const TAG: i32 = 0x6e63;

impl<K, T: DistElement> Dist<Ufunc<K, (T, T)>>
where
    K: Kernel<Args = (T, T), Out = (T,)>,
{
    /// Reduces over every element of a distributed array (collective): every rank gets the
    /// single-process `reduce_all` of the gathered array, bit for bit, for any number of
    /// ranks: an `associative` kernel folds the single-process grid of fixed blocks of
    /// global elements (the block results gathered on every rank), any other kernel the
    /// left fold in global C order, passed from rank to rank. An empty array gives the
    /// kernel's identity, or the single-process call's `Err`.
    pub fn reduce_all<D: Dimension>(&self, a: &DistArray<T, D>) -> Result<T> {
        let f = |x: T, y: T| K::eval((x, y)).0;
        let what = format!("{}.dist.reduce_all", K::NAME);
        let what = what.as_str();
        if a.global.size() == 0 {
            let empty = Array::from_shape_vec(a.global.clone(), Vec::new()).expect("no elements");
            return self.handle.reduce_all(&empty);
        }
        let local = a.local.as_slice().expect("blocks are in standard layout");
        let comm = &*a.comm;
        let (me, p) = (a.rank(), a.part.ranks());
        if !K::ASSOCIATIVE {
            // The left fold, rank after rank.
            let mut acc = [T::default()];
            let start = if me == 0 {
                acc[0] = local[0];
                1
            } else {
                checked::receive(comm, me as i32 - 1, TAG, &mut acc[..], what)?;
                0
            };
            let acc = local[start..].iter().fold(acc[0], |x, &y| f(x, y));
            let mut out = [acc];
            if me + 1 < p {
                checked::send(comm, me as i32 + 1, TAG, &out[..], what)?;
            }
            checked::broadcast(comm, p as i32 - 1, &mut out[..], what)?;
            return Ok(out[0]);
        }
        // The single-process grid of global elements.
        let row_len = a.row_len();
        let span = |r: usize| {
            let rows = a.part.range(r);
            rows.start * row_len..rows.end * row_len
        };
        let total = a.global.size();
        let mine = span(me);
        // The first block starting at or after `start`.
        let first_block = |start: usize| start.div_ceil(BLOCK);
        let my_blocks = first_block(mine.start)..first_block(mine.end);
        // The head of this rank's elements that finishes an earlier rank's block.
        let head_end = mine
            .end
            .min(first_block(mine.start) * BLOCK)
            .max(mine.start);
        let tail_block_end = if my_blocks.is_empty() {
            mine.end
        } else {
            ((my_blocks.end - 1 + 1) * BLOCK).min(total)
        };
        let tail_missing = tail_block_end.saturating_sub(mine.end);
        let mut tail: Vec<T> = super::recv_buffer(tail_missing);
        let head = &local[..head_end - mine.start];
        {
            let mut batch = Batch::new();
            let owner_of_head = (mine.start > 0 && !head.is_empty())
                .then(|| a.part.owner((mine.start / BLOCK * BLOCK) / row_len.max(1)));
            if let Some(q) = owner_of_head {
                batch.send(q, TAG, head, what)?;
            }
            // The rest of this rank's last block, from the ranks after it, in order.
            let mut rest = &mut tail[..];
            let mut r = me + 1;
            while !rest.is_empty() {
                let theirs = span(r);
                let n = (theirs.end.min(tail_block_end) - theirs.start).min(rest.len());
                let (piece, more) = rest.split_at_mut(n);
                batch.receive(r, TAG, piece, what)?;
                rest = more;
                r += 1;
            }
            checked::exchange(comm, batch, what, |_| ())?;
        }
        let mut partials: Vec<T> = Vec::with_capacity(my_blocks.len());
        for b in my_blocks.clone() {
            let (lo, hi) = (b * BLOCK, ((b + 1) * BLOCK).min(total));
            if hi <= mine.end {
                partials.push(fold_block_all(&local[lo - mine.start..hi - mine.start], &f));
            } else {
                let mut block = local[lo - mine.start..].to_vec();
                block.extend_from_slice(&tail);
                partials.push(fold_block_all(&block, &f));
            }
        }
        let counts: Vec<i32> = (0..p)
            .map(|r| {
                let s = span(r);
                (first_block(s.end) - first_block(s.start)) as i32
            })
            .collect();
        let displs: Vec<i32> = counts
            .iter()
            .scan(0, |acc, &c| {
                let d = *acc;
                *acc += c;
                Some(d)
            })
            .collect();
        let mut all: Vec<T> = super::recv_buffer(total.div_ceil(BLOCK));
        checked::all_gather_varcount(comm, &partials[..], &mut all[..], &counts, &displs, what)?;
        Ok(all[1..].iter().fold(all[0], |x, &y| f(x, y)))
    }

    /// Reduces along `axis` (collective): every rank gets the whole result, each element the
    /// left fold along the axis in NumPy's order (the serial single-process `reduce`'s bits,
    /// `associative` or not). Along axis 0 the running rows pass from rank to rank; along
    /// another axis every rank reduces its block (on the handle's target) and the results
    /// are gathered.
    pub fn reduce<D: RemoveAxis>(
        &self,
        a: &DistArray<T, D>,
        axis: Axis,
    ) -> Result<Array<T, D::Smaller>> {
        let f = |x: T, y: T| K::eval((x, y)).0;
        let what = format!("{}.dist.reduce", K::NAME);
        let what = what.as_str();
        let nd = a.global.ndim();
        if axis.index() >= nd {
            return Err(Error::new(
                ErrorKind::AxisOutOfBounds,
                format!(
                    "{}.dist.reduce: axis {} is out of bounds for an array of global shape {} ({nd} dimensions)",
                    K::NAME,
                    axis.index(),
                    shape_str(a.global_shape())
                ),
            ));
        }
        let comm = &*a.comm;
        let (me, p) = (a.rank(), a.part.ranks());
        if axis.index() != 0 {
            let local = if a.local.len_of(axis) == 0 {
                // The single-process call's identity or `Err`.
                Ufunc::<K>::new(self.handle.target()).reduce(&a.local, axis)?
            } else {
                let mut out = a.local.index_axis(axis, 0).to_owned();
                fold_axis(
                    a.local.view(),
                    axis,
                    out.view_mut(),
                    &f,
                    self.handle.target(),
                    Grouping::LeftFold,
                );
                out
            };
            let dist = DistArray {
                comm: a.comm.clone(),
                part: a.part.clone(),
                global: {
                    let mut g = local.raw_dim();
                    g[0] = a.part.rows();
                    g
                },
                local: local.as_standard_layout().into_owned(),
            };
            return dist.all_gather();
        }
        // Axis 0: the running rows, rank after rank.
        let mut acc = if me == 0 {
            let mut acc = a.local.index_axis(Axis(0), 0).to_owned();
            for k in 1..a.local.len_of(Axis(0)) {
                Zip::from(&mut acc)
                    .and(a.local.index_axis(Axis(0), k))
                    .for_each(|o, &x| *o = f(*o, x));
            }
            acc
        } else {
            let mut buf: Vec<T> = super::recv_buffer(a.row_len());
            checked::receive(comm, me as i32 - 1, TAG, &mut buf[..], what)?;
            let mut acc = Array::from_shape_vec(a.local.index_axis(Axis(0), 0).raw_dim(), buf)
                .expect("one row");
            for row in a.local.outer_iter() {
                Zip::from(&mut acc).and(row).for_each(|o, &x| *o = f(*o, x));
            }
            acc
        };
        let acc_slice = acc.as_slice_mut().expect("a fresh row is contiguous");
        if me + 1 < p {
            checked::send(comm, me as i32 + 1, TAG, &acc_slice[..], what)?;
        }
        checked::broadcast(comm, p as i32 - 1, acc_slice, what)?;
        Ok(acc)
    }
}
