//! Memory safety of the output paths with every storage a user may hand over, and the
//! reproducers of the soundness issue. Runs under Miri in CI (`cargo +nightly miri test
//! --test soundness`): each case here wrote out of bounds, or wrote the wrong buffer, before
//! the fix, and Miri reported it.

use numbox::ndarray::{array, s, Array1, Array2, ArrayView1, ArrayViewMut1, CowArray};
use numbox::prelude::*;

#[vectorize]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

#[vectorize]
fn add_sub(x: f64, y: f64) -> (f64, f64) {
    (x + y, x - y)
}

#[guvectorize("(n)->(n)")]
fn cumsum(x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    let mut acc = 0.0;
    for (o, &v) in out.iter_mut().zip(x) {
        acc += v;
        *o = acc;
    }
}

#[stencil(mode = "nearest")]
fn smooth(u: Neighbors1<f64>) -> f64 {
    u[-1] + u[0] + u[1]
}

/// The reproducer: a shared `ArcArray` output with strides (6, 2). Taking the pointer
/// makes the data unique, into a new compact buffer; the layout must be read after that.
#[test]
fn call_into_a_shared_arc_array_writes_its_own_copy() {
    let base = Array2::<f64>::zeros((4, 6)).into_shared();
    let mut out = base.clone().slice_move(s![.., ..;2]);
    assert_eq!(out.strides(), &[6, 2]);
    add::call_into(&Array2::<f64>::ones((4, 3)), 1.0, &mut out).unwrap();
    assert_eq!(out, Array2::from_elem((4, 3), 2.0));
    assert_eq!(
        base,
        Array2::<f64>::zeros((4, 6)),
        "the other owner is untouched"
    );
}

/// A copy-on-write view: writing makes it an owned array of its own.
#[test]
fn call_into_a_borrowed_cow_array_writes_the_owned_copy() {
    let src = Array2::<f64>::zeros((4, 6));
    let mut cow = CowArray::from(src.slice(s![.., ..;2]));
    add::call_into(&Array2::<f64>::ones((4, 3)), 1.0, &mut cow).unwrap();
    assert_eq!(cow, Array2::from_elem((4, 3), 2.0));
    assert!(cow.is_owned());
    assert_eq!(src, Array2::<f64>::zeros((4, 6)));
}

/// Broadcast inputs take the planned (non-uniform) path; several outputs, each shared.
#[test]
fn call_into_shared_outputs_on_the_planned_path() {
    let base_a = Array2::<f64>::zeros((3, 8)).into_shared();
    let base_b = Array2::<f64>::zeros((3, 8)).into_shared();
    let mut a = base_a.clone().slice_move(s![.., ..;-2]);
    let mut b = base_b.clone().slice_move(s![.., 1..;2]);
    let x = array![[1.0], [2.0], [3.0]];
    let y = array![10.0, 20.0, 30.0, 40.0];
    add_sub::call_into(&x, &y, (&mut a, &mut b)).unwrap();
    let want_a = Array2::from_shape_fn((3, 4), |(i, j)| x[[i, 0]] + y[j]);
    let want_b = Array2::from_shape_fn((3, 4), |(i, j)| x[[i, 0]] - y[j]);
    assert_eq!(a, want_a);
    assert_eq!(b, want_b);
    assert_eq!(base_a, Array2::<f64>::zeros((3, 8)));
    assert_eq!(base_b, Array2::<f64>::zeros((3, 8)));
}

/// A unique `ArcArray` is written in place (no copy), as `Array` would be.
#[test]
fn call_into_a_unique_arc_array_writes_in_place() {
    let mut out = Array2::<f64>::zeros((2, 3)).into_shared();
    let before = out.as_ptr();
    add::call_into(&array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 1.0, &mut out).unwrap();
    assert_eq!(out, array![[2.0, 3.0, 4.0], [5.0, 6.0, 7.0]]);
    assert_eq!(out.as_ptr(), before);
}

/// A wrong output shape is an `Err` and nothing is written, whatever the storage.
#[test]
fn call_into_a_shared_output_of_the_wrong_shape_is_an_error() {
    let base = Array2::<f64>::zeros((4, 6)).into_shared();
    let mut out = base.clone().slice_move(s![.., ..;3]);
    let e = add::call_into(&Array2::<f64>::ones((4, 3)), 1.0, &mut out).unwrap_err();
    assert!(
        e.to_string()
            .contains("output 0 has shape [4, 2], expected the broadcast shape [4, 3]"),
        "{e}"
    );
    assert_eq!(out, Array2::<f64>::zeros((4, 2)));
    assert_eq!(base, Array2::<f64>::zeros((4, 6)));
}

#[test]
fn gufunc_call_into_shared_and_cow_outputs() {
    let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
    let want = array![[1.0, 3.0, 6.0], [4.0, 9.0, 15.0]];
    let base = Array2::<f64>::zeros((2, 6)).into_shared();
    let mut out = base.clone().slice_move(s![.., ..;2]);
    cumsum::call_into(&x, &mut out).unwrap();
    assert_eq!(out, want);
    assert_eq!(base, Array2::<f64>::zeros((2, 6)));

    let src = Array2::<f64>::zeros((2, 6));
    let mut cow = CowArray::from(src.slice(s![.., 1..;2]));
    cumsum::call_into(&x, &mut cow).unwrap();
    assert_eq!(cow, want);
    assert_eq!(src, Array2::<f64>::zeros((2, 6)));
}

#[test]
fn stencil_call_into_shared_and_cow_outputs() {
    let u = array![1.0, 2.0, 3.0, 4.0];
    let want = array![4.0, 6.0, 9.0, 11.0];
    let base = Array1::<f64>::zeros(8).into_shared();
    let mut out = base.clone().slice_move(s![..;-2]);
    smooth::call_into(&u, &mut out).unwrap();
    assert_eq!(out, want);
    assert_eq!(base, Array1::<f64>::zeros(8));

    let src = Array1::<f64>::zeros(8);
    let mut cow = CowArray::from(src.slice(s![1..;2]));
    smooth::call_into(&u, &mut cow).unwrap();
    assert_eq!(cow, want);
    assert_eq!(src, Array1::<f64>::zeros(8));
}

/// Shared *inputs* are only read: no copy, the same results.
#[test]
fn shared_inputs_are_read_in_place() {
    let a = array![[1.0, 2.0], [3.0, 4.0]].into_shared();
    let a2 = a.clone();
    let z = add::call(&a, &a2).unwrap();
    assert_eq!(z, array![[2.0, 4.0], [6.0, 8.0]]);
    assert_eq!(a.as_ptr(), a2.as_ptr(), "still shared");
}

/// `Vec` and slice outputs (1-D) of every family write exactly their own elements: the one
/// `numbox::OutArg` lends a unique view of the slice, nothing around it.
#[test]
fn vec_and_slice_outputs_of_every_family() {
    let x = array![1.0, 2.0, 4.0];
    let mut buf = vec![-1.0; 5];
    add::call_into(&x, 1.0, &mut buf[1..4]).unwrap();
    assert_eq!(buf, vec![-1.0, 2.0, 3.0, 5.0, -1.0]);
    let (mut s, mut d) = (vec![0.0; 3], vec![0.0; 3]);
    add_sub::call_into(&x, 1.0, (&mut s, &mut d[..])).unwrap();
    assert_eq!((s, d), (vec![2.0, 3.0, 5.0], vec![0.0, 1.0, 3.0]));
    let mut c = vec![-1.0; 5];
    cumsum::call_into(&x, &mut c[1..4]).unwrap();
    assert_eq!(c, vec![-1.0, 1.0, 3.0, 7.0, -1.0]);
    let mut v = vec![0.0; 3];
    smooth::call_into(&x, &mut v).unwrap();
    assert_eq!(v, vec![4.0, 7.0, 10.0]);
    let mut w = vec![-1.0; 5];
    smooth::serial().call_into(&x, &mut w[2..]).unwrap();
    assert_eq!(w, vec![-1.0, -1.0, 4.0, 7.0, 10.0]);
}
