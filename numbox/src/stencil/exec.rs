//! The passes: the interior without checks, the border through the boundary mode, serial or
//! split by outer-axis blocks across the caller's rayon pool.

use super::field::FieldSet;
use super::{Mode, StencilKernel};
use crate::error::{Error, ErrorKind, Result};
use crate::executor::Target;
use ndarray::{Array, ArrayViewMut, Dim, Dimension};
use std::ops::Range;

/// Points below which a parallel call stays serial.
const PARALLEL_GRAIN: usize = 1 << 15;

/// Where the output goes: the address of element `[0; N]`, shape and strides.
struct Sink<O, const N: usize> {
    ptr: *mut O,
    shape: [usize; N],
    strides: [isize; N],
}

impl<O, const N: usize> Clone for Sink<O, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O, const N: usize> Copy for Sink<O, N> {}
// SAFETY: blocks running on different threads write disjoint points through it (each owns
// a range of the outer axis), and the caller's `&mut` borrow of the output outlives them.
unsafe impl<O: Send, const N: usize> Send for Sink<O, N> {}
// SAFETY: as above.
unsafe impl<O: Send, const N: usize> Sync for Sink<O, N> {}

impl<O, const N: usize> Sink<O, N> {
    fn of(view: &mut ArrayViewMut<'_, O, Dim<[usize; N]>>) -> Self
    where
        Dim<[usize; N]>: Dimension,
    {
        let mut shape = [0; N];
        let mut strides = [0; N];
        shape.copy_from_slice(view.shape());
        strides.copy_from_slice(view.strides());
        Sink {
            ptr: view.as_mut_ptr(),
            shape,
            strides,
        }
    }

    #[inline(always)]
    fn offset(&self, idx: [usize; N]) -> isize {
        let mut o = 0;
        for a in 0..N {
            o += idx[a] as isize * self.strides[a];
        }
        o
    }

    /// # Safety
    /// `off` must be the offset of a point of the output owned by the calling block.
    #[inline(always)]
    unsafe fn write(&self, off: isize, v: O) {
        // SAFETY: the caller passes a point of the output that only it writes.
        unsafe { self.ptr.offset(off).write(v) }
    }
}

/// The common shape of the inputs, or an `Err` naming the first two that differ.
fn input_shape<K: StencilKernel<N>, const N: usize>(fields: &K::Fields) -> Result<[usize; N]> {
    let shapes = fields.__shapes();
    let first = shapes[0];
    for (k, s) in shapes.iter().enumerate().skip(1) {
        if *s != first {
            return Err(Error::new(
                ErrorKind::ShapeMismatch,
                format!(
                    "input `{}` has shape {:?} but input `{}` has shape {:?}; every Neighbors input must have the same shape",
                    K::INPUTS[0],
                    first,
                    K::INPUTS.get(k).copied().unwrap_or("?"),
                    s
                ),
            )
            .context(K::NAME));
        }
    }
    Ok(first)
}

/// `name::call`: a new array of the inputs' shape, every point written.
pub fn call<K: StencilKernel<N>, const N: usize>(
    target: Target,
    views: <K::Fields as FieldSet<N>>::Views<'_>,
    params: K::Params,
) -> Result<Array<K::Output, Dim<[usize; N]>>>
where
    Dim<[usize; N]>: Dimension,
{
    let fields = K::Fields::__of(&views);
    let shape = input_shape::<K, N>(&fields)?;
    let mut dim = Dim::<[usize; N]>::default();
    dim.slice_mut().copy_from_slice(&shape);
    let mut out = Array::<K::Output, _>::uninit(dim);
    super::alloc::advise_huge_pages(out.as_mut_ptr(), out.len());
    let sink = Sink::of(&mut out.view_mut());
    let sink = Sink {
        ptr: sink.ptr.cast::<K::Output>(),
        shape: sink.shape,
        strides: sink.strides,
    };
    run::<K, N>(target, &fields, params, sink);
    // SAFETY: `run` writes every point of the output (interior, border and cval points);
    // if it panics, `out` is dropped as `MaybeUninit` and never read.
    Ok(unsafe { out.assume_init() })
}

/// `name::call_into`: writes every point of `out`, which must have the inputs' shape.
pub fn call_into<K: StencilKernel<N>, const N: usize>(
    target: Target,
    views: <K::Fields as FieldSet<N>>::Views<'_>,
    params: K::Params,
    mut out: ArrayViewMut<'_, K::Output, Dim<[usize; N]>>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    let fields = K::Fields::__of(&views);
    let shape = input_shape::<K, N>(&fields)?;
    if out.shape() != shape {
        return Err(Error::new(
            ErrorKind::OutputShape,
            format!(
                "`out` has shape {:?} but the inputs have shape {:?}; give an output of the inputs' shape",
                out.shape(),
                shape
            ),
        )
        .context(K::NAME));
    }
    run::<K, N>(target, &fields, params, Sink::of(&mut out));
    Ok(())
}

fn run<K: StencilKernel<N>, const N: usize>(
    target: Target,
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
) {
    let shape = sink.shape;
    if shape.contains(&0) {
        return;
    }
    let total: usize = shape.iter().product();
    let n0 = shape[0];
    if target == Target::Parallel && n0 >= 2 && total >= PARALLEL_GRAIN {
        crate::threads::install(|| {
            use rayon::prelude::*;
            // Blocks of whole outer-axis rows, a few per thread so uneven borders balance;
            // each block first-touches the output pages it writes.
            let blocks = (rayon::current_num_threads() * 4).clamp(1, n0);
            let rows_per = n0.div_ceil(blocks);
            (0..n0.div_ceil(rows_per)).into_par_iter().for_each(|b| {
                let r = b * rows_per..((b + 1) * rows_per).min(n0);
                block::<K, N>(fields, params, sink, r);
            });
        });
    } else {
        block::<K, N>(fields, params, sink, 0..n0);
    }
}

/// The range of coordinates on one axis whose whole neighbourhood lies inside the array.
#[inline]
fn interior(n: usize, lo: isize, hi: isize) -> Range<usize> {
    let start = (-lo) as usize;
    let end = (n as isize - hi).max(0) as usize;
    start..end.max(start)
}

/// All points whose outer-axis coordinate lies in `rows` (for 1-D: the points in `rows`).
fn block<K: StencilKernel<N>, const N: usize>(
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
    rows: Range<usize>,
) {
    let shape = sink.shape;
    let last = N - 1;
    let mut patches = <K::Fields as FieldSet<N>>::Patches::default();
    let unit = fields.__unit_last() && (sink.strides[last] == 1 || shape[last] <= 1);
    if N == 1 {
        row::<K, N>(fields, params, sink, [0; N], rows, unit, &mut patches);
        return;
    }
    // Odometer over the axes before the last, the first restricted to `rows`.
    let mut idx = [0usize; N];
    idx[0] = rows.start;
    while idx[0] < rows.end {
        row::<K, N>(
            fields,
            params,
            sink,
            idx,
            0..shape[last],
            unit,
            &mut patches,
        );
        let mut a = last;
        loop {
            a -= 1;
            idx[a] += 1;
            if a == 0 || idx[a] < shape[a] {
                break;
            }
            idx[a] = 0;
        }
    }
}

/// Points `js` of the row at `idx` (its last coordinate is ignored).
#[inline]
fn row<K: StencilKernel<N>, const N: usize>(
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
    mut idx: [usize; N],
    js: Range<usize>,
    unit: bool,
    patches: &mut <K::Fields as FieldSet<N>>::Patches,
) {
    let (lo, hi) = bounds::<K, N>();
    let last = N - 1;
    idx[last] = 0;
    let mut outer_inside = true;
    for a in 0..last {
        outer_inside &= interior(sink.shape[a], lo[a], hi[a]).contains(&idx[a]);
    }
    let inner = interior(sink.shape[last], lo[last], hi[last]);
    let (a, b) = if outer_inside && !inner.is_empty() {
        let a = inner.start.clamp(js.start, js.end);
        (a, inner.end.clamp(a, js.end))
    } else {
        (js.end, js.end)
    };
    border::<K, N>(fields, params, sink, idx, js.start..a, patches);
    let rows = fields.__rows(idx);
    let orow = sink.offset(idx);
    // SAFETY: `outer_inside` and `a..b` within the interior of the last axis put the whole
    // box of every point of `a..b` inside the arrays; this block owns these output points.
    unsafe {
        if unit {
            interior_pass::<K, N, true>(fields, params, sink, rows, orow, a..b);
        } else {
            interior_pass::<K, N, false>(fields, params, sink, rows, orow, a..b);
        }
    }
    border::<K, N>(fields, params, sink, idx, b.max(a)..js.end, patches);
}

#[inline(always)]
fn bounds<K: StencilKernel<N>, const N: usize>() -> ([isize; N], [isize; N]) {
    let mut lo = [0; N];
    let mut hi = [0; N];
    for a in 0..N {
        lo[a] = K::NEIGHBORHOOD[a][0];
        hi[a] = K::NEIGHBORHOOD[a][1];
    }
    (lo, hi)
}

/// The interior of one row: no mode, no checks; with `UNIT` every input and the output
/// step by one element along the row, the loop LLVM vectorises.
///
/// # Safety
/// Every point of `js` must be an interior point of the row and owned by the caller.
#[inline(always)]
unsafe fn interior_pass<K: StencilKernel<N>, const N: usize, const UNIT: bool>(
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
    rows: <K::Fields as FieldSet<N>>::Rows,
    orow: isize,
    js: Range<usize>,
) {
    let (lo, hi) = bounds::<K, N>();
    let ostride = if UNIT { 1 } else { sink.strides[N - 1] };
    for j in js {
        // SAFETY: the caller guarantees the box around `j` is inside every input and that
        // the point is its own to write.
        unsafe {
            let nbrs = fields.__nbrs::<UNIT>(rows, j, lo, hi);
            sink.write(orow + j as isize * ostride, K::eval(nbrs, params));
        }
    }
}

/// Border points of one row: `cval` under `Mode::Skip`, else the kernel on a patch whose
/// out-of-range reads follow the mode.
fn border<K: StencilKernel<N>, const N: usize>(
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
    mut idx: [usize; N],
    js: Range<usize>,
    patches: &mut <K::Fields as FieldSet<N>>::Patches,
) {
    if js.is_empty() {
        return;
    }
    let (lo, hi) = bounds::<K, N>();
    let last = N - 1;
    match K::MODE {
        Mode::Skip => {
            let cval = K::cval().expect("a Mode::Skip kernel defines the cval of its border");
            for j in js {
                idx[last] = j;
                // SAFETY: a point of this block's rows.
                unsafe { sink.write(sink.offset(idx), cval) };
            }
        }
        mode => {
            let cvals = K::cvals();
            for j in js {
                idx[last] = j;
                let nbrs = fields.__gather(patches, idx, lo, hi, mode, cvals);
                let v = K::eval(nbrs, params);
                // SAFETY: a point of this block's rows.
                unsafe { sink.write(sink.offset(idx), v) };
            }
        }
    }
}
