//! The passes: the interior without checks, the border through the boundary mode, serial or
//! split by outer-axis blocks across the caller's rayon pool.

use super::field::FieldSet;
use super::{Mode, StencilKernel};
use crate::driver::{for_blocks, Blocks};
use crate::error::{Error, ErrorKind, Result};
use crate::out::OutArg;
use crate::ptr::{WritePtr, Writes};
use crate::target::Target;
use ndarray::{Array, ArrayViewMut, Dim, Dimension};
use std::ops::Range;

/// Points below which a parallel call stays serial.
const PARALLEL_GRAIN: usize = 1 << 15;
/// Points per parallel block (whole outer-axis rows; at least one row).
const PARALLEL_BLOCK: usize = 1 << 18;

/// Where the output goes: the address of element `[0; N]`, shape and strides.
struct Sink<O, const N: usize> {
    ptr: WritePtr<O>,
    shape: [usize; N],
    strides: [isize; N],
}

impl<O, const N: usize> Clone for Sink<O, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O, const N: usize> Copy for Sink<O, N> {}

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
            ptr: Writes::new(view.as_mut_ptr()),
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
        unsafe { self.ptr.ptr().offset(off).write(v) }
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
                    K::INPUTS.first().copied().unwrap_or("?"),
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

/// Checks what the runtime relies on in a kernel's constants, so that a hand-written
/// [`StencilKernel`] (the trait is safe to implement) can never make it read out of bounds:
/// every axis's neighbourhood contains offset 0 (the interior pass and the border patches
/// are laid out around the output point), its box has a size that fits in `isize`, and the
/// mode's values exist.
fn check_kernel<K: StencilKernel<N>, const N: usize>() -> Result<()> {
    let bad = |why: String| {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("the kernel's neighbourhood {:?} {why}", K::NEIGHBORHOOD),
        )
        .context(K::NAME))
    };
    let mut points = 1isize;
    for (a, &[lo, hi]) in K::NEIGHBORHOOD.iter().enumerate() {
        if !(lo <= 0 && 0 <= hi) {
            return bad(format!(
                "does not contain offset 0 on axis {a} ([{lo}, {hi}]): every axis's range must satisfy lo <= 0 <= hi"
            ));
        }
        match hi
            .checked_sub(lo)
            .and_then(|w| w.checked_add(1))
            .and_then(|w| points.checked_mul(w))
        {
            Some(p) => points = p,
            None => return bad("has more points than fit in an isize".to_string()),
        }
    }
    let missing = match K::MODE {
        Mode::Skip if K::cval().is_none() => Some("`cval()` is `None` under `Mode::Skip`"),
        Mode::Constant if K::cvals().is_none() => {
            Some("`cvals()` is `None` under `Mode::Constant`")
        }
        _ => None,
    };
    match missing {
        Some(what) => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: the border points have no value"),
        )
        .context(K::NAME)),
        None => Ok(()),
    }
}

/// `name::call`: a new array of the inputs' shape, every point written.
pub(crate) fn call<K: StencilKernel<N>, const N: usize>(
    target: Target,
    views: <K::Fields as FieldSet<N>>::Views<'_>,
    params: K::Params,
) -> Result<Array<K::Output, Dim<[usize; N]>>>
where
    Dim<[usize; N]>: Dimension,
{
    check_kernel::<K, N>()?;
    let fields = K::Fields::__of(&views);
    let shape = input_shape::<K, N>(&fields)?;
    let mut dim = Dim::<[usize; N]>::default();
    dim.slice_mut().copy_from_slice(&shape);
    let mut out = Array::<K::Output, _>::uninit(dim);
    crate::alloc::advise_huge_pages(&mut out);
    let sink = Sink::of(&mut out.view_mut());
    let sink = Sink {
        ptr: Writes::new(sink.ptr.ptr().cast::<K::Output>()),
        shape: sink.shape,
        strides: sink.strides,
    };
    run::<K, N>(target, &fields, params, sink);
    // SAFETY: `run` writes every point of the output (interior, border and cval points);
    // if it panics, `out` is dropped as `MaybeUninit` and never read.
    Ok(unsafe { out.assume_init() })
}

/// `name::call_into`: writes every point of `out`, which must have the inputs' shape.
pub(crate) fn call_into<K: StencilKernel<N>, const N: usize>(
    target: Target,
    views: <K::Fields as FieldSet<N>>::Views<'_>,
    params: K::Params,
    mut out: impl OutArg<K::Output, Dim = Dim<[usize; N]>>,
) -> Result<()>
where
    Dim<[usize; N]>: Dimension,
{
    check_kernel::<K, N>()?;
    let mut out = out.__view_mut();
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
    let target = if n0 >= 2 && total >= PARALLEL_GRAIN {
        target
    } else {
        Target::Serial
    };
    // Blocks of whole outer-axis rows of about BLOCK points, and at least a few per thread,
    // so that busy cores and uneven borders balance; each block first-touches the output
    // pages it writes.
    let grain = |threads: usize| {
        let per_row = total / n0;
        let by_size = PARALLEL_BLOCK.div_ceil(per_row);
        let by_threads = n0.div_ceil(threads * 4);
        Blocks::Len(by_size.min(by_threads).max(1))
    };
    for_blocks(
        n0,
        target,
        grain,
        #[inline(always)]
        |rows| block::<K, N>(fields, params, sink, rows),
    );
}

/// The range of coordinates on one axis whose whole neighbourhood lies inside the array.
#[inline]
fn interior(n: usize, lo: isize, hi: isize) -> Range<usize> {
    let start = (-lo) as usize;
    let end = (n as isize - hi).max(0) as usize;
    start..end.max(start)
}

/// All points whose outer-axis coordinate lies in `rows` (for 1-D: the points in `rows`).
///
/// Contiguous rows run whole. Otherwise (transposed or stepped inputs, a strided output) the
/// last two axes go in tiles of `TILE x TILE` points, so that the cache lines a strided
/// access brings in are reused by the neighbouring rows of the tile before they are evicted.
#[inline(always)]
fn block<K: StencilKernel<N>, const N: usize>(
    fields: &K::Fields,
    params: K::Params,
    sink: Sink<K::Output, N>,
    rows: Range<usize>,
) {
    const TILE: usize = 64;
    let shape = sink.shape;
    let last = N - 1;
    let mut patches = <K::Fields as FieldSet<N>>::Patches::default();
    let unit = fields.__unit_last() && (sink.strides[last] == 1 || shape[last] <= 1);
    if N == 1 {
        row::<K, N>(fields, params, sink, [0; N], rows, unit, &mut patches);
        return;
    }
    let plane = N - 2;
    let (tile_i, tile_j) = if unit { (1, shape[last]) } else { (TILE, TILE) };
    // Odometer over the axes before the plane axis, the first restricted to `rows`.
    let mut idx = [0usize; N];
    idx[0] = rows.start;
    loop {
        let prange = if plane == 0 {
            rows.clone()
        } else {
            0..shape[plane]
        };
        for i0 in prange.clone().step_by(tile_i) {
            for j0 in (0..shape[last]).step_by(tile_j) {
                for i in i0..(i0 + tile_i).min(prange.end) {
                    idx[plane] = i;
                    let js = j0..(j0 + tile_j).min(shape[last]);
                    row::<K, N>(fields, params, sink, idx, js, unit, &mut patches);
                }
            }
        }
        if plane == 0 {
            return;
        }
        let mut a = plane;
        loop {
            a -= 1;
            idx[a] += 1;
            if a == 0 || idx[a] < shape[a] {
                break;
            }
            idx[a] = 0;
        }
        if idx[0] >= rows.end {
            return;
        }
    }
}

/// Points `js` of the row at `idx` (its last coordinate is ignored).
#[inline(always)]
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
#[inline(always)]
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
                // SAFETY: the inputs are borrowed for the whole call; `idx` is a point of them.
                let nbrs = unsafe { fields.__gather(patches, idx, lo, hi, mode, cvals) };
                let v = K::eval(nbrs, params);
                // SAFETY: a point of this block's rows.
                unsafe { sink.write(sink.offset(idx), v) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ArgValues, Field, FieldSet, Input, Mode, Param, SplitArgs, StencilKernel};
    use super::{call, call_into};
    use crate::target::Target;
    use ndarray::{array, s, Array1, Array2, ShapeBuilder};

    /// A hand-written kernel as `#[stencil]` would emit it: reads [-1, 1] x [-1, 2].
    macro_rules! kernel2 {
        ($name:ident, $mode:ident) => {
            struct $name;
            impl StencilKernel<2> for $name {
                const NAME: &'static str = stringify!($name);
                const INPUTS: &'static [&'static str] = &["u", "v"];
                const NEIGHBORHOOD: [[isize; 2]; 2] = [[-1, 1], [-1, 2]];
                const MODE: Mode = Mode::$mode;
                type Fields = (Field<f64, 2>, Field<i32, 2>);
                type Params = (f64,);
                type Args = (Input<f64>, Param<f64>, Input<i32>);
                type Output = f64;
                fn split((u, w, v): ArgValues<'_, Self, 2>) -> SplitArgs<'_, Self, 2> {
                    ((u, v), (w,))
                }
                fn eval((u, v): <Self::Fields as FieldSet<2>>::Nbrs<'_>, (w,): (f64,)) -> f64 {
                    u.__nb_at([-1, 0]) + 2.0 * u[[1, 2]] - 5.0 * u[[0, -1]]
                        + w * f64::from(v[[1, 1]])
                }
                fn cval() -> Option<f64> {
                    Some(-9.0)
                }
                fn cvals() -> Option<(f64, i32)> {
                    Some((0.5, 3))
                }
            }
        };
    }
    kernel2!(Skip2, Skip);
    kernel2!(Constant2, Constant);
    kernel2!(Reflect2, Reflect);
    kernel2!(Mirror2, Mirror);
    kernel2!(Wrap2, Wrap);
    kernel2!(Nearest2, Nearest);

    fn naive<K: StencilKernel<2>>(u: &Array2<f64>, v: &Array2<i32>, w: f64) -> Array2<f64> {
        let (n0, n1) = u.dim();
        Array2::from_shape_fn((n0, n1), |(i, j)| {
            let (i, j) = (i as isize, j as isize);
            if K::MODE == Mode::Skip
                && !(i >= 1 && i + 1 < n0 as isize && j >= 1 && j + 2 < n1 as isize)
            {
                return -9.0;
            }
            let at =
                |di: isize, dj: isize| (K::MODE.resolve(i + di, n0), K::MODE.resolve(j + dj, n1));
            let ru = |di, dj| match at(di, dj) {
                (Some(a), Some(b)) => u[[a, b]],
                _ => 0.5,
            };
            let rv = |di, dj| match at(di, dj) {
                (Some(a), Some(b)) => v[[a, b]],
                _ => 3,
            };
            ru(-1, 0) + 2.0 * ru(1, 2) - 5.0 * ru(0, -1) + w * f64::from(rv(1, 1))
        })
    }

    fn check<
        K: StencilKernel<2, Fields = (Field<f64, 2>, Field<i32, 2>), Params = (f64,), Output = f64>,
    >() {
        let sizes: &[(usize, usize)] = if cfg!(miri) {
            &[(1, 1), (2, 3), (4, 5)]
        } else {
            &[(1, 1), (2, 3), (4, 5), (9, 13)]
        };
        for &(n0, n1) in sizes {
            let u = Array2::from_shape_fn((n0, n1), |(i, j)| (i * 10 + j) as f64);
            let v = Array2::from_shape_fn((n0, n1), |(i, j)| (i + 3 * j) as i32);
            let want = naive::<K>(&u, &v, 0.5);
            let got = call::<K, 2>(Target::Serial, (u.view(), v.view()), (0.5,)).unwrap();
            assert_eq!(got, want, "{} {n0}x{n1}", K::NAME);
            // Fortran-order and reversed inputs, a transposed output.
            let uf = {
                let mut f = Array2::zeros((n0, n1).f());
                f.assign(&u);
                f
            };
            let mut vr = Array2::zeros((n0, n1));
            vr.slice_mut(s![..;-1, ..;-1]).assign(&v);
            let mut out = Array2::zeros((n1, n0));
            call_into::<K, 2>(
                Target::Serial,
                (uf.view(), vr.slice(s![..;-1, ..;-1])),
                (0.5,),
                out.view_mut().reversed_axes(),
            )
            .unwrap();
            assert_eq!(out.t(), want, "{} strided {n0}x{n1}", K::NAME);
        }
    }

    #[test]
    fn every_mode_against_the_naive_loop() {
        check::<Skip2>();
        check::<Constant2>();
        check::<Reflect2>();
        check::<Mirror2>();
        check::<Wrap2>();
        check::<Nearest2>();
    }

    #[test]
    fn shape_errors_name_the_operands() {
        let u = Array2::<f64>::zeros((2, 3));
        let v = Array2::<i32>::zeros((3, 2));
        let e = call::<Skip2, 2>(Target::Serial, (u.view(), v.view()), (0.0,)).unwrap_err();
        assert_eq!(e.to_string(), "Skip2: input `u` has shape [2, 3] but input `v` has shape [3, 2]; every Neighbors input must have the same shape");
        let v = Array2::<i32>::zeros((2, 3));
        let mut out = Array2::zeros((2, 2));
        let e = call_into::<Skip2, 2>(Target::Serial, (u.view(), v.view()), (0.0,), out.view_mut())
            .unwrap_err();
        assert!(e
            .to_string()
            .contains("`out` has shape [2, 2] but the inputs have shape [2, 3]"));
        let empty = Array2::<f64>::zeros((0, 3));
        let ev = Array2::<i32>::zeros((0, 3));
        assert_eq!(
            call::<Skip2, 2>(Target::Serial, (empty.view(), ev.view()), (0.0,))
                .unwrap()
                .dim(),
            (0, 3)
        );
    }

    struct Trail;
    impl StencilKernel<1> for Trail {
        const NAME: &'static str = "trail";
        const INPUTS: &'static [&'static str] = &["a"];
        const NEIGHBORHOOD: [[isize; 2]; 1] = [[-2, 0]];
        const MODE: Mode = Mode::Wrap;
        type Fields = (Field<u8, 1>,);
        type Params = ();
        type Args = (Input<u8>,);
        type Output = u32;
        fn split((a,): ArgValues<'_, Self, 1>) -> SplitArgs<'_, Self, 1> {
            ((a,), ())
        }
        fn eval((a,): <Self::Fields as FieldSet<1>>::Nbrs<'_>, (): ()) -> u32 {
            (-2..=0).map(|k| u32::from(a[k])).sum()
        }
        fn cval() -> Option<u32> {
            None
        }
        fn cvals() -> Option<(u8,)> {
            None
        }
    }

    #[test]
    fn one_dimensional_wrap() {
        let a: Array1<u8> = array![1, 2, 3, 4];
        let got = call::<Trail, 1>(Target::Serial, (a.view(),), ()).unwrap();
        assert_eq!(got, array![1 + 4 + 3, 2 + 1 + 4, 3 + 2 + 1, 4 + 3 + 2]);
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn parallel_blocks_match_serial() {
        let u = Array2::from_shape_fn((300, 170), |(i, j)| ((i * 7 + j * 13) % 29) as f64);
        let v = Array2::from_shape_fn((300, 170), |(i, j)| (i as i32 - j as i32) % 5);
        let serial = call::<Reflect2, 2>(Target::Serial, (u.view(), v.view()), (0.25,)).unwrap();
        let par = call::<Reflect2, 2>(Target::Parallel, (u.view(), v.view()), (0.25,)).unwrap();
        assert_eq!(serial, par);
        assert_eq!(serial, naive::<Reflect2>(&u, &v, 0.25));
        let a = Array1::from_shape_fn(100_003, |i| (i % 251) as u8);
        assert_eq!(
            call::<Trail, 1>(Target::Parallel, (a.view(),), ()).unwrap(),
            call::<Trail, 1>(Target::Serial, (a.view(),), ()).unwrap()
        );
    }

    /// A hand-written 1-D kernel with chosen constants, reading its whole neighbourhood.
    macro_rules! kernel1 {
        ($name:ident, [$lo:expr, $hi:expr], $mode:ident, $cval:expr, $cvals:expr) => {
            struct $name;
            impl StencilKernel<1> for $name {
                const NAME: &'static str = stringify!($name);
                const INPUTS: &'static [&'static str] = &["a"];
                const NEIGHBORHOOD: [[isize; 2]; 1] = [[$lo, $hi]];
                const MODE: Mode = Mode::$mode;
                type Fields = (Field<u8, 1>,);
                type Params = ();
                type Args = (Input<u8>,);
                type Output = u32;
                fn split((a,): ArgValues<'_, Self, 1>) -> SplitArgs<'_, Self, 1> {
                    ((a,), ())
                }
                fn eval((a,): <Self::Fields as FieldSet<1>>::Nbrs<'_>, (): ()) -> u32 {
                    let [[lo, hi]] = a.neighborhood();
                    (lo..=hi).map(|k| u32::from(a[k])).sum()
                }
                fn cval() -> Option<u32> {
                    $cval
                }
                fn cvals() -> Option<(u8,)> {
                    $cvals
                }
            }
        };
    }
    kernel1!(AheadWrap, [1, 2], Wrap, None, None);
    kernel1!(AheadSkip, [1, 2], Skip, Some(0), None);
    kernel1!(BehindNearest, [-2, -1], Nearest, None, None);
    kernel1!(Huge, [isize::MIN, isize::MAX], Wrap, None, None);
    kernel1!(SkipNoCval, [-1, 1], Skip, None, None);
    kernel1!(ConstantNoCvals, [-1, 1], Constant, None, None);

    fn err_of<K: StencilKernel<1, Fields = (Field<u8, 1>,), Params = (), Output = u32>>() -> String
    {
        let a: Array1<u8> = array![1, 2, 3, 4, 5];
        let e = call::<K, 1>(Target::Serial, (a.view(),), ()).unwrap_err();
        let mut out = Array1::zeros(5);
        let e2 = call_into::<K, 1>(Target::Serial, (a.view(),), (), out.view_mut()).unwrap_err();
        assert_eq!(e.to_string(), e2.to_string());
        assert_eq!(out, Array1::<u32>::zeros(5), "nothing written on error");
        e.to_string()
    }

    /// A safe, hand-written kernel whose constants break the runtime's layout assumptions is
    /// an `Err`, never an out-of-bounds read (this read out of bounds in wrap mode, and gave
    /// `cval` everywhere in skip mode, before the check).
    #[test]
    fn hand_written_kernels_with_bad_constants_are_errors() {
        assert_eq!(
            err_of::<AheadWrap>(),
            "AheadWrap: the kernel's neighbourhood [[1, 2]] does not contain offset 0 on axis 0 ([1, 2]): every axis's range must satisfy lo <= 0 <= hi"
        );
        assert!(err_of::<AheadSkip>().contains("does not contain offset 0 on axis 0"));
        assert!(err_of::<BehindNearest>().contains("([-2, -1])"));
        assert!(err_of::<Huge>().contains("has more points than fit in an isize"));
        assert_eq!(
            err_of::<SkipNoCval>(),
            "SkipNoCval: `cval()` is `None` under `Mode::Skip`: the border points have no value"
        );
        assert!(err_of::<ConstantNoCvals>().contains("`cvals()` is `None` under `Mode::Constant`"));
    }
}
