//! `#[vectorize(fn(..) -> .., ...)]`: run-time dispatch with NumPy's loop selection.

use numbox::ndarray::{array, ArrayD};
use numbox::prelude::*;
use numbox::{DynUfunc, Registry};

#[vectorize(fn(f32, f32) -> f32, fn(f64, f64) -> f64, fn(i64, i64) -> i64)]
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
    // int8 + int8 picks ff->f (the first loop every input casts to safely).
    let i8s = DynArray::from(array![[1i8], [2]]);
    let r = add::call_dyn(&[&i8s, &DynArray::from(array![10i8, 20])]).unwrap();
    assert_eq!(r.dtype(), DType::F32);
    assert_eq!(
        r.into_typed::<f32>().unwrap(),
        array![[11.0f32, 21.0], [12.0, 22.0]].into_dyn()
    );
    // bool picks the first loop.
    let t = DynArray::from(array![true, false]);
    assert_eq!(add::call_dyn(&[&t, &t]).unwrap().dtype(), DType::F32);
    // int64 picks dd->d, as NumPy does for these loops in this order.
    let l = DynArray::from(array![1i64 << 40]);
    let r = add::call_dyn(&[&l, &l]).unwrap();
    assert_eq!(
        r.into_typed::<f64>().unwrap(),
        array![(1i64 << 41) as f64].into_dyn()
    );
}

#[test]
fn lists_signatures_and_reports_failures() {
    let sigs: Vec<String> = add::signatures().iter().map(|s| s.short()).collect();
    assert_eq!(sigs, vec!["ff->f", "dd->d", "ll->l"]);
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
