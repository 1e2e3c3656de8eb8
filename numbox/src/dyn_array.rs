//! [`DynArray`]: an n-dimensional array whose element type is known only at run time.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, ErrorKind, Result};
use ndarray::{Array, ArrayD, ArrayViewD, Dimension};
use num_complex::Complex;

/// An `ArrayD` of one of the [`DType`]s, for data whose element type is only known at run
/// time (a `.npy` file, a Python caller, a configuration).
///
/// ```
/// use numbox::{DType, DynArray, ndarray::{array, ArrayD}};
/// let a = DynArray::from(array![[1i32, 2, 3], [4, 5, 6]]);
/// assert_eq!(a.dtype(), DType::I32);
/// assert_eq!(a.shape(), &[2, 3]);
/// let b = a.cast(DType::F64)?;
/// let typed: ArrayD<f64> = b.into_typed()?;
/// assert_eq!(typed[[1, 2]], 6.0);
/// assert!(a.into_typed::<f32>().is_err());
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // each variant is the array of the DType variant of the same name
pub enum DynArray {
    Bool(ArrayD<bool>),
    I8(ArrayD<i8>),
    I16(ArrayD<i16>),
    I32(ArrayD<i32>),
    I64(ArrayD<i64>),
    U8(ArrayD<u8>),
    U16(ArrayD<u16>),
    U32(ArrayD<u32>),
    U64(ArrayD<u64>),
    F32(ArrayD<f32>),
    F64(ArrayD<f64>),
    C64(ArrayD<Complex<f32>>),
    C128(ArrayD<Complex<f64>>),
}

/// Evaluates `$body` with `$a` bound to the typed array inside `$value`, whatever its dtype.
macro_rules! with_array {
    ($value:expr, $a:ident => $body:expr) => {
        match $value {
            DynArray::Bool($a) => $body,
            DynArray::I8($a) => $body,
            DynArray::I16($a) => $body,
            DynArray::I32($a) => $body,
            DynArray::I64($a) => $body,
            DynArray::U8($a) => $body,
            DynArray::U16($a) => $body,
            DynArray::U32($a) => $body,
            DynArray::U64($a) => $body,
            DynArray::F32($a) => $body,
            DynArray::F64($a) => $body,
            DynArray::C64($a) => $body,
            DynArray::C128($a) => $body,
        }
    };
}
pub(crate) use with_array;

impl<T: NativeType, D: Dimension> From<Array<T, D>> for DynArray {
    fn from(array: Array<T, D>) -> Self {
        T::wrap(array.into_dyn())
    }
}

impl std::fmt::Display for DynArray {
    /// The elements as ndarray prints them, followed by the dtype: `[1.5, 2.5] float64`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        with_array!(self, a => std::fmt::Display::fmt(a, f))?;
        write!(f, " {}", self.dtype())
    }
}

impl DynArray {
    /// An array of zeros (`false` for bool) of the given dtype and shape, C order
    /// (NumPy's `np.zeros(shape, dtype)`).
    ///
    /// ```
    /// use numbox::{DType, DynArray};
    /// let z = DynArray::zeros(DType::C64, &[2, 3]);
    /// assert_eq!((z.dtype(), z.shape()), (DType::C64, &[2, 3][..]));
    /// assert_eq!(DynArray::zeros(DType::Bool, &[2]).to_string(), "[false, false] bool");
    /// ```
    pub fn zeros(dtype: DType, shape: &[usize]) -> DynArray {
        fn z<T: NativeType + Default>(shape: &[usize]) -> DynArray {
            T::wrap(ArrayD::from_elem(shape, T::default()))
        }
        match dtype {
            DType::Bool => z::<bool>(shape),
            DType::I8 => z::<i8>(shape),
            DType::I16 => z::<i16>(shape),
            DType::I32 => z::<i32>(shape),
            DType::I64 => z::<i64>(shape),
            DType::U8 => z::<u8>(shape),
            DType::U16 => z::<u16>(shape),
            DType::U32 => z::<u32>(shape),
            DType::U64 => z::<u64>(shape),
            DType::F32 => z::<f32>(shape),
            DType::F64 => z::<f64>(shape),
            DType::C64 => z::<Complex<f32>>(shape),
            DType::C128 => z::<Complex<f64>>(shape),
        }
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            DynArray::Bool(_) => DType::Bool,
            DynArray::I8(_) => DType::I8,
            DynArray::I16(_) => DType::I16,
            DynArray::I32(_) => DType::I32,
            DynArray::I64(_) => DType::I64,
            DynArray::U8(_) => DType::U8,
            DynArray::U16(_) => DType::U16,
            DynArray::U32(_) => DType::U32,
            DynArray::U64(_) => DType::U64,
            DynArray::F32(_) => DType::F32,
            DynArray::F64(_) => DType::F64,
            DynArray::C64(_) => DType::C64,
            DynArray::C128(_) => DType::C128,
        }
    }

    /// The shape, NumPy's `a.shape`.
    pub fn shape(&self) -> &[usize] {
        with_array!(self, a => a.shape())
    }

    /// The strides in elements, as ndarray's `strides()`: `[3, 1]` for a C-order `[2, 3]`
    /// array, `[1, 2]` for a Fortran-order one.
    pub fn strides(&self) -> &[isize] {
        with_array!(self, a => a.strides())
    }

    /// The number of axes (0 for a 0-d array).
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// The number of elements (1 for a 0-d array).
    pub fn len(&self) -> usize {
        with_array!(self, a => a.len())
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A view of the elements as `T` if the dtype is `T`'s (no copy), otherwise an
    /// [`ErrorKind::DType`](crate::ErrorKind::DType) error naming both dtypes.
    pub fn view<T: NativeType>(&self) -> Result<ArrayViewD<'_, T>> {
        T::view(self).ok_or_else(|| dtype_mismatch(self.dtype(), T::DTYPE))
    }

    /// The typed array inside (no copy) if the dtype is `T`'s, otherwise an
    /// [`ErrorKind::DType`](crate::ErrorKind::DType) error naming both dtypes. Use
    /// [`cast`](Self::cast) first to convert.
    pub fn into_typed<T: NativeType>(self) -> Result<ArrayD<T>> {
        T::unwrap(self)
    }

    /// The array converted to `dtype`, with NumPy's `astype` semantics (unsafe casts included);
    /// the result keeps the memory order (C or Fortran) of a contiguous input.
    ///
    /// - integer -> integer wraps modulo 2<sup>n</sup> (`300i32 -> uint8` is 44, `-1i8 -> uint16`
    ///   is 65535), as NumPy does;
    /// - integer -> float rounds to nearest; float -> float rounds to nearest;
    /// - float -> integer truncates toward zero. Out-of-range values and NaN are undefined in
    ///   NumPy; numbox saturates (`1e10 -> int32` is `i32::MAX`) and maps NaN to 0, as Rust's `as`;
    /// - anything -> bool is `x != 0` (NaN is `true`; a complex is `true` if either part is
    ///   non-zero); bool -> anything is 0 or 1;
    /// - real -> complex has imaginary part 0; complex -> real keeps the real part and drops the
    ///   imaginary part silently (NumPy warns with `ComplexWarning`).
    ///
    /// Casting to the array's own dtype returns a copy. It never fails today; the `Result`
    /// leaves room for dtypes whose casts can.
    ///
    /// ```
    /// use numbox::{DType, DynArray, ndarray::array};
    /// let a = DynArray::from(array![-1.7f64, 2.9, 300.0]);
    /// assert_eq!(a.cast(DType::I32)?, DynArray::from(array![-1i32, 2, 300]));
    /// assert_eq!(a.cast(DType::U8)?, DynArray::from(array![0u8, 2, 255]));
    /// let i = DynArray::from(array![300i32, -1]);
    /// assert_eq!(i.cast(DType::U8)?, DynArray::from(array![44u8, 255]));
    /// # Ok::<(), numbox::Error>(())
    /// ```
    pub fn cast(&self, dtype: DType) -> Result<DynArray> {
        if self.dtype() == dtype {
            return Ok(self.clone());
        }
        Ok(with_array!(self, a => cast_array(a, dtype)))
    }
}

/// Converts every element of `a` to `to` (`mapv` keeps a contiguous array's memory order).
fn cast_array<S: CastElem>(a: &ArrayD<S>, to: DType) -> DynArray {
    match to {
        DType::Bool => DynArray::Bool(a.mapv(S::to_bool)),
        DType::I8 => DynArray::I8(a.mapv(S::to_i8)),
        DType::I16 => DynArray::I16(a.mapv(S::to_i16)),
        DType::I32 => DynArray::I32(a.mapv(S::to_i32)),
        DType::I64 => DynArray::I64(a.mapv(S::to_i64)),
        DType::U8 => DynArray::U8(a.mapv(S::to_u8)),
        DType::U16 => DynArray::U16(a.mapv(S::to_u16)),
        DType::U32 => DynArray::U32(a.mapv(S::to_u32)),
        DType::U64 => DynArray::U64(a.mapv(S::to_u64)),
        DType::F32 => DynArray::F32(a.mapv(S::to_f32)),
        DType::F64 => DynArray::F64(a.mapv(S::to_f64)),
        DType::C64 => DynArray::C64(a.mapv(S::to_c64)),
        DType::C128 => DynArray::C128(a.mapv(S::to_c128)),
    }
}

/// One element converted to each dtype with `astype` semantics (see [`DynArray::cast`]).
trait CastElem: Copy {
    fn to_bool(self) -> bool;
    fn to_i8(self) -> i8;
    fn to_i16(self) -> i16;
    fn to_i32(self) -> i32;
    fn to_i64(self) -> i64;
    fn to_u8(self) -> u8;
    fn to_u16(self) -> u16;
    fn to_u32(self) -> u32;
    fn to_u64(self) -> u64;
    fn to_f32(self) -> f32;
    fn to_f64(self) -> f64;
    fn to_c64(self) -> Complex<f32>;
    fn to_c128(self) -> Complex<f64>;
}

// Rust's `as` is NumPy's C cast for every in-range value: integers wrap, floats round to
// nearest, float -> int truncates toward zero (and saturates where C is undefined).
macro_rules! cast_elem_real {
    ($($t:ty),*) => {$(
        #[allow(clippy::unnecessary_cast)]
        impl CastElem for $t {
            fn to_bool(self) -> bool { self != (0 as $t) }
            fn to_i8(self) -> i8 { self as i8 }
            fn to_i16(self) -> i16 { self as i16 }
            fn to_i32(self) -> i32 { self as i32 }
            fn to_i64(self) -> i64 { self as i64 }
            fn to_u8(self) -> u8 { self as u8 }
            fn to_u16(self) -> u16 { self as u16 }
            fn to_u32(self) -> u32 { self as u32 }
            fn to_u64(self) -> u64 { self as u64 }
            fn to_f32(self) -> f32 { self as f32 }
            fn to_f64(self) -> f64 { self as f64 }
            fn to_c64(self) -> Complex<f32> { Complex::new(self as f32, 0.0) }
            fn to_c128(self) -> Complex<f64> { Complex::new(self as f64, 0.0) }
        }
    )*};
}
cast_elem_real!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl CastElem for bool {
    fn to_bool(self) -> bool {
        self
    }
    fn to_i8(self) -> i8 {
        u8::from(self).to_i8()
    }
    fn to_i16(self) -> i16 {
        u8::from(self).to_i16()
    }
    fn to_i32(self) -> i32 {
        u8::from(self).to_i32()
    }
    fn to_i64(self) -> i64 {
        u8::from(self).to_i64()
    }
    fn to_u8(self) -> u8 {
        u8::from(self)
    }
    fn to_u16(self) -> u16 {
        u8::from(self).to_u16()
    }
    fn to_u32(self) -> u32 {
        u8::from(self).to_u32()
    }
    fn to_u64(self) -> u64 {
        u8::from(self).to_u64()
    }
    fn to_f32(self) -> f32 {
        u8::from(self).to_f32()
    }
    fn to_f64(self) -> f64 {
        u8::from(self).to_f64()
    }
    fn to_c64(self) -> Complex<f32> {
        u8::from(self).to_c64()
    }
    fn to_c128(self) -> Complex<f64> {
        u8::from(self).to_c128()
    }
}

// Complex -> real keeps the real part (NumPy's ComplexWarning case); -> bool looks at both.
macro_rules! cast_elem_complex {
    ($($f:ty),*) => {$(
        #[allow(clippy::unnecessary_cast)]
        impl CastElem for Complex<$f> {
            fn to_bool(self) -> bool { self.re != 0.0 || self.im != 0.0 }
            fn to_i8(self) -> i8 { self.re.to_i8() }
            fn to_i16(self) -> i16 { self.re.to_i16() }
            fn to_i32(self) -> i32 { self.re.to_i32() }
            fn to_i64(self) -> i64 { self.re.to_i64() }
            fn to_u8(self) -> u8 { self.re.to_u8() }
            fn to_u16(self) -> u16 { self.re.to_u16() }
            fn to_u32(self) -> u32 { self.re.to_u32() }
            fn to_u64(self) -> u64 { self.re.to_u64() }
            fn to_f32(self) -> f32 { self.re as f32 }
            fn to_f64(self) -> f64 { self.re as f64 }
            fn to_c64(self) -> Complex<f32> { Complex::new(self.re as f32, self.im as f32) }
            fn to_c128(self) -> Complex<f64> { Complex::new(self.re as f64, self.im as f64) }
        }
    )*};
}
cast_elem_complex!(f32, f64);

mod sealed {
    pub trait Sealed {}
}

/// A Rust element type that has a [`DType`]: `bool`, `i8`..`i64`, `u8`..`u64`, `f32`, `f64`,
/// `Complex<f32>` and `Complex<f64>`. Sealed: these are exactly the [`DynArray`] variants.
///
/// ```
/// use numbox::{DType, DynArray, NativeType, ndarray::{array, ArrayD}};
/// assert_eq!(<f32 as NativeType>::DTYPE, DType::F32);
/// let d = f64::wrap(array![1.0, 2.0].into_dyn());
/// assert_eq!(f64::view(&d).unwrap().sum(), 3.0);
/// assert!(i32::view(&d).is_none());
/// let back: ArrayD<f64> = f64::unwrap(d)?;
/// assert_eq!(back.len(), 2);
/// # Ok::<(), numbox::Error>(())
/// ```
///
/// `DTYPE` is a constant, so a static loop table can name a signature by Rust types:
/// `Signature::new(&[<f32 as NativeType>::DTYPE, <f32 as NativeType>::DTYPE], &[<f32 as NativeType>::DTYPE])`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no NumPy dtype, so it cannot appear in a run-time signature",
    label = "not one of numbox's dtypes",
    note = "use bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, Complex<f32> or Complex<f64>"
)]
pub trait NativeType: Element + PartialEq + std::fmt::Debug + 'static + sealed::Sealed {
    /// This type's dtype.
    const DTYPE: DType;
    /// The array as a [`DynArray`] (no copy).
    fn wrap(array: ArrayD<Self>) -> DynArray;
    /// The array inside `array` if its dtype is `Self::DTYPE`.
    fn as_array(array: &DynArray) -> Option<&ArrayD<Self>>;
    /// A view of `array` if its dtype is `Self::DTYPE` (no copy, no cast).
    fn view(array: &DynArray) -> Option<ArrayViewD<'_, Self>> {
        Self::as_array(array).map(|a| a.view())
    }
    /// The array inside `array` (no copy), or an [`ErrorKind::DType`] error naming both dtypes.
    fn unwrap(array: DynArray) -> Result<ArrayD<Self>>;
}

macro_rules! native_types {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl NativeType for $t {
            const DTYPE: DType = DType::$variant;
            fn wrap(array: ArrayD<Self>) -> DynArray {
                DynArray::$variant(array)
            }
            fn as_array(array: &DynArray) -> Option<&ArrayD<Self>> {
                match array {
                    DynArray::$variant(a) => Some(a),
                    _ => None,
                }
            }
            fn unwrap(array: DynArray) -> Result<ArrayD<Self>> {
                match array {
                    DynArray::$variant(a) => Ok(a),
                    other => Err(dtype_mismatch(other.dtype(), DType::$variant)),
                }
            }
        }
    )*};
}

native_types! {
    bool => Bool, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64, f32 => F32, f64 => F64,
    Complex<f32> => C64, Complex<f64> => C128,
}

/// The error for asking an array of dtype `found` for elements of dtype `wanted`.
pub(crate) fn dtype_mismatch(found: DType, wanted: DType) -> Error {
    Error::new(
        ErrorKind::DType,
        format!(
            "the array has dtype {found}, not {wanted}; use `cast(DType::{wanted:?})` to convert it"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use ndarray::{array, ShapeBuilder};

    #[test]
    fn accessors() {
        let a = DynArray::from(ArrayD::<u16>::zeros(vec![2, 0, 3]));
        assert_eq!(
            (a.dtype(), a.shape(), a.ndim(), a.len()),
            (DType::U16, &[2, 0, 3][..], 3, 0)
        );
        assert!(a.is_empty());
        let s = DynArray::from(ndarray::arr0(Complex::new(1.0f32, 2.0)));
        assert_eq!((s.dtype(), s.ndim(), s.len()), (DType::C64, 0, 1));
    }

    #[test]
    fn typed_access_names_both_dtypes() {
        let a = DynArray::from(array![1.5f32, 2.5]);
        assert_eq!(a.view::<f32>().unwrap(), array![1.5f32, 2.5].into_dyn());
        let e = a.view::<f64>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DType);
        assert!(e.message().contains("float32") && e.message().contains("float64"));
        let e = a.into_typed::<bool>().unwrap_err();
        assert!(e.message().contains("float32") && e.message().contains("bool"));
    }

    #[test]
    fn cast_semantics() {
        let f = DynArray::from(array![-2.5f64, -0.5, 0.0, f64::NAN, 1e300, 3.99]);
        assert_eq!(
            f.cast(DType::I8).unwrap(),
            DynArray::from(array![-2i8, 0, 0, 0, 127, 3])
        );
        assert_eq!(
            f.cast(DType::Bool).unwrap(),
            DynArray::from(array![true, true, false, true, true, true])
        );
        let i = DynArray::from(array![-1i64, 256, 70000]);
        assert_eq!(
            i.cast(DType::U8).unwrap(),
            DynArray::from(array![255u8, 0, 112])
        );
        assert_eq!(
            i.cast(DType::I16).unwrap(),
            DynArray::from(array![-1i16, 256, 4464])
        );
        let b = DynArray::from(array![true, false]);
        assert_eq!(
            b.cast(DType::C128).unwrap(),
            DynArray::from(array![Complex::new(1.0, 0.0), Complex::new(0.0, 0.0)])
        );
        let c = DynArray::from(array![Complex::new(1.5f32, -2.0), Complex::new(0.0, 1.0)]);
        assert_eq!(c.cast(DType::I32).unwrap(), DynArray::from(array![1i32, 0]));
        assert_eq!(
            c.cast(DType::Bool).unwrap(),
            DynArray::from(array![true, true])
        );
        assert_eq!(
            c.cast(DType::C128).unwrap(),
            DynArray::from(array![Complex::new(1.5f64, -2.0), Complex::new(0.0, 1.0)])
        );
        assert_eq!(c.cast(DType::C64).unwrap(), c);
    }

    #[test]
    fn cast_keeps_fortran_order() {
        let f = ArrayD::from_shape_vec(vec![2, 3].f(), (0..6).collect()).unwrap();
        let d = DynArray::from(f.clone()).cast(DType::F32).unwrap();
        let a = d.view::<f32>().unwrap();
        assert_eq!(a.strides(), f.strides());
        assert_eq!(a, f.mapv(|x| x as f32));
    }
}
