//! `.npy` files: NumPy-written fixtures of every dtype in C and Fortran order, byte-for-byte
//! agreement of our writer with `np.save`, round trips and malformed files.
//!
//! The fixtures in `tests/fixtures/npy/` were written by NumPy 2.4.6 with
//! `tests/fixtures/make_npy.py` (see its docstring); the values they hold are spelled out
//! again below, independently of that script.

use numbox::ndarray::{arr0, Array, ArrayD, Axis, IxDyn, ShapeBuilder};
use numbox::num_complex::Complex;
use numbox::prelude::*;
use numbox::{NativeType, NpyOptions};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/npy")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("numbox-npy-{}-{name}", std::process::id()))
}

/// The 2x3 array each `<dtype>_{c,f}.npy` fixture holds, in C order.
fn fixture_array(dtype: DType) -> DynArray {
    fn make<T: NativeType>(v: [T; 6]) -> DynArray {
        DynArray::from(Array::from_shape_vec((2, 3), v.to_vec()).unwrap())
    }
    macro_rules! signed {
        ($t:ty) => {
            make::<$t>([<$t>::MIN, -1, 0, 1, 2, <$t>::MAX])
        };
    }
    macro_rules! unsigned {
        ($t:ty) => {
            make::<$t>([0, 1, 2, 3, 100, <$t>::MAX])
        };
    }
    macro_rules! complex {
        ($f:ty) => {
            make([
                Complex::<$f>::new(1.0, -1.0),
                Complex::new(0.0, 0.0),
                Complex::new(0.5, 2.0),
                Complex::new(-3.0, 0.25),
                Complex::new(1e10, -1e10),
                Complex::new(<$f>::INFINITY, -0.0),
            ])
        };
    }
    match dtype {
        DType::Bool => make([true, false, false, true, true, false]),
        DType::I8 => signed!(i8),
        DType::I16 => signed!(i16),
        DType::I32 => signed!(i32),
        DType::I64 => signed!(i64),
        DType::U8 => unsigned!(u8),
        DType::U16 => unsigned!(u16),
        DType::U32 => unsigned!(u32),
        DType::U64 => unsigned!(u64),
        DType::F32 => make([-1.5f32, 0.0, 0.25, 3.0, 1e10, f32::INFINITY]),
        DType::F64 => make([-1.5f64, 0.0, 0.25, 3.0, 1e10, f64::INFINITY]),
        DType::C64 => complex!(f32),
        DType::C128 => complex!(f64),
    }
}

fn to_bytes(a: &DynArray) -> Vec<u8> {
    let mut out = Vec::new();
    a.write_npy_to(&mut out).unwrap();
    out
}

#[test]
fn reads_numpy_files_of_every_dtype_in_both_orders() {
    for dtype in DType::ALL {
        let want = fixture_array(dtype);
        let c = DynArray::read_npy(fixture(&format!("{}_c.npy", dtype.name()))).unwrap();
        let f = DynArray::read_npy(fixture(&format!("{}_f.npy", dtype.name()))).unwrap();
        assert_eq!(c, want, "{dtype} C order");
        assert_eq!(f, want, "{dtype} Fortran order");
        assert_eq!(c.strides(), &[3, 1], "{dtype}: C data comes back C-ordered");
        assert_eq!(
            f.strides(),
            &[1, 2],
            "{dtype}: Fortran data comes back F-ordered"
        );
    }
}

#[test]
fn writes_what_numpy_writes_byte_for_byte() {
    for dtype in DType::ALL {
        for order in ["c", "f"] {
            let path = fixture(&format!("{}_{order}.npy", dtype.name()));
            let numpy = std::fs::read(&path).unwrap();
            let ours = to_bytes(&DynArray::read_npy(&path).unwrap());
            assert_eq!(ours, numpy, "{}", path.display());
        }
    }
    for name in ["scalar_float64.npy", "empty_int32.npy"] {
        let numpy = std::fs::read(fixture(name)).unwrap();
        assert_eq!(
            to_bytes(&DynArray::read_npy(fixture(name)).unwrap()),
            numpy,
            "{name}"
        );
    }
}

#[test]
fn reads_0d_empty_and_other_versions() {
    let s = DynArray::read_npy(fixture("scalar_float64.npy")).unwrap();
    assert_eq!(s, DynArray::from(arr0(2.5f64)));
    let e = DynArray::read_npy(fixture("empty_int32.npy")).unwrap();
    assert_eq!((e.dtype(), e.shape()), (DType::I32, &[0, 3][..]));
    let v2 = DynArray::read_npy(fixture("v2_uint16.npy")).unwrap();
    assert_eq!(
        v2,
        DynArray::from(numbox::ndarray::array![[0u16, 1], [2, 3]])
    );
    let v3 = DynArray::read_npy(fixture("v3_float32.npy")).unwrap();
    assert_eq!(
        v3,
        DynArray::from(numbox::ndarray::array![[0.0f32, 1.0, 2.0], [3.0, 4.0, 5.0]])
    );
    assert_eq!(v3.strides(), &[1, 2]);
}

fn read_err(path: &Path) -> Error {
    let e = DynArray::read_npy(path).unwrap_err();
    assert!(e.message().contains(&path.display().to_string()), "{e}");
    e
}

#[test]
fn unsupported_numpy_dtypes_are_format_errors() {
    for (name, says) in [
        ("unicode_U5.npy", "unsupported dtype '<U5'"),
        ("datetime_M8.npy", "unsupported dtype '<M8[D]'"),
        ("object.npy", "unsupported dtype '|O'"),
    ] {
        let e = read_err(&fixture(name));
        assert_eq!(e.kind(), ErrorKind::Format, "{e}");
        assert!(e.message().contains(says), "{name}: {e}");
    }
}

#[test]
fn reads_big_endian_data_byte_swapped() {
    // `np.save(path, np.arange(3, dtype=">f8"))`.
    let a = DynArray::read_npy(fixture("big_endian_float64.npy")).unwrap();
    assert_eq!(a, DynArray::from(numbox::ndarray::array![0.0f64, 1.0, 2.0]));
    // Every dtype with `>`: each element (each half of a complex) in reverse byte order.
    for dtype in DType::ALL {
        let want = fixture_array(dtype);
        let little = to_bytes(&want);
        let size = dtype.itemsize();
        let data_at = little.len() - want.len() * size;
        let unit = if dtype.name().starts_with("complex") {
            size / 2
        } else {
            size
        };
        let mut big = little[..data_at].to_vec();
        if size > 1 {
            let at = big.windows(2).position(|w| w == b"'<").unwrap();
            big[at + 1] = b'>';
        }
        for chunk in little[data_at..].chunks(unit) {
            big.extend(chunk.iter().rev());
        }
        assert_eq!(DynArray::read_npy_from(&big[..]).unwrap(), want, "{dtype}");
    }
}

#[test]
fn malformed_files_are_format_errors_saying_which() {
    let good = std::fs::read(fixture("float64_c.npy")).unwrap();
    let mut bad_magic = good.clone();
    bad_magic[1] = b'X';
    let mut bad_version = good.clone();
    bad_version[6] = 9;
    let mut trailing = good.clone();
    trailing.extend_from_slice(&[0; 3]);
    let mut bad_shape = good.clone();
    let at = good.windows(6).position(|w| w == b"(2, 3)").unwrap();
    bad_shape[at..at + 6].copy_from_slice(b"(2, 4)");
    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("empty", Vec::new(), "truncated file"),
        (
            "short_header",
            good[..40].to_vec(),
            "truncated file: the header",
        ),
        (
            "short_data",
            good[..good.len() - 1].to_vec(),
            "truncated data: shape [2, 3] of float64 needs 48 bytes, the file has 47",
        ),
        ("bad_magic", bad_magic, "bad magic"),
        (
            "bad_version",
            bad_version,
            "unknown .npy format version 9.0",
        ),
        (
            "trailing",
            trailing,
            "shape/length mismatch: 3 byte(s) after the data",
        ),
        ("bad_shape", bad_shape, "truncated data: shape [2, 4]"),
    ];
    for (name, bytes, says) in cases {
        let path = tmp(name);
        std::fs::write(&path, bytes).unwrap();
        let e = read_err(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(e.kind(), ErrorKind::Format, "{name}: {e}");
        assert!(e.message().contains(says), "{name}: {e}");
    }
    let e = DynArray::read_npy(tmp("does-not-exist")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
}

#[test]
fn file_round_trip_and_streams_of_several_arrays() {
    let a = fixture_array(DType::C64);
    let path = tmp("round_trip.npy");
    a.write_npy(&path).unwrap();
    assert_eq!(DynArray::read_npy(&path).unwrap(), a);
    std::fs::remove_file(&path).unwrap();

    // np.save(f, a); np.save(f, b) then np.load(f) twice.
    let b = DynArray::from(arr0(7u64));
    let mut stream = to_bytes(&a);
    stream.extend(to_bytes(&b));
    let mut reader = &stream[..];
    assert_eq!(DynArray::read_npy_from(&mut reader).unwrap(), a);
    assert_eq!(DynArray::read_npy_from(&mut reader).unwrap(), b);
    assert!(reader.is_empty());
}

#[derive(Clone, Copy, Debug)]
enum Layout {
    C,
    F,
    /// Every other row of a C-order array, last axis reversed: neither C nor F contiguous.
    Strided,
}

fn layout_array(shape: &[usize], values: &[i64], layout: Layout) -> ArrayD<i64> {
    let n: usize = shape.iter().product();
    let vals = values.iter().cycle().take(n).copied().collect::<Vec<_>>();
    match layout {
        Layout::C => ArrayD::from_shape_vec(IxDyn(shape), vals).unwrap(),
        Layout::F => ArrayD::from_shape_vec(IxDyn(shape).f(), vals).unwrap(),
        Layout::Strided => {
            let mut big_shape = shape.to_vec();
            big_shape[0] *= 2;
            let big_n: usize = big_shape.iter().product();
            let big = values
                .iter()
                .cycle()
                .take(big_n)
                .copied()
                .collect::<Vec<_>>();
            let mut a = ArrayD::from_shape_vec(IxDyn(&big_shape), big).unwrap();
            a.slice_axis_inplace(Axis(0), numbox::ndarray::Slice::new(0, None, 2));
            a.invert_axis(Axis(shape.len() - 1));
            a
        }
    }
}

fn arb_case() -> impl Strategy<Value = (usize, Vec<usize>, Vec<i64>, Layout)> {
    (
        0..13usize,
        prop::collection::vec(0..4usize, 1..4),
        prop::collection::vec(any::<i64>(), 1..8),
        prop_oneof![Just(Layout::C), Just(Layout::F), Just(Layout::Strided)],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn round_trips_every_dtype_shape_and_layout((d, shape, values, layout) in arb_case()) {
        let dtype = DType::ALL[d];
        let src = layout_array(&shape, &values, layout);
        let fortran = matches!(layout, Layout::F) && !src.is_standard_layout();
        // `cast` keeps a contiguous array's memory order, so F stays F.
        let a = DynArray::from(src).cast(dtype).unwrap();
        let bytes = to_bytes(&a);
        let back = DynArray::read_npy_from(&bytes[..]).unwrap();
        prop_assert_eq!(&back, &a);
        prop_assert_eq!(back.dtype(), dtype);
        let data_len = a.len() * dtype.itemsize();
        prop_assert_eq!((bytes.len() - data_len) % 64, 0, "data is 64-byte aligned");
        let header = String::from_utf8_lossy(&bytes[..bytes.len() - data_len]).into_owned();
        let flag = if fortran { "'fortran_order': True" } else { "'fortran_order': False" };
        prop_assert!(header.contains(flag), "{}", header);
        prop_assert_eq!(to_bytes(&back), bytes, "writing what was read gives the same file");
    }
}

// ---------------------------------------------------------------------------------------
// Hostile files (issue 10, part 3): whatever the bytes, the reader returns `Ok` with the
// array the file describes or an `Err`; it never panics, overflows the stack or allocates
// what the header merely claims.

/// A `.npy` file of the given version whose header is exactly `header` (no padding added).
fn npy_file(version: u8, header: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    } else {
        out.extend_from_slice(&u32::try_from(header.len()).unwrap().to_le_bytes());
    }
    out.extend_from_slice(header);
    out.extend_from_slice(data);
    out
}

fn format_err(bytes: &[u8]) -> Error {
    let e = DynArray::read_npy_from(bytes).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Format, "{e}");
    e
}

/// The reproducer: `{'descr': ` and then `n` open brackets.
fn deep_header(n: usize) -> Vec<u8> {
    let mut h = b"{'descr': ".to_vec();
    h.resize(h.len() + n, b'(');
    h
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 9,990 brackets fit NumPy's default 10,000-byte header limit, so they reach the parser.
    let file = npy_file(1, &deep_header(9_990), &[]);
    let e = format_err(&file);
    assert!(e.message().contains("nested"), "{e}");
    // The same on a thread with a small (256 KiB) stack: the parser's depth does not grow
    // with the input.
    let small = std::thread::Builder::new().stack_size(256 << 10);
    let e = small
        .spawn(move || DynArray::read_npy_from(&file[..]).unwrap_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(e.message().contains("nested"), "{e}");
    // The 60,000 brackets (a version 2.0 header) on the main thread: over NumPy's
    // default header limit, and with the limit raised, nested too deeply.
    let file = npy_file(2, &deep_header(60_000), &[]);
    let e = format_err(&file);
    assert!(e.message().contains("max_header_size"), "{e}");
    let e = DynArray::read_npy_from_with(&file[..], NpyOptions::new().max_header_size(60_010))
        .unwrap_err();
    assert!(e.message().contains("nested more than 32 levels"), "{e}");
    assert!(e.message().len() < 1_000, "{} bytes", e.message().len());
}

#[test]
#[cfg_attr(miri, ignore)] // rayon
fn deep_nesting_on_a_rayon_worker() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let files: Vec<Vec<u8>> = [1_000, 5_000, 9_990]
        .into_iter()
        .map(|n| npy_file(1, &deep_header(n), &[]))
        .collect();
    let errors: Vec<Error> = pool.install(|| {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| DynArray::read_npy_from(&f[..]).unwrap_err())
            .collect()
    });
    for e in errors {
        assert_eq!(e.kind(), ErrorKind::Format, "{e}");
        assert!(e.message().contains("nested"), "{e}");
    }
}

#[test]
#[cfg_attr(miri, ignore)] // megabytes of input
fn error_messages_quote_at_most_about_200_bytes_of_the_header() {
    // 8 MiB of garbage in a version 2.0 header: the old reader put all of it, escaped, in
    // the message (~40 MB).
    let garbage: Vec<u8> = (0..8usize << 20).map(|i| b"\x01x\xff("[i % 4]).collect();
    let file = npy_file(2, &garbage, &[]);
    let e = format_err(&file);
    assert!(e.message().len() < 1_000, "{} bytes", e.message().len());
    let options = NpyOptions::new().max_header_size(usize::MAX);
    let e = DynArray::read_npy_from_with(&file[..], options).unwrap_err();
    assert!(e.message().contains("malformed header"), "{e}");
    assert!(e.message().contains("(8388608 characters in all)"), "{e}");
    assert!(e.message().len() < 1_000, "{} bytes", e.message().len());
    // The same for 1 MiB strings where a dtype or a key goes.
    let long = "x".repeat(1 << 20);
    for header in [
        format!("{{'descr': '{long}', 'fortran_order': False, 'shape': (1,)}}"),
        format!("{{'{long}': 1}}"),
    ] {
        let e = DynArray::read_npy_from_with(&npy_file(2, header.as_bytes(), &[])[..], options)
            .unwrap_err();
        assert!(e.message().contains("(1048576 characters in all)"), "{e}");
        assert!(e.message().len() < 1_000, "{} bytes", e.message().len());
    }
}

#[test]
fn byte_order_pipe_and_equals_mean_native_as_in_numpy() {
    // `np.dtype('|f8')` and `np.dtype('=f8')` are float64 in native order; `|` is what
    // NumPy writes for one-byte types, but it accepts it (and `=`) for every type.
    let data: Vec<u8> = [1.5f64, -2.0]
        .iter()
        .flat_map(|x| x.to_ne_bytes())
        .collect();
    for descr in ["|f8", "=f8", "f8"] {
        let h = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}\n");
        let a = DynArray::read_npy_from(&npy_file(1, h.as_bytes(), &data)[..]).unwrap();
        assert_eq!(
            a,
            DynArray::from(numbox::ndarray::array![1.5f64, -2.0]),
            "{descr}"
        );
    }
}

#[test]
fn a_huge_header_length_is_refused_before_it_is_read() {
    // A version 2.0 length field of 4 GiB - 1 and nothing behind it.
    let mut file = b"\x93NUMPY\x02\x00".to_vec();
    file.extend_from_slice(&u32::MAX.to_le_bytes());
    let e = format_err(&file);
    assert!(e.message().contains("max_header_size"), "{e}");
}

#[test]
fn long_headers_need_an_explicit_option() {
    // A valid header padded to 12,000 bytes: NumPy's `np.load` refuses it by default
    // (max_header_size=10000), and so does numbox, saying how to read it anyway.
    let mut header = b"{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }".to_vec();
    header.resize(11_999, b' ');
    header.push(b'\n');
    let file = npy_file(2, &header, &[1, 0, 2, 0, 0xff, 0xff]);
    let path = tmp("long_header.npy");
    std::fs::write(&path, &file).unwrap();
    let e = read_err(&path);
    assert_eq!(e.kind(), ErrorKind::Format, "{e}");
    for says in [
        "header of 12000 bytes",
        "max_header_size",
        "NpyOptions::new().max_header_size(12000)",
    ] {
        assert!(e.message().contains(says), "{e}");
    }
    let want = DynArray::from(numbox::ndarray::array![1i16, 2, -1]);
    let options = NpyOptions::new().max_header_size(12_000);
    assert_eq!(DynArray::read_npy_with(&path, options).unwrap(), want);
    assert_eq!(
        DynArray::read_npy_from_with(&file[..], options).unwrap(),
        want
    );
    let e = DynArray::read_npy_with(&path, NpyOptions::new().max_header_size(11_999)).unwrap_err();
    assert!(e.message().contains("header of 12000 bytes"), "{e}");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(NpyOptions::DEFAULT_MAX_HEADER_SIZE, 10_000);
    assert_eq!(NpyOptions::default().get_max_header_size(), 10_000);
}

#[test]
fn hostile_values_in_the_header_are_format_errors_saying_which() {
    let h = |descr: &str, fortran: &str, shape: &str| {
        format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}")
    };
    let cases = [
        (h("'<i4'", "False", "(-2, 3)"), "\"-2\" is negative"),
        (h("'<i4'", "False", "(2.0,)"), "\"2.0\" is not an integer"),
        (
            h("'<i4'", "False", "(123456789012345678901234567890,)"),
            "is too large",
        ),
        (
            h("'<i4'", "False", "(4294967296, 4294967296, 4294967296)"),
            "too large to address",
        ),
        (
            h("'<i4'", "1", "(1,)"),
            "'fortran_order' must be True or False",
        ),
        (h("'<i4'", "None", "(1,)"), "malformed header"),
        (
            "{'descr': '<i4', 'fortran_order': False}".into(),
            "missing key 'shape'",
        ),
        (
            "{'descr': '<i4', 'fortran_order': False, 'fortran_order': True, 'shape': (1,)}".into(),
            "duplicate key 'fortran_order'",
        ),
        (
            h("'<i4'", "False", "(1,)").replace("descr", "dtype"),
            "unexpected key 'dtype'",
        ),
        (h("'<U5'", "False", "(1,)"), "unsupported dtype '<U5'"),
        (h("'>f16'", "False", "(1,)"), "unsupported dtype '>f16'"),
        (
            h(&format!("'{}'", "x".repeat(5_000)), "False", "(1,)"),
            "(5000 characters in all)",
        ),
    ];
    for (header, says) in cases {
        let e = format_err(&npy_file(1, header.as_bytes(), &[0; 16]));
        assert!(e.message().contains(says), "{e:.300} should say {says:?}");
        assert!(e.message().len() < 1_000, "{} bytes", e.message().len());
    }
    // A latin-1 (version 1.0) header with a non-ASCII byte, a version 3.0 header that is
    // not UTF-8, and truncations in the magic, the version and the length field.
    let mut latin1 = h("'<i4'", "False", "(1,)").into_bytes();
    latin1[2] = 0xe9;
    let e = format_err(&npy_file(1, &latin1, &[0; 4]));
    assert!(e.message().contains("unexpected key"), "{e}");
    let e = format_err(&npy_file(3, &latin1, &[0; 4]));
    assert!(e.message().contains("must be UTF-8"), "{e}");
    for prefix in [
        &b"\x93"[..],
        b"\x93NUMP",
        b"\x93NUMPY\x01",
        b"\x93NUMPY\x02\x00\x10\x00",
    ] {
        let e = format_err(prefix);
        assert!(e.message().contains("truncated file"), "{e}");
    }
}

/// What the reader made of `file`: an `Err` of kind `Format` (the input is in memory, so
/// never `Io`) with a short message, or an array whose elements are exactly the bytes that
/// follow the header in the file (byte-swapped for a `>` dtype, booleans as 0/1).
fn check_read(file: &[u8], options: NpyOptions) -> Result<(), TestCaseError> {
    let mut rest = file;
    let a = match DynArray::read_npy_from_with(&mut rest, options) {
        Err(e) => {
            prop_assert_eq!(e.kind(), ErrorKind::Format, "{}", e);
            prop_assert!(e.message().len() < 2_000, "{} bytes", e.message().len());
            return Ok(());
        }
        Ok(a) => a,
    };
    // The prelude, decoded here independently of the reader.
    let header_end = match file[6] {
        1 => 10 + usize::from(u16::from_le_bytes([file[8], file[9]])),
        _ => 12 + u32::from_le_bytes([file[8], file[9], file[10], file[11]]) as usize,
    };
    prop_assert!(header_end - 10 <= options.get_max_header_size());
    let consumed = file.len() - rest.len();
    let data = &file[header_end..consumed];
    let size = a.dtype().itemsize();
    prop_assert_eq!(data.len(), a.len() * size);
    let header = &file[..header_end];
    let big = header.windows(2).any(|w| w == b"'>" || w == b"\">");
    let unit = if a.dtype().name().starts_with("complex") {
        size / 2
    } else {
        size
    };
    let mut want = data.to_vec();
    if big {
        want.chunks_mut(unit).for_each(<[u8]>::reverse);
    }
    if a.dtype() == DType::Bool {
        want.iter_mut().for_each(|b| *b = u8::from(*b != 0));
    }
    let written = to_bytes(&a);
    prop_assert_eq!(&written[written.len() - data.len()..], &want[..]);
    Ok(())
}

fn fuzz_cases() -> u32 {
    if cfg!(miri) {
        8
    } else {
        512
    }
}

/// Pieces of NPY headers, valid and not, for grammar-aware random headers.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "'",
    "\"",
    ":",
    ",",
    " ",
    "\n",
    "'descr'",
    "'shape'",
    "'fortran_order'",
    "True",
    "False",
    "'<f8'",
    "'|u1'",
    "'>i2'",
    "'=c8'",
    "'|b1'",
    "'<U5'",
    "0",
    "1",
    "2",
    "3",
    "7L",
    "-1",
    "1.5",
    "99999999999999999999",
    "((((((((((((((((",
    "[('a', '<f8')]",
    "\\",
    "\u{e9}",
];

fn arb_header() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => prop::collection::vec(prop::sample::select(TOKENS), 0..40)
            .prop_map(|t| t.concat().into_bytes()),
        // A dict of the three keys, each value valid or random tokens.
        3 => (
            slot(&["'<f8'", "'|u1'", "'>i2'", "'=c8'", "'|b1'", "'<U5'", "'|f4'", "'u2'"]),
            slot(&["True", "False"]),
            prop::collection::vec(prop::sample::select(&["0", "1", "2", "3"][..]), 0..4)
                .prop_map(|dims| format!("({},)", dims.join(", "))),
            prop_oneof![
                3 => Just(Vec::new()),
                1 => prop::collection::vec(prop::sample::select(TOKENS), 1..3),
            ],
        )
            .prop_map(|(d, f, s, extra)| format!(
                "{{'descr': {d}, 'fortran_order': {f}, 'shape': {s}{}, }}",
                extra.concat()
            )
            .into_bytes()),
    ]
}

/// One of `valid`, or now and then random tokens.
fn slot(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(valid).prop_map(String::from),
        1 => prop::collection::vec(prop::sample::select(TOKENS), 1..4).prop_map(|t| t.concat()),
    ]
}

fn arb_options() -> impl Strategy<Value = NpyOptions> {
    prop_oneof![
        3 => Just(NpyOptions::new()),
        1 => prop_oneof![Just(0usize), Just(40), Just(usize::MAX)]
            .prop_map(|n| NpyOptions::new().max_header_size(n)),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    /// XOR one byte with a non-zero value.
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, &'static str),
    Remove(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1..=255u8).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<prop::sample::Index>(), prop::sample::select(TOKENS))
            .prop_map(|(i, t)| Mutation::Insert(i, t)),
        any::<prop::sample::Index>().prop_map(Mutation::Remove),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::Flip(i, x) => {
            let at = i.index(bytes.len());
            bytes[at] ^= x;
        }
        Mutation::Insert(i, t) => {
            let at = i.index(bytes.len() + 1);
            bytes.splice(at..at, t.bytes());
        }
        Mutation::Remove(i) => {
            bytes.remove(i.index(bytes.len()));
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: fuzz_cases(), ..ProptestConfig::default() })]

    /// (a) Random bytes after a valid magic string and version: as they come (so the
    /// length field is random too), or as a header of consistent length and random data.
    #[test]
    fn fuzz_random_headers(
        version in prop_oneof![Just(1u8), Just(2), Just(3), any::<u8>()],
        raw in prop::bool::weighted(0.2),
        header in arb_header(),
        data in prop::collection::vec(any::<u8>(), 0..300),
        options in arb_options(),
    ) {
        let file = if raw {
            let mut f = b"\x93NUMPY".to_vec();
            f.extend_from_slice(&[version, 0]);
            f.extend_from_slice(&header);
            f
        } else {
            npy_file(version.clamp(1, 3), &header, &data)
        };
        check_read(&file, options)?;
    }

    /// (b) Valid files of random arrays, mutated: in the header text (the length field
    /// then kept consistent) or anywhere in the file.
    #[test]
    fn fuzz_mutated_files(
        (d, shape, values, layout) in arb_case(),
        mutations in prop::collection::vec(arb_mutation(), 1..5),
        in_header in any::<bool>(),
        options in arb_options(),
    ) {
        let a = DynArray::from(layout_array(&shape, &values, layout))
            .cast(DType::ALL[d])
            .unwrap();
        let good = to_bytes(&a);
        let file = if in_header {
            let len = usize::from(u16::from_le_bytes([good[8], good[9]]));
            let mut header = good[10..10 + len].to_vec();
            for m in &mutations {
                mutate(&mut header, m);
            }
            npy_file(if header.len() > 65_535 { 2 } else { 1 }, &header, &good[10 + len..])
        } else {
            let mut file = good;
            for m in &mutations {
                mutate(&mut file, m);
            }
            file
        };
        check_read(&file, options)?;
    }

    /// (c) Random arrays written by numbox read back equal, with every byte-order
    /// character NumPy accepts for little-endian (native) data.
    #[test]
    fn round_trips_with_every_native_byte_order(
        (d, shape, values, layout) in arb_case(),
        order in prop::sample::select(&[b'<', b'|', b'='][..]),
    ) {
        let a = DynArray::from(layout_array(&shape, &values, layout))
            .cast(DType::ALL[d])
            .unwrap();
        let mut bytes = to_bytes(&a);
        if cfg!(target_endian = "little") {
            let at = bytes.windows(2).position(|w| w == b"'<" || w == b"'|").unwrap();
            bytes[at + 1] = order;
        }
        prop_assert_eq!(DynArray::read_npy_from(&bytes[..]).unwrap(), a);
    }
}
