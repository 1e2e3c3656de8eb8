//! Run-time dispatch: NumPy's dtypes and safe-cast table, `DynArray` casts, loop selection,
//! `call_dyn`, `DynUfunc` and `Registry`. The reference tables were produced by NumPy 2.4.6
//! (commands next to each).

use numbox::dispatch::{call_dyn, select_loop, Loop};
use numbox::ndarray::{arr0, array, Array1, ArrayD, IxDyn};
use numbox::num_complex::Complex;
use numbox::prelude::*;
use numbox::{DynUfunc, NativeType, Registry, Signature, Target};
use std::cell::Cell;

const ALL: [DType; 13] = [
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

/// `np.can_cast(row, column, 'safe')`, rows and columns in the order of `ALL`, from
/// ```text
/// python -c "import numpy as np; ts=['bool','int8','int16','int32','int64','uint8','uint16',
///   'uint32','uint64','float32','float64','complex64','complex128']
///   [print([int(np.can_cast(a, b, 'safe')) for b in ts]) for a in ts]"
/// ```
#[rustfmt::skip]
const NUMPY_SAFE: [[u8; 13]; 13] = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // bool
    [0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], // int8
    [0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1], // int16
    [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1], // int32
    [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1], // int64
    [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // uint8
    [0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1], // uint16
    [0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1], // uint32
    [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1], // uint64
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], // float32
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1], // float64
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], // complex64
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], // complex128
];

#[test]
fn safe_cast_table_is_numpys() {
    for (i, from) in ALL.into_iter().enumerate() {
        for (j, to) in ALL.into_iter().enumerate() {
            assert_eq!(
                from.can_cast_safely(to),
                NUMPY_SAFE[i][j] == 1,
                "can_cast({from}, {to}, 'safe')"
            );
        }
    }
}

#[test]
fn names_codes_and_sizes_are_numpys() {
    // [np.dtype(t).name / .char / .itemsize for t in ts]
    let names = [
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ];
    let chars = [
        '?', 'b', 'h', 'i', 'l', 'B', 'H', 'I', 'L', 'f', 'd', 'F', 'D',
    ];
    let sizes = [1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8, 8, 16];
    for (k, d) in ALL.into_iter().enumerate() {
        assert_eq!(
            (d.name(), d.char_code(), d.itemsize()),
            (names[k], chars[k], sizes[k])
        );
        assert_eq!(d.to_string(), names[k]);
        assert_eq!(names[k].parse::<DType>().unwrap(), d);
    }
    assert_eq!(DType::from_char_code('q'), Some(DType::I64));
    assert_eq!(DType::from_char_code('Q'), Some(DType::U64));
    assert_eq!(
        "float16".parse::<DType>().unwrap_err().kind(),
        ErrorKind::DType
    );
    assert_eq!(DType::ALL, ALL);
}

#[test]
fn native_types_have_their_dtypes() {
    fn check<T: NativeType + Default>(d: DType) {
        assert_eq!(T::DTYPE, d);
        let a = DynArray::from(Array1::<T>::default(3));
        assert_eq!(a.dtype(), d);
        assert!(T::view(&a).is_some());
        assert_eq!(T::unwrap(a).unwrap().shape(), &[3]);
    }
    check::<bool>(DType::Bool);
    check::<i8>(DType::I8);
    check::<i16>(DType::I16);
    check::<i32>(DType::I32);
    check::<i64>(DType::I64);
    check::<u8>(DType::U8);
    check::<u16>(DType::U16);
    check::<u32>(DType::U32);
    check::<u64>(DType::U64);
    check::<f32>(DType::F32);
    check::<f64>(DType::F64);
    check::<Complex<f32>>(DType::C64);
    check::<Complex<f64>>(DType::C128);
}

#[test]
fn dyn_array_accessors_and_typed_access() {
    let a = DynArray::from(array![[1u32, 2, 3], [4, 5, 6]]);
    assert_eq!(
        (a.dtype(), a.shape(), a.ndim(), a.len()),
        (DType::U32, &[2, 3][..], 2, 6)
    );
    assert_eq!(a.view::<u32>().unwrap()[[1, 0]], 4);
    let e = a.view::<i32>().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DType);
    assert!(
        e.message().contains("uint32") && e.message().contains("int32"),
        "{e}"
    );
    let e = a.clone().into_typed::<f64>().unwrap_err();
    assert!(
        e.message().contains("uint32") && e.message().contains("float64"),
        "{e}"
    );
    let typed: ArrayD<u32> = a.clone().into_typed().unwrap();
    assert_eq!(typed, array![[1u32, 2, 3], [4, 5, 6]].into_dyn());
    let s = DynArray::from(arr0(true));
    assert_eq!((s.ndim(), s.len(), s.shape()), (0, 1, &[][..]));
    assert!(DynArray::from(ArrayD::<f32>::zeros(IxDyn(&[4, 0]))).is_empty());
    assert_ne!(a, DynArray::from(array![[1i32, 2, 3], [4, 5, 6]]));
    assert!(format!("{a:?}").starts_with("U32("));
}

#[test]
fn zeros_of_every_dtype_and_display() {
    for d in ALL {
        let z = DynArray::zeros(d, &[2, 0, 3]);
        assert_eq!((z.dtype(), z.shape()), (d, &[2, 0, 3][..]));
        let z = DynArray::zeros(d, &[3]);
        assert_eq!(
            z.cast(DType::F64).unwrap(),
            DynArray::from(array![0.0f64, 0.0, 0.0]),
            "{d}"
        );
    }
    assert_eq!(
        DynArray::from(array![1.5f32, -2.0]).to_string(),
        "[1.5, -2] float32"
    );
    assert_eq!(DynArray::from(arr0(7u16)).to_string(), "7 uint16");
}

fn c64(re: f32, im: f32) -> Complex<f32> {
    Complex::new(re, im)
}

#[test]
fn casts_match_hand_computed_astype() {
    // Each row: input, target dtype, what NumPy's `astype` gives (checked by hand).
    let cases: Vec<(DynArray, DType, DynArray)> = vec![
        (
            array![-2.7f64, -0.5, 0.5, 2.7].into(),
            DType::I32,
            array![-2i32, 0, 0, 2].into(),
        ),
        (
            array![255.9f32, 1e9, -1.0].into(),
            DType::U8,
            array![255u8, 255, 0].into(),
        ),
        (
            array![300i32, -1, 128].into(),
            DType::U8,
            array![44u8, 255, 128].into(),
        ),
        (
            array![300i32, -1, 128].into(),
            DType::I8,
            array![44i8, -1, -128].into(),
        ),
        (
            array![u64::MAX, 1 << 63].into(),
            DType::I64,
            array![-1i64, i64::MIN].into(),
        ),
        (
            array![65535u16, 32768].into(),
            DType::I16,
            array![-1i16, -32768].into(),
        ),
        (
            array![16777217i32, 3].into(),
            DType::F32,
            array![16777216.0f32, 3.0].into(),
        ),
        (array![0.1f64].into(), DType::F32, array![0.1f32].into()),
        (
            array![true, false].into(),
            DType::F64,
            array![1.0f64, 0.0].into(),
        ),
        (
            array![true, false].into(),
            DType::I16,
            array![1i16, 0].into(),
        ),
        (
            array![0i64, 5, -3].into(),
            DType::Bool,
            array![false, true, true].into(),
        ),
        (
            array![0.0f32, -0.0, f32::NAN, 0.1].into(),
            DType::Bool,
            array![false, false, true, true].into(),
        ),
        (
            array![c64(0.0, 0.0), c64(0.0, 2.0)].into(),
            DType::Bool,
            array![false, true].into(),
        ),
        (
            array![c64(1.5, 9.0), c64(-2.5, 1.0)].into(),
            DType::F64,
            array![1.5f64, -2.5].into(),
        ),
        (
            array![c64(1.5, 9.0), c64(-2.5, 1.0)].into(),
            DType::I8,
            array![1i8, -2].into(),
        ),
        (
            array![c64(1.5, 9.0)].into(),
            DType::C128,
            array![Complex::new(1.5f64, 9.0)].into(),
        ),
        (
            array![Complex::new(0.1f64, -0.1)].into(),
            DType::C64,
            array![c64(0.1, -0.1)].into(),
        ),
        (
            array![-3i8, 7].into(),
            DType::C64,
            array![c64(-3.0, 0.0), c64(7.0, 0.0)].into(),
        ),
        (
            array![f64::NAN, f64::INFINITY, -1e300].into(),
            DType::I64,
            array![0i64, i64::MAX, i64::MIN].into(),
        ),
        (
            array![f64::INFINITY].into(),
            DType::F32,
            array![f32::INFINITY].into(),
        ),
    ];
    for (input, to, want) in cases {
        let got = input.cast(to).unwrap();
        assert_eq!(got, want, "{input:?}.cast({to})");
    }
}

#[test]
fn cast_to_every_dtype_keeps_shape_and_order() {
    let a = DynArray::from(array![[1u8, 2, 3], [4, 5, 6]].reversed_axes());
    for to in ALL {
        let b = a.cast(to).unwrap();
        assert_eq!((b.dtype(), b.shape()), (to, &[3, 2][..]));
        assert_eq!(b.strides(), a.strides(), "{to}");
        // Small integers survive every cast to a non-bool dtype and back.
        if to != DType::Bool && to != DType::I8 {
            assert_eq!(b.cast(DType::U8).unwrap(), a);
        }
    }
}

fn sigs(list: &[&str]) -> Vec<Signature> {
    list.iter().map(|s| s.parse().unwrap()).collect()
}

#[test]
fn numpys_selections_for_three_loops() {
    let loops = sigs(&["ff->f", "dd->d", "ll->l"]);
    let pick = |ins: &[DType]| loops[select_loop("add", &loops, ins).unwrap()].short();
    assert_eq!(pick(&[DType::I32, DType::I32]), "dd->d");
    assert_eq!(pick(&[DType::I8, DType::I8]), "ff->f");
    assert_eq!(pick(&[DType::U64, DType::I64]), "dd->d");
    assert_eq!(pick(&[DType::Bool, DType::Bool]), "ff->f");
    assert_eq!(pick(&[DType::U16, DType::I16]), "ff->f");
    assert_eq!(pick(&[DType::F32, DType::I32]), "dd->d");
}

/// NumPy's `np.add` loops restricted to numbox's dtypes, in NumPy's order:
/// `[t for t in np.add.types if t[0] in '?bhilBHILqQfdFD' and t[1] in '?bhilBHILqQfdFD']`.
const NP_ADD_TYPES: [&str; 15] = [
    "??->?", "bb->b", "BB->B", "hh->h", "HH->H", "ii->i", "II->I", "ll->l", "LL->L", "qq->q",
    "QQ->Q", "ff->f", "dd->d", "FF->F", "DD->D",
];

/// `(np.zeros(1, a) + np.zeros(1, b)).dtype.char` for every pair, rows `a`, columns `b`
/// in the order of `ALL`: NumPy's actual choice with all of its loops.
#[rustfmt::skip]
const NP_ADD_RESULT: [[char; 13]; 13] = [
    ['?', 'b', 'h', 'i', 'l', 'B', 'H', 'I', 'L', 'f', 'd', 'F', 'D'], // bool
    ['b', 'b', 'h', 'i', 'l', 'h', 'i', 'l', 'd', 'f', 'd', 'F', 'D'], // int8
    ['h', 'h', 'h', 'i', 'l', 'h', 'i', 'l', 'd', 'f', 'd', 'F', 'D'], // int16
    ['i', 'i', 'i', 'i', 'l', 'i', 'i', 'l', 'd', 'd', 'd', 'D', 'D'], // int32
    ['l', 'l', 'l', 'l', 'l', 'l', 'l', 'l', 'd', 'd', 'd', 'D', 'D'], // int64
    ['B', 'h', 'h', 'i', 'l', 'B', 'H', 'I', 'L', 'f', 'd', 'F', 'D'], // uint8
    ['H', 'i', 'i', 'i', 'l', 'H', 'H', 'I', 'L', 'f', 'd', 'F', 'D'], // uint16
    ['I', 'l', 'l', 'l', 'l', 'I', 'I', 'I', 'L', 'd', 'd', 'D', 'D'], // uint32
    ['L', 'd', 'd', 'd', 'd', 'L', 'L', 'L', 'L', 'd', 'd', 'D', 'D'], // uint64
    ['f', 'f', 'f', 'd', 'd', 'f', 'f', 'd', 'd', 'f', 'd', 'F', 'D'], // float32
    ['d', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'D', 'D'], // float64
    ['F', 'F', 'F', 'D', 'D', 'F', 'F', 'D', 'D', 'F', 'D', 'F', 'D'], // complex64
    ['D', 'D', 'D', 'D', 'D', 'D', 'D', 'D', 'D', 'D', 'D', 'D', 'D'], // complex128
];

#[test]
fn selection_over_np_add_loops_is_numpys_for_every_pair() {
    let loops = sigs(&NP_ADD_TYPES);
    for (i, a) in ALL.into_iter().enumerate() {
        for (j, b) in ALL.into_iter().enumerate() {
            let k = select_loop("add", &loops, &[a, b]).unwrap();
            let want = DType::from_char_code(NP_ADD_RESULT[i][j]).unwrap();
            assert_eq!(loops[k].outputs(), &[want], "np.add({a}, {b})");
        }
    }
}

#[test]
fn no_match_and_arity_errors_name_everything() {
    let loops = sigs(&["ff->f", "dd->d", "ll->l"]);
    let e = select_loop("hypot", &loops, &[DType::C64, DType::I32]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
    let m = e.message();
    for part in [
        "hypot",
        "(complex64, int32)",
        "(float32, float32) -> float32 [ff->f]: input 0 (complex64) does not cast safely to float32, input 1 (int32) does not cast safely to float32",
        "(float64, float64) -> float64 [dd->d]: input 0 (complex64) does not cast safely to float64\n",
        "(int64, int64) -> int64 [ll->l]: input 0 (complex64) does not cast safely to int64",
        "DynArray::cast",
    ] {
        assert!(m.contains(part), "{m}\n--- lacks ---\n{part}");
    }
    let e = select_loop("hypot", &loops, &[DType::F64, DType::F64, DType::F64]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Arity);
    assert!(
        e.message().starts_with("hypot: takes 2 input(s), got 3"),
        "{e}"
    );
}

thread_local! {
    static SEEN: Cell<(usize, Option<Target>)> = const { Cell::new((0, None)) };
}

/// A loop body like the macro's glue: inputs already of the loop's dtypes; ndarray's
/// arithmetic co-broadcasts the operands.
fn add_typed<T: NativeType + std::ops::Add<Output = T>>(
    inputs: &[&DynArray],
    target: Target,
) -> Result<Vec<DynArray>> {
    let (a, b) = (inputs[0].view::<T>()?, inputs[1].view::<T>()?);
    SEEN.with(|s| s.set((a.as_ptr() as usize, Some(target))));
    let shape = numbox::broadcast_shapes(&[Some(a.shape()), Some(b.shape())])?;
    let (a, b) = (
        a.broadcast(shape.clone()).unwrap(),
        b.broadcast(shape).unwrap(),
    );
    Ok(vec![numbox::ndarray::Zip::from(&a)
        .and(&b)
        .map_collect(|&x, &y| x + y)
        .into()])
}

static ADD: [Loop; 3] = [
    // The form a macro emits: dtypes named through the Rust types.
    Loop {
        signature: Signature::new(
            &[<f32 as NativeType>::DTYPE, <f32 as NativeType>::DTYPE],
            &[<f32 as NativeType>::DTYPE],
        ),
        run: add_typed::<f32>,
    },
    Loop {
        signature: Signature::new(&[DType::F64, DType::F64], &[DType::F64]),
        run: add_typed::<f64>,
    },
    Loop {
        signature: Signature::new(&[DType::I64, DType::I64], &[DType::I64]),
        run: add_typed::<i64>,
    },
];

#[test]
fn call_dyn_selects_casts_and_broadcasts() {
    let a = DynArray::from(array![[1i32], [2], [3]]);
    let b = DynArray::from(array![0.5f64, 0.25]);
    let out = call_dyn("add", &ADD, &[&a, &b], Target::Serial).unwrap();
    assert_eq!(
        out,
        vec![DynArray::from(array![
            [1.5f64, 1.25],
            [2.5, 2.25],
            [3.5, 3.25]
        ])]
    );

    let c = DynArray::from(array![1i8, 2]);
    let out = call_dyn(
        "add",
        &ADD,
        &[&c, &DynArray::from(arr0(true))],
        Target::Parallel,
    )
    .unwrap();
    assert_eq!(out, vec![DynArray::from(array![2.0f32, 3.0])]);
    assert_eq!(SEEN.with(Cell::get).1, Some(Target::Parallel));

    let e = call_dyn(
        "add",
        &ADD,
        &[&a, &DynArray::from(array![[1.0f64], [2.0]])],
        Target::Serial,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast, "{e}");
    let e = call_dyn(
        "add",
        &ADD,
        &[&a, &DynArray::from(array![c64(1.0, 0.0)])],
        Target::Serial,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
    assert!(e.message().contains("(int32, complex64)"), "{e}");
}

#[test]
fn call_dyn_passes_matching_inputs_without_copying() {
    let a = DynArray::from(array![1.0f64, 2.0, 3.0]);
    let b = DynArray::from(array![1i32, 1, 1]);
    let ptr = a.view::<f64>().unwrap().as_ptr() as usize;
    call_dyn("add", &ADD, &[&a, &a], Target::Serial).unwrap();
    assert_eq!(SEEN.with(Cell::get).0, ptr);
    // Only `b` needs a cast to float64; `a` is still passed as is.
    call_dyn("add", &ADD, &[&a, &b], Target::Serial).unwrap();
    assert_eq!(SEEN.with(Cell::get).0, ptr);
    call_dyn("add", &ADD, &[&b, &a], Target::Serial).unwrap();
    assert_ne!(SEEN.with(Cell::get).0, ptr);
}

#[test]
fn dyn_ufunc_handle() {
    let add = DynUfunc::new("add", 2, 1, &ADD[..], Target::Serial);
    let copy = add.clone();
    assert_eq!(
        (copy.name(), copy.nin(), copy.nout(), copy.target()),
        ("add", 2, 1, Target::Serial)
    );
    let shorts: Vec<String> = add.signatures().map(Signature::short).collect();
    assert_eq!(shorts, ["ff->f", "dd->d", "ll->l"]);
    assert_eq!(
        add.resolve(&[DType::U64, DType::I64]).unwrap().short(),
        "dd->d"
    );
    // int64 inputs pick dd->d: it is listed before ll->l and int64 casts safely to float64.
    let a = DynArray::from(array![1i64, 2]);
    assert_eq!(
        add.call_single(&[&a, &a]).unwrap(),
        DynArray::from(array![2.0f64, 4.0])
    );
    assert_eq!(add.call(&[&a, &a]).unwrap().len(), 1);
    assert_eq!(add.call(&[&a]).unwrap_err().kind(), ErrorKind::Arity);
    add.with_target(Target::Parallel).call(&[&a, &a]).unwrap();
    assert_eq!(SEEN.with(Cell::get).1, Some(Target::Parallel));
    let dbg = format!("{add:?}");
    assert!(
        dbg.contains("\"add\"") && dbg.contains("\"ff->f\", \"dd->d\", \"ll->l\""),
        "{dbg}"
    );
    let from_vec = DynUfunc::new(String::from("add2"), 2, 1, ADD.to_vec(), Target::Serial);
    assert_eq!(
        from_vec.call_single(&[&a, &a]).unwrap(),
        DynArray::from(array![2.0f64, 4.0])
    );
}

#[test]
fn registry_by_name() {
    let mut reg = Registry::default();
    assert!(reg.is_empty());
    assert!(reg
        .register(DynUfunc::new("add", 2, 1, &ADD[..], Target::Serial))
        .is_none());
    assert!(reg
        .register(DynUfunc::new("plus", 2, 1, &ADD[1..], Target::Serial))
        .is_none());
    let old = reg
        .register(DynUfunc::new("add", 2, 1, &ADD[2..], Target::Parallel))
        .unwrap();
    assert_eq!((old.target(), old.signatures().len()), (Target::Serial, 3));
    assert_eq!(reg.len(), 2);
    assert_eq!(reg.names().collect::<Vec<_>>(), ["add", "plus"]);
    assert_eq!(reg.get("add").unwrap().signatures().len(), 1);
    assert!(reg.get("sub").is_none());
    let a = DynArray::from(array![1u8, 2]);
    assert_eq!(
        reg.call("plus", &[&a, &a]).unwrap(),
        vec![DynArray::from(array![2.0f64, 4.0])]
    );
    assert_eq!(
        reg.call_single("add", &[&a, &a]).unwrap(),
        DynArray::from(array![2i64, 4])
    );
    let e = reg.call("sub", &[&a, &a]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownName);
    assert!(
        e.message().contains("\"sub\"") && e.message().contains("add, plus"),
        "{e}"
    );
    assert!(reg.remove("plus").is_some());
    assert!(!reg.contains("plus"));
    let reg2: Registry = reg.iter().cloned().collect();
    assert_eq!(reg2.names().collect::<Vec<_>>(), ["add"]);
}
