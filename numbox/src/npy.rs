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

/// How deeply the header's literals may nest. `np.save` writes a dict holding a tuple
/// (depth 2); structured dtypes add a few levels. The parser recurses once per level, so this
/// bounds its stack use whatever the input.
const MAX_NESTING: usize = 32;
/// NumPy's `NPY_MAXDIMS`: `np.load` refuses a file of more dimensions, and code that
/// recurses once per axis (ndarray's `Debug`, for one) should not meet thousands of them.
const MAX_NDIM: usize = 64;
/// At most this many bytes of the header (or of a string in it) appear in an error message.
const QUOTE_MAX: usize = 200;

fn format_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Format, msg)
}

/// `text` for an error message: `Debug`-quoted, cut to at most [`QUOTE_MAX`] bytes on a char
/// boundary, saying how long it was when cut (in characters: a latin-1 header of version
/// 1.0 or 2.0 has as many as bytes in the file, and NumPy's `max_header_size` counts them).
fn excerpt(text: &str) -> String {
    if text.len() <= QUOTE_MAX {
        return format!("{text:?}");
    }
    let mut end = QUOTE_MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{:?}... ({} characters in all)",
        &text[..end],
        text.chars().count()
    )
}

/// Options for reading `.npy` files, for [`DynArray::read_npy_with`] and
/// [`DynArray::read_npy_from_with`].
///
/// The one option is NumPy's `max_header_size`: the largest header that is read, 10,000
/// bytes by default as in `np.load`. A longer header is refused before it is read, since
/// a large header may not be safe to parse; for the dtypes numbox reads, NumPy writes one
/// of about 128 bytes (a few hundred for 64 dimensions). Raise it only for files you trust.
///
/// ```
/// use numbox::{DynArray, NpyOptions};
/// // A valid header padded to 20,000 bytes, as a version 2.0 file.
/// let mut header = b"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }".to_vec();
/// header.resize(19_999, b' ');
/// header.push(b'\n');
/// let mut file = b"\x93NUMPY\x02\x00".to_vec();
/// file.extend_from_slice(&20_000u32.to_le_bytes());
/// file.extend_from_slice(&header);
/// file.extend_from_slice(&[7, 0, 0, 0, 8, 0, 0, 0]);
///
/// let e = DynArray::read_npy_from(&file[..]).unwrap_err();
/// assert!(e.message().contains("max_header_size"));
/// let options = NpyOptions::new().max_header_size(20_000);
/// let a = DynArray::read_npy_from_with(&file[..], options)?;
/// assert_eq!(a, DynArray::from(numbox::ndarray::array![7i32, 8]));
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NpyOptions {
    max_header_size: usize,
}

impl NpyOptions {
    /// NumPy's default `max_header_size`: 10,000 bytes.
    pub const DEFAULT_MAX_HEADER_SIZE: usize = 10_000;

    /// The defaults, those of `np.load`.
    pub const fn new() -> Self {
        NpyOptions {
            max_header_size: Self::DEFAULT_MAX_HEADER_SIZE,
        }
    }

    /// Reads headers of up to `bytes` bytes (NumPy's `max_header_size`; it counts
    /// characters, which differ from bytes only in headers that are not ASCII and so are
    /// never valid anyway). The length is checked before the header is read, so even
    /// `usize::MAX` reads no more than the file holds.
    pub const fn max_header_size(mut self, bytes: usize) -> Self {
        self.max_header_size = bytes;
        self
    }

    /// The largest header that is read, in bytes.
    pub const fn get_max_header_size(&self) -> usize {
        self.max_header_size
    }
}

impl Default for NpyOptions {
    /// [`NpyOptions::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl DynArray {
    /// Reads a `.npy` file. The file must hold exactly one array: trailing bytes after the
    /// data are an [`ErrorKind::Format`] error (shape/length mismatch), as is any malformed
    /// file (see [`read_npy_from`](Self::read_npy_from)). Fortran-order data comes back as a
    /// Fortran-order array. Headers longer than NumPy's default `max_header_size` (10,000
    /// bytes) are refused; see [`read_npy_with`](Self::read_npy_with).
    pub fn read_npy(path: impl AsRef<Path>) -> Result<DynArray> {
        DynArray::read_npy_with(path, NpyOptions::new())
    }

    /// [`read_npy`](Self::read_npy) with [`NpyOptions`], to read a trusted file whose
    /// header is longer than NumPy's default limit.
    pub fn read_npy_with(path: impl AsRef<Path>, options: NpyOptions) -> Result<DynArray> {
        let path = path.as_ref();
        let ctx = |e: Error| e.context(&path.display().to_string());
        let file = std::fs::File::open(path).map_err(|e| ctx(e.into()))?;
        let mut reader = io::BufReader::new(file);
        let array = DynArray::read_npy_from_with(&mut reader, options).map_err(ctx)?;
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
    /// Any input gives an array or an error, never a panic: the header must be at most
    /// 10,000 bytes (NumPy's default `max_header_size`, checked before the header is read;
    /// see [`read_npy_from_with`](Self::read_npy_from_with)), its literals may nest only a
    /// few levels, and the data is read as it arrives, so a header that claims a huge shape
    /// allocates no more than the stream holds. The dtype's byte order may be `<`, `>`
    /// (big-endian data is byte-swapped), `=` or `|` (native, as in NumPy).
    ///
    /// Errors, all [`ErrorKind::Format`] and saying which: a truncated file, a bad magic
    /// string, an unknown format version, a header over the size limit, a malformed header
    /// (quoting at most 200 bytes of it), an unsupported dtype (strings `<U5`, objects `|O`,
    /// dates `<M8`, structured dtypes), a shape of more than 64 dimensions (NumPy's limit) or
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
    pub fn read_npy_from(reader: impl Read) -> Result<DynArray> {
        DynArray::read_npy_from_with(reader, NpyOptions::new())
    }

    /// [`read_npy_from`](Self::read_npy_from) with [`NpyOptions`], to read a trusted
    /// stream whose header is longer than NumPy's default limit (see [`NpyOptions`] for an
    /// example).
    pub fn read_npy_from_with(mut reader: impl Read, options: NpyOptions) -> Result<DynArray> {
        let header = read_header(&mut reader, options.max_header_size)?;
        let (descr, fortran, shape) = parse_header(&header)?;
        let dtype = descr.dtype;
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
        // Cannot overflow: a zero length makes it 0, else it was just checked.
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
        if !descr.little_endian {
            swap_bytes(dtype, &mut data);
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
    /// layout is written in C order. An array of more than 64 dimensions, which neither
    /// NumPy nor [`read_npy`](Self::read_npy) would read back, is an [`ErrorKind::Format`]
    /// error and nothing is written.
    pub fn write_npy_to(&self, mut writer: impl Write) -> Result<()> {
        if self.ndim() > MAX_NDIM {
            return Err(format_err(format!(
                "cannot write an array of {} dimensions as .npy: NumPy reads at most {MAX_NDIM}",
                self.ndim()
            )));
        }
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

/// Reads the magic, version and header text; a header longer than `max_len` bytes is refused
/// before any of it is read.
fn read_header(reader: &mut impl Read, max_len: usize) -> Result<String> {
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
            usize::from(u16::from_le_bytes(b))
        }
        (2, 0) | (3, 0) => {
            let mut b = [0u8; 4];
            read_exact(reader, &mut b, "the header length")?;
            // Saturates on 16-bit targets, where the limit check below then refuses it.
            usize::try_from(u32::from_le_bytes(b)).unwrap_or(usize::MAX)
        }
        _ => {
            return Err(format_err(format!(
                "unknown .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"
            )))
        }
    };
    if len > max_len {
        return Err(format_err(format!(
            "header of {len} bytes is longer than max_header_size ({max_len} bytes; NumPy's default is {}) and may not be safe to read; if you trust the file, raise the limit with `DynArray::read_npy_with(path, NpyOptions::new().max_header_size({len}))` or `read_npy_from_with`",
            NpyOptions::DEFAULT_MAX_HEADER_SIZE
        )));
    }
    // Grows as bytes arrive: a length field larger than the file allocates only the file.
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

/// A string from the header for an error message: `'<f8'` as is when it is short, printable
/// ASCII, else [`excerpt`]ed.
fn quote(text: &str) -> String {
    let plain = text.len() <= QUOTE_MAX
        && text
            .bytes()
            .all(|b| (b.is_ascii_graphic() || b == b' ') && b != b'\'' && b != b'\\');
    if plain {
        format!("'{text}'")
    } else {
        excerpt(text)
    }
}

/// The header's `(descr, fortran_order, shape)`.
fn parse_header(text: &str) -> Result<(Descr, bool, Vec<usize>)> {
    let malformed = |why: &str| {
        format_err(format!(
            "malformed header {}: {why}",
            excerpt(text.trim_end())
        ))
    };
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let value = p
        .value(0)
        .map_err(|why| malformed(&format!("{why} (at byte {})", p.i)))?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(malformed(&format!(
            "unexpected text after the dictionary (at byte {})",
            p.i
        )));
    }
    let Value::Dict(entries) = value else {
        return Err(malformed("expected a dictionary"));
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in entries {
        let slot = match key.as_str() {
            "descr" => &mut descr,
            "fortran_order" => &mut fortran,
            "shape" => &mut shape,
            other => return Err(malformed(&format!("unexpected key {}", quote(other)))),
        };
        // Python keeps the last of repeated keys; a file written by NumPy never repeats
        // one, and two readers could disagree on which counts, so it is an error here.
        if slot.replace(value).is_some() {
            return Err(malformed(&format!("duplicate key '{key}'")));
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
                Value::Num(text) => {
                    let int = text.trim_end_matches(['L', 'l']);
                    let digits = int.strip_prefix('-').unwrap_or(int);
                    let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        if int.starts_with('-') {
                            "negative"
                        } else {
                            "too large"
                        }
                    } else {
                        "not an integer"
                    };
                    Err(malformed(&format!(
                        "'shape' must be a tuple of non-negative integers; {} is {why}",
                        excerpt(&text)
                    )))
                }
                _ => Err(malformed(
                    "'shape' must be a tuple of non-negative integers",
                )),
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(malformed("'shape' must be a tuple")),
        None => return Err(malformed("missing key 'shape'")),
    };
    if shape.len() > MAX_NDIM {
        return Err(format_err(format!(
            "shape has {} dimensions; NumPy (and numbox) read at most {MAX_NDIM}",
            shape.len()
        )));
    }
    Ok((descr_dtype(&descr)?, fortran, shape))
}

/// What an NPY type string says: the dtype and the byte order of the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Descr {
    dtype: DType,
    little_endian: bool,
}

/// The dtype of an NPY type string such as `<f8` or `|b1`.
fn descr_dtype(descr: &str) -> Result<Descr> {
    let unsupported = || {
        format_err(format!(
            "unsupported dtype {}: numbox reads bool, int8..int64, uint8..uint64, float32, float64, complex64 and complex128",
            quote(descr)
        ))
    };
    let (order, rest) = match descr.as_bytes().first() {
        Some(&c @ (b'<' | b'>' | b'|' | b'=')) => (c, &descr[1..]),
        _ => (b'=', descr),
    };
    let mut chars = rest.chars();
    let kind = chars.next().ok_or_else(unsupported)?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unsupported());
    }
    let size: usize = digits.parse().map_err(|_| unsupported())?;
    let dtype = DType::from_kind_size(kind, size).ok_or_else(unsupported)?;
    let little_endian = match order {
        b'<' => true,
        b'>' => false,
        // `=` is native order and `|` "not applicable"; NumPy reads both as native for
        // every type (`np.dtype('|f8')` is float64), so they are the same here.
        _ => cfg!(target_endian = "little"),
    };
    Ok(Descr {
        dtype,
        little_endian,
    })
}

/// Turns big-endian elements of `dtype` into little-endian ones, in place (each half of a
/// complex number separately).
fn swap_bytes(dtype: DType, data: &mut [u8]) {
    let unit = match dtype {
        DType::C64 | DType::C128 => dtype.itemsize() / 2,
        _ => dtype.itemsize(),
    };
    if unit > 1 {
        data.chunks_exact_mut(unit).for_each(<[u8]>::reverse);
    }
}

/// A Python literal as written in NPY headers.
enum Value {
    Str(String),
    Bool(bool),
    Int(usize),
    /// A number that is not a `usize` (negative, too large, not an integer), as written.
    Num(String),
    Tuple(Vec<Value>),
    /// A list, parsed only to say that structured dtypes are unsupported.
    List,
    Dict(Vec<(String, Value)>),
}

/// A recursive-descent parser of the Python literals `np.save` writes (`repr` of a dict of
/// strings, booleans and tuples of ints), tolerant of spacing, key order and trailing commas.
/// It recurses once per nesting level, at most [`MAX_NESTING`] deep, and is linear in the
/// input.
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

    /// One literal, `depth` containers deep.
    fn value(&mut self, depth: usize) -> ParseResult<Value> {
        let open = self.peek();
        if matches!(open, Some(b'{' | b'(' | b'[')) && depth >= MAX_NESTING {
            return Err(format!(
                "brackets nested more than {MAX_NESTING} levels deep (a NumPy header nests a few)"
            ));
        }
        match open {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                while !self.eat(b'}') {
                    let Value::Str(key) = self.value(depth + 1)? else {
                        return Err("dictionary keys must be strings".into());
                    };
                    if !self.eat(b':') {
                        return Err(format!("expected ':' after {}", quote(&key)));
                    }
                    entries.push((key, self.value(depth + 1)?));
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
                    items.push(self.value(depth + 1)?);
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
            Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => {
                // A whole number token (`12`, `12L`, `-1`, `1.5`, `1e3`), so that a shape
                // entry that is not a non-negative integer can be named in the error.
                let start = self.i;
                self.i += 1;
                while let Some(&b) = self.s.get(self.i) {
                    let exponent_sign =
                        matches!(b, b'+' | b'-') && matches!(self.s[self.i - 1], b'e' | b'E');
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_') || exponent_sign {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                let token = &self.s[start..self.i];
                // Python 2 wrote long integers with an `L` suffix.
                let digits = token
                    .strip_suffix(b"L")
                    .or_else(|| token.strip_suffix(b"l"))
                    .unwrap_or(token);
                let text = String::from_utf8_lossy(token).into_owned();
                if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
                    // All ASCII digits, so valid UTF-8; only too many of them fail to parse.
                    let n = std::str::from_utf8(digits)
                        .ok()
                        .and_then(|d| d.parse().ok());
                    Ok(n.map_or(Value::Num(text), Value::Int))
                } else if token.iter().any(u8::is_ascii_digit) {
                    Ok(Value::Num(text))
                } else {
                    Err(format!("unexpected {}", excerpt(&text)))
                }
            }
            Some(_) => {
                let rest = &self.s[self.i..];
                for (word, b) in [("True", true), ("False", false)] {
                    if rest.starts_with(word.as_bytes()) {
                        self.i += word.len();
                        return Ok(Value::Bool(b));
                    }
                }
                let shown: String = String::from_utf8_lossy(&rest[..rest.len().min(48)])
                    .chars()
                    .take(12)
                    .collect();
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

    fn parse(text: &str) -> ParseResult<Value> {
        Parser {
            s: text.as_bytes(),
            i: 0,
        }
        .value(0)
    }

    #[test]
    fn nesting_is_limited() {
        let nested = |n: usize| format!("{}{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        let e = parse(&nested(MAX_NESTING + 1)).err().unwrap();
        assert!(e.contains("nested more than 32 levels"), "{e}");
        for open in ["[", "{", "("] {
            let e = parse(&open.repeat(1_000)).err().unwrap();
            assert!(e.contains("nested"), "{e}");
        }
        let mut header = b"{'descr': ".to_vec();
        header.resize(header.len() + 500, b'(');
        let e = err(&npy((1, 0), std::str::from_utf8(&header).unwrap(), &[]));
        assert!(e.message().contains("nested"), "{e}");
    }

    #[test]
    fn excerpts_are_short_and_cut_on_char_boundaries() {
        assert_eq!(excerpt("<f8"), "\"<f8\"");
        for text in [
            "é".repeat(300),
            format!("x{}", "é".repeat(300)),
            "€".repeat(100),
        ] {
            let e = excerpt(&text);
            assert!(e.len() < 2 * QUOTE_MAX, "{e}");
            let chars = text.chars().count();
            assert!(e.ends_with(&format!("({chars} characters in all)")), "{e}");
        }
        assert_eq!(quote("<U5"), "'<U5'");
        assert_eq!(quote("a'b"), "\"a'b\"");
        assert!(quote(&"x".repeat(10_000)).len() < 2 * QUOTE_MAX);
        // A malformed version 3.0 header of multi-byte characters.
        let header = format!("{{'descr': {}", "é".repeat(2_000));
        let e = err(&npy((3, 0), &header, &[]));
        assert!(e.message().len() < 3 * QUOTE_MAX, "{e}");
        let chars = header.chars().count();
        assert!(
            e.message()
                .contains(&format!("({chars} characters in all)")),
            "{e}"
        );
    }

    #[test]
    fn header_size_is_capped_before_reading() {
        let header = |len: usize| {
            let mut h = "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }".to_string();
            h.push_str(&" ".repeat(len - h.len() - 1));
            h.push('\n');
            h
        };
        let at_limit = npy((1, 0), &header(10_000), &[7]);
        assert_eq!(
            DynArray::read_npy_from(&at_limit[..]).unwrap(),
            DynArray::from(array![7u8])
        );
        let over = npy((1, 0), &header(10_001), &[7]);
        let e = err(&over);
        assert_eq!(e.kind(), ErrorKind::Format);
        assert!(
            e.message().contains("header of 10001 bytes")
                && e.message().contains("max_header_size")
                && e.message()
                    .contains("NpyOptions::new().max_header_size(10001)"),
            "{e}"
        );
        let options = NpyOptions::new().max_header_size(10_001);
        assert_eq!(options.get_max_header_size(), 10_001);
        assert_eq!(
            DynArray::read_npy_from_with(&over[..], options).unwrap(),
            DynArray::from(array![7u8])
        );
        assert_eq!(NpyOptions::default(), NpyOptions::new());
        // A 4 GiB length field with nothing behind it, even with no limit: read as it
        // arrives, never allocated up front.
        let mut huge = b"\x93NUMPY\x02\x00".to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        huge.extend_from_slice(b"{'descr'");
        assert!(err(&huge).message().contains("max_header_size"));
        let e =
            DynArray::read_npy_from_with(&huge[..], NpyOptions::new().max_header_size(usize::MAX))
                .unwrap_err();
        assert!(
            e.message()
                .contains("truncated file: the header is 4294967295 bytes long, the file has 8"),
            "{e}"
        );
    }

    #[test]
    fn byte_orders() {
        let native = cfg!(target_endian = "little");
        for (descr, dtype, little) in [
            ("<f8", DType::F64, true),
            (">f8", DType::F64, false),
            ("|f8", DType::F64, native),
            ("=f8", DType::F64, native),
            ("f8", DType::F64, native),
            ("|b1", DType::Bool, native),
            ("<u1", DType::U8, true),
            (">c16", DType::C128, false),
        ] {
            let d = descr_dtype(descr).unwrap();
            assert_eq!((d.dtype, d.little_endian), (dtype, little), "{descr}");
        }
        for bad in [
            "",
            "<",
            "<f",
            "<f+8",
            "<f 8",
            "<f8 ",
            "<f0008x",
            "<f99999999999999999999999",
            "é8",
            "<é8",
        ] {
            assert!(descr_dtype(bad).is_err(), "{bad:?}");
        }
        let mut data = vec![1, 2, 3, 4, 5, 6, 7, 8];
        swap_bytes(DType::C64, &mut data);
        assert_eq!(data, [4, 3, 2, 1, 8, 7, 6, 5]);
        swap_bytes(DType::I16, &mut data);
        assert_eq!(data, [3, 4, 1, 2, 7, 8, 5, 6]);
        swap_bytes(DType::U8, &mut data);
        assert_eq!(data, [3, 4, 1, 2, 7, 8, 5, 6]);
        let be = npy(
            (1, 0),
            "{'descr': '>i2', 'fortran_order': False, 'shape': (2,)}",
            &[1, 2, 0xff, 0xfe],
        );
        assert_eq!(
            DynArray::read_npy_from(&be[..]).unwrap(),
            DynArray::from(array![0x0102i16, -2])
        );
    }

    #[test]
    fn hostile_headers_say_why() {
        let h = |descr: &str, fortran: &str, shape: &str| {
            format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}")
        };
        let cases = [
            (h("'<i4'", "False", "(-1,)"), "-1\" is negative"),
            (h("'<i4'", "False", "(2, -3L)"), "-3L\" is negative"),
            (h("'<i4'", "False", "(1.5,)"), "\"1.5\" is not an integer"),
            (h("'<i4'", "False", "(1e3,)"), "\"1e3\" is not an integer"),
            (
                h("'<i4'", "False", "(99999999999999999999999,)"),
                "is too large",
            ),
            (
                h("'<i4'", "False", "(True,)"),
                "tuple of non-negative integers",
            ),
            (h("'<i4'", "False", "[2, 3]"), "'shape' must be a tuple"),
            (
                h("'<i4'", "0", "(1,)"),
                "'fortran_order' must be True or False",
            ),
            (
                h("'<i4'", "'False'", "(1,)"),
                "'fortran_order' must be True or False",
            ),
            (h("4", "False", "(1,)"), "'descr' must be a string"),
            (
                "{'descr': '<i4', 'shape': (1,)}".into(),
                "missing key 'fortran_order'",
            ),
            (
                "{'fortran_order': False, 'shape': (1,)}".into(),
                "missing key 'descr'",
            ),
            (
                format!(
                    "{} 'shape': (2,)}}",
                    &h("'<i4'", "False", "(1,)")[..h("'<i4'", "False", "(1,)").len() - 1]
                ),
                "duplicate key 'shape'",
            ),
            (
                "{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,)}".into(),
                "duplicate key 'descr'",
            ),
            (
                "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}".into(),
                "unexpected key 'x'",
            ),
            ("('descr', '<i4')".into(), "expected a dictionary"),
            ("".into(), "unexpected end of the header"),
            ("{'descr: '<i4'}".into(), "expected ':'"),
            ("{'descr': '<i4\\n'}".into(), "escapes in strings"),
            ("{'descr': -}".into(), "unexpected \"-\""),
            ("{1: 2}".into(), "dictionary keys must be strings"),
        ];
        for (header, says) in cases {
            let e = err(&npy((1, 0), &header, &[0; 64]));
            assert_eq!(e.kind(), ErrorKind::Format, "{e}");
            assert!(
                e.message().contains(says),
                "{header}: {e:?} should say {says:?}"
            );
        }
        // Non-ASCII: latin-1 in 1.0 (any byte decodes; the key is then unknown), UTF-8 in 3.0.
        let mut latin1 = npy(
            (1, 0),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
            &[],
        );
        let at = latin1.iter().position(|&b| b == b'x').unwrap();
        latin1[at] = 0xe9;
        assert!(
            err(&latin1).message().contains("unexpected key \"é\""),
            "{}",
            err(&latin1)
        );
        let mut bad_utf8 = npy(
            (3, 0),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)}",
            &[0; 4],
        );
        bad_utf8[12] = 0xff;
        assert!(err(&bad_utf8).message().contains("must be UTF-8"));
        latin1[at] = 0x00;
        assert!(
            err(&latin1).message().contains("unexpected key \"\\0\""),
            "{}",
            err(&latin1)
        );
    }

    #[test]
    fn at_most_64_dimensions() {
        let header = |ndim: usize| {
            format!(
                "{{'descr': '|u1', 'fortran_order': False, 'shape': ({}), }}",
                "1,".repeat(ndim)
            )
        };
        let a = DynArray::read_npy_from(&npy((1, 0), &header(64), &[9])[..]).unwrap();
        assert_eq!(a.shape(), &[1; 64]);
        let e = err(&npy((1, 0), &header(65), &[9]));
        assert!(e.message().contains("shape has 65 dimensions"), "{e}");
        let e = err(&npy((1, 0), &header(4_000), &[9]));
        assert!(e.message().contains("shape has 4000 dimensions"), "{e}");
        let mut bytes = Vec::new();
        let wide = DynArray::from(ArrayD::from_elem(IxDyn(&[1; 65]), 1u8));
        let e = wide.write_npy_to(&mut bytes).unwrap_err();
        assert!(e.message().contains("65 dimensions"), "{e}");
        assert!(bytes.is_empty());
    }

    #[test]
    fn every_truncation_of_a_valid_file_is_an_error() {
        let mut bytes = Vec::new();
        DynArray::from(array![[1i16, 2], [3, 4]])
            .write_npy_to(&mut bytes)
            .unwrap();
        for end in 0..bytes.len() {
            let e = err(&bytes[..end]);
            assert_eq!(e.kind(), ErrorKind::Format, "{end}: {e}");
            assert!(e.message().contains("truncated"), "{end}: {e}");
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn claimed_sizes_are_not_allocated_up_front() {
        // 2^62 bytes are addressable on 64-bit targets but must not be allocated before the
        // data is there; 2^63 bytes are not addressable; a product that overflows usize is
        // caught by checked multiplication.
        for (shape, says) in [
            ("(2147483648, 2147483648)", "truncated data"),
            ("(4611686018427387904,)", "truncated data"),
            ("(3037000500, 3037000500, 2)", "too large to address"),
            (
                "(18446744073709551615, 18446744073709551615)",
                "too large to address",
            ),
            (
                "(0, 18446744073709551615, 18446744073709551615)",
                "too large to address",
            ),
        ] {
            let header = format!("{{'descr': '|u1', 'fortran_order': False, 'shape': {shape}, }}");
            let e = err(&npy((1, 0), &header, &[1, 2, 3]));
            assert!(e.message().contains(says), "{shape}: {e}");
        }
        // An empty array whose other length is as large as ndarray allows, in both orders.
        for fortran in ["False", "True"] {
            let header = format!(
                "{{'descr': '|u1', 'fortran_order': {fortran}, 'shape': (0, {}), }}",
                isize::MAX
            );
            let empty = DynArray::read_npy_from(&npy((1, 0), &header, &[])[..]).unwrap();
            assert_eq!(empty.shape(), &[0, isize::MAX as usize]);
        }
    }
}
