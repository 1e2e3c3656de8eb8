//! The typed handle [`Ufunc`]: a kernel plus the target to run it on, with `call` and
//! `call_into` once per arity and NumPy's ufunc methods for binary kernels.

use super::OutArrays;
use super::{call, call_into, Kernel, Operands, OutArgs, UfuncOutput};
use crate::broadcast::{Operand, Source};
use crate::element::Element;
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::executor::reduce::{fold_all, fold_axis, scan_axis, Grouping};
use crate::target::Target;
use ndarray::{Array, Array0, ArrayD, Axis, Dimension, RemoveAxis};
use std::marker::PhantomData;

/// A ufunc with a chosen target: what `name::serial()`, `name::parallel()` and
/// `name::default_target()` of a `#[vectorize]` function return.
///
/// It has the companion type's `call` and `call_into`, taking as many operands as the kernel
/// has inputs; a kernel with two inputs and one output, all of one type, also has NumPy's
/// ufunc methods [`reduce`](Ufunc::reduce), [`reduce_all`](Ufunc::reduce_all),
/// [`accumulate`](Ufunc::accumulate) and [`outer`](Ufunc::outer). The type parameter `A` is
/// the kernel's argument tuple (left at its default); it selects the methods of the arity.
/// Build one with [`Ufunc::new`] from any [`Kernel`].
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ufunc::Ufunc;
/// use numbox::{ndarray::array, Target};
///
/// #[vectorize]
/// fn axpy(a: f64, x: f64, y: f64) -> f64 {
///     a * x + y
/// }
///
/// let h: Ufunc<axpy> = axpy::parallel();
/// assert_eq!(h.target(), Target::Parallel);
/// assert_eq!(h.call(2.0, &array![1.0, 2.0], 1.0).unwrap(), array![3.0, 5.0]);
/// assert_eq!(Ufunc::<axpy>::new(Target::Serial).call(1.0, 1.0, 1.0).unwrap().into_scalar(), 2.0);
/// ```
pub struct Ufunc<K: Kernel, A = <K as Kernel>::Args> {
    target: Target,
    kernel: PhantomData<fn() -> (K, A)>,
}

impl<K: Kernel, A> Clone for Ufunc<K, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Kernel, A> Copy for Ufunc<K, A> {}

impl<K: Kernel, A> std::fmt::Debug for Ufunc<K, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ufunc")
            .field("kernel", &K::NAME)
            .field("target", &self.target)
            .finish()
    }
}

impl<K: Kernel> Ufunc<K> {
    /// The handle running kernel `K` on `target`.
    pub const fn new(target: Target) -> Self {
        Ufunc {
            target,
            kernel: PhantomData,
        }
    }
}

impl<K: Kernel, A> Ufunc<K, A> {
    /// Where this handle runs the kernel.
    pub const fn target(&self) -> Target {
        self.target
    }
}

macro_rules! arity {
    ($($A:ident $x:ident $T:ident),+) => {
        impl<K, $($T: Element),+> Ufunc<K, ($($T,)+)>
        where
            K: Kernel<Args = ($($T,)+), Out: OutArrays>,
        {
            /// Applies the kernel elementwise to the broadcast operands, into new arrays.
            ///
            /// Each operand is a scalar, an array or view of any layout, or a slice. The result
            /// has the broadcast shape, in C order (F order when every input is F order).
            #[allow(clippy::too_many_arguments)]
            pub fn call<$($A),+>(&self, $($x: $A),+) -> Result<UfuncOutput<K, ($($A,)+)>>
            where
                ($($A,)+): Operands<($($T,)+)>,
            {
                call::<K, _>(&($($x,)+), self.target)
            }

            /// Applies the kernel elementwise, writing into `out` (`&mut` an array or an
            /// `ArrayViewMut`; a tuple of them for several outputs).
            ///
            /// As NumPy's `out=`, the outputs take part in broadcasting: the operands
            /// broadcast to the outputs' shape (which all outputs share), so inputs of shape
            /// `[3, 4]` fill every `[3, 4]` slice of a `[2, 3, 4]` output. An output is never
            /// broadcast: `[3, 1]` for those inputs is an `Err` naming every operand's shape.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($A,)+ O>(&self, $($x: $A,)+ out: O) -> Result<()>
            where
                ($($A,)+): Operands<($($T,)+)>,
                O: OutArgs<K::Out>,
            {
                call_into::<K, _, O>(&($($x,)+), out, self.target)
            }
        }
    };
}

arity!(A0 x0 T0);
arity!(A0 x0 T0, A1 x1 T1);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7,
    A8 x8 T8);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7,
    A8 x8 T8, A9 x9 T9);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7,
    A8 x8 T8, A9 x9 T9, A10 x10 T10);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5, A6 x6 T6, A7 x7 T7,
    A8 x8 T8, A9 x9 T9, A10 x10 T10, A11 x11 T11);

/// The kernel as a binary function: an `#[inline(always)]` closure, so that the reduction
/// loops inline it (see `executor::KernelFn`).
#[inline(always)]
fn binary<K: Kernel<Args = (T, T), Out = (T,)>, T>() -> impl Fn(T, T) -> T + Copy + Send + Sync {
    #[inline(always)]
    |x: T, y: T| K::eval((x, y)).0
}

/// How the kernel's reductions may be grouped: regrouped only if it promises associativity.
fn grouping<K: Kernel>() -> Grouping {
    if K::ASSOCIATIVE {
        Grouping::Associative
    } else {
        Grouping::LeftFold
    }
}

fn check_axis(name: &str, method: &str, shape: &[usize], axis: Axis) -> Result<()> {
    if axis.index() >= shape.len() {
        return Err(Error::new(
            ErrorKind::AxisOutOfBounds,
            format!(
                "{name}.{method}: axis {} is out of bounds for an array of shape {} ({} dimensions)",
                axis.index(),
                shape_str(shape),
                shape.len()
            ),
        ));
    }
    Ok(())
}

fn no_axis(name: &str, method: &str, axis: Axis) -> Error {
    Error::new(
        ErrorKind::AxisOutOfBounds,
        format!("{name}.{method}: a scalar has no axis {}", axis.index()),
    )
}

/// NumPy's ufunc methods, for a kernel with two inputs and one output, all of type `T`.
impl<K, T: Element> Ufunc<K, (T, T)>
where
    K: Kernel<Args = (T, T), Out = (T,)>,
{
    /// Reduces along `axis` (NumPy's `ufunc.reduce(a, axis)`): every output element is the
    /// left fold `f(f(f(a0, a1), a2), ...)` along the axis, exactly NumPy's order, on every
    /// target. The parallel target splits only the kept axes (the columns of an axis-0
    /// reduce), so its bits equal the serial ones; a 1-D reduce runs serially.
    ///
    /// A kernel marked `#[vectorize(associative)]` ([`Kernel::ASSOCIATIVE`]) may be
    /// regrouped: when the reduced axis is the outer one of a small output, such as the
    /// column sums of a C-order matrix, the parallel target cuts the axis into a fixed grid
    /// of row blocks, each folded left to right, and folds the block results in order. The
    /// grid depends only on the axis length, so the result has the same bits for any number
    /// of threads (a float sum may differ from the serial one in the last bits).
    ///
    /// An axis of length zero gives the kernel's identity everywhere, or an `Err` of kind
    /// `EmptyReduction` when it has none; an axis out of range is an `Err`.
    ///
    /// ```
    /// use numbox::prelude::*;
    /// use numbox::ndarray::{array, Axis};
    ///
    /// #[vectorize]
    /// fn sub(x: i64, y: i64) -> i64 {
    ///     x - y
    /// }
    ///
    /// let a = array![[1, 2], [10, 20], [100, 200]];
    /// // ((1 - 10) - 100, (2 - 20) - 200), on either target.
    /// assert_eq!(sub::parallel().reduce(&a, Axis(0)).unwrap(), array![-109, -218]);
    /// ```
    pub fn reduce<A: Operand<T>>(
        &self,
        a: A,
        axis: Axis,
    ) -> Result<Array<T, <A::Dim as Dimension>::Smaller>>
    where
        A::Dim: RemoveAxis,
    {
        let Source::Array(a) = a.source() else {
            return Err(no_axis(K::NAME, "reduce", axis));
        };
        check_axis(K::NAME, "reduce", a.shape(), axis)?;
        if a.len_of(axis) == 0 {
            let id = self.empty_identity("reduce", a.shape(), Some(axis))?;
            return Ok(Array::from_elem(a.raw_dim().remove_axis(axis), id));
        }
        let mut out = a.index_axis(axis, 0).to_owned();
        fold_axis(
            a.view(),
            axis,
            out.view_mut(),
            &binary::<K, T>(),
            self.target,
            grouping::<K>(),
        );
        Ok(out)
    }

    /// Reduces over every element (NumPy's `ufunc.reduce(a, axis=None)`): the left fold of
    /// the elements in logical C index order (`a[0, 0], a[0, 1], ..., a[1, 0], ...`),
    /// whatever the memory layout (Fortran order, transposed or reversed views). There are
    /// no kept axes to split, so the fold runs on the calling thread on either target.
    ///
    /// A kernel marked `#[vectorize(associative)]` ([`Kernel::ASSOCIATIVE`]) is instead
    /// folded on a fixed grid: blocks of consecutive elements (in the same logical order),
    /// folded in SIMD-friendly sub-blocks and across threads on the parallel target, and
    /// combined in order. The grid depends only on the length, so the result has the same
    /// bits for any number of threads, on both targets and for any layout.
    ///
    /// ```
    /// use numbox::prelude::*;
    /// use numbox::ndarray::{array, ShapeBuilder, Array2};
    ///
    /// #[vectorize]
    /// fn sub(x: i64, y: i64) -> i64 {
    ///     x - y
    /// }
    ///
    /// let c = array![[100, 1, 2], [3, 4, 5]];
    /// let mut f = Array2::zeros((2, 3).f());
    /// f.assign(&c);
    /// // 100 - 1 - 2 - 3 - 4 - 5, NumPy's `np.subtract.reduce(c, axis=None)`, for both.
    /// assert_eq!(sub::reduce_all(&c).unwrap(), 85);
    /// assert_eq!(sub::parallel().reduce_all(&f).unwrap(), 85);
    /// ```
    pub fn reduce_all<A: Operand<T>>(&self, a: A) -> Result<T> {
        match a.source() {
            Source::Scalar(v) => Ok(v),
            Source::Array(v) => {
                match fold_all(v.view(), &binary::<K, T>(), self.target, grouping::<K>()) {
                    Some(r) => Ok(r),
                    None => self.empty_identity("reduce_all", v.shape(), None),
                }
            }
        }
    }

    /// The running reduction along `axis` (NumPy's `ufunc.accumulate`): `out[0] = a[0]` and
    /// `out[k] = f(out[k - 1], a[k])`. The result has `a`'s shape. Every lane is scanned in
    /// order on every target, `associative` or not; the parallel target splits the other
    /// axes, so its bits equal the serial ones.
    pub fn accumulate<A: Operand<T>>(&self, a: A, axis: Axis) -> Result<Array<T, A::Dim>>
    where
        A::Dim: RemoveAxis,
    {
        match a.source() {
            Source::Scalar(_) => Err(no_axis(K::NAME, "accumulate", axis)),
            Source::Array(v) => {
                check_axis(K::NAME, "accumulate", v.shape(), axis)?;
                Ok(scan_axis(v, axis, &binary::<K, T>(), self.target))
            }
        }
    }

    /// The kernel applied to every pair (NumPy's `ufunc.outer`): the result has shape
    /// `a.shape() ++ b.shape()` and `out[i.., j..] = f(a[i..], b[j..])`.
    pub fn outer<A: Operand<T>, B: Operand<T>>(&self, a: A, b: B) -> Result<ArrayD<T>> {
        // A scalar takes part as a 0-d array.
        let (ha, hb);
        let (sa, sb) = (a.source(), b.source());
        let mut av = match sa {
            Source::Scalar(v) => {
                ha = Array0::from_elem((), v);
                ha.view().into_dyn()
            }
            Source::Array(v) => v.into_dyn(),
        };
        let mut bv = match sb {
            Source::Scalar(v) => {
                hb = Array0::from_elem((), v);
                hb.view().into_dyn()
            }
            Source::Array(v) => v.into_dyn(),
        };
        let (na, nb) = (av.ndim(), bv.ndim());
        for _ in 0..nb {
            av = av.insert_axis(Axis(na));
        }
        for _ in 0..na {
            bv = bv.insert_axis(Axis(0));
        }
        call::<K, _>(&(av, bv), self.target)
    }

    fn empty_identity(&self, method: &str, shape: &[usize], axis: Option<Axis>) -> Result<T> {
        match K::identity() {
            Some((id,)) => Ok(id),
            None => {
                let what = match axis {
                    Some(ax) => format!("axis {} of length zero", ax.index()),
                    None => "zero elements".to_string(),
                };
                Err(Error::new(
                    ErrorKind::EmptyReduction,
                    format!(
                        "{}.{method}: cannot reduce over {what} (array shape {}) without an identity; \
                         give the kernel one with #[vectorize(identity = ...)]",
                        K::NAME,
                        shape_str(shape)
                    ),
                ))
            }
        }
    }
}
