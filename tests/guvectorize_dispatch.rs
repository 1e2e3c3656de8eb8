//! `#[guvectorize(fn(..) -> .., ..., "layout")]`: gufuncs chosen by dtype at run time.

use numbox::ndarray::{array, ArrayView1, ArrayViewMut1};
use numbox::prelude::*;

#[guvectorize(fn(f32, i64) -> f32, fn(f64, i64) -> f64, "(n),()->(n)")]
fn moving_sum<T: Copy + Default + std::ops::Add<Output = T> + std::ops::Sub<Output = T>>(
    x: ArrayView1<T>,
    window: i64,
    mut out: ArrayViewMut1<T>,
) {
    let mut acc = T::default();
    for i in 0..x.len() {
        acc = acc + x[i];
        if i as i64 >= window {
            acc = acc - x[i - window as usize];
        }
        out[i] = acc;
    }
}

#[guvectorize(fn(f64) -> (f64, f64), "(n)->(),()")]
fn min_max(x: ArrayView1<f64>, lo: &mut f64, hi: &mut f64) {
    *lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    *hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
}

#[test]
fn picks_the_loop_by_dtype_and_loops_over_rows() {
    let x = DynArray::from(array![[1i16, 2, 3, 4], [10, 20, 30, 40]]);
    let w = DynArray::from(numbox::ndarray::arr0(2i64));
    let y = moving_sum::call_dyn(&[&x, &w]).unwrap();
    // int16 casts safely to float32: the first loop.
    assert_eq!(y.dtype(), DType::F32);
    let want = array![[1.0f32, 3.0, 5.0, 7.0], [10.0, 30.0, 50.0, 70.0]].into_dyn();
    assert_eq!(y.into_typed::<f32>().unwrap(), want);
    let xd = DynArray::from(array![0.5f64, 0.25]);
    assert_eq!(
        moving_sum::call_dyn(&[&xd, &w]).unwrap().dtype(),
        DType::F64
    );
    let sigs: Vec<String> = moving_sum::signatures().iter().map(|s| s.short()).collect();
    assert_eq!(sigs, vec!["fl->f", "dl->d"]);
}

#[test]
fn several_outputs_errors_and_registry() {
    let x = DynArray::from(array![[3.0, -1.0, 2.0], [0.0, 5.0, 1.0]]);
    let outs = min_max::call_dyn(&[&x]).unwrap();
    assert_eq!(
        outs[0].clone().into_typed::<f64>().unwrap(),
        array![-1.0, 0.0].into_dyn()
    );
    assert_eq!(
        outs[1].clone().into_typed::<f64>().unwrap(),
        array![3.0, 5.0].into_dyn()
    );
    let c = DynArray::from(array![numbox::num_complex::Complex32::new(1.0, 0.0)]);
    let e = min_max::call_dyn(&[&c]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
    // A core-dimension problem still names the kernel.
    let scalar = DynArray::from(numbox::ndarray::arr0(1.0f64));
    let e = min_max::call_dyn(&[&scalar]).unwrap_err();
    assert!(e.to_string().starts_with("min_max"), "{e}");
    let mut reg = numbox::Registry::new();
    reg.register(min_max::ufunc());
    assert_eq!(
        reg.get("min_max").map(|u| (u.nin(), u.nout())),
        Some((1, 2))
    );
}
