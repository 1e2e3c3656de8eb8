//! Run-time element types: NumPy's dtypes, their names and codes, and the safe-cast table.

use crate::error::{Error, ErrorKind, Result};
use std::fmt;
use std::str::FromStr;

/// The element type of a [`DynArray`](crate::DynArray), known only at run time: NumPy's numeric dtypes.
///
/// Names, character codes and item sizes are NumPy's (`C64` is NumPy's `complex64`, a
/// `Complex<f32>`). The variants are ordered as NumPy orders its type numbers within each kind.
///
/// ```
/// use numbox::DType;
/// assert_eq!(DType::F64.name(), "float64");
/// assert_eq!(DType::C64.char_code(), 'F');
/// assert_eq!(DType::I16.itemsize(), 2);
/// assert_eq!("complex128".parse::<DType>()?, DType::C128);
/// assert_eq!(DType::U8.to_string(), "uint8");
/// assert!(DType::I32.can_cast_safely(DType::F64));
/// assert!(!DType::I32.can_cast_safely(DType::F32));
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// `bool` (NumPy `bool`, code `'?'`).
    Bool,
    /// `i8` (NumPy `int8`, code `'b'`).
    I8,
    /// `i16` (NumPy `int16`, code `'h'`).
    I16,
    /// `i32` (NumPy `int32`, code `'i'`).
    I32,
    /// `i64` (NumPy `int64`, code `'l'`; `'q'` is accepted when parsing).
    I64,
    /// `u8` (NumPy `uint8`, code `'B'`).
    U8,
    /// `u16` (NumPy `uint16`, code `'H'`).
    U16,
    /// `u32` (NumPy `uint32`, code `'I'`).
    U32,
    /// `u64` (NumPy `uint64`, code `'L'`; `'Q'` is accepted when parsing).
    U64,
    /// `f32` (NumPy `float32`, code `'f'`).
    F32,
    /// `f64` (NumPy `float64`, code `'d'`).
    F64,
    /// `Complex<f32>` (NumPy `complex64`, code `'F'`).
    C64,
    /// `Complex<f64>` (NumPy `complex128`, code `'D'`).
    C128,
}

/// The broad kind of a dtype, as NumPy's `dtype.kind`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Signed,
    Unsigned,
    Float,
    Complex,
}

impl DType {
    /// Every dtype, in declaration order.
    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
        DType::C64,
        DType::C128,
    ];

    /// NumPy's name: `"bool"`, `"int8"`, ..., `"float64"`, `"complex64"`, `"complex128"`.
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// NumPy's one-character code (`np.dtype(..).char` on 64-bit Linux), as used in loop
    /// signatures such as `dd->d`.
    pub const fn char_code(self) -> char {
        match self {
            DType::Bool => '?',
            DType::I8 => 'b',
            DType::I16 => 'h',
            DType::I32 => 'i',
            DType::I64 => 'l',
            DType::U8 => 'B',
            DType::U16 => 'H',
            DType::U32 => 'I',
            DType::U64 => 'L',
            DType::F32 => 'f',
            DType::F64 => 'd',
            DType::C64 => 'F',
            DType::C128 => 'D',
        }
    }

    /// The dtype of a NumPy character code; `'q'`/`'Q'` (long long) are `I64`/`U64` too.
    ///
    /// ```
    /// use numbox::DType;
    /// assert_eq!(DType::from_char_code('q'), Some(DType::I64));
    /// assert_eq!(DType::from_char_code('x'), None);
    /// ```
    pub const fn from_char_code(c: char) -> Option<DType> {
        Some(match c {
            '?' => DType::Bool,
            'b' => DType::I8,
            'h' => DType::I16,
            'i' => DType::I32,
            'l' | 'q' => DType::I64,
            'B' => DType::U8,
            'H' => DType::U16,
            'I' => DType::U32,
            'L' | 'Q' => DType::U64,
            'f' => DType::F32,
            'd' => DType::F64,
            'F' => DType::C64,
            'D' => DType::C128,
            _ => return None,
        })
    }

    /// The size of one element in bytes (NumPy's `itemsize`).
    pub const fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    const fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => Kind::Signed,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => Kind::Unsigned,
            DType::F32 | DType::F64 => Kind::Float,
            DType::C64 | DType::C128 => Kind::Complex,
        }
    }

    /// Whether every value of `self` converts to `to` without loss: NumPy's
    /// `np.can_cast(self, to, casting='safe')`.
    ///
    /// `bool` casts to everything; an integer casts to a wider integer of the same
    /// signedness, an unsigned one also to a strictly wider signed one; 8- and 16-bit
    /// integers cast to `float32`/`complex64` and every integer to `float64`/`complex128`
    /// (NumPy counts `int64 -> float64` as safe); `float32 -> float64`, real -> complex of
    /// at least the same precision; nothing casts to `bool`, no float to an integer and no
    /// complex to a real type.
    ///
    /// ```
    /// use numbox::DType;
    /// assert!(DType::U8.can_cast_safely(DType::I16));
    /// assert!(!DType::U64.can_cast_safely(DType::I64));
    /// assert!(DType::I64.can_cast_safely(DType::F64));
    /// assert!(!DType::C64.can_cast_safely(DType::F64));
    /// ```
    pub const fn can_cast_safely(self, to: DType) -> bool {
        let (from_size, to_size) = (self.itemsize(), to.itemsize());
        match (self.kind(), to.kind()) {
            (Kind::Bool, _) => true,
            (_, Kind::Bool) => false,
            (Kind::Signed, Kind::Signed) | (Kind::Unsigned, Kind::Unsigned) => from_size <= to_size,
            (Kind::Unsigned, Kind::Signed) => from_size < to_size,
            (Kind::Signed, Kind::Unsigned) => false,
            // float32 holds 24 mantissa bits, enough for 16-bit integers; NumPy treats every
            // integer as safe in float64.
            (Kind::Signed | Kind::Unsigned, Kind::Float) => from_size <= 2 || to_size == 8,
            // complex64 holds two float32, complex128 two float64.
            (Kind::Signed | Kind::Unsigned, Kind::Complex) => from_size <= 2 || to_size == 16,
            (Kind::Float, Kind::Float) => from_size <= to_size,
            (Kind::Float, Kind::Complex) => 2 * from_size <= to_size,
            (Kind::Complex, Kind::Complex) => from_size <= to_size,
            (Kind::Float | Kind::Complex, Kind::Signed | Kind::Unsigned) => false,
            (Kind::Complex, Kind::Float) => false,
        }
    }

    /// The NPY type string for little-endian data: `"|b1"`, `"<i4"`, `"<c16"`.
    pub(crate) const fn npy_descr(self) -> &'static str {
        match self {
            DType::Bool => "|b1",
            DType::I8 => "|i1",
            DType::I16 => "<i2",
            DType::I32 => "<i4",
            DType::I64 => "<i8",
            DType::U8 => "|u1",
            DType::U16 => "<u2",
            DType::U32 => "<u4",
            DType::U64 => "<u8",
            DType::F32 => "<f4",
            DType::F64 => "<f8",
            DType::C64 => "<c8",
            DType::C128 => "<c16",
        }
    }

    /// The dtype of an NPY kind letter and item size (`'f'`, 8 -> `F64`).
    pub(crate) fn from_kind_size(kind: char, size: usize) -> Option<DType> {
        DType::ALL.into_iter().find(|d| {
            let k = match d.kind() {
                Kind::Bool => 'b',
                Kind::Signed => 'i',
                Kind::Unsigned => 'u',
                Kind::Float => 'f',
                Kind::Complex => 'c',
            };
            k == kind && d.itemsize() == size
        })
    }
}

impl fmt::Display for DType {
    /// NumPy's name, `float64`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for DType {
    type Err = Error;

    /// Parses a NumPy name (`"float64"`) or character code (`"d"`).
    fn from_str(s: &str) -> Result<DType> {
        if let Some(d) = DType::ALL.into_iter().find(|d| d.name() == s) {
            return Ok(d);
        }
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if let Some(d) = DType::from_char_code(c) {
                return Ok(d);
            }
        }
        let names: Vec<&str> = DType::ALL.iter().map(|d| d.name()).collect();
        Err(Error::new(
            ErrorKind::DType,
            format!(
                "unknown dtype {s:?}: expected one of {} or a character code such as \"d\"",
                names.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for d in DType::ALL {
            assert_eq!(d.name().parse::<DType>().unwrap(), d);
            assert_eq!(DType::from_char_code(d.char_code()), Some(d));
            assert_eq!(d.char_code().to_string().parse::<DType>().unwrap(), d);
            let descr = d.npy_descr();
            let kind = descr.as_bytes()[1] as char;
            assert_eq!(descr[2..].parse::<usize>().unwrap(), d.itemsize());
            assert_eq!(DType::from_kind_size(kind, d.itemsize()), Some(d));
            assert!(d.can_cast_safely(d));
        }
        let e = "float128".parse::<DType>().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::DType);
        assert!(e.message().contains("float128") && e.message().contains("complex64"));
        assert_eq!(format!("[{:>8}]", DType::I8), "[    int8]");
    }

    #[test]
    fn safe_casts_are_transitive() {
        for a in DType::ALL {
            for b in DType::ALL {
                for c in DType::ALL {
                    if a.can_cast_safely(b) && b.can_cast_safely(c) {
                        assert!(a.can_cast_safely(c), "{a} -> {b} -> {c}");
                    }
                }
            }
        }
    }
}
