//! NumPy `.npy` files (format versions 1.0, 2.0 and 3.0) for every [`DType`].
//!
//! Format: <https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html>. A file is
//! the magic `\x93NUMPY`, a major and minor version byte, the header length (`u16` in 1.0,
//! `u32` in 2.0 and 3.0, little-endian), a Python dict literal with the keys `'descr'`,
//! `'fortran_order'` and `'shape'` (latin-1 in 1.0/2.0, UTF-8 in 3.0) and the raw data.

use crate::dtype::DType;
use crate::dyn_array::{with_array, DynArray};
use crate::error::{shape_str, Error, ErrorKind, Result};
use ndarray::{ArrayD, IxDyn, ShapeBuilder};
use num_complex::Complex;
use std::io::{self, Read, Write};
use std::path::Path;

const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// NumPy aligns the data to 64 bytes.
const ALIGN: usize = 64;
/// NumPy leaves room in the header for the growing axis to reach 21 digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

fn format_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Format, msg)
}

impl DynArray {
    /// Reads a `.npy` file. The file must hold exactly one array: trailing bytes after the
    /// data are an [`ErrorKind::Format`] error (shape/length mismatch), as is any malformed
    /// file (see [`read_npy_from`](Self::read_npy_from)). Fortran-order data comes back as a
    /// Fortran-order array.
    pub fn read_npy(path: impl AsRef<Path>) -> Result<DynArray> {
        let path = path.as_ref();
        let ctx = |e: Error| e.context(&path.display().to_string());
        let file = std::fs::File::open(path).map_err(|e| ctx(e.into()))?;
        let mut reader = io::BufReader::new(file);
        let array = DynArray::read_npy_from(&mut reader).map_err(ctx)?;
        let mut rest = [0u8; 1];
        if reader.read(&mut rest).map_err(|e| ctx(e.into()))? != 0 {
            let extra = 1 + io::copy(&mut reader, &mut io::sink()).map_err(|e| ctx(e.into()))?;
            return Err(ctx(format_err(format!(
                "shape/length mismatch: {extra} byte(s) after the data of shape {} ({}); the file holds more data than its header's shape",
                shape_str(array.shape()),
                array.dtype()
            ))));
        }
        Ok(array)
    }

    /// Reads one `.npy` array from `reader`, leaving it just after the array's data (so
    /// several arrays saved one after another into one stream read back in turn, as with
    /// NumPy's `np.load(f)`).
    ///
    /// Errors, all [`ErrorKind::Format`] and saying which: a truncated file, a bad magic
    /// string, an unknown format version, a malformed header, an unsupported dtype (strings
    /// `<U5`, objects `|O`, dates `<M8`, structured dtypes), big-endian data (`>f8`), a shape
    /// whose size overflows; I/O failures are [`ErrorKind::Io`].
    ///
    /// ```
    /// use numbox::{DynArray, ndarray::array};
    /// let a = DynArray::from(array![[1u16, 2], [3, 4]]);
    /// let mut bytes = Vec::new();
    /// a.write_npy_to(&mut bytes)?;
    /// assert_eq!(&bytes[..6], b"\x93NUMPY");
    /// assert_eq!(DynArray::read_npy_from(&bytes[..])?, a);
    /// assert!(DynArray::read_npy_from(&bytes[..bytes.len() - 1]).is_err());
    /// # Ok::<(), numbox::Error>(())
    /// ```
    pub fn read_npy_from(mut reader: impl Read) -> Result<DynArray> {
        let header = read_header(&mut reader)?;
        let (dtype, fortran, shape) = parse_header(&header)?;
        // ndarray requires the product of the non-zero lengths to fit in isize, even for
        // an empty array.
        let addressable = shape
            .iter()
            .filter(|&&d| d != 0)
            .try_fold(dtype.itemsize(), |n, &d| n.checked_mul(d))
            .is_some_and(|bytes| bytes <= isize::MAX as usize);
        if !addressable {
            return Err(format_err(format!(
                "shape {} of {dtype} is too large to address",
                shape_str(&shape)
            )));
        }
        let nbytes = shape.iter().product::<usize>() * dtype.itemsize();
        // `take` + `read_to_end` grows the buffer as data arrives, so a lying header cannot
        // make us allocate more than the file holds.
        let mut data = Vec::new();
        reader.take(nbytes as u64).read_to_end(&mut data)?;
        if data.len() < nbytes {
            return Err(format_err(format!(
                "truncated data: shape {} of {dtype} needs {nbytes} bytes, the file has {}",
                shape_str(&shape),
                data.len()
            )));
        }
        let dim = IxDyn(&shape);
        Ok(decode(
            dtype,
            &data,
            if fortran {
                dim.f()
            } else {
                dim.into_shape_with_order()
            },
        ))
    }

    /// Writes the array as a `.npy` file (see [`write_npy_to`](Self::write_npy_to)).
    pub fn write_npy(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let ctx = |e: Error| e.context(&path.display().to_string());
        let file = std::fs::File::create(path).map_err(|e| ctx(e.into()))?;
        let mut writer = io::BufWriter::new(file);
        self.write_npy_to(&mut writer).map_err(ctx)?;
        writer.flush().map_err(|e| ctx(e.into()))
    }

    /// Writes the array in `.npy` format, little-endian, byte for byte as NumPy 2's `np.save`:
    /// version 1.0 (2.0 if the header needs more than 65535 bytes), the header padded so the
    /// data starts at a multiple of 64 bytes. A Fortran-contiguous array that is not also
    /// C-contiguous is written with `fortran_order: True` in its memory order; any other
    /// layout is written in C order.
    pub fn write_npy_to(&self, mut writer: impl Write) -> Result<()> {
        let fortran = with_array!(self, a => !a.is_standard_layout() && a.t().is_standard_layout());
        writer.write_all(&encode_header(self.dtype(), fortran, self.shape()))?;
        with_array!(self, a => {
            if fortran {
                write_elements(&mut writer, a.t().iter().copied())
            } else {
                write_elements(&mut writer, a.iter().copied())
            }
        })
    }
}

/// Reads the magic, version and header text.
fn read_header(reader: &mut impl Read) -> Result<String> {
    let mut prelude = [0u8; 8];
    read_exact(reader, &mut prelude, "the magic string and version")?;
    if &prelude[..6] != MAGIC {
        return Err(format_err(format!(
            "bad magic: not a .npy file (expected the bytes \\x93NUMPY, found {:?})",
            String::from_utf8_lossy(&prelude[..6])
        )));
    }
    let (major, minor) = (prelude[6], prelude[7]);
    let len = match (major, minor) {
        (1, 0) => {
            let mut b = [0u8; 2];
            read_exact(reader, &mut b, "the header length")?;
            u16::from_le_bytes(b) as usize
        }
        (2, 0) | (3, 0) => {
            let mut b = [0u8; 4];
            read_exact(reader, &mut b, "the header length")?;
            u32::from_le_bytes(b) as usize
        }
        _ => {
            return Err(format_err(format!(
                "unknown .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"
            )))
        }
    };
    let mut bytes = Vec::new();
    reader.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() < len {
        return Err(format_err(format!(
            "truncated file: the header is {len} bytes long, the file has {}",
            bytes.len()
        )));
    }
    Ok(if major == 3 {
        String::from_utf8(bytes)
            .map_err(|_| format_err("malformed header: a version 3.0 header must be UTF-8"))?
    } else {
        // Versions 1.0 and 2.0 are latin-1: each byte is the code point of the same value.
        bytes.into_iter().map(char::from).collect()
    })
}

fn read_exact(reader: &mut impl Read, buf: &mut [u8], what: &str) -> Result<()> {
    reader.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            format_err(format!("truncated file: it ends before {what}"))
        } else {
            e.into()
        }
    })
}

/// The header's `(dtype, fortran_order, shape)`.
fn parse_header(text: &str) -> Result<(DType, bool, Vec<usize>)> {
    let malformed =
        |why: &str| format_err(format!("malformed header {:?}: {why}", text.trim_end()));
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let value = p.value().map_err(|why| malformed(&why))?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(malformed("unexpected text after the dictionary"));
    }
    let Value::Dict(entries) = value else {
        return Err(malformed("expected a dictionary"));
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in entries {
        match key.as_str() {
            "descr" => descr = Some(value),
            "fortran_order" => fortran = Some(value),
            "shape" => shape = Some(value),
            other => return Err(malformed(&format!("unexpected key '{other}'"))),
        }
    }
    let descr = match descr {
        Some(Value::Str(s)) => s,
        Some(Value::List) => {
            return Err(format_err(
                "unsupported dtype: structured arrays (a list 'descr') are not supported",
            ))
        }
        Some(_) => return Err(malformed("'descr' must be a string")),
        None => return Err(malformed("missing key 'descr'")),
    };
    let fortran = match fortran {
        Some(Value::Bool(b)) => b,
        Some(_) => return Err(malformed("'fortran_order' must be True or False")),
        None => return Err(malformed("missing key 'fortran_order'")),
    };
    let shape = match shape {
        Some(Value::Tuple(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::Int(n) => Ok(n),
                _ => Err(malformed(
                    "'shape' must be a tuple of non-negative integers",
                )),
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(malformed("'shape' must be a tuple")),
        None => return Err(malformed("missing key 'shape'")),
    };
    Ok((descr_dtype(&descr)?, fortran, shape))
}

/// The dtype of an NPY type string such as `<f8` or `|b1`.
fn descr_dtype(descr: &str) -> Result<DType> {
    let unsupported = || {
        format_err(format!(
            "unsupported dtype '{descr}': numbox reads bool, int8..int64, uint8..uint64, float32, float64, complex64 and complex128"
        ))
    };
    let (order, rest) = match descr.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &descr[1..]),
        _ => ('=', descr),
    };
    let mut chars = rest.chars();
    let kind = chars.next().ok_or_else(unsupported)?;
    let size: usize = chars.as_str().parse().map_err(|_| unsupported())?;
    let dtype = DType::from_kind_size(kind, size).ok_or_else(unsupported)?;
    let little = match order {
        '<' => true,
        '>' => false,
        '=' => cfg!(target_endian = "little"),
        _ => size == 1, // '|': "not applicable", only meaningful for one-byte types
    };
    if !little && size > 1 {
        return Err(format_err(format!(
            "unsupported big-endian data '{descr}': numbox reads little-endian .npy files; convert with `a.astype(a.dtype.newbyteorder('<'))` in NumPy"
        )));
    }
    if order == '|' && size > 1 {
        return Err(unsupported());
    }
    Ok(dtype)
}

/// A Python literal as written in NPY headers.
enum Value {
    Str(String),
    Bool(bool),
    Int(usize),
    Tuple(Vec<Value>),
    /// A list, parsed only to say that structured dtypes are unsupported.
    List,
    Dict(Vec<(String, Value)>),
}

/// A recursive-descent parser of the Python literals `np.save` writes (`repr` of a dict of
/// strings, booleans and tuples of ints), tolerant of spacing, key order and trailing commas.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

type ParseResult<T> = std::result::Result<T, String>;

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        self.i += usize::from(found);
        found
    }

    fn value(&mut self) -> ParseResult<Value> {
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                while !self.eat(b'}') {
                    let Value::Str(key) = self.value()? else {
                        return Err("dictionary keys must be strings".into());
                    };
                    if !self.eat(b':') {
                        return Err(format!("expected ':' after '{key}'"));
                    }
                    entries.push((key, self.value()?));
                    if !self.eat(b',') && self.peek() != Some(b'}') {
                        return Err("expected ',' or '}' in the dictionary".into());
                    }
                }
                Ok(Value::Dict(entries))
            }
            Some(open @ (b'(' | b'[')) => {
                self.i += 1;
                let close = if open == b'(' { b')' } else { b']' };
                let mut items = Vec::new();
                while !self.eat(close) {
                    items.push(self.value()?);
                    if !self.eat(b',') && self.peek() != Some(close) {
                        return Err(format!("expected ',' or '{}'", close as char));
                    }
                }
                Ok(if open == b'(' {
                    Value::Tuple(items)
                } else {
                    Value::List
                })
            }
            Some(quote @ (b'\'' | b'"')) => {
                self.i += 1;
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i] != quote {
                    if self.s[self.i] == b'\\' {
                        return Err("escapes in strings are not supported".into());
                    }
                    self.i += 1;
                }
                if self.i == self.s.len() {
                    return Err("unterminated string".into());
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                self.i += 1;
                Ok(Value::Str(text))
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                let digits = std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default();
                let n = digits
                    .parse()
                    .map_err(|_| format!("integer {digits} is too large"))?;
                // Python 2 wrote long integers with an `L` suffix.
                if matches!(self.s.get(self.i), Some(b'L' | b'l')) {
                    self.i += 1;
                }
                Ok(Value::Int(n))
            }
            Some(_) => {
                let rest = &self.s[self.i..];
                for (word, b) in [("True", true), ("False", false)] {
                    if rest.starts_with(word.as_bytes()) {
                        self.i += word.len();
                        return Ok(Value::Bool(b));
                    }
                }
                let shown: String = String::from_utf8_lossy(rest).chars().take(12).collect();
                Err(format!("unexpected {shown:?}"))
            }
            None => Err("unexpected end of the header".into()),
        }
    }
}

/// NumPy's header: sorted keys, `repr` values, growth padding, aligned to 64 bytes, `\n`.
fn encode_header(dtype: DType, fortran: bool, shape: &[usize]) -> Vec<u8> {
    let shape_repr = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': {}, 'shape': {shape_repr}, }}",
        dtype.npy_descr(),
        if fortran { "True" } else { "False" },
    );
    let growth_axis = if fortran { shape.last() } else { shape.first() };
    if let Some(n) = growth_axis {
        let digits = n.to_string().len();
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let hlen = dict.len() + 1;
    let pad_for = |len_size: usize| ALIGN - (MAGIC.len() + 2 + len_size + hlen) % ALIGN;
    // Like `np.save`: version 1.0 unless the padded header overflows its u16 length.
    let (version, len_size) = if hlen + pad_for(2) <= usize::from(u16::MAX) {
        (1u8, 2)
    } else {
        (2u8, 4)
    };
    let pad = pad_for(len_size);
    let total_header = hlen + pad;
    let mut out = Vec::with_capacity(MAGIC.len() + 2 + len_size + total_header);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(total_header as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(total_header as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.resize(out.len() + pad, b' ');
    out.push(b'\n');
    out
}

/// Little-endian bytes of one element.
trait NpyElem: Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! npy_elem_prim {
    ($($t:ty),*) => {$(
        impl NpyElem for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn get(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
npy_elem_prim!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl NpyElem for bool {
    const SIZE: usize = 1;
    fn put(self, out: &mut Vec<u8>) {
        out.push(u8::from(self));
    }
    fn get(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

impl<F: NpyElem> NpyElem for Complex<F> {
    const SIZE: usize = 2 * F::SIZE;
    fn put(self, out: &mut Vec<u8>) {
        self.re.put(out);
        self.im.put(out);
    }
    fn get(bytes: &[u8]) -> Self {
        Complex::new(F::get(&bytes[..F::SIZE]), F::get(&bytes[F::SIZE..]))
    }
}

/// Writes elements in the given order, through a bounded buffer.
fn write_elements<T: NpyElem>(
    writer: &mut impl Write,
    items: impl Iterator<Item = T>,
) -> Result<()> {
    const CHUNK: usize = 1 << 16;
    let mut buf = Vec::with_capacity(CHUNK + 16);
    for x in items {
        x.put(&mut buf);
        if buf.len() >= CHUNK {
            writer.write_all(&buf)?;
            buf.clear();
        }
    }
    writer.write_all(&buf)?;
    Ok(())
}

fn decode(dtype: DType, data: &[u8], shape: ndarray::Shape<IxDyn>) -> DynArray {
    fn typed<T: NpyElem>(data: &[u8], shape: ndarray::Shape<IxDyn>) -> ArrayD<T> {
        let items: Vec<T> = data.chunks_exact(T::SIZE).map(T::get).collect();
        ArrayD::from_shape_vec(shape, items).expect("the data length was checked against the shape")
    }
    match dtype {
        DType::Bool => DynArray::Bool(typed(data, shape)),
        DType::I8 => DynArray::I8(typed(data, shape)),
        DType::I16 => DynArray::I16(typed(data, shape)),
        DType::I32 => DynArray::I32(typed(data, shape)),
        DType::I64 => DynArray::I64(typed(data, shape)),
        DType::U8 => DynArray::U8(typed(data, shape)),
        DType::U16 => DynArray::U16(typed(data, shape)),
        DType::U32 => DynArray::U32(typed(data, shape)),
        DType::U64 => DynArray::U64(typed(data, shape)),
        DType::F32 => DynArray::F32(typed(data, shape)),
        DType::F64 => DynArray::F64(typed(data, shape)),
        DType::C64 => DynArray::C64(typed(data, shape)),
        DType::C128 => DynArray::C128(typed(data, shape)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, ShapeBuilder};

    fn npy(version: (u8, u8), header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[version.0, version.1]);
        if version.0 == 1 {
            out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn err(bytes: &[u8]) -> Error {
        DynArray::read_npy_from(bytes).unwrap_err()
    }

    #[test]
    fn header_matches_numpy_byte_for_byte() {
        // `np.save` of `np.zeros((2, 3))` (NumPy 2.4): the 128-byte header.
        let h = encode_header(DType::F64, false, &[2, 3]);
        let text = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
        assert_eq!(h.len(), 128);
        assert_eq!(&h[..10], b"\x93NUMPY\x01\x00\x76\x00");
        assert_eq!(&h[10..10 + text.len()], text.as_bytes());
        assert!(h[10 + text.len()..127].iter().all(|&b| b == b' '));
        assert_eq!(h[127], b'\n');
        let h0 = encode_header(DType::Bool, false, &[]);
        assert_eq!(h0.len() % 64, 0);
    }

    #[test]
    fn round_trip_orders_and_versions() {
        let c = DynArray::from(array![[1i16, -2, 3], [4, 5, -6]]);
        let f = DynArray::from(array![[1.5f32, 2.5], [3.5, 4.5]].reversed_axes());
        let z = DynArray::from(ndarray::arr0(Complex::new(1.0f64, -1.0)));
        for a in [c, f, z] {
            let mut bytes = Vec::new();
            a.write_npy_to(&mut bytes).unwrap();
            let back = DynArray::read_npy_from(&bytes[..]).unwrap();
            assert_eq!(back, a);
            assert_eq!(back.strides(), a.strides());
        }
        let header = "{'shape':(2,),'fortran_order':False,'descr':'<u4',}";
        for v in [(2, 0), (3, 0)] {
            let bytes = npy(v, header, &[1, 0, 0, 0, 2, 0, 0, 0]);
            assert_eq!(
                DynArray::read_npy_from(&bytes[..]).unwrap(),
                DynArray::from(array![1u32, 2])
            );
        }
        let f = npy(
            (1, 0),
            "{'descr': '|b1', 'fortran_order': True, 'shape': (2L, 2L)}",
            &[1, 0, 0, 1],
        );
        let back = DynArray::read_npy_from(&f[..]).unwrap();
        assert_eq!(
            back,
            DynArray::from(array![[true, false], [false, true]].reversed_axes())
        );
        assert_eq!(
            back.view::<bool>().unwrap().strides(),
            ndarray::Array2::from_elem((2, 2), true)
                .reversed_axes()
                .strides()
        );
        let mixed = ndarray::Array2::from_shape_vec((2, 2).f(), vec![1u8, 2, 3, 4]).unwrap();
        assert_eq!(
            DynArray::from(mixed.clone()).into_typed::<u8>().unwrap(),
            mixed.into_dyn()
        );
    }

    #[test]
    fn malformed_files_say_why() {
        let ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
        let mut cases: Vec<(Vec<u8>, &str)> = vec![
            (b"\x93NUM".to_vec(), "truncated file"),
            (b"\x93NUMPX\x01\x00\x00\x00".to_vec(), "bad magic"),
            (npy((4, 0), ok, &[0; 8]), "unknown .npy format version 4.0"),
            (npy((1, 0), ok, &[0; 4]), "truncated data"),
            (
                npy((1, 0), ok, &[])[..20].to_vec(),
                "truncated file: the header",
            ),
            (
                npy((1, 0), &ok.replace("<f8", "<U5"), &[]),
                "unsupported dtype '<U5'",
            ),
            (
                npy((1, 0), &ok.replace("<f8", "|O"), &[]),
                "unsupported dtype '|O'",
            ),
            (
                npy((1, 0), &ok.replace("<f8", "<M8"), &[]),
                "unsupported dtype '<M8'",
            ),
            (npy((1, 0), &ok.replace("<f8", ">f8"), &[]), "big-endian"),
            (
                npy((1, 0), &ok.replace("'<f8'", "[('a', '<f8')]"), &[]),
                "structured",
            ),
            (
                npy((1, 0), &ok.replace("(1,)", "(1,"), &[]),
                "malformed header",
            ),
            (
                npy((1, 0), &ok.replace("False", "0"), &[]),
                "'fortran_order' must be",
            ),
            (
                npy((1, 0), &ok.replace("'shape': (1,), ", ""), &[]),
                "missing key 'shape'",
            ),
            (
                npy((1, 0), &ok.replace("(1,)", "(-1,)"), &[]),
                "malformed header",
            ),
            (npy((1, 0), &format!("{ok} x"), &[]), "after the dictionary"),
            (
                npy(
                    (1, 0),
                    &ok.replace("(1,)", "(99999999999, 99999999999)"),
                    &[],
                ),
                "too large",
            ),
        ];
        let huge_empty = ok.replace("(1,)", "(0, 4611686018427387904, 4)");
        cases.push((npy((1, 0), &huge_empty, &[]), "too large"));
        for (bytes, want) in cases {
            let e = err(&bytes);
            assert_eq!(e.kind(), ErrorKind::Format, "{e}");
            assert!(e.message().contains(want), "{e:?} should say {want:?}");
        }
    }
}
