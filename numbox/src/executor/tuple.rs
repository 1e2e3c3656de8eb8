//! Kernel argument and result tuples, implemented once per arity with `macro_rules!`.
//!
//! The executor moves through memory in chunks of up to [`CHUNK`] elements of one row. For
//! every operand a chunk is a slice: the array's own memory when the row is contiguous, or a
//! small stack buffer (filled once for a scalar, gathered for a strided row, scattered back
//! for a strided output). So the kernel loop is always the same slice loop, which LLVM
//! vectorizes after inlining the kernel.

use crate::element::Element;
use crate::ptr::{ReadPtr, WritePtr};
use std::mem::MaybeUninit;

/// Keeps the executor's tuple traits closed to other crates.
mod sealed {
    /// Implemented for the tuples of 1 to 12 [`Element`](crate::Element)s.
    pub trait Sealed {}
}

/// The number of elements processed per chunk when an operand needs a buffer.
pub const CHUNK: usize = 256;

/// One input operand as the executor reads it.
#[derive(Clone, Copy, Debug)]
pub enum Src<T> {
    /// The same value for every element.
    Scalar(T),
    /// The first element of a (broadcast) view the calling function borrows, shared, for the
    /// whole execution; strides live in the plan.
    Ptr(ReadPtr<T>),
}

/// A chunk-sized stack buffer.
pub struct Buf<T>([MaybeUninit<T>; CHUNK]);

impl<T: Copy> Buf<T> {
    #[inline(always)]
    fn new() -> Self {
        Buf([MaybeUninit::uninit(); CHUNK])
    }

    /// The first `len` elements, which the caller has initialised.
    ///
    /// # Safety
    /// `len <= CHUNK` and elements `..len` are initialised.
    #[inline(always)]
    unsafe fn init_prefix(&self, len: usize) -> &[T] {
        debug_assert!(len <= CHUNK);
        // SAFETY: the caller guarantees `len <= CHUNK` and that the prefix is initialised;
        // `MaybeUninit<T>` has the layout of `T`.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<T>(), len) }
    }
}

impl<T: Element> Src<T> {
    #[inline(always)]
    fn buf(&self) -> Buf<T> {
        let mut b = Buf::new();
        // Only a scalar's buffer is filled up front; the others stay uninitialised until a
        // strided chunk is gathered into them.
        if let Src::Scalar(v) = *self {
            b.0.fill(MaybeUninit::new(v));
        }
        b
    }

    #[inline(always)]
    fn contiguous(&self, inner: isize) -> bool {
        matches!(self, Src::Ptr(_)) && inner == 1
    }

    /// `len` elements starting at element offset `off` with stride `inner`, as a slice.
    ///
    /// # Safety
    /// For `Ptr`, every offset `off + j * inner` (`j < len`) is inside the borrowed view;
    /// `len <= CHUNK` unless the operand is contiguous (`inner == 1`).
    #[inline(always)]
    unsafe fn slice<'a>(
        &self,
        buf: &'a mut Buf<T>,
        off: isize,
        inner: isize,
        len: usize,
    ) -> &'a [T] {
        match *self {
            // SAFETY: a scalar buffer is filled in full at creation, and `len <= CHUNK`.
            Src::Scalar(_) => unsafe { buf.init_prefix(len) },
            Src::Ptr(p) if inner == 1 => {
                let p = p.ptr();
                // SAFETY: the caller guarantees the `len` elements from `off` are in the view.
                unsafe { std::slice::from_raw_parts(p.offset(off), len) }
            }
            Src::Ptr(p) => {
                let p = p.ptr();
                for (j, slot) in buf.0[..len].iter_mut().enumerate() {
                    // SAFETY: the caller guarantees `off + j * inner` is in the view.
                    slot.write(unsafe { *p.offset(off + j as isize * inner) });
                }
                // SAFETY: the loop above initialised `..len`.
                unsafe { buf.init_prefix(len) }
            }
        }
    }
}

/// A kernel's argument tuple `(T1, ..., Tn)`. Sealed; implemented for 1 to 12 elements.
pub trait InTuple: Copy + Send + Sync + Sized + sealed::Sealed {
    /// The number of inputs.
    const N: usize;
    #[doc(hidden)]
    type Srcs: Copy + Send + Sync;
    #[doc(hidden)]
    type Bufs;
    #[doc(hidden)]
    type Slices<'a>
    where
        Self: 'a;
    #[doc(hidden)]
    fn bufs(srcs: &Self::Srcs) -> Self::Bufs;
    #[doc(hidden)]
    fn contiguous(srcs: &Self::Srcs, inner: &[isize]) -> bool;
    #[doc(hidden)]
    /// # Safety
    /// See [`Src::slice`], for every operand.
    unsafe fn slices<'a>(
        srcs: &Self::Srcs,
        bufs: &'a mut Self::Bufs,
        offs: &[isize],
        inner: &[isize],
        len: usize,
    ) -> Self::Slices<'a>;
    #[doc(hidden)]
    /// # Safety
    /// `j` is less than the length of every slice.
    unsafe fn get(s: &Self::Slices<'_>, j: usize) -> Self;
    #[doc(hidden)]
    /// # Safety
    /// Every operand is a pointer (no scalar) and its `len` elements from `offs` are
    /// contiguous and inside its view.
    unsafe fn direct<'a>(srcs: &Self::Srcs, offs: &[isize], len: usize) -> Self::Slices<'a>;
}

/// A kernel's result tuple `(R1, ..., Rm)`: `(R,)` for a kernel that returns one value.
/// Sealed; implemented for 1 to 4 elements.
pub trait OutTuple: Copy + Send + Sync + Sized + sealed::Sealed {
    /// The number of outputs.
    const M: usize;
    #[doc(hidden)]
    type Dsts: Copy + Send + Sync;
    #[doc(hidden)]
    type Bufs;
    #[doc(hidden)]
    type Slices<'a>
    where
        Self: 'a;
    #[doc(hidden)]
    fn bufs() -> Self::Bufs;
    #[doc(hidden)]
    fn contiguous(inner: &[isize]) -> bool;
    #[doc(hidden)]
    /// # Safety
    /// For every output, the `len` elements at `off + j * inner` are inside its view, and
    /// `len <= CHUNK` unless `inner == 1`; no other slice to them is alive.
    unsafe fn slices<'a>(
        dsts: &Self::Dsts,
        bufs: &'a mut Self::Bufs,
        offs: &[isize],
        inner: &[isize],
        len: usize,
    ) -> Self::Slices<'a>;
    #[doc(hidden)]
    /// # Safety
    /// `j` is less than the length of every slice.
    unsafe fn set(s: &mut Self::Slices<'_>, j: usize, v: Self);
    #[doc(hidden)]
    /// # Safety
    /// Every output's `len` elements from `offs` are contiguous, inside its view, and not
    /// aliased by any other live slice.
    unsafe fn direct<'a>(dsts: &Self::Dsts, offs: &[isize], len: usize) -> Self::Slices<'a>;
    #[doc(hidden)]
    /// # Safety
    /// As for `slices`, with the same arguments; `bufs` hold `len` written elements.
    unsafe fn flush(
        dsts: &Self::Dsts,
        bufs: &Self::Bufs,
        offs: &[isize],
        inner: &[isize],
        len: usize,
    );
}

/// A contiguous input chunk in the operand's own memory.
///
/// # Safety
/// `src` is a pointer whose `len` elements from `off` are inside its view.
#[inline(always)]
unsafe fn direct_slice<'a, T>(src: Src<T>, off: isize, len: usize) -> &'a [T] {
    match src {
        // SAFETY: the caller guarantees the elements are inside the view.
        Src::Ptr(p) => unsafe { std::slice::from_raw_parts(p.ptr().offset(off), len) },
        Src::Scalar(_) => unreachable!("a contiguous plan has no scalar operand"),
    }
}

macro_rules! in_tuple {
    ($n:literal; $($T:ident $i:tt),+) => {
        impl<$($T: Element),+> sealed::Sealed for ($($T,)+) {}

        impl<$($T: Element),+> InTuple for ($($T,)+) {
            const N: usize = $n;
            type Srcs = ($(Src<$T>,)+);
            type Bufs = ($(Buf<$T>,)+);
            type Slices<'a> = ($(&'a [$T],)+) where Self: 'a;

            #[inline(always)]
            fn bufs(srcs: &Self::Srcs) -> Self::Bufs {
                ($(srcs.$i.buf(),)+)
            }

            #[inline(always)]
            fn contiguous(srcs: &Self::Srcs, inner: &[isize]) -> bool {
                true $(&& srcs.$i.contiguous(inner[$i]))+
            }

            #[inline(always)]
            unsafe fn slices<'a>(
                srcs: &Self::Srcs,
                bufs: &'a mut Self::Bufs,
                offs: &[isize],
                inner: &[isize],
                len: usize,
            ) -> Self::Slices<'a> {
                // SAFETY: forwarded from the caller, operand by operand.
                ($(unsafe { srcs.$i.slice(&mut bufs.$i, offs[$i], inner[$i], len) },)+)
            }

            #[inline(always)]
            unsafe fn direct<'a>(srcs: &Self::Srcs, offs: &[isize], len: usize) -> Self::Slices<'a> {
                // SAFETY: forwarded from the caller, operand by operand.
                ($(unsafe { direct_slice(srcs.$i, offs[$i], len) },)+)
            }

            #[inline(always)]
            unsafe fn get(s: &Self::Slices<'_>, j: usize) -> Self {
                // SAFETY: the caller guarantees `j` is in bounds of every slice.
                ($(unsafe { *s.$i.get_unchecked(j) },)+)
            }
        }
    };
}

in_tuple!(1; T0 0);
in_tuple!(2; T0 0, T1 1);
in_tuple!(3; T0 0, T1 1, T2 2);
in_tuple!(4; T0 0, T1 1, T2 2, T3 3);
in_tuple!(5; T0 0, T1 1, T2 2, T3 3, T4 4);
in_tuple!(6; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
in_tuple!(7; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
in_tuple!(8; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
in_tuple!(9; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
in_tuple!(10; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
in_tuple!(11; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
in_tuple!(12; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);

/// Writes `v` at `j` of an output chunk.
///
/// # Safety
/// `j < s.len()`.
#[inline(always)]
unsafe fn put<R>(s: &mut [MaybeUninit<R>], j: usize, v: R) {
    // SAFETY: the caller guarantees `j` is in bounds.
    unsafe { s.get_unchecked_mut(j) }.write(v);
}

/// The output chunk of one operand: its own memory when contiguous, else the buffer.
///
/// # Safety
/// As [`OutTuple::slices`] for this operand.
#[inline(always)]
unsafe fn out_slice<R: Copy>(
    d: WritePtr<R>,
    buf: &mut Buf<R>,
    off: isize,
    inner: isize,
    len: usize,
) -> &mut [MaybeUninit<R>] {
    if inner == 1 {
        // SAFETY: the caller guarantees the `len` elements from `off` are in the view and
        // not aliased; `MaybeUninit<R>` has the layout of `R`.
        unsafe { std::slice::from_raw_parts_mut(d.ptr().offset(off).cast::<MaybeUninit<R>>(), len) }
    } else {
        &mut buf.0[..len]
    }
}

/// Scatters a buffered chunk back to a strided output.
///
/// # Safety
/// As [`OutTuple::flush`] for this operand.
#[inline(always)]
unsafe fn out_flush<R: Copy>(d: WritePtr<R>, buf: &Buf<R>, off: isize, inner: isize, len: usize) {
    if inner != 1 {
        // SAFETY: the kernel loop wrote `..len` of the buffer.
        let vals = unsafe { buf.init_prefix(len) };
        for (j, &v) in vals.iter().enumerate() {
            // SAFETY: the caller guarantees `off + j * inner` is in the view.
            unsafe { *d.ptr().offset(off + j as isize * inner) = v };
        }
    }
}

macro_rules! out_tuple {
    ($m:literal; $($R:ident $i:tt),+) => {
        impl<$($R: Element),+> OutTuple for ($($R,)+) {
            const M: usize = $m;
            type Dsts = ($(WritePtr<$R>,)+);
            type Bufs = ($(Buf<$R>,)+);
            type Slices<'a> = ($(&'a mut [MaybeUninit<$R>],)+) where Self: 'a;

            #[inline(always)]
            fn bufs() -> Self::Bufs {
                ($({ let b: Buf<$R> = Buf::new(); b },)+)
            }

            #[inline(always)]
            fn contiguous(inner: &[isize]) -> bool {
                true $(&& inner[$i] == 1)+
            }

            #[inline(always)]
            unsafe fn slices<'a>(
                dsts: &Self::Dsts,
                bufs: &'a mut Self::Bufs,
                offs: &[isize],
                inner: &[isize],
                len: usize,
            ) -> Self::Slices<'a> {
                // SAFETY: forwarded from the caller, operand by operand.
                ($(unsafe { out_slice(dsts.$i, &mut bufs.$i, offs[$i], inner[$i], len) },)+)
            }

            #[inline(always)]
            unsafe fn direct<'a>(dsts: &Self::Dsts, offs: &[isize], len: usize) -> Self::Slices<'a> {
                ($(
                    // SAFETY: forwarded from the caller; `MaybeUninit<R>` has `R`'s layout.
                    unsafe { std::slice::from_raw_parts_mut(dsts.$i.ptr().offset(offs[$i]).cast::<MaybeUninit<$R>>(), len) },
                )+)
            }

            #[inline(always)]
            unsafe fn set(s: &mut Self::Slices<'_>, j: usize, v: Self) {
                // SAFETY: the caller guarantees `j` is in bounds of every slice.
                $(unsafe { put(s.$i, j, v.$i) };)+
            }

            #[inline(always)]
            unsafe fn flush(dsts: &Self::Dsts, bufs: &Self::Bufs, offs: &[isize], inner: &[isize], len: usize) {
                // SAFETY: forwarded from the caller, operand by operand.
                $(unsafe { out_flush(dsts.$i, &bufs.$i, offs[$i], inner[$i], len) };)+
            }
        }
    };
}

out_tuple!(1; R0 0);
out_tuple!(2; R0 0, R1 1);
out_tuple!(3; R0 0, R1 1, R2 2);
out_tuple!(4; R0 0, R1 1, R2 2, R3 3);
