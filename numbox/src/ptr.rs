//! The raw pointers that cross threads: one read and one write wrapper, with the safety
//! argument written once (rayon keeps a single `SendPtr` for the same reason).
//!
//! Raw pointers are neither `Send` nor `Sync`, so that code which shares them across threads
//! has to say why that is sound. Every family shares them the same way, so they say it here:
//!
//! - [`Reads`]: the pointee is borrowed *shared* by the calling function for as long as any
//!   thread uses the pointer, and only reads happen through it. Sending or sharing it is
//!   then what sending or sharing `&T` is, which needs `T: Sync`.
//! - [`Writes`]: the pointee is borrowed *uniquely* by the calling function for as long as
//!   any thread uses the pointer, and the threads access disjoint elements only (the block
//!   driver hands each element's index to one thread). Handing each thread its own elements
//!   is what sending `&mut T` is, which needs `T: Send`.
//!
//! Dereferencing stays `unsafe` at every use, whose `// SAFETY:` comment names the borrow
//! and the disjointness; the wrappers only let the pointer move.

use ndarray::{Dimension, RawArrayViewMut};

/// A raw handle to elements of type `Elem`: a pointer, or a raw array view (a pointer with a
/// shape and strides).
///
/// # Safety
/// The handle holds only pointers to `Elem`s and plain data (no reference counts, no
/// thread-bound state), so moving it between threads moves nothing but addresses.
pub unsafe trait RawHandle {
    /// The element type pointed to.
    type Elem;
}

// SAFETY: a raw pointer is an address.
unsafe impl<T> RawHandle for *const T {
    type Elem = T;
}
// SAFETY: a raw pointer is an address.
unsafe impl<T> RawHandle for *mut T {
    type Elem = T;
}
// SAFETY: a raw view is a pointer, a shape and strides.
unsafe impl<A, D: Dimension> RawHandle for RawArrayViewMut<A, D> {
    type Elem = A;
}

/// A raw handle through which threads only read elements the caller borrows shared (see the
/// module docs).
#[derive(Clone, Copy, Debug)]
pub struct Reads<P>(P);

/// A raw handle through which threads write disjoint elements the caller borrows uniquely
/// (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct Writes<P>(P);

/// A read pointer that may cross threads.
pub type ReadPtr<T> = Reads<*const T>;
/// A write pointer that may cross threads.
pub type WritePtr<T> = Writes<*mut T>;

// SAFETY: see the module docs: a shared borrow, read only, so as `&T: Send` needs `T: Sync`.
unsafe impl<P: RawHandle> Send for Reads<P> where P::Elem: Sync {}
// SAFETY: as above, as `&T: Sync` needs `T: Sync`.
unsafe impl<P: RawHandle> Sync for Reads<P> where P::Elem: Sync {}
// SAFETY: see the module docs: a unique borrow, each element accessed by one thread, so as
// `&mut T: Send` needs `T: Send`.
unsafe impl<P: RawHandle> Send for Writes<P> where P::Elem: Send {}
// SAFETY: as above: sharing the wrapper only lets each thread reach its own elements.
unsafe impl<P: RawHandle> Sync for Writes<P> where P::Elem: Send {}

impl<P> Reads<P> {
    /// Wraps `handle`, under the contract in the module docs.
    #[inline(always)]
    pub(crate) const fn new(handle: P) -> Self {
        Reads(handle)
    }
}

impl<T> Reads<*const T> {
    /// The pointer.
    #[inline(always)]
    pub(crate) const fn ptr(self) -> *const T {
        self.0
    }
}

impl<P> Writes<P> {
    /// Wraps `handle`, under the contract in the module docs.
    #[inline(always)]
    pub(crate) const fn new(handle: P) -> Self {
        Writes(handle)
    }

    /// The handle.
    #[inline(always)]
    pub(crate) const fn get(&self) -> &P {
        &self.0
    }
}

impl<T> Writes<*mut T> {
    /// The pointer.
    #[inline(always)]
    pub(crate) const fn ptr(self) -> *mut T {
        self.0
    }
}
