//! Fresh output arrays for `call`: the ufunc-side half of a kernel's result tuple.
//!
//! The executor only writes through [`OutTuple`]'s pointers; allocating the arrays those
//! pointers come from, and handing them back once written, is the ufunc's business.

use crate::broadcast::Meta;
use crate::element::Element;
use crate::executor::tuple::OutTuple;
use crate::ptr::{WritePtr, Writes};
use crate::small::Small;
use ndarray::{Array, Dimension, ShapeBuilder};
use std::mem::MaybeUninit;

/// A kernel's result tuple `(R1, ..., Rm)` as `call` returns it: allocated fresh, written by
/// the executor, then handed out as arrays. Sealed; implemented for 1 to 4 elements.
pub trait OutArrays: OutTuple {
    /// What `call` returns: `Array<R, D>` for one output, a tuple of arrays for several.
    type Arrays<D: Dimension>;
    #[doc(hidden)]
    type Uninit<D: Dimension>;
    #[doc(hidden)]
    type Metas: AsRef<[Meta]>;
    #[doc(hidden)]
    fn alloc<D: Dimension>(shape: D, fortran: bool) -> Self::Uninit<D>;
    #[doc(hidden)]
    fn prefault<D: Dimension>(u: &mut Self::Uninit<D>);
    #[doc(hidden)]
    fn uninit_dsts<D: Dimension>(u: &mut Self::Uninit<D>) -> (Self::Dsts, Self::Metas);
    #[doc(hidden)]
    /// # Safety
    /// Every element of every array has been written.
    unsafe fn assume_init<D: Dimension>(u: Self::Uninit<D>) -> Self::Arrays<D>;
}

/// A fresh output array, uninitialised, in C or F order.
fn alloc_one<R: Copy, D: Dimension>(shape: D, fortran: bool) -> Array<MaybeUninit<R>, D> {
    let mut a = Array::uninit(shape.set_f(fortran));
    crate::alloc::advise_huge_pages(&mut a);
    a
}

fn dst_of<R, D: Dimension>(a: &mut Array<MaybeUninit<R>, D>) -> (WritePtr<R>, Meta) {
    let meta = Meta {
        shape: Small::from_slice(a.shape()),
        strides: Small::from_slice(a.strides()),
    };
    (Writes::new(a.as_mut_ptr().cast::<R>()), meta)
}

macro_rules! out_arrays {
    ($m:literal; $arrays:ty; [$($R:ident $i:tt),+]; |$u:ident| $init:expr) => {
        impl<$($R: Element),+> OutArrays for ($($R,)+) {
            type Arrays<D: Dimension> = $arrays;
            type Uninit<D: Dimension> = ($(Array<MaybeUninit<$R>, D>,)+);
            type Metas = [Meta; $m];

            fn alloc<D: Dimension>(shape: D, fortran: bool) -> Self::Uninit<D> {
                ($(alloc_one::<$R, D>(shape.clone(), fortran),)+)
            }

            fn prefault<D: Dimension>(u: &mut Self::Uninit<D>) {
                $(crate::alloc::prefault_huge_pages(&mut u.$i);)+
            }

            fn uninit_dsts<D: Dimension>(u: &mut Self::Uninit<D>) -> (Self::Dsts, Self::Metas) {
                let parts = ($(dst_of(&mut u.$i),)+);
                (($(parts.$i.0,)+), [$(parts.$i.1),+])
            }

            unsafe fn assume_init<D: Dimension>($u: Self::Uninit<D>) -> Self::Arrays<D> {
                // SAFETY: the caller guarantees every element was written.
                unsafe { $init }
            }
        }
    };
}

out_arrays!(1; Array<R0, D>; [R0 0]; |u| u.0.assume_init());
out_arrays!(2; (Array<R0, D>, Array<R1, D>); [R0 0, R1 1]; |u| (u.0.assume_init(), u.1.assume_init()));
out_arrays!(3; (Array<R0, D>, Array<R1, D>, Array<R2, D>); [R0 0, R1 1, R2 2];
    |u| (u.0.assume_init(), u.1.assume_init(), u.2.assume_init()));
out_arrays!(4; (Array<R0, D>, Array<R1, D>, Array<R2, D>, Array<R3, D>); [R0 0, R1 1, R2 2, R3 3];
    |u| (u.0.assume_init(), u.1.assume_init(), u.2.assume_init(), u.3.assume_init()));
