//! Runs kernels over arrays: serial or split across the caller's rayon pool.
//!
//! A call is turned into a [`Plan`]: one iteration shape shared by every operand, with each
//! operand's strides broadcast to it. The plan walks memory in the output's order, drops
//! length-1 axes and merges axes that are contiguous for every operand, so a call on
//! same-layout contiguous arrays becomes one flat slice loop. The flat element range is
//! then cut into large contiguous blocks for the rayon pool (each thread first-touches the
//! output pages it writes), or run on the calling thread below [`PAR_GRAIN`] elements.

pub(crate) mod reduce;
pub mod tuple;

use crate::ufunc::Kernel;
use rayon::prelude::*;
use tuple::{InTuple, OutTuple, CHUNK};

/// Where a kernel call runs.
///
/// Every companion type has `serial()` and `parallel()` handles that pick one explicitly; the
/// attribute's `target = "cpu" | "parallel"` picks the default used by `name::call`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Target {
    /// On the calling thread.
    #[default]
    Serial,
    /// Split into large contiguous blocks across the caller's rayon pool; inputs smaller than
    /// a grain stay serial. Elementwise results are bitwise identical to `Serial`.
    Parallel,
}

/// Below this many elements a parallel call runs serially: splitting costs more than it saves.
pub const PAR_GRAIN: usize = 16 * 1024;

/// The most operands (inputs plus outputs) a kernel may have.
const MAX_OPS: usize = 16;

/// The iteration space of one call.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Axis lengths, outermost first; never empty.
    dims: Vec<usize>,
    /// Per operand (inputs, then outputs): strides in elements, one per axis of `dims`.
    strides: Vec<Vec<isize>>,
    /// Per operand: the element offset of the plan's first element from the operand's pointer.
    base: Vec<isize>,
    total: usize,
}

impl Plan {
    /// Builds the plan for `shape`, given every operand's strides already broadcast to it.
    /// The first output (the last entry at index `n_in`) decides the memory order.
    pub(crate) fn new(shape: &[usize], strides: Vec<Vec<isize>>, n_in: usize) -> Plan {
        debug_assert!(strides.len() <= MAX_OPS && strides.len() > n_in);
        let nops = strides.len();
        let total = shape.iter().product();
        let mut base = vec![0isize; nops];
        let mut axes: Vec<usize> = (0..shape.len()).filter(|&a| shape[a] != 1).collect();
        // Outermost first: by the first output's stride, largest first (stable for ties).
        axes.sort_by_key(|&a| std::cmp::Reverse(strides[n_in][a].unsigned_abs()));
        let mut dims: Vec<usize> = Vec::with_capacity(axes.len());
        let mut st: Vec<Vec<isize>> = vec![Vec::with_capacity(axes.len()); nops];
        for &a in &axes {
            let len = shape[a];
            // Walk every axis in the direction the first output is laid out in memory.
            let flip = strides[n_in][a] < 0;
            let s: Vec<isize> = (0..nops)
                .map(|op| {
                    let s = strides[op][a];
                    if flip {
                        base[op] += (len as isize - 1) * s;
                        -s
                    } else {
                        s
                    }
                })
                .collect();
            let mergeable = dims.last().is_some()
                && (0..nops).all(|op| *st[op].last().unwrap() == s[op] * len as isize);
            if mergeable {
                *dims.last_mut().unwrap() *= len;
                for op in 0..nops {
                    *st[op].last_mut().unwrap() = s[op];
                }
            } else {
                dims.push(len);
                for op in 0..nops {
                    st[op].push(s[op]);
                }
            }
        }
        if dims.is_empty() {
            dims.push(1);
            st.iter_mut().for_each(|s| s.push(0));
        }
        Plan {
            dims,
            strides: st,
            base,
            total,
        }
    }

    /// The number of elements.
    #[cfg(test)]
    pub(crate) fn total(&self) -> usize {
        self.total
    }
}

/// Runs kernel `K` over the plan, writing every output element exactly once.
///
/// # Safety
/// `srcs` and `dsts` point at views whose elements cover the plan (every offset the plan
/// reaches is inside them), borrowed for the duration of the call (inputs shared, outputs
/// unique), and no output overlaps an input or another output.
pub(crate) unsafe fn execute<K: Kernel>(
    plan: &Plan,
    srcs: <K::Args as InTuple>::Srcs,
    dsts: <K::Out as OutTuple>::Dsts,
    target: Target,
) {
    let total = plan.total;
    if total == 0 {
        return;
    }
    if target == Target::Parallel && total >= PAR_GRAIN {
        crate::threads::install(|| {
            let threads = rayon::current_num_threads();
            if threads <= 1 {
                // SAFETY: forwarded from the caller.
                return unsafe { run_range::<K>(plan, &srcs, &dsts, 0, total) };
            }
            let block = (total.div_ceil(threads * 4))
                .max(PAR_GRAIN / 4)
                .next_multiple_of(CHUNK);
            let nblocks = total.div_ceil(block);
            (0..nblocks).into_par_iter().for_each(|b| {
                let (start, end) = (b * block, ((b + 1) * block).min(total));
                // SAFETY: forwarded from the caller; blocks are disjoint element ranges, so
                // no output element is written by two threads.
                unsafe { run_range::<K>(plan, &srcs, &dsts, start, end) }
            });
        })
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { run_range::<K>(plan, &srcs, &dsts, 0, total) }
    }
}

/// Runs the elements `start..end` of the plan's flat (row-major) order on this thread.
///
/// # Safety
/// As for [`execute`]; `end <= plan.total`.
unsafe fn run_range<K: Kernel>(
    plan: &Plan,
    srcs: &<K::Args as InTuple>::Srcs,
    dsts: &<K::Out as OutTuple>::Dsts,
    start: usize,
    end: usize,
) {
    let n_in = <K::Args as InTuple>::N;
    let nops = n_in + <K::Out as OutTuple>::M;
    let nd = plan.dims.len();
    let row_len = plan.dims[nd - 1];
    let outer = &plan.dims[..nd - 1];
    let mut inner = [0isize; MAX_OPS];
    for (op, s) in plan.strides.iter().enumerate() {
        inner[op] = s[nd - 1];
    }
    let contiguous = <K::Args as InTuple>::contiguous(srcs, &inner[..n_in])
        && <K::Out as OutTuple>::contiguous(&inner[n_in..nops]);
    let mut ibufs = <K::Args as InTuple>::bufs(srcs);
    let mut obufs = <K::Out as OutTuple>::bufs();

    // The multi-index of the current row over the outer axes.
    let mut idx = vec![0usize; outer.len()];
    let mut row = start / row_len;
    for k in (0..outer.len()).rev() {
        idx[k] = row % outer[k];
        row /= outer[k];
    }
    let mut col = start % row_len;
    let mut pos = start;
    let mut offs = [0isize; MAX_OPS];
    while pos < end {
        let seg = (row_len - col).min(end - pos);
        for op in 0..nops {
            let st = &plan.strides[op];
            let mut o = plan.base[op] + col as isize * inner[op];
            for k in 0..outer.len() {
                o += idx[k] as isize * st[k];
            }
            offs[op] = o;
        }
        let mut c = 0;
        while c < seg {
            let len = if contiguous {
                seg - c
            } else {
                CHUNK.min(seg - c)
            };
            // SAFETY: the offsets walk `len` elements of the current row, which the plan
            // keeps inside every operand (caller's guarantee); buffered chunks are at most
            // CHUNK long; output slices are dropped before `flush`.
            unsafe {
                let ins = <K::Args as InTuple>::slices(
                    srcs,
                    &mut ibufs,
                    &offs[..n_in],
                    &inner[..n_in],
                    len,
                );
                let mut outs = <K::Out as OutTuple>::slices(
                    dsts,
                    &mut obufs,
                    &offs[n_in..nops],
                    &inner[n_in..nops],
                    len,
                );
                for j in 0..len {
                    <K::Out as OutTuple>::set(
                        &mut outs,
                        j,
                        K::eval(<K::Args as InTuple>::get(&ins, j)),
                    );
                }
                drop(outs);
                <K::Out as OutTuple>::flush(
                    dsts,
                    &obufs,
                    &offs[n_in..nops],
                    &inner[n_in..nops],
                    len,
                );
            }
            for op in 0..nops {
                offs[op] += len as isize * inner[op];
            }
            c += len;
        }
        pos += seg;
        col = 0;
        // Next row: advance the odometer.
        for k in (0..outer.len()).rev() {
            idx[k] += 1;
            if idx[k] < outer[k] {
                break;
            }
            idx[k] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_contiguous_axes() {
        // A C-order (2, 3, 4) output with a same-layout input: one flat axis of 24.
        let s = vec![vec![12, 4, 1], vec![12, 4, 1]];
        let p = Plan::new(&[2, 3, 4], s, 1);
        assert_eq!(p.dims, vec![24]);
        assert_eq!(p.strides, vec![vec![1], vec![1]]);
    }

    #[test]
    fn keeps_broadcast_axes_apart() {
        // A (3,) row broadcast over a (2, 3) output.
        let s = vec![vec![0, 1], vec![3, 1]];
        let p = Plan::new(&[2, 3], s, 1);
        assert_eq!(p.dims, vec![2, 3]);
        assert_eq!(p.strides, vec![vec![0, 1], vec![3, 1]]);
    }

    #[test]
    fn walks_in_output_memory_order() {
        // An F-order (3, 4) output: axis 1 becomes the outer axis; then both merge.
        let s = vec![vec![1, 3], vec![1, 3]];
        let p = Plan::new(&[3, 4], s, 1);
        assert_eq!(p.dims, vec![12]);
        // A C-order input with an F-order output cannot merge.
        let s = vec![vec![4, 1], vec![1, 3]];
        let p = Plan::new(&[3, 4], s, 1);
        assert_eq!(p.dims, vec![4, 3]);
        assert_eq!(p.strides, vec![vec![1, 4], vec![3, 1]]);
    }

    #[test]
    fn flips_negative_output_strides() {
        let s = vec![vec![1], vec![-1]];
        let p = Plan::new(&[5], s, 1);
        assert_eq!(p.strides, vec![vec![-1], vec![1]]);
        assert_eq!(p.base, vec![4, -4]);
    }

    #[test]
    fn zero_d_and_empty() {
        let p = Plan::new(&[], vec![vec![], vec![]], 1);
        assert_eq!((p.dims.clone(), p.total()), (vec![1], 1));
        let p = Plan::new(&[3, 0], vec![vec![0, 1], vec![0, 1]], 1);
        assert_eq!(p.total(), 0);
    }
}
