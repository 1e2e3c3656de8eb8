//! Behaviour of `#[vectorize]` against naive reference loops.

use numbox::ndarray::{
    arr0, array, s, ArcArray, Array, Array1, Array2, Array3, ArrayD, ArrayView, ArrayViewMutD,
    Axis, CowArray, Dimension, IxDyn, ShapeBuilder,
};
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use proptest::prelude::*;

#[vectorize]
fn rel_diff(x: f64, y: f64) -> f64 {
    (x - y).abs() / (x.abs() + y.abs())
}

#[vectorize]
fn sub(x: i64, y: i64) -> i64 {
    x - y
}

#[vectorize(identity = 0.0)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

#[vectorize(identity = f64::NEG_INFINITY, target = "parallel", associative)]
fn maximum(x: f64, y: f64) -> f64 {
    x.max(y)
}

/// Float `+` marked associative: reductions may regroup it (as NumPy's pairwise sum does).
#[vectorize(identity = 0.0, associative = true)]
fn assoc_add(x: f64, y: f64) -> f64 {
    x + y
}

/// Neither associative nor commutative: any regrouping or reordering changes the result.
#[vectorize(associative = false)]
fn horner(x: i64, y: i64) -> i64 {
    x.wrapping_mul(31).wrapping_add(y)
}

#[vectorize]
fn generic_add<T: Copy + std::ops::Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

#[vectorize]
fn divmod(x: i32, y: i32) -> (i32, i32) {
    (x.div_euclid(y), x.rem_euclid(y))
}

#[vectorize]
fn mandel_step(z: Complex64, c: Complex64) -> Complex64 {
    z * z + c
}

#[vectorize]
#[allow(clippy::too_many_arguments)]
fn affine8(a: f64, b: f64, c: f64, d: f64, e: f64, f: f64, g: f64, h: f64) -> f64 {
    a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 8.0 * h
}

#[vectorize]
fn mixed(flag: bool, n: u8, x: f32) -> f64 {
    if flag {
        f64::from(n) * f64::from(x)
    } else {
        -1.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Rgb {
    r: u8,
    g: u8,
    b: u8,
}

#[vectorize]
fn luma(p: Rgb, gain: f32) -> f32 {
    gain * (0.299 * f32::from(p.r) + 0.587 * f32::from(p.g) + 0.114 * f32::from(p.b))
}

#[vectorize(target = "parallel")]
fn heavy(x: f64, y: f64) -> f64 {
    (x.exp() * y.ln()).ln()
}

/// NumPy broadcasting by explicit index arithmetic: the reference for every shape test.
fn naive_binary<F: Fn(f64, f64) -> f64>(a: &ArrayD<f64>, b: &ArrayD<f64>, f: F) -> ArrayD<f64> {
    let nd = a.ndim().max(b.ndim());
    let pad = |s: &[usize]| {
        let mut v = vec![1; nd - s.len()];
        v.extend_from_slice(s);
        v
    };
    let (sa, sb) = (pad(a.shape()), pad(b.shape()));
    let out_shape: Vec<usize> = (0..nd)
        .map(|k| if sa[k] == 1 { sb[k] } else { sa[k] })
        .collect();
    // The operand's own index of an output index: drop leading axes, 0 on broadcast axes.
    let at = |x: &ArrayD<f64>, idx: &[usize]| {
        let off = nd - x.ndim();
        let i: Vec<usize> = (0..x.ndim())
            .map(|k| if x.shape()[k] == 1 { 0 } else { idx[off + k] })
            .collect();
        x[IxDyn(&i)]
    };
    Array::from_shape_fn(IxDyn(&out_shape), |idx| {
        f(at(a, idx.slice()), at(b, idx.slice()))
    })
}

fn rd(x: f64, y: f64) -> f64 {
    (x - y).abs() / (x.abs() + y.abs())
}

fn ramp(shape: &[usize], k: f64) -> ArrayD<f64> {
    Array::from_shape_fn(IxDyn(shape), |i| {
        let lin: usize = i.slice().iter().fold(0, |acc, &x| acc * 7 + x);
        1.0 + k * lin as f64 + 0.25
    })
}

#[test]
fn scalar_function_is_untouched() {
    assert_eq!(rel_diff(3.0, 1.0), 0.5);
    assert_eq!(divmod(-7, 2), (-4, 1));
    let rel_diff = rel_diff::call(&array![1.0], 3.0).unwrap();
    assert_eq!(rel_diff, array![0.5]);
}

#[test]
fn kernels_declared_inside_a_function_body() {
    #[vectorize]
    fn twice(x: i32) -> i32 {
        2 * x
    }
    assert_eq!(twice(4), 8);
    assert_eq!(twice::call(&[1, 2, 3][..]).unwrap(), array![2, 4, 6]);
}

#[test]
fn every_operand_form() {
    let a = array![1.0, 2.0, 3.0];
    let want = a.mapv(|x| rd(x, 2.0));
    let v = vec![1.0, 2.0, 3.0];
    assert_eq!(rel_diff::call(&a, 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(a.view(), 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(a.clone(), 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(&v, 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(&v[..], 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(v.clone(), 2.0).unwrap(), want);
    assert_eq!(rel_diff::call(&[1.0, 2.0, 3.0], 2.0).unwrap(), want);
    assert_eq!(
        rel_diff::call(Scalar(2.0), &a).unwrap(),
        a.mapv(|x| rd(2.0, x))
    );
    let z = rel_diff::call(1.0, 3.0).unwrap();
    assert_eq!(z, arr0(0.5));
    let mut m = a.clone();
    assert_eq!(rel_diff::call(&mut m, &a).unwrap(), Array1::zeros(3));
}

#[test]
fn broadcasting_0d_to_4d_and_dyn() {
    let cases: &[(&[usize], &[usize])] = &[
        (&[], &[3]),
        (&[4], &[]),
        (&[2, 3], &[3]),
        (&[2, 1], &[1, 5]),
        (&[3, 1, 4], &[5, 1]),
        (&[2, 3, 1, 4], &[3, 5, 1]),
        (&[1, 1, 1, 7], &[2, 3, 4, 1]),
        (&[0, 3], &[3]),
        (&[2, 0], &[1]),
    ];
    for &(sa, sb) in cases {
        let (a, b) = (ramp(sa, 1.0), ramp(sb, 0.5));
        let want = naive_binary(&a, &b, rd);
        let got = rel_diff::call(&a, &b).unwrap();
        assert_eq!(got, want, "{sa:?} with {sb:?}");
    }
    // Static dimensionalities give the DimMax of the operands.
    let a2: Array2<f64> = Array2::ones((2, 3));
    let a1: Array1<f64> = Array1::ones(3);
    let r: Array2<f64> = rel_diff::call(&a2, &a1).unwrap();
    assert_eq!(r.shape(), &[2, 3]);
    let a3: Array3<f64> = Array3::ones((4, 1, 3));
    let r: Array3<f64> = rel_diff::call(&a3, &a2).unwrap();
    assert_eq!(r.shape(), &[4, 2, 3]);
    let d: ArrayD<f64> = rel_diff::call(&a1, &a3.clone().into_dyn()).unwrap();
    assert_eq!(d.shape(), &[4, 1, 3]);
}

#[test]
fn broadcast_errors_name_operands_and_shapes() {
    let e = rel_diff::call(&Array2::<f64>::zeros((3, 4)), &Array1::<f64>::zeros(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
    let m = e.to_string();
    assert!(m.starts_with("rel_diff:"), "{m}");
    assert!(
        m.contains("operand 0 has shape [3, 4]") && m.contains("operand 1 has shape [5]"),
        "{m}"
    );
}

#[test]
fn views_of_any_layout() {
    let base = Array2::from_shape_fn((6, 8), |(i, j)| 1.0 + (i * 8 + j) as f64);
    let other = Array2::from_shape_fn((8, 6), |(i, j)| 2.0 + (i * 6 + j) as f64 * 0.5);
    let big = Array2::from_shape_fn((12, 16), |(i, j)| 3.0 + (i * 16 + j) as f64);
    let views: Vec<(&str, ArrayView<'_, f64, _>)> = vec![
        ("transposed", other.t()),
        ("stepped", big.slice(s![..;2, ..;2])),
        ("negative", other.slice(s![..;-1, ..]).reversed_axes()),
    ];
    for (what, v) in views {
        let v = v.slice(s![..6, ..6]).to_owned();
        let v = v.view();
        let b = base.slice(s![.., ..;-1]);
        let b = b.slice(s![.., 1..7]);
        let want = Array2::from_shape_fn((6, 6), |(i, j)| rd(v[[i, j]], b[[i, j]]));
        assert_eq!(rel_diff::call(v, b).unwrap(), want, "{what}");
    }
    let stepped = base.slice(s![..;2, 1..;3]);
    let tr = base.t();
    let tr = tr.slice(s![..;3, ..;-2]);
    let want = Array2::from_shape_fn(stepped.dim(), |(i, j)| rd(stepped[[i, j]], tr[[i, j]]));
    assert_eq!(rel_diff::call(stepped, tr).unwrap(), want);
}

#[test]
fn output_order_follows_fortran_inputs() {
    let f = Array2::from_shape_fn((3, 4).f(), |(i, j)| (i * 4 + j) as f64 + 1.0);
    let r = rel_diff::call(&f, &f.mapv(|x| x * 2.0)).unwrap();
    assert!(r.t().is_standard_layout());
    assert_eq!(r, f.mapv(|x| rd(x, 2.0 * x)));
    let c = f.as_standard_layout().into_owned();
    assert!(rel_diff::call(&f, &c).unwrap().is_standard_layout());
}

#[test]
fn call_into_writes_and_checks_the_shape() {
    let a = array![[1.0, 2.0], [3.0, 4.0]];
    let mut out = Array2::zeros((2, 2));
    rel_diff::call_into(&a, 1.0, &mut out).unwrap();
    assert_eq!(out, a.mapv(|x| rd(x, 1.0)));
    // Into a transposed view and into a stepped view.
    let mut big = Array2::<f64>::zeros((4, 4));
    rel_diff::call_into(&a, 1.0, big.slice_mut(s![..;2, ..;-2]).reversed_axes()).unwrap();
    // The view's element [r][c] is big[2c, 3 - 2r].
    assert_eq!(big[[2, 3]], rd(2.0, 1.0));
    assert_eq!(big[[0, 1]], rd(3.0, 1.0));
    assert_eq!(big[[2, 1]], rd(4.0, 1.0));
    assert_eq!(
        big.row(1).sum() + big.row(3).sum() + big.column(0).sum() + big.column(2).sum(),
        0.0
    );
    let mut v = vec![0.0; 2];
    rel_diff::call_into(&[1.0, 3.0], 1.0, &mut v).unwrap();
    assert_eq!(v, vec![0.0, 0.5]);
    let mut wrong = Array2::zeros((3, 2));
    let e = rel_diff::call_into(&a, 1.0, &mut wrong).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    let m = e.to_string();
    assert!(
        m.contains("[3, 2]") && m.contains("[2, 2]") && m.contains("operand 1 is a scalar"),
        "{m}"
    );
}

/// NumPy's `out=` by explicit index arithmetic: every index of `out_shape`, each input read
/// at that index with leading axes dropped and its length-1 axes pinned at 0.
fn naive_into<F: Fn(f64, f64) -> f64>(
    a: &ArrayD<f64>,
    b: &ArrayD<f64>,
    out_shape: &[usize],
    f: F,
) -> ArrayD<f64> {
    let at = |x: &ArrayD<f64>, idx: &[usize]| {
        let off = idx.len() - x.ndim();
        let i: Vec<usize> = (0..x.ndim())
            .map(|k| if x.shape()[k] == 1 { 0 } else { idx[off + k] })
            .collect();
        x[IxDyn(&i)]
    };
    Array::from_shape_fn(IxDyn(out_shape), |idx| {
        f(at(a, idx.slice()), at(b, idx.slice()))
    })
}

/// Every layout an output can have: C, F, stepped, negative strides, shared storages.
fn each_out_layout(shape: &[usize], mut check: impl FnMut(&str, ArrayViewMutD<'_, f64>)) {
    let mut c = ArrayD::<f64>::zeros(IxDyn(shape));
    check("C order", c.view_mut());
    let mut f = ArrayD::<f64>::zeros(IxDyn(shape).f());
    check("F order", f.view_mut());
    let mut rev = ArrayD::<f64>::zeros(IxDyn(shape));
    for k in 0..rev.ndim() {
        rev.invert_axis(Axis(k));
    }
    check("negative strides", rev.view_mut());
    let doubled: Vec<usize> = shape.iter().map(|&n| 2 * n).collect();
    let mut big = ArrayD::<f64>::zeros(IxDyn(&doubled));
    let mut stepped = big.view_mut();
    for k in 0..shape.len() {
        stepped.slice_axis_inplace(Axis(k), numbox::ndarray::Slice::new(0, None, 2));
    }
    check("stepped view", stepped);
}

#[test]
fn call_into_broadcasts_the_inputs_to_the_output() {
    // NumPy: np.subtract(a, b, out=o) with a (3, 4) and o (2, 3, 4) fills both slices.
    let a = ramp(&[3, 4], 1.0);
    let b = ramp(&[4], 0.37);
    let b3 = ramp(&[2, 1, 4], 0.11);
    let cases: [(&ArrayD<f64>, &ArrayD<f64>, &[usize]); 5] = [
        (&a, &b, &[2, 3, 4]),
        (&a, &b3, &[2, 3, 4]),
        (&b, &b, &[3, 2, 4]),
        (&b3, &b, &[2, 5, 4]),
        (&a, &a, &[1, 3, 4]),
    ];
    for (x, y, shape) in cases {
        let want = naive_into(x, y, shape, rd);
        let ctx = format!("{:?} {:?} into {shape:?}", x.shape(), y.shape());
        each_out_layout(shape, |what, mut out| {
            rel_diff::call_into(x, y, &mut out).unwrap();
            assert_eq!(out, want, "{ctx}, {what}");
            out.fill(0.0);
            rel_diff::parallel()
                .call_into(x, y, out.view_mut())
                .unwrap();
            assert_eq!(out, want, "{ctx}, {what}, parallel");
        });
        // A scalar input and static dimensionalities: `Array2` inputs into an `Array3`.
        let mut o3 = Array3::<f64>::zeros((shape[0], shape[1], shape[2]));
        rel_diff::call_into(x.view(), 0.5, &mut o3).unwrap();
        let half = ArrayD::from_elem(IxDyn(&[]), 0.5);
        assert_eq!(o3.into_dyn(), naive_into(x, &half, shape, rd), "{ctx}");
    }
    // Shared storages: an `ArcArray` (made unique) and a `CowArray` borrowing a view.
    let want = naive_into(&a, &b, &[2, 3, 4], rd);
    let mut arc = ArcArray::<f64, _>::zeros((2, 3, 4));
    let _other_owner = arc.clone();
    rel_diff::call_into(&a, &b, &mut arc).unwrap();
    assert_eq!(arc.into_dyn(), want);
    let backing = Array3::<f64>::zeros((2, 3, 4));
    let mut cow = CowArray::from(backing.view());
    rel_diff::call_into(&a, &b, &mut cow).unwrap();
    assert_eq!(cow.into_owned().into_dyn(), want);
    assert_eq!(backing.sum(), 0.0);
    // Several outputs: one input row fills every row of both.
    let x = array![-7, 7, 9, -1];
    let (mut q, mut r) = (Array2::zeros((3, 4)), Array2::zeros((3, 4).f()));
    divmod::call_into(&x, 2, (&mut q, &mut r)).unwrap();
    for row in 0..3 {
        assert_eq!(q.row(row), x.mapv(|v: i32| v.div_euclid(2)));
        assert_eq!(r.row(row), x.mapv(|v: i32| v.rem_euclid(2)));
    }
}

#[test]
fn call_into_never_broadcasts_the_output() {
    let a = Array2::<f64>::ones((3, 4));
    let check = |shape: &[usize], b: ArrayD<f64>, needles: &[&str]| {
        let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
        let e = rel_diff::call_into(&a, &b, &mut out).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::OutputShape, "{shape:?}");
        let m = e.to_string();
        assert!(m.starts_with("rel_diff: "), "{m}");
        for n in needles {
            assert!(m.contains(n), "{m} lacks {n}");
        }
        assert_eq!(out.sum(), 0.0, "nothing written on error");
    };
    // NumPy: "non-broadcastable output operand with shape (3,1) doesn't match the broadcast
    // shape (3,4)".
    let named = [
        "operand 0 has shape [3, 4]",
        "operand 1 has shape [4]",
        "output 0 has shape [3, 1], expected the broadcast shape [3, 4] or a shape it broadcasts to",
    ];
    check(&[3, 1], ArrayD::ones(IxDyn(&[4])), &named);
    check(&[4], ArrayD::ones(IxDyn(&[4])), &["output 0 has shape [4]"]);
    check(
        &[2, 3, 5],
        ArrayD::ones(IxDyn(&[1])),
        &["[3, 4]", "[2, 3, 5]"],
    );
    // An input with more (leading, length-1) axes than the output: NumPy refuses too.
    check(
        &[3, 4],
        ArrayD::ones(IxDyn(&[1, 1, 4])),
        &["[1, 3, 4]", "[3, 4]"],
    );
    // Inputs that do not broadcast among themselves stay a broadcast error.
    let mut out = Array3::<f64>::zeros((2, 3, 4));
    let e = rel_diff::call_into(&a, &Array1::<f64>::ones(3), &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
    // Several outputs of different shapes.
    let x = array![1, 2, 3, 4];
    let (mut q, mut r) = (Array2::zeros((2, 4)), Array1::zeros(4));
    let e = divmod::call_into(&x, 2, (&mut q, &mut r)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    let m = e.to_string();
    assert!(
        m.contains("output 1 has shape [4], but output 0 has shape [2, 4]"),
        "{m}"
    );
}

#[test]
fn several_outputs() {
    let x = array![-7, 7, 9, -1];
    let (q, r) = divmod::call(&x, 2).unwrap();
    assert_eq!(q, x.mapv(|v: i32| v.div_euclid(2)));
    assert_eq!(r, x.mapv(|v: i32| v.rem_euclid(2)));
    let (mut q2, mut r2) = (Array1::zeros(4), Array1::zeros(4));
    divmod::call_into(&x, 3, (&mut q2, &mut r2)).unwrap();
    assert_eq!(
        (q2, r2),
        (
            x.mapv(|v: i32| v.div_euclid(3)),
            x.mapv(|v: i32| v.rem_euclid(3))
        )
    );
}

#[test]
fn generic_complex_mixed_user_types_and_eight_inputs() {
    assert_eq!(
        generic_add::call(&array![1i32, 2], 3).unwrap(),
        array![4, 5]
    );
    assert_eq!(
        generic_add::call(&array![0.5f32], &array![0.25f32]).unwrap(),
        array![0.75f32]
    );
    let z = array![Complex64::new(0.0, 1.0), Complex64::new(1.0, 1.0)];
    let c = Complex64::new(0.5, -0.5);
    assert_eq!(mandel_step::call(&z, c).unwrap(), z.mapv(|z| z * z + c));
    let cols: Vec<Array1<f64>> = (0..8)
        .map(|k| Array1::from_shape_fn(5, |i| (i * 8 + k) as f64))
        .collect();
    let got = affine8::call(
        &cols[0], &cols[1], &cols[2], &cols[3], &cols[4], &cols[5], &cols[6], &cols[7],
    )
    .unwrap();
    let want = Array1::from_shape_fn(5, |i| {
        (0..8).map(|k| (k + 1) as f64 * cols[k][i]).sum::<f64>()
    });
    assert_eq!(got, want);
    let m = mixed::call(&array![true, false, true], &array![2u8, 3, 4], 0.5f32).unwrap();
    assert_eq!(m, array![1.0, -1.0, 2.0]);
    let px = array![Rgb { r: 255, g: 0, b: 0 }, Rgb { r: 0, g: 0, b: 100 }];
    assert_eq!(luma::call(&px, 2.0).unwrap(), px.mapv(|p| luma(p, 2.0)));
}

#[test]
fn ufunc_methods_against_hand_results() {
    let a = array![[1i64, 2, 3], [10, 20, 30]];
    assert_eq!(sub::reduce(&a, Axis(0)).unwrap(), array![-9, -18, -27]);
    assert_eq!(
        sub::reduce(&a, Axis(1)).unwrap(),
        array![1 - 2 - 3, 10 - 20 - 30]
    );
    assert_eq!(
        sub::accumulate(&a, Axis(1)).unwrap(),
        array![[1, -1, -4], [10, -10, -40]]
    );
    assert_eq!(
        sub::accumulate(&a, Axis(0)).unwrap(),
        array![[1, 2, 3], [-9, -18, -27]]
    );
    assert_eq!(sub::reduce_all(&array![10i64, 1, 2]).unwrap(), 7);
    let o = sub::outer(&array![1i64, 2], &array![[10i64, 20, 30]]).unwrap();
    assert_eq!(o.shape(), &[2, 1, 3]);
    assert_eq!(
        o.into_dimensionality::<numbox::ndarray::Ix3>().unwrap(),
        array![[[-9, -19, -29]], [[-8, -18, -28]]]
    );
    assert_eq!(add::outer(2.0, &array![1.0]).unwrap().shape(), &[1]);
    let e = sub::reduce(&a, Axis(2)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AxisOutOfBounds);
    assert!(e.to_string().contains("[2, 3]"), "{e}");
    // Long lanes use the side-by-side fold: still a strict left fold per lane.
    let long = Array2::from_shape_fn((9, 100), |(i, j)| (i * 1000 + j * 7) as i64 % 97);
    let want: Array1<i64> = long
        .rows()
        .into_iter()
        .map(|r| r.iter().skip(1).fold(r[0], |x, &y| x - y))
        .collect();
    assert_eq!(sub::reduce(&long, Axis(1)).unwrap(), want);
    assert_eq!(sub::reduce(long.t(), Axis(0)).unwrap(), want);
}

#[test]
fn empty_reductions() {
    let empty = Array2::<f64>::zeros((0, 3));
    assert_eq!(add::reduce(&empty, Axis(0)).unwrap(), Array1::zeros(3));
    assert_eq!(
        add::reduce(&empty, Axis(1)).unwrap(),
        Array1::<f64>::zeros(0)
    );
    assert_eq!(add::reduce_all(&empty).unwrap(), 0.0);
    assert_eq!(
        maximum::reduce_all(Array1::<f64>::zeros(0)).unwrap(),
        f64::NEG_INFINITY
    );
    let e = sub::reduce(&Array2::<i64>::zeros((3, 0)), Axis(1)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EmptyReduction);
    assert!(e.to_string().contains("identity"), "{e}");
    assert_eq!(
        sub::reduce_all(Array1::<i64>::zeros(0)).unwrap_err().kind(),
        ErrorKind::EmptyReduction
    );
    assert_eq!(
        sub::accumulate(&Array1::<i64>::zeros(0), Axis(0))
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn reduce_all_sums_like_a_naive_sum() {
    let n = if cfg!(miri) { 5000 } else { 100_003 };
    let a = Array1::from_shape_fn(n, |i| (i % 17) as f64);
    let naive: f64 = a.iter().sum();
    // Integers below 2^53: every association gives the exact value.
    assert_eq!(add::reduce_all(&a).unwrap(), naive);
    assert_eq!(maximum::reduce_all(&a).unwrap(), 16.0);
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_equals_serial_bit_for_bit() {
    let x = Array2::from_shape_fn((700, 900), |(i, j)| {
        0.5 + ((i * 900 + j) % 1013) as f64 / 97.0
    });
    let y = x.t().to_owned().reversed_axes().mapv(|v| v * 1.5 + 1.0);
    let s = heavy::serial().call(&x, &y).unwrap();
    let p = heavy::parallel().call(&x, &y).unwrap();
    assert!(s
        .iter()
        .zip(p.iter())
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    let want = Array2::from_shape_fn(x.dim(), |(i, j)| (x[[i, j]].exp() * y[[i, j]].ln()).ln());
    assert!(s
        .iter()
        .zip(want.iter())
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    let col = y.column(3);
    assert_eq!(
        heavy::call(&x.t(), &col).unwrap(),
        heavy::serial().call(&x.t(), &col).unwrap()
    );
    for axis in 0..2 {
        let s = maximum::serial().reduce(&x, Axis(axis)).unwrap();
        let p = maximum::parallel().reduce(&x, Axis(axis)).unwrap();
        assert_eq!(s, p);
        let sa = add::serial().accumulate(&x, Axis(axis)).unwrap();
        let pa = add::parallel().accumulate(&x, Axis(axis)).unwrap();
        assert!(sa
            .iter()
            .zip(pa.iter())
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn reduce_all_has_the_same_bits_in_every_pool() {
    let a = Array1::from_shape_fn(1_000_003, |i| {
        ((i * 7919) % 10007) as f64 * 1e-3 + 1.0 / (1 + i) as f64
    });
    let serial = assoc_add::serial().reduce_all(&a).unwrap();
    for threads in 1..=4 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let p = pool.install(|| assoc_add::parallel().reduce_all(&a).unwrap());
        assert_eq!(p.to_bits(), serial.to_bits(), "{threads} threads");
    }
    let naive: f64 = a.iter().sum();
    assert!((serial - naive).abs() <= 1e-9 * naive.abs());

    // Column sums on the parallel target use a fixed grid of row blocks.
    let m = Array2::from_shape_fn((2000, 300), |(i, j)| 1.0 / (1 + i * 7 + j) as f64);
    let one = assoc_add::parallel().reduce(&m, Axis(0)).unwrap();
    for threads in 2..=4 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let p = pool.install(|| assoc_add::parallel().reduce(&m, Axis(0)).unwrap());
        assert!(
            p.iter()
                .zip(one.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "{threads} threads"
        );
    }
    let serial = assoc_add::serial().reduce(&m, Axis(0)).unwrap();
    let naive = m.sum_axis(Axis(0));
    for ((p, s), n) in one.iter().zip(&serial).zip(&naive) {
        assert!((p - n).abs() <= 1e-12 * n.abs() && (s - n).abs() <= 1e-12 * n.abs());
    }
}

fn layout_strategy() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, u8)> {
    (1usize..=4).prop_flat_map(|nd| {
        (
            proptest::collection::vec(0usize..5, nd),
            proptest::collection::vec(any::<bool>(), nd),
            any::<u8>(),
        )
            .prop_map(move |(shape, ones, layout)| {
                let other: Vec<usize> = shape
                    .iter()
                    .zip(&ones)
                    .map(|(&n, &one)| if one { 1 } else { n })
                    .collect();
                let drop = (layout as usize) % (nd + 1);
                (shape, other[drop.min(nd)..].to_vec(), layout)
            })
    })
}

/// A view of `a` with the same logical content in another memory layout.
fn relayout<T: Clone + Default>(a: &ArrayD<T>, layout: u8) -> ArrayD<T> {
    match layout % 3 {
        0 => a.clone(),
        1 => {
            let mut f = Array::from_elem(a.raw_dim().f(), T::default());
            f.assign(a);
            f
        }
        _ => {
            // Stored reversed on every axis, viewed back in order: negative strides.
            let mut rev = a.clone();
            for k in 0..rev.ndim() {
                rev.invert_axis(Axis(k));
            }
            let mut v = rev.to_owned();
            for k in 0..v.ndim() {
                v.invert_axis(Axis(k));
            }
            v
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 4 } else { 96 }, ..ProptestConfig::default() })]

    #[test]
    fn call_equals_the_naive_loop((sa, sb, layout) in layout_strategy()) {
        let a = relayout(&ramp(&sa, 1.0), layout);
        let b = relayout(&ramp(&sb, 0.37), layout / 3);
        let want = naive_binary(&a, &b, rd);
        prop_assert_eq!(&rel_diff::call(&a, &b).unwrap(), &want);
        let flipped = rel_diff::call(&b, &a).unwrap();
        prop_assert_eq!(flipped.shape(), want.shape());
        let mut out = relayout(&ArrayD::zeros(want.raw_dim()), layout / 9);
        rel_diff::call_into(&a, &b, &mut out).unwrap();
        prop_assert_eq!(&out, &want);
    }
}

/// A left fold along `axis` by explicit index arithmetic: the reference for `reduce`.
fn naive_reduce(a: &ArrayD<i64>, axis: usize, f: fn(i64, i64) -> i64) -> ArrayD<i64> {
    let mut shape = a.shape().to_vec();
    let n = shape.remove(axis);
    Array::from_shape_fn(IxDyn(&shape), |idx| {
        let at = |k: usize| {
            let mut i = idx.slice().to_vec();
            i.insert(axis, k);
            a[IxDyn(&i)]
        };
        (1..n).fold(at(0), |acc, k| f(acc, at(k)))
    })
}

/// A left fold of every element in C index order (the last index varies fastest), by
/// unravelling linear indices: the reference for `reduce_all`.
fn naive_reduce_all(a: &ArrayD<i64>, f: fn(i64, i64) -> i64) -> Option<i64> {
    let shape = a.shape();
    let mut acc = None;
    for lin in 0..shape.iter().product::<usize>() {
        let mut idx = vec![0; shape.len()];
        let mut rest = lin;
        for k in (0..shape.len()).rev() {
            idx[k] = rest % shape[k];
            rest /= shape[k];
        }
        let x = a[IxDyn(&idx)];
        acc = Some(acc.map_or(x, |p| f(p, x)));
    }
    acc
}

/// `out[.., k, ..]` = the left fold of `a[.., 0..=k, ..]` along `axis`: the reference for
/// `accumulate`.
fn naive_accumulate(a: &ArrayD<i64>, axis: usize, f: fn(i64, i64) -> i64) -> ArrayD<i64> {
    Array::from_shape_fn(a.raw_dim(), |idx| {
        let at = |k: usize| {
            let mut i = idx.slice().to_vec();
            i[axis] = k;
            a[IxDyn(&i)]
        };
        (1..=idx[axis]).fold(at(0), |acc, k| f(acc, at(k)))
    })
}

fn horner_ref(x: i64, y: i64) -> i64 {
    x.wrapping_mul(31).wrapping_add(y)
}

fn int_ramp(shape: &[usize]) -> ArrayD<i64> {
    Array::from_shape_fn(IxDyn(shape), |i| {
        let lin = i.slice().iter().fold(0i64, |acc, &x| acc * 7 + x as i64);
        (lin * 13 + 5) % 23 - 11
    })
}

/// Checks every reduction of the non-associative `horner` on `a` against the naive folds.
fn check_left_folds(a: ArrayView<'_, i64, IxDyn>, what: &str) {
    let owned = a.to_owned();
    for h in [horner::serial(), horner::parallel()] {
        for axis in 0..a.ndim() {
            let got = h.reduce(&a, Axis(axis));
            if a.shape()[axis] == 0 {
                let kind = got.unwrap_err().kind();
                assert_eq!(kind, ErrorKind::EmptyReduction, "{what}");
            } else {
                let want = naive_reduce(&owned, axis, horner_ref);
                assert_eq!(got.unwrap(), want, "{what}: reduce axis {axis} {h:?}");
            }
            let want = naive_accumulate(&owned, axis, horner_ref);
            let got = h.accumulate(&a, Axis(axis)).unwrap();
            assert_eq!(got, want, "{what}: accumulate axis {axis} {h:?}");
        }
        match naive_reduce_all(&owned, horner_ref) {
            Some(want) => assert_eq!(h.reduce_all(&a).unwrap(), want, "{what}: {h:?}"),
            None => assert!(h.reduce_all(&a).is_err(), "{what}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 4 } else { 128 }, ..ProptestConfig::default() })]

    /// Without `associative`, `reduce` along any axis, `reduce_all` and `accumulate` are
    /// left folds in logical C index order for C order, F order, negative strides and
    /// transposed views.
    #[test]
    fn non_associative_reductions_are_left_folds(
        shape in proptest::collection::vec(0usize..6, 1..=4),
        layout in any::<u8>(),
        transpose in any::<bool>(),
    ) {
        let a = relayout(&int_ramp(&shape), layout);
        let v = if transpose { a.t() } else { a.view() };
        check_left_folds(v, &format!("shape {shape:?} layout {layout} transposed {transpose}"));
    }
}

/// The issue's first reproducer: NumPy's `np.subtract.reduce(a, axis=0)` on a (200000, 2)
/// array of `3 + j` is `[-599994, -799992]`; the old parallel row grid gave `[524916, 699888]`.
#[test]
#[cfg_attr(miri, ignore)]
fn issue_10_parallel_reduce_along_axis_0_is_numpys_left_fold() {
    let a = Array2::from_shape_fn((200_000, 2), |(_, j)| 3 + j as i64);
    let naive: Vec<i64> = (0..2)
        .map(|j| (1..a.nrows()).fold(a[[0, j]], |acc, i| acc - a[[i, j]]))
        .collect();
    assert_eq!(naive, [-599_994, -799_992]);
    assert_eq!(sub::serial().reduce(&a, Axis(0)).unwrap().to_vec(), naive);
    for threads in 1..=3 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let p = pool.install(|| sub::parallel().reduce(&a, Axis(0)).unwrap());
        assert_eq!(p.to_vec(), naive, "{threads} threads");
    }
}

/// The issue's second and third reproducers: a serial `reduce_all` is the left fold (the
/// old block grid gave -1486008 for 2000002 ones, NumPy -2000000), and a Fortran-order
/// array folds in logical order, not memory order.
#[test]
fn issue_10_reduce_all_is_a_left_fold_in_logical_order() {
    let n = if cfg!(miri) { 5_002 } else { 2_000_002 };
    let ones = Array1::from_elem(n, 1i64);
    assert_eq!(sub::reduce_all(&ones).unwrap(), 2 - n as i64);
    let ramp = Array1::from_shape_fn(n, |i| (i as i64 * 7919) % 1009);
    let naive = (1..n).fold(ramp[0], |acc, i| horner_ref(acc, ramp[i]));
    assert_eq!(horner::reduce_all(&ramp).unwrap(), naive);
    assert_eq!(horner::reduce_all(ramp.slice(s![..;-1])).unwrap(), {
        (1..n).fold(ramp[n - 1], |acc, i| horner_ref(acc, ramp[n - 1 - i]))
    });
    let (r, c) = if cfg!(miri) { (30, 7) } else { (3000, 7) };
    let c_order = Array2::from_shape_fn((r, c), |(i, j)| (i * 31 + j * 17) as i64 % 97);
    let mut f_order = Array2::zeros((r, c).f());
    f_order.assign(&c_order);
    let mut naive = c_order[[0, 0]];
    for i in 0..r {
        for j in 0..c {
            if (i, j) != (0, 0) {
                naive = horner_ref(naive, c_order[[i, j]]);
            }
        }
    }
    for h in [horner::serial(), horner::parallel()] {
        assert_eq!(h.reduce_all(&c_order).unwrap(), naive);
        assert_eq!(h.reduce_all(&f_order).unwrap(), naive);
        assert_eq!(h.reduce_all(f_order.t().t()).unwrap(), naive);
    }
}

/// Arrays big enough for the parallel target to split: it may split only the kept axes,
/// so every result is still the left fold, in pools of 1, 2 and 3 threads. The references
/// fold ndarray's lanes in order (the index-arithmetic ones above are too slow here).
#[test]
#[cfg_attr(miri, ignore)]
fn non_associative_parallel_reductions_split_only_kept_axes() {
    let shapes: [&[usize]; 4] = [&[40, 25, 20], &[9_000, 2], &[2, 9_000], &[3, 40, 150]];
    for threads in 1..=3 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for shape in shapes {
            for layout in 0..3 {
                let a = relayout(&int_ramp(shape), layout);
                for (v, view) in [(a.view(), "as is"), (a.t(), "transposed")] {
                    let what = format!("{shape:?} layout {layout} {view}, {threads} threads");
                    let c = v.as_standard_layout().into_owned();
                    for axis in 0..v.ndim() {
                        let mut want = c.index_axis(Axis(axis), 0).to_owned();
                        for (o, lane) in want.iter_mut().zip(c.lanes(Axis(axis))) {
                            *o = lane.iter().skip(1).fold(lane[0], |x, &y| horner_ref(x, y));
                        }
                        let got = pool.install(|| horner::parallel().reduce(&v, Axis(axis)));
                        assert_eq!(got.unwrap(), want, "{what}: reduce axis {axis}");
                        let mut want = c.clone();
                        for mut lane in want.lanes_mut(Axis(axis)) {
                            for k in 1..lane.len() {
                                lane[k] = horner_ref(lane[k - 1], lane[k]);
                            }
                        }
                        let got = pool.install(|| horner::parallel().accumulate(&v, Axis(axis)));
                        assert_eq!(got.unwrap(), want, "{what}: accumulate axis {axis}");
                    }
                    let want = c
                        .iter()
                        .skip(1)
                        .fold(c[IxDyn(&vec![0; c.ndim()])], |x, &y| horner_ref(x, y));
                    let got = pool.install(|| horner::parallel().reduce_all(&v));
                    assert_eq!(got.unwrap(), want, "{what}: reduce_all");
                }
            }
        }
    }
}

#[test]
fn associative_flag_reaches_the_kernel() {
    use numbox::ufunc::Kernel;
    let flags = [
        <assoc_add as Kernel>::ASSOCIATIVE,
        <maximum as Kernel>::ASSOCIATIVE,
        <horner as Kernel>::ASSOCIATIVE,
        <sub as Kernel>::ASSOCIATIVE,
        <add as Kernel>::ASSOCIATIVE,
    ];
    assert_eq!(flags, [true, true, false, false, false]);
}

/// `associative` kernels keep the fixed grid: on a sum whose float rounding depends on the
/// grouping, the parallel axis-0 reduce differs from the serial left fold yet has the same
/// bits for 1, 2 and 3 threads.
#[test]
#[cfg_attr(miri, ignore)]
fn associative_reductions_regroup_on_a_fixed_grid() {
    let m = Array2::from_shape_fn((4000, 50), |(i, j)| 1.0 / (1 + i * 7 + j) as f64 + 1e6);
    let left = add::parallel().reduce(&m, Axis(0)).unwrap();
    let serial = assoc_add::serial().reduce(&m, Axis(0)).unwrap();
    assert_eq!(left, serial, "the serial target folds left either way");
    let grid = assoc_add::parallel().reduce(&m, Axis(0)).unwrap();
    assert!(
        grid.iter().zip(&left).any(|(g, l)| g != l),
        "the grid regroups"
    );
    let all = assoc_add::parallel().reduce_all(&m).unwrap();
    let all_serial = assoc_add::serial().reduce_all(&m).unwrap();
    assert_eq!(all.to_bits(), all_serial.to_bits());
    for threads in 1..=3 {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (g, a) = pool.install(|| {
            (
                assoc_add::parallel().reduce(&m, Axis(0)).unwrap(),
                assoc_add::parallel().reduce_all(&m).unwrap(),
            )
        });
        assert!(g.iter().zip(&grid).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert_eq!(a.to_bits(), all.to_bits(), "{threads} threads");
    }
    let naive = m.sum_axis(Axis(0));
    for (g, n) in grid.iter().zip(&naive) {
        assert!((g - n).abs() <= 1e-9 * n.abs());
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn thread_count_follows_set_num_threads() {
    numbox::set_num_threads(3).unwrap();
    assert_eq!(numbox::get_num_threads(), 3);
    let x = Array1::from_shape_fn(200_000, |i| 1.0 + i as f64);
    let p = heavy::parallel().call(&x, &x).unwrap();
    assert_eq!(p, heavy::serial().call(&x, &x).unwrap());
}

#[test]
fn large_dims_are_dynamic() {
    let a = ArrayD::from_shape_fn(IxDyn(&[2, 1, 2, 1, 2, 1, 2]), |i| {
        i.slice().iter().sum::<usize>() as f64
    });
    let b = ArrayD::from_shape_fn(IxDyn(&[3, 1, 2, 1, 2, 1]), |i| {
        1.0 + i.slice().iter().sum::<usize>() as f64
    });
    let got = rel_diff::call(&a, &b).unwrap();
    assert_eq!(got, naive_binary(&a, &b, rd));
    assert_eq!(got.raw_dim().ndim(), 7);
}
