//! `.npy` files: NumPy-written fixtures of every dtype in C and Fortran order, byte-for-byte
//! agreement of our writer with `np.save`, round trips and malformed files.
//!
//! The fixtures in `tests/fixtures/npy/` were written by NumPy 2.4.6 with
//! `tests/fixtures/make_npy.py` (see its docstring); the values they hold are spelled out
//! again below, independently of that script.

use numbox::ndarray::{arr0, Array, ArrayD, Axis, IxDyn, ShapeBuilder};
use numbox::num_complex::Complex;
use numbox::prelude::*;
use numbox::NativeType;
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
        ("big_endian_float64.npy", "big-endian data '>f8'"),
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
