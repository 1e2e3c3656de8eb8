//! Halo rows: which global rows each rank needs around its block for a neighbourhood that
//! reaches `up` rows above and `down` rows below, and their exchange.
//!
//! Every rank computes every rank's needs from the partition alone, so each knows what to
//! send to whom and what to receive from whom without a handshake; the rows travel in
//! non-blocking point-to-point messages (one per pair of ranks that share rows), posted
//! together with the other arguments' in one checked exchange, so that the caller can compute
//! what needs no halo while they travel. A rank
//! whose block is thinner than the halo receives rows from ranks farther away, and the
//! global edges are resolved by the border mode (`wrap` needs rows of the last rank on the
//! first, `reflect` and `mirror` rows of the rank itself or its neighbours).

use super::checked::Batch;
use super::{DistArray, DistElement, Partition};
use crate::error::Result;
use crate::stencil::Mode;
use ndarray::Dimension;

/// The tag of halo messages (messages between two ranks on one communicator arrive in the
/// order they were sent, so one tag serves every exchange).
const TAG: i32 = 0x6e62;

/// The global rows rank `q` reads above and below its block, in order: `up` rows above and
/// `down` below, resolved by `mode` past the global edges, where `skip` and `constant` read
/// nothing (the kernel's own call then sees the global edge as its edge).
pub(crate) fn needs(
    part: &Partition,
    q: usize,
    up: usize,
    down: usize,
    mode: Mode,
) -> (Vec<usize>, Vec<usize>) {
    let n = part.rows();
    let r = part.range(q);
    let resolve = |i: isize| -> Option<usize> {
        match mode {
            Mode::Skip | Mode::Constant => (0..n as isize).contains(&i).then_some(i as usize),
            m => m.resolve(i, n),
        }
    };
    let above = (r.start as isize - up as isize..r.start as isize)
        .filter_map(resolve)
        .collect();
    let below = (r.end as isize..(r.end + down) as isize)
        .filter_map(resolve)
        .collect();
    (above, below)
}

/// One argument's halo on this rank, between planning and arrival: the rows this rank sends
/// (packed per destination), buffers for the rows it receives (per source), and the global
/// rows it reads above and below its block.
pub(crate) struct Halo<T> {
    above: Vec<usize>,
    below: Vec<usize>,
    sends: Vec<(usize, Vec<T>)>,
    recvs: Vec<(usize, Vec<T>)>,
}

/// The halo of `a` for `up` rows above and `down` below under `mode` (every rank of `a`'s
/// communicator plans with the same reach and mode, and [`Halo::post`]s its messages).
pub(crate) fn plan<T: DistElement, D: Dimension>(
    a: &DistArray<T, D>,
    up: usize,
    down: usize,
    mode: Mode,
) -> Halo<T> {
    let part = &a.part;
    let me = a.rank();
    let row_len = a.row_len();
    let local = a.local.as_slice().expect("blocks are in standard layout");
    let start = part.range(me).start;
    let row = |g: usize| &local[(g - start) * row_len..(g - start + 1) * row_len];

    // What every other rank needs from this one.
    let mut sends: Vec<(usize, Vec<T>)> = Vec::new();
    for q in (0..part.ranks()).filter(|&q| q != me) {
        let (above, below) = needs(part, q, up, down, mode);
        let rows: Vec<usize> = above
            .into_iter()
            .chain(below)
            .filter(|&g| part.owner(g) == me)
            .collect();
        if !rows.is_empty() {
            let mut buf = Vec::with_capacity(rows.len() * row_len);
            for g in rows {
                buf.extend_from_slice(row(g));
            }
            sends.push((q, buf));
        }
    }
    // What this rank needs, by owner.
    let (above, below) = needs(part, me, up, down, mode);
    let mut counts = vec![0usize; part.ranks()];
    for &g in above.iter().chain(&below) {
        counts[part.owner(g)] += 1;
    }
    let recvs = counts
        .iter()
        .enumerate()
        .filter(|&(src, &c)| src != me && c > 0)
        .map(|(src, &c)| (src, super::recv_buffer(c * row_len)))
        .collect();
    Halo {
        above,
        below,
        sends,
        recvs,
    }
}

impl<T: DistElement> Halo<T> {
    /// Adds this halo's sends and receives to `batch` (one message per pair of ranks that
    /// share rows).
    pub(crate) fn post<'b>(&'b mut self, batch: &mut Batch<'b>, what: &str) -> Result<()> {
        for (q, buf) in &self.sends {
            batch.send(*q, TAG, &buf[..], what)?;
        }
        for (src, buf) in &mut self.recvs {
            batch.receive(*src, TAG, &mut buf[..], what)?;
        }
        Ok(())
    }

    /// The rows above and below `a`'s block, as flat C-order rows, once the batch the halo
    /// was posted in has been exchanged: this rank's own from its block, the others' in the
    /// order their owner sent them.
    pub(crate) fn rows<D: Dimension>(&self, a: &DistArray<T, D>) -> (Vec<T>, Vec<T>) {
        let part = &a.part;
        let me = a.rank();
        let row_len = a.row_len();
        let local = a.local.as_slice().expect("blocks are in standard layout");
        let start = part.range(me).start;
        let mut cursor = vec![0usize; part.ranks()];
        let mut take = |g: usize| -> &[T] {
            let src = part.owner(g);
            if src == me {
                return &local[(g - start) * row_len..(g - start + 1) * row_len];
            }
            let k = cursor[src];
            cursor[src] += 1;
            let buf = &self
                .recvs
                .iter()
                .find(|(s, _)| *s == src)
                .expect("a buffer per sending rank")
                .1;
            &buf[k * row_len..(k + 1) * row_len]
        };
        let mut flat_above = Vec::with_capacity(self.above.len() * row_len);
        for &g in &self.above {
            flat_above.extend_from_slice(take(g));
        }
        let mut flat_below = Vec::with_capacity(self.below.len() * row_len);
        for &g in &self.below {
            flat_below.extend_from_slice(take(g));
        }
        (flat_above, flat_below)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_resolve_at_the_global_edges_only() {
        let part = Partition::new(7, 3).unwrap(); // 0..3, 3..5, 5..7
        assert_eq!(needs(&part, 1, 2, 1, Mode::Skip), (vec![1, 2], vec![5]));
        assert_eq!(needs(&part, 0, 2, 1, Mode::Constant), (vec![], vec![3]));
        assert_eq!(needs(&part, 0, 2, 1, Mode::Wrap), (vec![5, 6], vec![3]));
        assert_eq!(needs(&part, 2, 1, 3, Mode::Wrap), (vec![4], vec![0, 1, 2]));
        assert_eq!(needs(&part, 2, 1, 2, Mode::Reflect), (vec![4], vec![6, 5]));
        assert_eq!(needs(&part, 2, 1, 2, Mode::Mirror), (vec![4], vec![5, 4]));
        assert_eq!(needs(&part, 0, 2, 0, Mode::Nearest), (vec![0, 0], vec![]));
    }
}
