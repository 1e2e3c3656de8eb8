//! NumPy broadcasting of N shapes, and the operands a kernel accepts.
//!
//! A scalar operand stays a value (it is never turned into a stride-0 view); arrays and
//! views of any layout are broadcast by their strides, without copying.

use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::small::Small;

/// A shape: a few axis lengths, inline.
pub(crate) type Shape = Small<usize, 6>;
use ndarray::{ArrayBase, ArrayView, ArrayView1, Data, Dimension, Ix0, Ix1, RawData};

/// One operand as the runtime sees it: a value, or a view of any layout.
#[derive(Debug)]
pub enum Source<'a, T, D: Dimension> {
    /// A scalar, used for every element of the broadcast shape.
    Scalar(T),
    /// An array view; broadcast by its strides.
    Array(ArrayView<'a, T, D>),
}

impl<T: Copy, D: Dimension> Source<'_, T, D> {
    /// The operand's shape, or `None` for a scalar.
    pub fn shape(&self) -> Option<&[usize]> {
        match self {
            Source::Scalar(_) => None,
            Source::Array(a) => Some(a.shape()),
        }
    }
}

/// Something that can stand for an array operand with elements `T`.
///
/// Implemented for the primitive scalars and complex numbers (as values), for [`Scalar`] (any
/// element type as a value), for `ArrayBase` owned, borrowed or as a view of any layout, and
/// for `&[T]`, `&Vec<T>`, `Vec<T>` and `&[T; N]` (1-D).
///
/// ```
/// use numbox::{Operand, Source, ndarray::array};
/// let a = array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(Operand::<f64>::source(&&a).shape(), Some(&[2usize, 2][..]));
/// assert!(matches!(Operand::<f64>::source(&2.5), Source::Scalar(x) if x == 2.5));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an operand with elements of type `{T}`",
    label = "expected a `{T}` scalar, an ndarray array or view of `{T}`, or a `&[{T}]`",
    note = "wrap a value of a user type in `numbox::Scalar(..)` to pass it as a scalar"
)]
pub trait Operand<T> {
    /// The operand's dimensionality (`Ix0` for a scalar).
    type Dim: Dimension;
    /// The operand as a value or a view.
    fn source(&self) -> Source<'_, T, Self::Dim>;
}

/// A scalar operand of any element type (primitive scalars can be passed bare).
///
/// ```
/// use numbox::{Operand, Scalar, Source};
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// struct P(f32, f32);
/// assert!(matches!(Scalar(P(1.0, 2.0)).source(), Source::Scalar(P(..))));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scalar<T>(pub T);

impl<T: Copy> Operand<T> for Scalar<T> {
    type Dim = Ix0;
    fn source(&self) -> Source<'_, T, Ix0> {
        Source::Scalar(self.0)
    }
}

macro_rules! scalar_operands {
    ($($t:ty),* $(,)?) => {$(
        impl Operand<$t> for $t {
            type Dim = Ix0;
            #[inline]
            fn source(&self) -> Source<'_, $t, Ix0> {
                Source::Scalar(*self)
            }
        }
    )*};
}
/// Calls `$m!(T1, T2, ..)` with the element types that are operands by value (scalars): the
/// one list both the single-process and the distributed operands implement.
macro_rules! for_each_scalar_operand {
    ($m:ident) => {
        $m!(
            bool,
            i8,
            i16,
            i32,
            i64,
            i128,
            isize,
            u8,
            u16,
            u32,
            u64,
            u128,
            usize,
            f32,
            f64,
            char,
            ::num_complex::Complex<f32>,
            ::num_complex::Complex<f64>
        );
    };
}
// Used by `dist` (feature `mpi`) besides the impls below.
#[cfg_attr(not(feature = "mpi"), allow(unused_imports))]
pub(crate) use for_each_scalar_operand;
for_each_scalar_operand!(scalar_operands);

/// The storages of ndarray arrays whose elements are `T`: `Array`, `ArcArray`, `CowArray`
/// and views. Implemented per storage, with `T` in the storage type itself, so that an array
/// of another element type matches no impl and the error is this trait's message (a bound
/// `S: Data<Elem = T>` would be a bare type mismatch on `<S as RawData>::Elem`).
///
/// ```
/// use numbox::ndarray::{Array1, ArrayBase, Ix1};
/// fn elems<S: numbox::ElemStorage<f64>>(a: &ArrayBase<S, Ix1>) -> f64 {
///     a.sum()
/// }
/// let a = Array1::from(vec![1.0, 2.0]);
/// assert_eq!(elems(&a) + elems(&a.view()), 6.0);
/// ```
#[diagnostic::on_unimplemented(
    message = "this kernel takes `{T}` operands, and `{Self}` holds elements of another type",
    label = "expected an array or view of `{T}`",
    note = "convert the array first, e.g. with `a.mapv({T}::from)` (or `a.mapv(|x| x as {T})`)",
    note = "a generic `#[vectorize]` kernel can instead list the signatures to compile, `#[vectorize(fn(f64) -> f64, fn(i32) -> i32)]`, and take arrays of any of them through `call_dyn`"
)]
pub trait ElemStorage<T>: Data<Elem = T> {}

impl<T> ElemStorage<T> for ndarray::OwnedRepr<T> {}
impl<T> ElemStorage<T> for ndarray::OwnedArcRepr<T> {}
impl<T> ElemStorage<T> for ndarray::ViewRepr<&T> {}
impl<T> ElemStorage<T> for ndarray::ViewRepr<&mut T> {}
impl<T> ElemStorage<T> for ndarray::CowRepr<'_, T> {}

impl<T: Copy, S: ElemStorage<T>, D: Dimension> Operand<T> for ArrayBase<S, D> {
    type Dim = D;
    #[inline]
    fn source(&self) -> Source<'_, T, D> {
        Source::Array(self.view())
    }
}

impl<T: Copy, S: ElemStorage<T>, D: Dimension> Operand<T> for &ArrayBase<S, D> {
    type Dim = D;
    #[inline]
    fn source(&self) -> Source<'_, T, D> {
        Source::Array(self.view())
    }
}

impl<T: Copy, S: ElemStorage<T>, D: Dimension> Operand<T> for &mut ArrayBase<S, D> {
    type Dim = D;
    #[inline]
    fn source(&self) -> Source<'_, T, D> {
        Source::Array(self.view())
    }
}

impl<T: Copy> Operand<T> for &[T] {
    type Dim = Ix1;
    #[inline]
    fn source(&self) -> Source<'_, T, Ix1> {
        Source::Array(ArrayView1::from(*self))
    }
}

impl<T: Copy> Operand<T> for &Vec<T> {
    type Dim = Ix1;
    #[inline]
    fn source(&self) -> Source<'_, T, Ix1> {
        Source::Array(ArrayView1::from(self.as_slice()))
    }
}

impl<T: Copy> Operand<T> for Vec<T> {
    type Dim = Ix1;
    #[inline]
    fn source(&self) -> Source<'_, T, Ix1> {
        Source::Array(ArrayView1::from(self.as_slice()))
    }
}

impl<T: Copy, const N: usize> Operand<T> for &[T; N] {
    type Dim = Ix1;
    #[inline]
    fn source(&self) -> Source<'_, T, Ix1> {
        Source::Array(ArrayView1::from(&self[..]))
    }
}

/// Shape and strides (in elements) of one array operand.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub(crate) shape: Small<usize, 6>,
    pub(crate) strides: Small<isize, 6>,
}

impl Meta {
    pub(crate) fn of<T, S: RawData<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> Meta {
        Meta {
            shape: Small::from_slice(a.shape()),
            strides: Small::from_slice(a.strides()),
        }
    }
}

/// The broadcast shape of several operands by NumPy's rules; `None` marks a scalar.
///
/// Shapes are aligned at their last axis; along each axis the sizes must be equal or 1.
/// The error names every operand that takes part and its shape.
///
/// ```
/// use numbox::broadcast_shapes;
/// let s = broadcast_shapes(&[Some(&[8, 1, 6, 1][..]), Some(&[7, 1, 5]), None]).unwrap();
/// assert_eq!(s, vec![8, 7, 6, 5]);
/// assert!(broadcast_shapes(&[Some(&[3][..]), Some(&[4])]).is_err());
/// ```
pub fn broadcast_shapes(shapes: &[Option<&[usize]>]) -> Result<Vec<usize>> {
    broadcast_iter(shapes.iter().copied()).map(|s| s.to_vec())
}

/// [`broadcast_shapes`] over any (cloneable) sequence of shapes, without allocating.
pub(crate) fn broadcast_iter<'a, I>(shapes: I) -> Result<Shape>
where
    I: Iterator<Item = Option<&'a [usize]>> + Clone,
{
    let ndim = shapes.clone().flatten().map(|s| s.len()).max().unwrap_or(0);
    let mut out = Shape::from_elem(1, ndim);
    for shape in shapes.clone().flatten() {
        let offset = ndim - shape.len();
        for (k, &len) in shape.iter().enumerate() {
            let slot = &mut out[offset + k];
            if *slot == 1 {
                *slot = len;
            } else if len != 1 && len != *slot {
                return Err(broadcast_error(shapes));
            }
        }
    }
    Ok(out)
}

/// "operand 0 has shape [3, 4], operand 1 is a scalar, ...": every operand of a call.
pub(crate) fn describe_operands<'a>(shapes: impl Iterator<Item = Option<&'a [usize]>>) -> String {
    let parts: Vec<String> = shapes
        .enumerate()
        .map(|(i, s)| match s {
            Some(s) => format!("operand {i} has shape {}", shape_str(s)),
            None => format!("operand {i} is a scalar"),
        })
        .collect();
    parts.join(", ")
}

fn broadcast_error<'a>(shapes: impl Iterator<Item = Option<&'a [usize]>>) -> Error {
    Error::new(
        ErrorKind::Broadcast,
        format!(
            "operands could not be broadcast together: {}",
            describe_operands(shapes)
        ),
    )
}

/// The stride (in elements) along axis `a` of the larger `target` shape of an array with
/// `shape`/`strides` broadcast to it: new leading axes and axes of length 1 get stride 0.
pub(crate) fn broadcast_stride(
    shape: &[usize],
    strides: &[isize],
    target: &[usize],
    a: usize,
) -> isize {
    let offset = target.len() - shape.len();
    match a.checked_sub(offset) {
        Some(k) if shape[k] == target[a] && shape[k] != 1 => strides[k],
        _ => 0,
    }
}

/// The `D` value with the given axis lengths (`D` fixed of that length, or `IxDyn`).
pub(crate) fn dim_from_shape<D: Dimension>(shape: &[usize]) -> D {
    let mut d = D::zeros(shape.len());
    d.slice_mut().copy_from_slice(shape);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bs(shapes: &[&[usize]]) -> Result<Vec<usize>> {
        let v: Vec<Option<&[usize]>> = shapes.iter().map(|s| Some(*s)).collect();
        broadcast_shapes(&v)
    }

    // The conformance table of ndarray's and NumPy's broadcasting tests.
    #[test]
    fn numpy_table() {
        let ok: &[(&[&[usize]], &[usize])] = &[
            (&[&[2, 3], &[3]], &[2, 3]),
            (&[&[256, 256, 3], &[3]], &[256, 256, 3]),
            (&[&[8, 1, 6, 1], &[7, 1, 5]], &[8, 7, 6, 5]),
            (&[&[5, 4], &[1]], &[5, 4]),
            (&[&[15, 3, 5], &[15, 1, 5]], &[15, 3, 5]),
            (&[&[15, 3, 5], &[3, 5]], &[15, 3, 5]),
            (&[&[15, 3, 5], &[3, 1]], &[15, 3, 5]),
            (&[&[0], &[1]], &[0]),
            (&[&[1, 0], &[5, 1]], &[5, 0]),
            (&[&[], &[2, 2]], &[2, 2]),
            (&[&[1], &[], &[3, 1], &[1, 4]], &[3, 4]),
            (&[&[2, 1, 3], &[4, 1], &[1, 1, 1, 1]], &[1, 2, 4, 3]),
        ];
        for (shapes, expect) in ok {
            assert_eq!(bs(shapes).unwrap(), expect.to_vec(), "{shapes:?}");
        }
        let bad: &[&[&[usize]]] = &[
            &[&[3], &[4]],
            &[&[2, 1], &[8, 4, 3]],
            &[&[0], &[2]],
            &[&[2, 3], &[3], &[2]],
        ];
        for shapes in bad {
            let e = bs(shapes).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Broadcast);
        }
    }

    #[test]
    fn error_names_operands_and_shapes() {
        let e = broadcast_shapes(&[Some(&[3, 4][..]), None, Some(&[5])]).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("operand 0 has shape [3, 4]"), "{m}");
        assert!(m.contains("operand 1 is a scalar"), "{m}");
        assert!(m.contains("operand 2 has shape [5]"), "{m}");
    }

    #[test]
    fn scalars_only_give_0d() {
        assert_eq!(
            broadcast_shapes(&[None, None]).unwrap(),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn strides_for_broadcast() {
        let all = |shape: &[usize], strides: &[isize], target: &[usize]| -> Vec<isize> {
            (0..target.len())
                .map(|a| broadcast_stride(shape, strides, target, a))
                .collect()
        };
        assert_eq!(all(&[3], &[1], &[2, 3]), vec![0, 1]);
        assert_eq!(all(&[2, 1], &[1, 1], &[2, 3]), vec![1, 0]);
        assert_eq!(all(&[4, 3], &[-3, 1], &[4, 3]), vec![-3, 1]);
    }
}
