//! The kernel's view of its inputs, relative to the output point.

use crate::ptr::ReadPtr;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Index;

/// A kernel's view of one input around the output point, in `N` dimensions.
///
/// Index it with offsets relative to the output point: `u[[-1, 0]]` is the element one row
/// above (`u[-1]` or `u[[-1]]` in 1-D). Only offsets inside the kernel's neighbourhood can be
/// read; any other offset panics with a message naming the offset and the neighbourhood. It
/// never reads out of bounds: near the borders the values come from the boundary mode.
///
/// Values are handed out by numbox's stencil runtime; kernels take them as parameters
/// ([`Neighbors1`], [`Neighbors2`], [`Neighbors3`]).
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::array;
///
/// #[stencil]
/// fn diff(u: Neighbors1<f64>) -> f64 {
///     u[1] - u[0]
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let d = diff::call(&array![1.0, 4.0, 9.0, 16.0])?;
/// assert_eq!(d, array![3.0, 5.0, 7.0, 0.0]); // the last point has no right neighbour
/// # Ok(()) }
/// ```
pub struct Neighbors<'a, T, const N: usize> {
    /// The element at offset zero. Every offset inside `[lo, hi]` (per axis) is readable:
    /// `center.offset(sum(off[a] * strides[a]))` stays inside one allocation.
    center: ReadPtr<T>,
    strides: [isize; N],
    lo: [isize; N],
    hi: [isize; N],
    _life: PhantomData<&'a T>,
}

/// A 1-D kernel's view of an input: `u[k]` (or `u[[k]]`) reads offset `k`.
pub type Neighbors1<'a, T> = Neighbors<'a, T, 1>;
/// A 2-D kernel's view of an input: `u[[di, dj]]` reads the element `di` rows and `dj` columns away.
pub type Neighbors2<'a, T> = Neighbors<'a, T, 2>;
/// A 3-D kernel's view of an input: `u[[di, dj, dk]]`.
pub type Neighbors3<'a, T> = Neighbors<'a, T, 3>;

impl<T, const N: usize> Clone for Neighbors<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T, const N: usize> Copy for Neighbors<'_, T, N> {}

// A `Neighbors` is a shared borrow of `T`s (like `&'a [T]`): `ReadPtr` lets it cross threads
// exactly when `&T` may.

impl<'a, T, const N: usize> Neighbors<'a, T, N> {
    /// A view around `center`.
    ///
    /// # Safety
    /// For every offset `off` with `lo[a] <= off[a] <= hi[a]` on each axis,
    /// `center.offset(sum(off[a] * strides[a]))` must point to an initialised `T` of one
    /// allocation that stays valid and unmutated for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn new(
        center: *const T,
        strides: [isize; N],
        lo: [isize; N],
        hi: [isize; N],
    ) -> Self {
        Neighbors {
            center: ReadPtr::new(center),
            strides,
            lo,
            hi,
            _life: PhantomData,
        }
    }

    /// The neighbourhood this view can read, per axis as `[lo, hi]` (both inclusive).
    pub fn neighborhood(&self) -> [[isize; 2]; N] {
        let mut b = [[0; 2]; N];
        for a in 0..N {
            b[a] = [self.lo[a], self.hi[a]];
        }
        b
    }

    /// Whether `off` lies inside the neighbourhood.
    #[inline(always)]
    pub fn contains(&self, off: [isize; N]) -> bool {
        let mut inside = true;
        for a in 0..N {
            inside &= self.lo[a] <= off[a] && off[a] <= self.hi[a];
        }
        inside
    }

    /// The element at `off`, or `None` outside the neighbourhood.
    #[inline(always)]
    pub fn get(&self, off: [isize; N]) -> Option<&'a T> {
        if self.contains(off) {
            // SAFETY: `off` is inside the box, which `new`'s contract makes readable for 'a.
            Some(unsafe { self.load(off) })
        } else {
            None
        }
    }

    /// The read `#[stencil]` emits for constant offsets. The macro proves at compile time
    /// that `off` lies in the kernel's neighbourhood and the runtime builds every view with
    /// that neighbourhood as constants, so after inlining the check folds away.
    #[doc(hidden)]
    #[inline(always)]
    pub fn __nb_at(&self, off: [isize; N]) -> &'a T {
        if !self.contains(off) {
            self.outside(off)
        }
        // SAFETY: `off` is inside the box, which `new`'s contract makes readable for 'a.
        unsafe { self.load(off) }
    }

    /// # Safety
    /// `off` must lie inside the box.
    #[inline(always)]
    unsafe fn load(&self, off: [isize; N]) -> &'a T {
        let mut delta = 0isize;
        for a in 0..N {
            delta += off[a] * self.strides[a];
        }
        // SAFETY: the caller keeps `off` inside the box; `new`'s contract makes every such
        // offset a valid, initialised `T` for 'a.
        unsafe { &*self.center.ptr().offset(delta) }
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn outside(&self, off: [isize; N]) -> ! {
        panic!(
            "stencil read at offset {:?} is outside the kernel's neighbourhood {:?}; \
             declare a box that contains it with #[stencil(neighborhood = ...)]",
            off,
            self.neighborhood()
        )
    }
}

impl<T, const N: usize> Index<[isize; N]> for Neighbors<'_, T, N> {
    type Output = T;
    #[inline(always)]
    #[track_caller]
    fn index(&self, off: [isize; N]) -> &T {
        self.__nb_at(off)
    }
}

impl<T> Index<isize> for Neighbors<'_, T, 1> {
    type Output = T;
    #[inline(always)]
    #[track_caller]
    fn index(&self, off: isize) -> &T {
        self.__nb_at([off])
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for Neighbors<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Neighbors")
            .field("center", &self.__nb_at([0; N]))
            .field("neighborhood", &self.neighborhood())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_the_box() {
        let data = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        // SAFETY: centre at index 4 of a 3x3 row-major block, box [-1, 1]^2 stays in `data`.
        let n = unsafe { Neighbors2::new(data.as_ptr().add(4), [3, 1], [-1, -1], [1, 1]) };
        assert_eq!(n[[0, 0]], 5);
        assert_eq!(n[[-1, 0]], 2);
        assert_eq!(n[[1, 1]], 9);
        assert_eq!(n.get([2, 0]), None);
        assert_eq!(n.neighborhood(), [[-1, 1], [-1, 1]]);
    }

    #[test]
    #[should_panic(expected = "offset [2] is outside the kernel's neighbourhood [[-1, 0]]")]
    fn panics_outside_the_box() {
        let data = [1.0, 2.0];
        // SAFETY: centre at index 1, box [-1, 0] covers `data`.
        let n = unsafe { Neighbors1::new(data.as_ptr().add(1), [1], [-1], [0]) };
        assert_eq!(n[-1], 1.0);
        let _ = n[2];
    }
}
