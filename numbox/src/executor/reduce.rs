//! Reductions and scans of a binary kernel `f(T, T) -> T` (NumPy's `reduce`, `accumulate`).
//!
//! Every reduction is, by default, NumPy's: a strict left fold `f(f(f(a0, a1), a2), ...)`
//! in logical C index order, whatever the memory layout and the target. The parallel target
//! may only split the axes that are *kept* (each output element is still its own left
//! fold); with none to split (`fold_all`, a 1-D `fold_axis`) it runs serially. Two loop
//! shapes keep a left fold fast: when the reduced axis is the contiguous one, eight lanes
//! are folded side by side (eight independent dependency chains); otherwise whole slices
//! are folded into the accumulator row by row, a contiguous loop.
//!
//! A kernel that promises associativity ([`Grouping::Associative`], the attribute's
//! `associative` flag) may be regrouped, never reordered, on a grid that depends only on the
//! shape, so its bits are the same for any thread count:
//! - `fold_axis` on the parallel target, when the reduced axis is the outer one of a small
//!   output (the classic column sum, where every thread would otherwise read short pieces
//!   of every row), cuts the axis into a fixed grid of row blocks (a function of its length
//!   alone), folds each left to right and folds the block results in order;
//! - `fold_all` folds fixed blocks of [`BLOCK`] consecutive elements (logical C order), each
//!   as eight contiguous sub-blocks folded side by side, then combined in order, and
//!   combines the block results left to right, on any number of threads.

use super::PAR_GRAIN;
use crate::driver::{for_parts, map_blocks, serial};
use crate::element::Element;
use crate::target::Target;
use ndarray::{
    Array, ArrayView, ArrayView1, ArrayViewMut, Axis, Dimension, RemoveAxis, Slice, Zip,
};
// Only to hand ndarray's splittable chunk producers to `for_parts`.
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator};

/// How a reduction may group the kernel's applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// A strict left fold in logical C index order (NumPy's `reduce`): valid for any kernel.
    LeftFold,
    /// The kernel is associative: the fold may be regrouped (never reordered) on a grid
    /// fixed by the shape.
    Associative,
}

/// The block of `reduce_all`'s fixed grid, in elements.
pub const BLOCK: usize = 4096;
const LANES: usize = 8;

/// Whether `axis` is the view's contiguous axis (stride 1 and the smallest of the axes that
/// have more than one element), with lanes long enough to pay for folding them side by side.
fn lanes_contiguous<T, D: Dimension>(a: &ArrayView<'_, T, D>, axis: Axis) -> bool {
    let n = a.len_of(axis);
    n >= 16
        && a.stride_of(axis) == 1
        && (0..a.ndim())
            .filter(|&k| k != axis.index() && a.len_of(Axis(k)) > 1)
            .all(|k| a.stride_of(Axis(k)).unsigned_abs() > 1)
}

/// The non-reduced axis to split for the parallel target: the longest one.
fn split_axis(shape: &[usize], axis: Axis) -> Option<usize> {
    (0..shape.len())
        .filter(|&k| k != axis.index() && shape[k] > 1)
        .max_by_key(|&k| (shape[k], std::cmp::Reverse(k)))
}

/// Runs `block(input_part, output_part)` over the whole arrays, or over chunks along the
/// longest non-reduced axis on the rayon pool. Pass `block` marked `#[inline(always)]`, so
/// that it is compiled for the CPU tier (see [`crate::driver`]).
#[inline(always)]
fn split_run<T, D, E, G>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    mut out: ArrayViewMut<'_, T, E>,
    target: Target,
    block: G,
) where
    T: Element,
    D: Dimension,
    E: Dimension,
    G: Fn(ArrayView<'_, T, D>, ArrayViewMut<'_, T, E>) + Sync,
{
    let parallel = target == Target::Parallel && a.len() >= PAR_GRAIN;
    let split = split_axis(a.shape(), axis);
    match (parallel, split) {
        (true, Some(k)) => for_parts(
            |threads| {
                let size = a.len_of(Axis(k)).div_ceil(threads * 4).max(1);
                // The output lacks `axis` when reducing, so its copy of axis `k` may sit one
                // lower.
                let ko = if out.ndim() < a.ndim() && k > axis.index() {
                    k - 1
                } else {
                    k
                };
                out.axis_chunks_iter_mut(Axis(ko), size)
                    .into_par_iter()
                    .zip(a.axis_chunks_iter(Axis(k), size).into_par_iter())
            },
            #[inline(always)]
            |(o, i)| block(i, o),
        ),
        _ => serial(
            #[inline(always)]
            || block(a, out.view_mut()),
        ),
    }
}

/// Folds `a` along `axis` (which has at least one element) into `out`, which must hold
/// `a`'s first slice along `axis` on entry. A left fold per output element, except for the
/// row-block grid of an associative kernel on the parallel target.
pub(crate) fn fold_axis<T, D, F>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    out: ArrayViewMut<'_, T, D::Smaller>,
    f: &F,
    target: Target,
    grouping: Grouping,
) where
    T: Element,
    D: RemoveAxis,
    F: Fn(T, T) -> T + Sync,
{
    let n = a.len_of(axis);
    let blocks = row_blocks(n);
    let parallel = target == Target::Parallel && a.len() >= PAR_GRAIN;
    if grouping == Grouping::Associative
        && parallel
        && blocks > 1
        && out.len() <= MAX_GRID_OUTPUT
        && !lanes_contiguous(&a, axis)
    {
        fold_row_grid(a, axis, out, f, n.div_ceil(blocks));
    } else {
        split_run(
            a,
            axis,
            out,
            target,
            #[inline(always)]
            |a, out| fold_block(a, axis, out, f),
        );
    }
}

/// The most blocks the reduced axis is cut into on the parallel target, and the fewest rows
/// (slices along the axis) per block.
const MAX_ROW_BLOCKS: usize = 16;
const MIN_ROWS_PER_BLOCK: usize = 32;
/// Above this many output elements the partial results of a row grid cost more memory than
/// splitting the other axes, which has long contiguous runs anyway.
const MAX_GRID_OUTPUT: usize = 1 << 20;

/// How many blocks the parallel target cuts a reduced axis of length `n` into: a function
/// of `n` alone, so the result does not depend on the thread count.
fn row_blocks(n: usize) -> usize {
    (n / MIN_ROWS_PER_BLOCK).clamp(1, MAX_ROW_BLOCKS)
}

/// Folds each block of `rows` slices along `axis` on the rayon pool (every thread streams
/// through whole rows, as a memory-bound reduction wants), then folds the block results in
/// order into `out`, which holds the first slice on entry, as the first block's result starts.
fn fold_row_grid<T, D, F>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    mut out: ArrayViewMut<'_, T, D::Smaller>,
    f: &F,
    rows: usize,
) where
    T: Element,
    D: RemoveAxis,
    F: Fn(T, T) -> T + Sync,
{
    let n = a.len_of(axis);
    let partials: Vec<Array<T, D::Smaller>> = map_blocks(
        n.div_ceil(rows),
        Target::Parallel,
        #[inline(always)]
        |b| {
            let block = a.slice_axis(axis, Slice::from(b * rows..((b + 1) * rows).min(n)));
            let mut part = block.index_axis(axis, 0).to_owned();
            fold_block(block, axis, part.view_mut(), f);
            part
        },
    );
    out.assign(&partials[0]);
    for part in &partials[1..] {
        Zip::from(&mut out)
            .and(part)
            .for_each(|o, &x| *o = f(*o, x));
    }
}

#[inline(always)]
fn fold_block<T: Element, D: RemoveAxis, F: Fn(T, T) -> T>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    mut out: ArrayViewMut<'_, T, D::Smaller>,
    f: &F,
) {
    if lanes_contiguous(&a, axis) {
        let mut group: Vec<(&mut T, ArrayView1<'_, T>)> = Vec::with_capacity(LANES);
        for pair in out.iter_mut().zip(a.lanes(axis)) {
            group.push(pair);
            if group.len() == LANES {
                fold_lanes(&mut group, f);
                group.clear();
            }
        }
        fold_lanes(&mut group, f);
    } else {
        // `out` already holds the first slice (see `fold_axis`).
        for k in 1..a.len_of(axis) {
            Zip::from(&mut out)
                .and(a.index_axis(axis, k))
                .for_each(|o, &x| *o = f(*o, x));
        }
    }
}

/// Folds up to `LANES` contiguous lanes of equal length side by side.
#[inline(always)]
fn fold_lanes<T: Element, F: Fn(T, T) -> T>(group: &mut [(&mut T, ArrayView1<'_, T>)], f: &F) {
    let slices: Option<Vec<&[T]>> = group.iter().map(|(_, l)| l.to_slice()).collect();
    match slices {
        Some(s) if s.len() == LANES => {
            let s: [&[T]; LANES] = std::array::from_fn(|q| s[q]);
            let acc = fold_side_by_side(&s, f);
            for (q, (o, _)) in group.iter_mut().enumerate() {
                **o = acc[q];
            }
        }
        _ => {
            for (o, lane) in group.iter_mut() {
                let mut it = lane.iter();
                let first = *it.next().expect("lanes have at least one element");
                **o = it.fold(first, |acc, &x| f(acc, x));
            }
        }
    }
}

/// The left folds of `LANES` slices of one length (at least 1), stepped side by side:
/// eight independent dependency chains, lane `q` folding `s[q]` left to right.
///
/// The loop reads without bounds checks: LLVM removed the eight per-step checks of
/// `s[q][j]` at the baseline tier but not inside the wider tiers' functions, where they made
/// the loop (and so `reduce` along a contiguous axis and `reduce_all`) 1.5x slower.
#[inline(always)]
fn fold_side_by_side<T: Copy, F: Fn(T, T) -> T>(s: &[&[T]; LANES], f: &F) -> [T; LANES] {
    let n = s[0].len();
    assert!(
        n > 0 && s.iter().all(|l| l.len() == n),
        "lanes of one length"
    );
    let mut acc: [T; LANES] = std::array::from_fn(|q| s[q][0]);
    for j in 1..n {
        for q in 0..LANES {
            // SAFETY: `j < n`, and every lane has `n` elements (asserted above).
            acc[q] = f(acc[q], unsafe { *s[q].get_unchecked(j) });
        }
    }
    acc
}

/// The inclusive scan of `a` along `axis`: `out[0] = a[0]`, `out[k] = f(out[k - 1], a[k])`.
pub(crate) fn scan_axis<T, D, F>(
    a: ArrayView<'_, T, D>,
    axis: Axis,
    f: &F,
    target: Target,
) -> Array<T, D>
where
    T: Element,
    D: RemoveAxis,
    F: Fn(T, T) -> T + Sync,
{
    let mut out = a.to_owned();
    if a.len_of(axis) <= 1 || a.is_empty() {
        return out;
    }
    let lanes = lanes_contiguous(&out.view(), axis);
    let parallel = target == Target::Parallel && a.len() >= PAR_GRAIN;
    match (parallel, split_axis(a.shape(), axis)) {
        (true, Some(k)) => for_parts(
            |threads| {
                let size = a.len_of(Axis(k)).div_ceil(threads * 4).max(1);
                out.axis_chunks_iter_mut(Axis(k), size).into_par_iter()
            },
            #[inline(always)]
            |o| scan_block(o, axis, lanes, f),
        ),
        _ => serial(
            #[inline(always)]
            || scan_block(out.view_mut(), axis, lanes, f),
        ),
    }
    out
}

#[inline(always)]
fn scan_block<T: Element, D: RemoveAxis, F: Fn(T, T) -> T>(
    mut out: ArrayViewMut<'_, T, D>,
    axis: Axis,
    lanes: bool,
    f: &F,
) {
    if lanes {
        for mut lane in out.lanes_mut(axis) {
            let mut acc = lane[0];
            for x in lane.iter_mut().skip(1) {
                acc = f(acc, *x);
                *x = acc;
            }
        }
    } else {
        for k in 1..out.len_of(axis) {
            let (left, mut right) = out.view_mut().split_at(axis, k);
            let prev = left.index_axis(axis, k - 1);
            Zip::from(right.index_axis_mut(axis, 0))
                .and(prev)
                .for_each(|c, &p| *c = f(p, *c));
        }
    }
}

/// Folds every element of `a` in logical C index order; `None` when `a` is empty. A left
/// fold on the calling thread, or for an associative kernel the fixed block grid.
pub(crate) fn fold_all<T, D, F>(
    a: ArrayView<'_, T, D>,
    f: &F,
    target: Target,
    grouping: Grouping,
) -> Option<T>
where
    T: Element,
    D: Dimension,
    F: Fn(T, T) -> T + Sync,
{
    if a.is_empty() {
        return None;
    }
    if grouping == Grouping::LeftFold {
        // Nothing is kept to split: one chain, on the calling thread.
        return Some(serial(
            #[inline(always)]
            || match a.as_slice() {
                Some(s) => s[1..].iter().fold(s[0], |x, &y| f(x, y)),
                None => {
                    let mut it = a.iter();
                    let first = *it.next().expect("not empty");
                    it.fold(first, |x, &y| f(x, y))
                }
            },
        ));
    }
    // The grid is over the logical order, so the bits do not depend on the layout either;
    // any other layout than C order is copied into it (regrouping may not reorder).
    let owned;
    let s: &[T] = match a.as_slice() {
        Some(s) => s,
        None => {
            owned = a.as_standard_layout().into_owned();
            owned.as_slice().expect("standard layout")
        }
    };
    let target = if s.len() >= PAR_GRAIN {
        target
    } else {
        Target::Serial
    };
    let partials: Vec<T> = map_blocks(
        s.len().div_ceil(BLOCK),
        target,
        #[inline(always)]
        |b| fold_block_all(&s[b * BLOCK..((b + 1) * BLOCK).min(s.len())], f),
    );
    let mut it = partials.into_iter();
    let first = it.next()?;
    Some(it.fold(first, f))
}

/// One block of the grid: eight contiguous sub-blocks folded side by side, then combined
/// in order; a short (last) block is folded left to right.
#[inline(always)]
pub(crate) fn fold_block_all<T: Element, F: Fn(T, T) -> T>(b: &[T], f: &F) -> T {
    if b.len() == BLOCK {
        const SUB: usize = BLOCK / LANES;
        let s: [&[T]; LANES] = std::array::from_fn(|q| &b[q * SUB..(q + 1) * SUB]);
        let acc = fold_side_by_side(&s, f);
        acc[1..].iter().fold(acc[0], |x, &y| f(x, y))
    } else {
        b[1..].iter().fold(b[0], |x, &y| f(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{s, Array2, Array3, ShapeBuilder};

    fn naive_fold_axis0(a: &Array2<i64>) -> Vec<i64> {
        (0..a.ncols())
            .map(|j| (1..a.nrows()).fold(a[[0, j]], |acc, i| acc - a[[i, j]]))
            .collect()
    }

    #[test]
    fn fold_is_a_strict_left_fold_on_both_loop_shapes() {
        let sub = |x: i64, y: i64| x - y;
        let n = if cfg!(miri) { 20 } else { 70 };
        let a = Array2::from_shape_fn((n, 19), |(i, j)| (i * 31 + j * 7) as i64 % 23);
        // Rows strategy: axis 0 of a C-order array.
        let mut out = a.row(0).to_owned();
        fold_axis(
            a.view(),
            Axis(0),
            out.view_mut(),
            &sub,
            Target::Serial,
            Grouping::LeftFold,
        );
        assert_eq!(out.to_vec(), naive_fold_axis0(&a));
        // Lanes strategy: axis 1 of the transposed copy in C order.
        let t = a.t().as_standard_layout().into_owned();
        let mut out2 = t.column(0).to_owned();
        fold_axis(
            t.view(),
            Axis(1),
            out2.view_mut(),
            &sub,
            Target::Serial,
            Grouping::LeftFold,
        );
        assert_eq!(out2.to_vec(), naive_fold_axis0(&a));
    }

    #[test]
    fn fold_3d_middle_axis_and_stepped_view() {
        let add = |x: f64, y: f64| x + y;
        let a = Array3::from_shape_fn((3, 5, 4), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
        let v = a.slice(s![.., ..;2, ..;-1]);
        let mut out = v.index_axis(Axis(1), 0).to_owned();
        fold_axis(
            v,
            Axis(1),
            out.view_mut(),
            &add,
            Target::Serial,
            Grouping::LeftFold,
        );
        for i in 0..3 {
            for k in 0..4 {
                let want: f64 = (0..3).map(|j| v[[i, j, k]]).fold(0.0, |x, y| x + y);
                assert_eq!(out[[i, k]], want);
            }
        }
    }

    #[test]
    fn scan_matches_naive() {
        let sub = |x: i64, y: i64| x - y;
        let a = Array2::from_shape_fn((4, 20), |(i, j)| (i * 20 + j) as i64);
        for axis in 0..2 {
            let got = scan_axis(a.view(), Axis(axis), &sub, Target::Serial);
            let mut want = a.clone();
            for (i, j) in itertools_like(4, 20) {
                let prev = if axis == 0 {
                    i.checked_sub(1).map(|p| (p, j))
                } else {
                    j.checked_sub(1).map(|p| (i, p))
                };
                if let Some(p) = prev {
                    want[[i, j]] = want[[p.0, p.1]] - a[[i, j]];
                }
            }
            assert_eq!(got, want, "axis {axis}");
        }
    }

    fn itertools_like(m: usize, n: usize) -> impl Iterator<Item = (usize, usize)> {
        (0..m).flat_map(move |i| (0..n).map(move |j| (i, j)))
    }

    #[test]
    fn fold_all_grid_is_fixed() {
        let n = if cfg!(miri) {
            BLOCK + 17
        } else {
            3 * BLOCK + 17
        };
        let v: Vec<u64> = (0..n as u64).collect();
        let a = ndarray::Array1::from(v.clone());
        let got = fold_all(
            a.view(),
            &|x: u64, y: u64| x.wrapping_mul(31).wrapping_add(y),
            Target::Serial,
            Grouping::Associative,
        );
        // The same grid, written out naively.
        let f = |x: u64, y: u64| x.wrapping_mul(31).wrapping_add(y);
        let mut partials = Vec::new();
        for b in v.chunks(BLOCK) {
            if b.len() == BLOCK {
                let sub: Vec<u64> = b
                    .chunks(BLOCK / 8)
                    .map(|c| c[1..].iter().fold(c[0], |x, &y| f(x, y)))
                    .collect();
                partials.push(sub[1..].iter().fold(sub[0], |x, &y| f(x, y)));
            } else {
                partials.push(b[1..].iter().fold(b[0], |x, &y| f(x, y)));
            }
        }
        assert_eq!(
            got,
            Some(partials[1..].iter().fold(partials[0], |x, &y| f(x, y)))
        );
        assert_eq!(
            fold_all(
                ndarray::Array1::<u64>::zeros(0).view(),
                &f,
                Target::Serial,
                Grouping::Associative
            ),
            None
        );
    }

    /// The reproducer at unit level: a non-associative `fold_all` is the left fold
    /// in logical C order for every layout (the old grid and memory order gave other values).
    #[test]
    fn fold_all_left_fold_in_logical_order_for_any_layout() {
        let sub = |x: i64, y: i64| x - y;
        let (m, n) = if cfg!(miri) { (7, 5) } else { (1500, 7) };
        let c = Array2::from_shape_fn((m, n), |(i, j)| (i * 7 + j * 3) as i64 % 11 - 4);
        let naive = |a: &Array2<i64>| {
            let mut acc = a[[0, 0]];
            for i in 0..a.nrows() {
                for j in 0..a.ncols() {
                    if (i, j) != (0, 0) {
                        acc -= a[[i, j]];
                    }
                }
            }
            acc
        };
        let want = naive(&c);
        let mut f = Array2::zeros((m, n).f());
        f.assign(&c);
        let rev = c.slice(s![..;-1, ..;-1]).to_owned();
        let flipped = rev.slice(s![..;-1, ..;-1]);
        for target in [Target::Serial, Target::Parallel] {
            let g = Grouping::LeftFold;
            assert_eq!(fold_all(c.view(), &sub, target, g), Some(want));
            assert_eq!(fold_all(f.view(), &sub, target, g), Some(want));
            assert_eq!(fold_all(flipped, &sub, target, g), Some(want));
            let t = c.t().to_owned();
            assert_eq!(fold_all(t.t(), &sub, target, g), Some(want));
        }
        let flat = c.iter().copied().collect::<ndarray::Array1<i64>>();
        let want1 = flat.iter().skip(1).fold(flat[0], |x, &y| x - y);
        let got = fold_all(flat.view(), &sub, Target::Serial, Grouping::LeftFold);
        assert_eq!(got, Some(want1));
    }

    /// Associativity allows regrouping, never reordering: a non-commutative associative
    /// kernel (2x2 integer matrix products, flattened) reduced over a Fortran-order array
    /// gives the product in logical order.
    #[test]
    fn fold_all_associative_keeps_the_logical_order() {
        type M = [i64; 4];
        let mul = |a: M, b: M| {
            [
                (a[0] * b[0] + a[1] * b[2]) % 1_000_003,
                (a[0] * b[1] + a[1] * b[3]) % 1_000_003,
                (a[2] * b[0] + a[3] * b[2]) % 1_000_003,
                (a[2] * b[1] + a[3] * b[3]) % 1_000_003,
            ]
        };
        let (m, n) = if cfg!(miri) { (6, 4) } else { (500, 41) };
        let c = Array2::from_shape_fn((m, n), |(i, j)| {
            let k = (i * n + j) as i64;
            [1 + k % 5, k % 3, (k * 7) % 4, 1 + k % 2]
        });
        let mut f = Array2::from_elem((m, n).f(), [0i64; 4]);
        f.assign(&c);
        let want = c.iter().skip(1).fold(c[[0, 0]], |x, &y| mul(x, y));
        for target in [Target::Serial, Target::Parallel] {
            for v in [c.view(), f.view()] {
                assert_eq!(fold_all(v, &mul, target, Grouping::Associative), Some(want));
            }
        }
    }

    #[test]
    fn fold_axis_left_fold_splits_only_kept_axes() {
        let sub = |x: i64, y: i64| x - y;
        let (m, n) = if cfg!(miri) { (40, 3) } else { (5000, 40) };
        let a = Array2::from_shape_fn((m, n), |(i, j)| (i * 13 + j * 5) as i64 % 17);
        let want = naive_fold_axis0(&a);
        for target in [Target::Serial, Target::Parallel] {
            let mut out = a.row(0).to_owned();
            fold_axis(
                a.view(),
                Axis(0),
                out.view_mut(),
                &sub,
                target,
                Grouping::LeftFold,
            );
            assert_eq!(out.to_vec(), want, "{target:?}");
        }
    }
}
