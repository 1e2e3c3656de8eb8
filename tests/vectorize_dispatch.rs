//! `#[vectorize(fn(..) -> .., ...)]`: run-time dispatch with NumPy's loop selection.

use numbox::ndarray::{array, ArrayD};
use numbox::prelude::*;
use numbox::{DynUfunc, Registry};

// Integer loops before float ones, as NumPy orders its loop tables: a list that put
// `fn(f64, f64) -> f64` first would never choose the i64 loop (a compile error, issue 14).
#[vectorize(fn(i64, i64) -> i64, fn(f32, f32) -> f32, fn(f64, f64) -> f64)]
fn add<T: Copy + std::ops::Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

#[vectorize(fn(f64) -> (f64, f64), target = "parallel")]
fn split(x: f64) -> (f64, f64) {
    (x.trunc(), x.fract())
}

#[test]
fn picks_numpys_loop_and_broadcasts() {
    let a = DynArray::from(array![1i32, 2, 3]);
    let b = DynArray::from(array![0.5f64, 0.5, 0.5]);
    let c = add::call_dyn(&[&a, &b]).unwrap();
    assert_eq!(c.dtype(), DType::F64);
    assert_eq!(
        c.into_typed::<f64>().unwrap(),
        array![1.5, 2.5, 3.5].into_dyn()
    );
    // int8 + int8 picks ll->l (the first loop every input casts to safely).
    let i8s = DynArray::from(array![[1i8], [2]]);
    let r = add::call_dyn(&[&i8s, &DynArray::from(array![10i8, 20])]).unwrap();
    assert_eq!(r.dtype(), DType::I64);
    assert_eq!(
        r.into_typed::<i64>().unwrap(),
        array![[11i64, 21], [12, 22]].into_dyn()
    );
    // bool picks the first loop.
    let t = DynArray::from(array![true, false]);
    assert_eq!(add::call_dyn(&[&t, &t]).unwrap().dtype(), DType::I64);
    // float32 skips the integer loop (no float casts safely to an integer).
    let f = DynArray::from(array![0.5f32]);
    assert_eq!(add::call_dyn(&[&f, &f]).unwrap().dtype(), DType::F32);
    // int64 keeps its own loop: exact beyond 2^53.
    let l = DynArray::from(array![(1i64 << 53) + 1]);
    let r = add::call_dyn(&[&l, &l]).unwrap();
    assert_eq!(
        r.into_typed::<i64>().unwrap(),
        array![(1i64 << 54) + 2].into_dyn()
    );
}

#[vectorize(fn(i64, i64) -> i64, fn(f64, f64) -> f64)]
fn sub<T: Copy + std::ops::Sub<Output = T>>(x: T, y: T) -> T {
    x - y
}

// Issue 14: with the loops listed `[f64, i64]`, `i64 - i64` picked the f64 loop and
// `(2^53 + 1) - 1` came back as 2^53 - 1; that order is now a compile
// error (tests/ui/vectorize/signature_unreachable.rs), and the i64 loop listed first is exact.
#[test]
fn int64_subtraction_is_exact_beyond_2_pow_53() {
    let big = (1i64 << 53) + 1;
    let a = DynArray::from(array![big, -big, i64::MAX]);
    let one = DynArray::from(array![1i64]);
    let r = sub::call_dyn(&[&a, &one]).unwrap();
    assert_eq!(r.dtype(), DType::I64);
    let want = array![big - 1, -big - 1, i64::MAX - 1].into_dyn();
    assert_eq!(r.into_typed::<i64>().unwrap(), want);
    // What the f64 loop gave: 2^53 + 1 is not a float64 and rounds to 2^53 first.
    assert_eq!((big as f64 - 1.0) as i64, big - 2);
    // int32 with int64 stays integer; with a float it takes the f64 loop.
    let i32s = DynArray::from(array![7i32]);
    assert_eq!(sub::call_dyn(&[&i32s, &one]).unwrap().dtype(), DType::I64);
    let half = DynArray::from(array![0.5f64]);
    let r = sub::call_dyn(&[&i32s, &half]).unwrap();
    assert_eq!(r.into_typed::<f64>().unwrap(), array![6.5].into_dyn());
}

#[test]
fn lists_signatures_and_reports_failures() {
    let sigs: Vec<String> = add::signatures().iter().map(|s| s.short()).collect();
    assert_eq!(sigs, vec!["ll->l", "ff->f", "dd->d"]);
    let c = DynArray::from(array![numbox::num_complex::Complex64::new(1.0, 0.0)]);
    let e = add::call_dyn(&[&c, &c]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
    let m = e.to_string();
    assert!(
        m.contains("add") && m.contains("complex128") && m.contains("ff->f"),
        "{m}"
    );
    let one = DynArray::from(array![1.0f64]);
    assert_eq!(add::call_dyn(&[&one]).unwrap_err().kind(), ErrorKind::Arity);
    let e = add::call_dyn(&[
        &DynArray::from(array![1.0, 2.0]),
        &DynArray::from(array![1.0, 2.0, 3.0]),
    ])
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
}

#[test]
#[cfg_attr(miri, ignore)]
fn several_outputs_and_the_registry() {
    let x = DynArray::from(array![1.25f64, -2.5]);
    let outs = split::call_dyn(&[&x]).unwrap();
    assert_eq!(outs.len(), 2);
    assert_eq!(
        outs[0].clone().into_typed::<f64>().unwrap(),
        array![1.0, -2.0].into_dyn()
    );
    assert_eq!(
        outs[1].clone().into_typed::<f64>().unwrap(),
        array![0.25, -0.5].into_dyn()
    );

    let mut reg = Registry::new();
    reg.register(add::ufunc());
    reg.register(split::ufunc());
    let handle: DynUfunc = reg.get("add").unwrap().clone();
    assert_eq!((handle.name(), handle.nin(), handle.nout()), ("add", 2, 1));
    let a = DynArray::from(array![1.0f32, 2.0]);
    let r = reg.call("add", &[&a, &a]).unwrap();
    assert_eq!(
        r[0].clone().into_typed::<f32>().unwrap(),
        ArrayD::from_shape_vec(vec![2], vec![2.0f32, 4.0]).unwrap()
    );
    assert_eq!(
        reg.call("nope", &[&a]).unwrap_err().kind(),
        ErrorKind::UnknownName
    );
}
