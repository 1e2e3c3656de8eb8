//! Runs kernels over arrays: serial or split across the caller's rayon pool.
//!
//! A call is turned into a [`LoopNest`]: one iteration shape shared by every operand, with each
//! operand's strides broadcast to it. The plan walks memory in the output's order, drops
//! length-1 axes and merges axes that are contiguous for every operand, so a call on
//! same-layout contiguous arrays becomes one flat slice loop. The flat element range is
//! then cut into large contiguous blocks for the rayon pool (by [`for_blocks`]) (each thread first-touches the
//! output pages it writes), or run on the calling thread below [`PAR_GRAIN`] elements.

pub(crate) mod reduce;
pub mod tuple;

use crate::cpu::{cpu_tier, CpuTier};
use crate::driver::{for_blocks, Blocks};
use crate::small::Small;
use crate::target::Target;
use crate::ufunc::Kernel;
use std::marker::PhantomData;
use std::ops::Range;
use tuple::{InTuple, OutTuple, CHUNK};

/// Below this many elements a parallel call runs serially: splitting costs more than it saves.
pub const PAR_GRAIN: usize = 16 * 1024;

/// The most operands (inputs plus outputs) a kernel may have.
const MAX_OPS: usize = 16;

/// The iteration space of one call.
#[derive(Debug)]
pub(crate) struct LoopNest {
    /// Axis lengths, outermost first; never empty.
    dims: Small<usize, 6>,
    /// Strides in elements, axis-major: `strides[k * nops + op]` for axis `k` of operand `op`
    /// (inputs, then outputs).
    strides: Small<isize, 24>,
    /// Per operand: the element offset of the plan's first element from the operand's pointer.
    base: [isize; MAX_OPS],
    nops: usize,
    total: usize,
}

impl LoopNest {
    /// Builds the plan for `shape` over `nops` operands, `stride(op, axis)` giving each
    /// operand's stride already broadcast to `shape`. Operand `n_in` (the first output)
    /// decides the memory order.
    pub(crate) fn new(
        shape: &[usize],
        nops: usize,
        n_in: usize,
        stride: impl Fn(usize, usize) -> isize,
    ) -> LoopNest {
        assert!(
            nops <= MAX_OPS && nops > n_in,
            "a kernel has at most {MAX_OPS} operands"
        );
        let total = shape.iter().product();
        let mut base = [0isize; MAX_OPS];
        let mut axes: Small<usize, 6> = Small::new();
        for a in (0..shape.len()).filter(|&a| shape[a] != 1) {
            axes.push(a);
        }
        // Outermost first: by the first output's stride, largest first (stable for ties).
        axes.sort_by_key(|&a| std::cmp::Reverse(stride(n_in, a).unsigned_abs()));
        let mut dims: Small<usize, 6> = Small::new();
        let mut st: Small<isize, 24> = Small::new();
        for &a in axes.iter() {
            let len = shape[a];
            // Walk every axis in the direction the first output is laid out in memory.
            let flip = stride(n_in, a) < 0;
            let col = |op: usize| if flip { -stride(op, a) } else { stride(op, a) };
            if flip {
                for (op, b) in base.iter_mut().enumerate().take(nops) {
                    *b += (len as isize - 1) * stride(op, a);
                }
            }
            let last = dims.len().checked_sub(1);
            let mergeable = last
                .is_some_and(|k| (0..nops).all(|op| st[k * nops + op] == col(op) * len as isize));
            match last {
                Some(k) if mergeable => {
                    dims[k] *= len;
                    for op in 0..nops {
                        st[k * nops + op] = col(op);
                    }
                }
                _ => {
                    dims.push(len);
                    for op in 0..nops {
                        st.push(col(op));
                    }
                }
            }
        }
        if dims.is_empty() {
            dims.push(1);
            for _ in 0..nops {
                st.push(0);
            }
        }
        LoopNest {
            dims,
            strides: st,
            base,
            nops,
            total,
        }
    }

    /// The plan of `total` elements contiguous in the same order in every one of `nops`
    /// operands: one flat axis of stride 1.
    pub(crate) fn flat(total: usize, nops: usize) -> LoopNest {
        assert!(nops <= MAX_OPS, "a kernel has at most {MAX_OPS} operands");
        LoopNest {
            dims: Small::from_elem(total.max(1), 1),
            strides: Small::from_elem(1, nops),
            base: [0; MAX_OPS],
            nops,
            total,
        }
    }

    /// The stride of operand `op` along plan axis `k`.
    #[inline]
    fn stride(&self, op: usize, k: usize) -> isize {
        self.strides[k * self.nops + op]
    }

    /// The number of elements.
    #[cfg(test)]
    pub(crate) fn total(&self) -> usize {
        self.total
    }
}

/// Runs the per-element function `f` over the plan: inputs `I` read through `srcs`, outputs
/// `O` written through `dsts`, every output element exactly once.
///
/// # Safety
/// `srcs` and `dsts` point at views whose elements cover the plan (every offset the plan
/// reaches is inside them), borrowed for the duration of the call (inputs shared, outputs
/// unique), and no output overlaps an input or another output.
pub(crate) unsafe fn execute<I: InTuple, O: OutTuple, F: ElemFn<I, O>>(
    plan: &LoopNest,
    srcs: I::Srcs,
    dsts: O::Dsts,
    f: F,
    target: Target,
) {
    let total = plan.total;
    if total == 0 {
        return;
    }
    let f = &f;
    let target = if total >= PAR_GRAIN {
        target
    } else {
        Target::Serial
    };
    let grain = |threads: usize| {
        if threads <= 1 {
            return Blocks::Whole;
        }
        let block = (total.div_ceil(threads * 4))
            .max(PAR_GRAIN / 4)
            .next_multiple_of(CHUNK);
        Blocks::Len(block)
    };
    for_blocks(
        total,
        target,
        grain,
        #[inline(always)]
        |r: Range<usize>| {
            // SAFETY: forwarded from the caller; `for_blocks` hands out disjoint element ranges
            // inside `0..total`, so no output element is written by two threads.
            unsafe { run_range(plan, &srcs, &dsts, f, r.start, r.end) }
        },
    );
}

/// Runs the elements `start..end` of the plan's flat (row-major) order on this thread.
///
/// # Safety
/// As for [`execute`]; `end <= plan.total`.
#[inline(always)]
unsafe fn run_range<I: InTuple, O: OutTuple, F: ElemFn<I, O>>(
    plan: &LoopNest,
    srcs: &I::Srcs,
    dsts: &O::Dsts,
    f: &F,
    start: usize,
    end: usize,
) {
    let n_in = I::N;
    let nops = n_in + O::M;
    let mut inner = [0isize; MAX_OPS];
    for (op, s) in inner.iter_mut().enumerate().take(nops) {
        *s = plan.stride(op, plan.dims.len() - 1);
    }
    let (inner_in, inner_out) = (&inner[..n_in], &inner[n_in..nops]);
    if I::contiguous(srcs, inner_in) && O::contiguous(inner_out) {
        // Every operand is contiguous along the row: the kernel runs on the operands' own
        // memory, a whole row segment at a time.
        for_each_segment(
            plan,
            start,
            end,
            #[inline(always)]
            |offs, len| {
                // SAFETY: the segment is inside every operand (caller's guarantee) and all inner
                // strides are 1, so these are plain slices of the views.
                unsafe {
                    let ins = I::direct(srcs, &offs[..n_in], len);
                    let mut outs = O::direct(dsts, &offs[n_in..nops], len);
                    kernel_loop::<I, O, F>(&ins, &mut outs, f, len);
                }
            },
        );
    } else {
        let mut ibufs = I::bufs(srcs);
        let mut obufs = O::bufs();
        for_each_segment(
            plan,
            start,
            end,
            #[inline(always)]
            |offs, seg| {
                let mut offs: [isize; MAX_OPS] = *offs;
                let mut c = 0;
                while c < seg {
                    let len = CHUNK.min(seg - c);
                    let (o_in, o_out) = (&offs[..n_in], &offs[n_in..nops]);
                    // SAFETY: the chunk is inside every operand (caller's guarantee) and at most
                    // CHUNK long; the output slices are dropped before `flush`.
                    unsafe {
                        let ins = I::slices(srcs, &mut ibufs, o_in, inner_in, len);
                        let mut outs = O::slices(dsts, &mut obufs, o_out, inner_out, len);
                        kernel_loop::<I, O, F>(&ins, &mut outs, f, len);
                        drop(outs);
                        O::flush(dsts, &obufs, o_out, inner_out, len);
                    }
                    for op in 0..nops {
                        offs[op] += len as isize * inner[op];
                    }
                    c += len;
                }
            },
        );
    }
}

/// The kernel over one chunk: the slice loop LLVM vectorizes.
///
/// # Safety
/// Every slice of `ins` and `outs` has at least `len` elements.
#[inline(always)]
unsafe fn kernel_loop<I: InTuple, O: OutTuple, F: ElemFn<I, O>>(
    ins: &I::Slices<'_>,
    outs: &mut O::Slices<'_>,
    f: &F,
    len: usize,
) {
    let start = if F::LOCKSTEP {
        // SAFETY: forwarded (caller's guarantee).
        unsafe { lockstep_loop::<I, O, F>(ins, outs, f, len) }
    } else {
        0
    };
    for j in start..len {
        // SAFETY: `j < len`, the length of every slice (caller's guarantee).
        unsafe { O::set(outs, j, f.one(I::get(ins, j))) };
    }
}

/// A per-element function the executor runs: a closure, or a [`Kernel`] through
/// [`KernelFn`], whose lockstep version (if any) runs groups of elements.
pub(crate) trait ElemFn<I, O>: Sync {
    /// Whether [`ElemFn::group`] is a lockstep version worth running.
    const LOCKSTEP: bool = false;
    /// The lanes per group, or 0 for the CPU tier's choice.
    const LANES: usize = 0;
    /// The function on one element.
    fn one(&self, x: I) -> O;
    /// The function on `K` elements.
    #[inline(always)]
    fn group<const K: usize>(&self, x: [I; K]) -> [O; K] {
        x.map(|x| self.one(x))
    }
}

impl<I, O, F: Fn(I) -> O + Sync> ElemFn<I, O> for F {
    #[inline(always)]
    fn one(&self, x: I) -> O {
        self(x)
    }
}

/// Kernel `K` as an [`ElemFn`]: its scalar `eval` and its lockstep `eval_lanes`.
///
/// The executor must never get the function item `K::eval` as its `f`: every call would go
/// through that item's `Fn::call` shim, which only carries an inline *hint*, and with a body
/// as large as two `fastmath` math functions LLVM leaves it a call, compiled for the
/// baseline CPU, inside every tier's loop, so the loop does not vectorize. The methods
/// here are `#[inline(always)]` and call `K::eval` directly, so the kernel is always inlined.
pub(crate) struct KernelFn<K>(PhantomData<fn() -> K>);

impl<K> KernelFn<K> {
    pub(crate) const fn new() -> Self {
        KernelFn(PhantomData)
    }
}

impl<K: Kernel> ElemFn<K::Args, K::Out> for KernelFn<K> {
    const LOCKSTEP: bool = K::LOCKSTEP;
    const LANES: usize = K::LANES;
    #[inline(always)]
    fn one(&self, x: K::Args) -> K::Out {
        K::eval(x)
    }
    #[inline(always)]
    fn group<const N: usize>(&self, x: [K::Args; N]) -> [K::Out; N] {
        K::eval_lanes(x)
    }
}

/// Runs the full groups of a chunk through `F`'s lockstep version, `K` elements at a time
/// (`F::LANES`, or by CPU tier: 16 lanes where 512-bit vectors are, else 8); returns the
/// number of elements done (the tail is left to the scalar loop).
///
/// # Safety
/// As for [`kernel_loop`].
#[inline(always)]
unsafe fn lockstep_loop<I: InTuple, O: OutTuple, F: ElemFn<I, O>>(
    ins: &I::Slices<'_>,
    outs: &mut O::Slices<'_>,
    f: &F,
    len: usize,
) -> usize {
    // SAFETY: every arm forwards the caller's guarantee (every slice has `len` elements).
    unsafe {
        match F::LANES {
            2 => groups::<I, O, F, 2>(ins, outs, f, len),
            4 => groups::<I, O, F, 4>(ins, outs, f, len),
            8 => groups::<I, O, F, 8>(ins, outs, f, len),
            16 => groups::<I, O, F, 16>(ins, outs, f, len),
            32 => groups::<I, O, F, 32>(ins, outs, f, len),
            64 => groups::<I, O, F, 64>(ins, outs, f, len),
            _ if cpu_tier() == CpuTier::Avx512 => groups::<I, O, F, 16>(ins, outs, f, len),
            _ => groups::<I, O, F, 8>(ins, outs, f, len),
        }
    }
}

/// The groups of `K` elements of a chunk through `F::group`: returns how many elements it
/// did (a multiple of `K`, at most `len`).
///
/// # Safety
/// As for [`kernel_loop`].
#[inline(always)]
unsafe fn groups<I: InTuple, O: OutTuple, F: ElemFn<I, O>, const K: usize>(
    ins: &I::Slices<'_>,
    outs: &mut O::Slices<'_>,
    f: &F,
    len: usize,
) -> usize {
    let mut j = 0;
    while j + K <= len {
        // SAFETY: `j + k < j + K <= len`, the length of every slice (caller's guarantee).
        let args: [I; K] = std::array::from_fn(|k| unsafe { I::get(ins, j + k) });
        let res = f.group::<K>(args);
        for (k, r) in res.into_iter().enumerate() {
            // SAFETY: as above.
            unsafe { O::set(outs, j + k, r) };
        }
        j += K;
    }
    j
}

/// Calls `f(offsets, len)` for every row segment of the elements `start..end`, with each
/// operand's element offset of the segment's first element.
#[inline(always)]
fn for_each_segment(
    plan: &LoopNest,
    start: usize,
    end: usize,
    mut f: impl FnMut(&[isize; MAX_OPS], usize),
) {
    let nops = plan.nops;
    let nd = plan.dims.len();
    let row_len = plan.dims[nd - 1];
    let outer = &plan.dims[..nd - 1];
    // The multi-index of the current row over the outer axes.
    let mut idx: Small<usize, 6> = Small::from_elem(0, outer.len());
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
        for (op, o) in offs.iter_mut().enumerate().take(nops) {
            let mut x = plan.base[op] + col as isize * plan.stride(op, nd - 1);
            for (k, &i) in idx.iter().enumerate() {
                x += i as isize * plan.stride(op, k);
            }
            *o = x;
        }
        f(&offs, seg);
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

    fn plan(shape: &[usize], strides: &[&[isize]], n_in: usize) -> LoopNest {
        LoopNest::new(shape, strides.len(), n_in, |op, a| strides[op][a])
    }

    fn columns(p: &LoopNest) -> Vec<Vec<isize>> {
        (0..p.nops)
            .map(|op| (0..p.dims.len()).map(|k| p.stride(op, k)).collect())
            .collect()
    }

    #[test]
    fn merges_contiguous_axes() {
        // A C-order (2, 3, 4) output with a same-layout input: one flat axis of 24.
        let p = plan(&[2, 3, 4], &[&[12, 4, 1], &[12, 4, 1]], 1);
        assert_eq!(&*p.dims, &[24]);
        assert_eq!(columns(&p), vec![vec![1], vec![1]]);
    }

    #[test]
    fn keeps_broadcast_axes_apart() {
        // A (3,) row broadcast over a (2, 3) output.
        let p = plan(&[2, 3], &[&[0, 1], &[3, 1]], 1);
        assert_eq!(&*p.dims, &[2, 3]);
        assert_eq!(columns(&p), vec![vec![0, 1], vec![3, 1]]);
    }

    #[test]
    fn walks_in_output_memory_order() {
        // An F-order (3, 4) output: axis 1 becomes the outer axis; then both merge.
        let p = plan(&[3, 4], &[&[1, 3], &[1, 3]], 1);
        assert_eq!(&*p.dims, &[12]);
        // A C-order input with an F-order output cannot merge.
        let p = plan(&[3, 4], &[&[4, 1], &[1, 3]], 1);
        assert_eq!(&*p.dims, &[4, 3]);
        assert_eq!(columns(&p), vec![vec![1, 4], vec![3, 1]]);
    }

    #[test]
    fn flips_negative_output_strides() {
        let p = plan(&[5], &[&[1], &[-1]], 1);
        assert_eq!(columns(&p), vec![vec![-1], vec![1]]);
        assert_eq!(&p.base[..2], &[4, -4]);
    }

    #[test]
    fn zero_d_and_empty() {
        let p = plan(&[], &[&[], &[]], 1);
        assert_eq!((p.dims.to_vec(), p.total()), (vec![1], 1));
        let p = plan(&[3, 0], &[&[0, 1], &[0, 1]], 1);
        assert_eq!(p.total(), 0);
    }
}
