//! Inputs as raw strided fields, and tuples of them (one per relatively indexed parameter).

use super::{Mode, Neighbors};
use crate::ptr::ReadPtr;
use ndarray::{ArrayView, Dim, Dimension};

/// One relatively indexed input of a stencil call, as the runtime reads it: the address of
/// element `[0; N]`, the shape and the strides (in elements). Only the runtime makes these,
/// from a borrowed `ArrayView` that outlives the call.
#[derive(Debug)]
pub struct Field<T, const N: usize> {
    ptr: ReadPtr<T>,
    shape: [usize; N],
    strides: [isize; N],
}

impl<T, const N: usize> Clone for Field<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for Field<T, N> {}

impl<T: Copy, const N: usize> Field<T, N> {
    fn of<D: Dimension>(view: &ArrayView<'_, T, D>) -> Self {
        let mut shape = [0; N];
        let mut strides = [0; N];
        shape.copy_from_slice(view.shape());
        strides.copy_from_slice(view.strides());
        Field {
            ptr: ReadPtr::new(view.as_ptr()),
            shape,
            strides,
        }
    }

    /// Element offset of a point from element `[0; N]`.
    #[inline(always)]
    fn offset(&self, idx: [usize; N]) -> isize {
        let mut o = 0;
        for a in 0..N {
            o += idx[a] as isize * self.strides[a];
        }
        o
    }

    /// # Safety
    /// The box `[lo, hi]` around `center` (an element offset) must lie inside the array.
    #[inline(always)]
    unsafe fn nbrs<'n, const UNIT: bool>(
        &self,
        center: isize,
        lo: [isize; N],
        hi: [isize; N],
    ) -> Neighbors<'n, T, N> {
        let mut strides = self.strides;
        if UNIT {
            // A constant the optimiser can see: the interior loop vectorises over it.
            strides[N - 1] = 1;
        }
        // SAFETY: the caller keeps the box inside the array, which the caller's borrow keeps
        // alive and unmutated for the call.
        unsafe { Neighbors::new(self.ptr.ptr().offset(center), strides, lo, hi) }
    }

    /// Fills `patch` with the box around `idx`, resolving out-of-range coordinates by
    /// `mode`, and returns a view of it.
    ///
    /// # Safety
    /// The array this field was made from must still be alive and unmutated, and `idx` a
    /// point of it.
    unsafe fn gather<'p>(
        &self,
        patch: &'p mut Patch<T, N>,
        idx: [usize; N],
        lo: [isize; N],
        hi: [isize; N],
        mode: Mode,
        cval: Option<T>,
    ) -> Neighbors<'p, T, N> {
        let Patch {
            data: patch,
            maps,
            at,
        } = patch;
        // Per axis, the resolved coordinate's contribution to the element offset; border
        // points come row by row, so only the axes whose coordinate moved are resolved again.
        let mut pstrides = [0isize; N];
        let mut width = 1isize;
        for a in (0..N).rev() {
            if at[a] != Some(idx[a]) {
                maps[a].clear();
                maps[a].extend((lo[a]..=hi[a]).map(|d| {
                    mode.resolve(idx[a] as isize + d, self.shape[a])
                        .map(|j| j as isize * self.strides[a])
                }));
                at[a] = Some(idx[a]);
            }
            pstrides[a] = width;
            width *= hi[a] - lo[a] + 1;
        }
        patch.clear();
        let mut cursor = [0usize; N];
        'fill: loop {
            let mut off = Some(0isize);
            for a in 0..N {
                off = off.zip(maps[a][cursor[a]]).map(|(x, y)| x + y);
            }
            patch.push(match off {
                // SAFETY: every resolved coordinate is in range, so the offset is an element
                // of the array, which the caller keeps alive.
                Some(o) => unsafe { *self.ptr.ptr().offset(o) },
                None => cval.expect("Mode::Constant kernels define the cval of their inputs"),
            });
            for a in (0..N).rev() {
                cursor[a] += 1;
                if cursor[a] < maps[a].len() {
                    continue 'fill;
                }
                cursor[a] = 0;
            }
            break;
        }
        let mut center = 0;
        for a in 0..N {
            center += -lo[a] * pstrides[a];
        }
        debug_assert_eq!(patch.len() as isize, width);
        // SAFETY: the patch holds the whole box in row-major order with strides `pstrides`,
        // and `center` is offset zero's position in it; `patch` is borrowed for 'p.
        unsafe { Neighbors::new(patch.as_ptr().offset(center), pstrides, lo, hi) }
    }
}

/// Scratch space of one input for border points, reused from point to point: the gathered
/// box and, per axis, where each of its coordinates reads.
#[derive(Debug)]
pub struct Patch<T, const N: usize> {
    data: Vec<T>,
    maps: [Vec<Option<isize>>; N],
    /// The coordinate each of `maps` was resolved for (the box and mode never change
    /// within a call, and a patch lives for one block of one call).
    at: [Option<usize>; N],
}

impl<T, const N: usize> Default for Patch<T, N> {
    fn default() -> Self {
        Patch {
            data: Vec::new(),
            maps: std::array::from_fn(|_| Vec::new()),
            at: [None; N],
        }
    }
}

/// The relatively indexed inputs of one kernel: a tuple of [`Field`]s (up to 8).
///
/// # Safety
/// Implementations must forward to each `Field` so that the runtime's reasoning about one
/// field holds for all of them.
pub unsafe trait FieldSet<const N: usize>: Copy + Send + Sync {
    /// The kernel's first parameter group: one [`Neighbors`] per input.
    type Nbrs<'n>;
    /// One element per input (the `cval` of `Mode::Constant`).
    type Elems: Copy + Send + Sync;
    /// The views the companion's `call` hands over, borrowed for the call.
    type Views<'v>;
    /// One scratch buffer per input for border points.
    type Patches: Default + Send;
    /// The element offset of a row start, per input.
    type Rows: Copy;

    #[doc(hidden)]
    fn __of(views: &Self::Views<'_>) -> Self;
    #[doc(hidden)]
    fn __shapes(&self) -> Vec<[usize; N]>;
    #[doc(hidden)]
    fn __unit_last(&self) -> bool;
    #[doc(hidden)]
    fn __rows(&self, idx: [usize; N]) -> Self::Rows;
    /// # Safety
    /// The arrays the fields were made from must be alive and unmutated for `'n`, and the
    /// box around point `j` of the row must lie inside every one of them.
    #[doc(hidden)]
    unsafe fn __nbrs<'n, const UNIT: bool>(
        &self,
        rows: Self::Rows,
        j: usize,
        lo: [isize; N],
        hi: [isize; N],
    ) -> Self::Nbrs<'n>;
    /// # Safety
    /// The arrays the fields were made from must be alive and unmutated; `idx` a point of them.
    #[doc(hidden)]
    unsafe fn __gather<'p>(
        &self,
        patches: &'p mut Self::Patches,
        idx: [usize; N],
        lo: [isize; N],
        hi: [isize; N],
        mode: Mode,
        cvals: Option<Self::Elems>,
    ) -> Self::Nbrs<'p>;
}

macro_rules! field_set {
    ($($T:ident $k:tt),+) => {
        // SAFETY: every method forwards to the fields one by one.
        unsafe impl<$($T: Copy + Send + Sync + 'static),+, const N: usize> FieldSet<N> for ($(Field<$T, N>,)+)
        where
            Dim<[usize; N]>: Dimension,
        {
            type Nbrs<'n> = ($(Neighbors<'n, $T, N>,)+);
            type Elems = ($($T,)+);
            type Views<'v> = ($(ArrayView<'v, $T, Dim<[usize; N]>>,)+);
            type Patches = ($(Patch<$T, N>,)+);
            type Rows = ($(field_set!(@isize $T),)+);

            fn __of(views: &Self::Views<'_>) -> Self {
                ($(Field::of(&views.$k),)+)
            }
            fn __shapes(&self) -> Vec<[usize; N]> {
                vec![$(self.$k.shape),+]
            }
            fn __unit_last(&self) -> bool {
                true $(&& (self.$k.strides[N - 1] == 1 || self.$k.shape[N - 1] <= 1))+
            }
            #[inline(always)]
            fn __rows(&self, idx: [usize; N]) -> Self::Rows {
                ($(self.$k.offset(idx),)+)
            }
            #[inline(always)]
            unsafe fn __nbrs<'n, const UNIT: bool>(
                &self,
                rows: Self::Rows,
                j: usize,
                lo: [isize; N],
                hi: [isize; N],
            ) -> Self::Nbrs<'n> {
                // SAFETY: forwarded contract.
                unsafe {
                    ($(self.$k.nbrs::<UNIT>(
                        rows.$k + j as isize * if UNIT { 1 } else { self.$k.strides[N - 1] },
                        lo,
                        hi,
                    ),)+)
                }
            }
            unsafe fn __gather<'p>(
                &self,
                patches: &'p mut Self::Patches,
                idx: [usize; N],
                lo: [isize; N],
                hi: [isize; N],
                mode: Mode,
                cvals: Option<Self::Elems>,
            ) -> Self::Nbrs<'p> {
                // SAFETY: forwarded contract.
                unsafe { ($(self.$k.gather(&mut patches.$k, idx, lo, hi, mode, cvals.map(|c| c.$k)),)+) }
            }
        }
    };
    (@isize $T:ident) => { isize };
}

field_set!(A 0);
field_set!(A 0, B 1);
field_set!(A 0, B 1, C 2);
field_set!(A 0, B 1, C 2, D 3);
field_set!(A 0, B 1, C 2, D 3, E 4);
field_set!(A 0, B 1, C 2, D 3, E 4, F 5);
field_set!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
field_set!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
