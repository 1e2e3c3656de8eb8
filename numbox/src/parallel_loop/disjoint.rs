//! Disjoint writes: each iteration of a `prange` loop gets its own element or row of a
//! captured slice, `Vec` or ndarray array.
//!
//! The expansion wraps every captured container the body writes at the loop index in a
//! [`Disjoint`] (through [`DisjointExt`]), which holds the container's unique borrow for the
//! whole loop. The driver, not the expansion, turns each iteration's index into one [`Lazy`]
//! handle per container; the handle creates the part (a one-element slice or a one-row view)
//! on first use. The macro rewrites `out[i]` into `lazy.get()[0]`, `out[[i, j]]` into
//! `lazy.get()[[0, j]]` and `out.row_mut(i)` into `lazy.get().row_mut(0)`, and it has checked
//! that the body touches the container nowhere else, apart from shape queries, which go to the
//! wrapper ([`Lazy::whole`]).

use crate::ptr::{WritePtr, Writes};
use ndarray::{ArrayBase, ArrayViewMut, Axis, DataMut, Dimension, RawArrayViewMut, Slice};
use std::marker::PhantomData;

/// A container split into parts, one per index, that can be handed to different threads.
pub trait Disjoint: Sync {
    /// The part of one index.
    type Part<'p>
    where
        Self: 'p;

    /// The part at index `i`; panics when `i` is out of bounds.
    ///
    /// # Safety
    /// While the returned part (or anything derived from it) is alive, no other part with
    /// the same index may be created.
    unsafe fn part(&self, i: usize) -> Self::Part<'_>;
}

/// A unique borrow for `'a` of `T`s, for variance only: covariant in `'a` and invariant in
/// `T`, as `&'a mut [T]`, but always `Send + Sync`.
type UniqueBorrow<'a, T> = (&'a mut (), fn(T) -> T);

/// The elements of a slice or `Vec`, split one per index.
pub struct SliceParts<'a, T> {
    ptr: WritePtr<T>,
    len: usize,
    // The unique borrow of the slice for `'a`, invariant in `T` as `&'a mut [T]`; spelled so
    // that the auto traits come from `ptr` alone (`&mut [T]` would add `T: Sync` to `Sync`).
    _borrow: PhantomData<UniqueBorrow<'a, T>>,
}

// A `SliceParts` only hands out `&mut T` to distinct elements (the contract of
// `Disjoint::part`), possibly to other threads: what `WritePtr` allows for `T: Send`.

impl<'a, T> SliceParts<'a, T> {
    fn new(slice: &'a mut [T]) -> Self {
        SliceParts {
            ptr: Writes::new(slice.as_mut_ptr()),
            len: slice.len(),
            _borrow: PhantomData,
        }
    }

    /// The number of elements (`out.len()` in the loop body).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements (`out.is_empty()` in the loop body).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T: Send> Disjoint for SliceParts<'_, T> {
    type Part<'p>
        = &'p mut [T]
    where
        Self: 'p;

    #[inline]
    unsafe fn part(&self, i: usize) -> &mut [T] {
        assert!(
            i < self.len,
            "index out of bounds: the len is {} but the index is {i}",
            self.len
        );
        // SAFETY: `i < len`, so the element lies in the slice borrowed for `'a`; the caller
        // guarantees that no other reference to element `i` is alive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.ptr().add(i), 1) }
    }
}

/// The rows (subviews along axis 0) of an ndarray array, split one per index.
pub struct ArrayParts<'a, A, D: Dimension> {
    raw: Writes<RawArrayViewMut<A, D>>,
    // The unique borrow of the array for `'a` (spelled without `A: 'a`, which the array's
    // own `'a` bound implies but generic code cannot name).
    _borrow: PhantomData<&'a mut ()>,
}

// An `ArrayParts` only hands out views of distinct rows (the contract of `Disjoint::part`),
// possibly to other threads: what `Writes` allows for `A: Send`.

impl<A, D: Dimension> ArrayParts<'_, A, D> {
    /// The length of axis 0 (`out.len()` on a 1-D array).
    pub fn len(&self) -> usize {
        self.raw.get().len()
    }
    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.raw.get().is_empty()
    }
    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.raw.get().shape()
    }
    /// The shape as a pattern (`(rows, cols)` for 2-D).
    pub fn dim(&self) -> D::Pattern {
        self.raw.get().dim()
    }
    /// The shape as a `Dimension`.
    pub fn raw_dim(&self) -> D {
        self.raw.get().raw_dim()
    }
    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.raw.get().ndim()
    }
    /// The length of `axis`.
    pub fn len_of(&self, axis: Axis) -> usize {
        self.raw.get().len_of(axis)
    }
}

impl<A> ArrayParts<'_, A, ndarray::Ix2> {
    /// The number of rows.
    pub fn nrows(&self) -> usize {
        self.raw.get().len_of(Axis(0))
    }
    /// The number of columns.
    pub fn ncols(&self) -> usize {
        self.raw.get().len_of(Axis(1))
    }
}

impl<A: Send, D: Dimension> Disjoint for ArrayParts<'_, A, D> {
    type Part<'p>
        = ArrayViewMut<'p, A, D>
    where
        Self: 'p;

    #[inline]
    unsafe fn part(&self, i: usize) -> ArrayViewMut<'_, A, D> {
        assert!(
            self.raw.get().ndim() > 0,
            "a 0-dimensional array has no rows to split"
        );
        let rows = self.raw.get().len_of(Axis(0));
        assert!(
            i < rows,
            "index out of bounds: the array has {rows} rows but the index is {i}"
        );
        let mut row = self.raw.get().clone();
        row.slice_axis_inplace(Axis(0), Slice::from(i..i + 1));
        // SAFETY: the view covers row `i` of an array uniquely borrowed for `'a`; the caller
        // guarantees that no other view of row `i` is alive, and views of other rows do not
        // overlap it (rows along axis 0 are disjoint for any strides ndarray allows).
        unsafe { row.deref_into_view_mut() }
    }
}

/// Splits a captured container into per-index parts (called as `out.__nb_disjoint()`, so
/// `out` may be `&mut [T]`, `&mut Vec<T>`, a `Vec`, an array or a mutable view).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written at the loop index of a `prange` loop",
    note = "disjoint writes work on slices, `Vec`s and ndarray arrays or mutable views"
)]
pub trait DisjointExt {
    /// The split container.
    type Parts<'a>: Disjoint
    where
        Self: 'a;
    /// Splits `self`; it stays borrowed until the loop ends.
    fn __nb_disjoint(&mut self) -> Self::Parts<'_>;
}

impl<T: Send> DisjointExt for [T] {
    type Parts<'a>
        = SliceParts<'a, T>
    where
        T: 'a;
    fn __nb_disjoint(&mut self) -> SliceParts<'_, T> {
        SliceParts::new(self)
    }
}

impl<T: Send> DisjointExt for Vec<T> {
    type Parts<'a>
        = SliceParts<'a, T>
    where
        T: 'a;
    fn __nb_disjoint(&mut self) -> SliceParts<'_, T> {
        SliceParts::new(self)
    }
}

impl<A: Send, S: DataMut<Elem = A>, D: Dimension> DisjointExt for ArrayBase<S, D> {
    type Parts<'a>
        = ArrayParts<'a, A, D>
    where
        Self: 'a;
    fn __nb_disjoint(&mut self) -> ArrayParts<'_, A, D> {
        ArrayParts {
            raw: Writes::new(self.raw_view_mut()),
            _borrow: PhantomData,
        }
    }
}

/// One iteration's handle on one container: the part at the iteration's index, created on
/// first use (an iteration that never touches the container never bounds-checks it).
pub struct Lazy<'w, W: Disjoint> {
    whole: &'w W,
    index: usize,
    part: Option<W::Part<'w>>,
}

impl<'w, W: Disjoint> Lazy<'w, W> {
    /// # Safety
    /// At most one `Lazy` per index of `whole` may exist while `whole` is borrowed.
    unsafe fn new(whole: &'w W, index: usize) -> Self {
        Lazy {
            whole,
            index,
            part: None,
        }
    }

    /// The part at this iteration's index.
    #[inline]
    pub fn get(&mut self) -> &mut W::Part<'w> {
        let (whole, index) = (self.whole, self.index);
        // SAFETY: this `Lazy` is the only one for `index` (the contract of `Lazy::new`) and it
        // creates the part once, so no other part with this index exists.
        self.part
            .get_or_insert_with(|| unsafe { whole.part(index) })
    }

    /// The whole container, for shape queries.
    #[inline]
    pub fn whole(&self) -> &'w W {
        self.whole
    }
}

/// The containers a loop writes at its index, as a cons list `(W1, (W2, ()))`.
pub trait Parts<Idx>: Sync {
    /// One [`Lazy`] per container, in the same cons-list shape.
    type Lazies<'w>
    where
        Self: 'w;

    /// The handles of iteration `i`.
    ///
    /// # Safety
    /// Called at most once per index while `self` is borrowed.
    unsafe fn lazies(&self, i: Idx) -> Self::Lazies<'_>;
}

impl<Idx> Parts<Idx> for () {
    type Lazies<'w> = ();
    #[inline]
    unsafe fn lazies(&self, _: Idx) {}
}

impl<W: Disjoint, R: Parts<usize>> Parts<usize> for (W, R) {
    type Lazies<'w>
        = (Lazy<'w, W>, R::Lazies<'w>)
    where
        Self: 'w;

    #[inline]
    unsafe fn lazies(&self, i: usize) -> Self::Lazies<'_> {
        // SAFETY: the caller calls this once per index, so each container gets one `Lazy`
        // per index.
        unsafe { (Lazy::new(&self.0, i), self.1.lazies(i)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, s};

    #[test]
    fn slice_parts_write_their_own_element() {
        let mut v = vec![0_u32; 5];
        let parts = (v.__nb_disjoint(), ());
        assert_eq!(parts.0.len(), 5);
        for i in 0..5 {
            // SAFETY: each index once.
            let (mut lz, ()) = unsafe { parts.lazies(i) };
            lz.get()[0] = i as u32 * 10;
            lz.get()[0] += 1;
        }
        assert_eq!(v, [1, 11, 21, 31, 41]);
    }

    #[test]
    fn array_parts_write_their_own_row_of_a_strided_view() {
        let mut a = ndarray::Array2::<i64>::zeros((4, 6));
        {
            let mut view = a.slice_mut(s![..;-1, ..;2]);
            let parts = (view.__nb_disjoint(), ());
            assert_eq!(parts.0.dim(), (4, 3));
            assert_eq!((parts.0.nrows(), parts.0.ncols()), (4, 3));
            let mut lazies: Vec<_> = (0..4)
                // SAFETY: each index once.
                .map(|i| unsafe { parts.lazies(i) })
                .collect();
            // All rows alive at once: they must not overlap.
            for (i, (lz, ())) in lazies.iter_mut().enumerate() {
                let mut row = lz.get().row_mut(0);
                row.fill(i as i64 + 1);
                lz.get()[[0, 1]] = 10 * (i as i64 + 1);
            }
        }
        assert_eq!(
            a,
            array![
                [4, 0, 40, 0, 4, 0],
                [3, 0, 30, 0, 3, 0],
                [2, 0, 20, 0, 2, 0],
                [1, 0, 10, 0, 1, 0]
            ]
        );
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn out_of_bounds_index_panics() {
        let mut v = [1.0_f64; 3];
        let parts = (v.__nb_disjoint(), ());
        // SAFETY: a single index.
        let (mut lz, ()) = unsafe { parts.lazies(3) };
        lz.get()[0] = 0.0;
    }
}
