//! Behaviour of `#[guvectorize]` against naive reference loops.

use numbox::ndarray::{
    array, s, ArcArray, Array, Array1, Array2, Array3, ArrayD, ArrayView1, ArrayView2, ArrayView3,
    ArrayViewMut1, ArrayViewMut2, Axis, CowArray, Dimension, IxDyn, ShapeBuilder,
};
use numbox::prelude::*;
use proptest::prelude::*;

// The seed workload: Numba's moving-average tutorial kernel.
#[guvectorize("(n),()->(n)")]
fn moving_mean(x: ArrayView1<f64>, window: usize, mut out: ArrayViewMut1<f64>) {
    let mut asum = 0.0;
    let mut count = 0.0;
    for i in 0..x.len() {
        asum += x[i];
        count += 1.0;
        if i >= window {
            asum -= x[i - window];
            count -= 1.0;
        }
        out[i] = asum / count;
    }
}

#[guvectorize("(n),()->(n)", target = "parallel")]
fn moving_mean_par(x: ArrayView1<f64>, window: usize, mut out: ArrayViewMut1<f64>) {
    moving_mean(x, window, out.view_mut());
}

#[guvectorize("(n)->()")]
fn mean(x: ArrayView1<f64>) -> f64 {
    x.sum() / x.len() as f64
}

#[guvectorize("(m,n),(n)->(m)")]
fn matvec(a: ArrayView2<f64>, x: numbox::ndarray::ArrayView1<f64>, mut y: ArrayViewMut1<f64>) {
    for i in 0..a.nrows() {
        let mut acc = 0.0;
        for j in 0..a.ncols() {
            acc += a[[i, j]] * x[j];
        }
        y[i] = acc;
    }
}

#[guvectorize(" ( n ) -> ( ) , ( ) ")]
fn min_max(x: ArrayView1<i64>, lo: &mut i64, hi: &mut i64) {
    *lo = x.iter().copied().min().unwrap_or(i64::MAX);
    *hi = x.iter().copied().max().unwrap_or(i64::MIN);
}

#[guvectorize("(n,3)->(n)")]
fn norms(p: ArrayView2<f32>, mut out: ArrayViewMut1<f32>) {
    for i in 0..p.nrows() {
        out[i] = (p[[i, 0]] * p[[i, 0]] + p[[i, 1]] * p[[i, 1]] + p[[i, 2]] * p[[i, 2]]).sqrt();
    }
}

// Writes only the first element of each row: the rest must stay at the default.
#[guvectorize("(n)->(n)")]
fn first_only(x: ArrayView1<i32>, mut out: ArrayViewMut1<i32>) {
    if !x.is_empty() {
        out[0] = x[0] + 100;
    }
}

#[guvectorize("(n)->(n,2)")]
fn pairs(x: ArrayView1<u8>, mut out: ArrayViewMut2<u16>) {
    for i in 0..x.len() {
        out[[i, 0]] = x[i] as u16;
        out[[i, 1]] = x[i] as u16 * 2;
    }
}

#[guvectorize("(a,b,c)->()")]
fn cube_sum(x: ArrayView3<u32>) -> u64 {
    x.iter().map(|&v| v as u64).sum()
}

#[guvectorize("(),(),(),(),(),()->(),(),()")]
#[allow(clippy::too_many_arguments)]
fn six_three(
    a: i32,
    b: i32,
    c: i32,
    d: i32,
    e: i32,
    f: i32,
    s: &mut i32,
    p: &mut i64,
    m: &mut i32,
) {
    *s = a + b + c + d + e + f;
    *p = [a, b, c, d, e, f].iter().map(|&v| v as i64).product();
    *m = a.max(b).max(c).max(d).max(e).max(f);
}

#[guvectorize("(n,n)->()")]
fn trace(a: ArrayView2<f64>) -> f64 {
    (0..a.nrows()).map(|i| a[[i, i]]).sum()
}

/// Data with small integer values, so running sums are exact and comparisons bitwise.
fn ints(shape: &[usize], seed: u64) -> ArrayD<f64> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ArrayD::from_shape_fn(IxDyn(shape), |_| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % 201) as f64 - 100.0
    })
}

fn naive_moving_mean(x: &[f64], window: usize) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let lo = (i + 1).saturating_sub(window.max(1)).min(i);
            let lo = if window == 0 { i } else { lo };
            let part = &x[lo..=i];
            part.iter().sum::<f64>() / part.len() as f64
        })
        .collect()
}

#[test]
fn moving_mean_1d() {
    let x = ints(&[50], 1).into_dimensionality().unwrap();
    let x: Array1<f64> = x;
    for w in [1usize, 3, 7, 49, 50, 80] {
        let y: Array1<f64> = moving_mean::call(&x, w).unwrap();
        assert_eq!(
            y.to_vec(),
            naive_moving_mean(x.as_slice().unwrap(), w),
            "window {w}"
        );
    }
    // The scalar function is untouched and callable.
    let mut out = Array1::zeros(3);
    moving_mean(array![1.0, 2.0, 3.0].view(), 2, out.view_mut());
    assert_eq!(out, array![1.0, 1.5, 2.5]);
}

#[test]
fn moving_mean_2d_rows() {
    let x: Array2<f64> = ints(&[6, 40], 2).into_dimensionality().unwrap();
    let y: Array2<f64> = moving_mean::call(&x, 5usize).unwrap();
    assert_eq!(y.shape(), x.shape());
    for (r, row) in x.rows().into_iter().enumerate() {
        assert_eq!(y.row(r).to_vec(), naive_moving_mean(&row.to_vec(), 5));
    }
    // An unsuffixed literal for the `usize` window infers.
    assert_eq!(moving_mean::call(&x, 5).unwrap(), y);
    // call_into into an existing array.
    let mut z = Array2::from_elem((6, 40), f64::NAN);
    moving_mean::call_into(&x, 5usize, &mut z).unwrap();
    assert_eq!(z, y);
}

#[test]
fn moving_mean_per_row_window() {
    let x: Array2<f64> = ints(&[4, 30], 3).into_dimensionality().unwrap();
    let windows = array![1usize, 2, 10, 40];
    let y = moving_mean::call(&x, &windows).unwrap();
    for r in 0..4 {
        assert_eq!(
            y.row(r).to_vec(),
            naive_moving_mean(&x.row(r).to_vec(), windows[r])
        );
    }
    // A (4,) window array against (3, 4, 30) data broadcasts along the leading loop axis.
    let x3: Array3<f64> = ints(&[3, 4, 30], 4).into_dimensionality().unwrap();
    let y3: Array3<f64> = moving_mean::call(&x3, &windows).unwrap();
    for b in 0..3 {
        for r in 0..4 {
            let row = x3.slice(s![b, r, ..]).to_vec();
            assert_eq!(
                y3.slice(s![b, r, ..]).to_vec(),
                naive_moving_mean(&row, windows[r])
            );
        }
    }
}

#[test]
fn returned_scalar_output() {
    let x = array![[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]];
    let m: Array1<f64> = mean::call(&x).unwrap();
    assert_eq!(m, array![2.0, 6.0]);
    let m0 = mean::call(array![1.0, 3.0]).unwrap();
    assert_eq!(m0.ndim(), 0);
    assert_eq!(m0[()], 2.0);
    let mut out = Array1::zeros(2);
    mean::call_into(&x, &mut out).unwrap();
    assert_eq!(out, array![2.0, 6.0]);
    // Dynamic dimensionality in, dynamic out.
    let xd = x.clone().into_dyn();
    let md: ArrayD<f64> = mean::call(&xd).unwrap();
    assert_eq!(md, array![2.0, 6.0].into_dyn());
}

fn naive_matvec(a: &ArrayD<f64>, x: &ArrayD<f64>) -> ArrayD<f64> {
    // Broadcast loop dims by hand: a is (..., m, n), x is (..., n).
    let (m, n) = (a.shape()[a.ndim() - 2], a.shape()[a.ndim() - 1]);
    let la = &a.shape()[..a.ndim() - 2];
    let lx = &x.shape()[..x.ndim() - 1];
    let nd = la.len().max(lx.len());
    let mut loop_shape = vec![1; nd];
    for (k, &l) in la.iter().enumerate() {
        loop_shape[nd - la.len() + k] = l;
    }
    for (k, &l) in lx.iter().enumerate() {
        let slot = &mut loop_shape[nd - lx.len() + k];
        if *slot == 1 {
            *slot = l;
        }
    }
    let mut full = loop_shape.clone();
    full.push(m);
    ArrayD::from_shape_fn(IxDyn(&full), |idx| {
        let idx = idx.slice();
        let (l, i) = (&idx[..nd], idx[nd]);
        let pick = |shape: &[usize], l: &[usize]| -> Vec<usize> {
            let off = nd - shape.len();
            (0..shape.len())
                .map(|k| if shape[k] == 1 { 0 } else { l[off + k] })
                .collect()
        };
        let ia = pick(la, l);
        let ix = pick(lx, l);
        let mut acc = 0.0;
        for j in 0..n {
            let mut pa = ia.clone();
            pa.extend([i, j]);
            let mut px = ix.clone();
            px.push(j);
            acc += a[IxDyn(&pa)] * x[IxDyn(&px)];
        }
        acc
    })
}

#[test]
fn matvec_broadcasts_loop_dims() {
    let a: Array3<f64> = ints(&[2, 3, 4], 5).into_dimensionality().unwrap();
    let x: Array1<f64> = ints(&[4], 6).into_dimensionality().unwrap();
    let y: Array2<f64> = matvec::call(&a, &x).unwrap();
    assert_eq!(
        y.into_dyn(),
        naive_matvec(&a.clone().into_dyn(), &x.clone().into_dyn())
    );
    // x with loop dims (5, 1) against a's (2,): loop shape (5, 2).
    let x2: Array3<f64> = ints(&[5, 1, 4], 7).into_dimensionality().unwrap();
    let y2: Array3<f64> = matvec::call(&a, &x2).unwrap();
    assert_eq!(y2.shape(), &[5, 2, 3]);
    assert_eq!(y2.into_dyn(), naive_matvec(&a.into_dyn(), &x2.into_dyn()));
}

#[test]
fn two_scalar_outputs() {
    let x = array![[3i64, -1, 7], [0, 0, 0], [5, 9, -8]];
    let (lo, hi) = min_max::call(&x).unwrap();
    assert_eq!(lo, array![-1, 0, -8]);
    assert_eq!(hi, array![7, 0, 9]);
    let (mut lo2, mut hi2) = (Array1::zeros(3), Array1::zeros(3));
    min_max::call_into(&x, (&mut lo2, hi2.view_mut())).unwrap();
    assert_eq!((lo2, hi2), (lo, hi));
}

#[test]
fn three_outputs_six_inputs() {
    let a = array![1, 2, 3];
    let (s, p, m) = six_three::call(&a, 2, array![[1], [2]], 1, 1, -1).unwrap();
    assert_eq!(s.shape(), &[2, 3]);
    for r in 0..2 {
        for c in 0..3 {
            let v = [a[c], 2, (r + 1) as i32, 1, 1, -1];
            assert_eq!(s[[r, c]], v.iter().sum::<i32>());
            assert_eq!(p[[r, c]], v.iter().map(|&x| x as i64).product::<i64>());
            assert_eq!(m[[r, c]], *v.iter().max().unwrap());
        }
    }
    // All scalars: 0-d outputs.
    let (s0, _, _) = six_three::call(1, 2, 3, 4, 5, 6).unwrap();
    assert_eq!(s0[()], 21);
}

#[test]
fn fixed_size_core_dim() {
    let p = array![[3.0f32, 4.0, 0.0], [1.0, 2.0, 2.0]];
    let n = norms::call(&p).unwrap();
    assert_eq!(n, array![5.0f32, 3.0]);
    let batch = Array3::from_shape_fn((2, 4, 3), |(b, i, k)| (b + i + k) as f32);
    let nb = norms::call(&batch).unwrap();
    for b in 0..2 {
        for i in 0..4 {
            let v = batch.slice(s![b, i, ..]);
            assert_eq!(nb[[b, i]], (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt());
        }
    }
    let e = norms::call(Array2::<f32>::zeros((2, 4))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CoreDimension);
    let m = e.to_string();
    assert!(m.starts_with("norms: "), "{m}");
    assert!(
        m.contains("operand 0 has shape [2, 4]")
            && m.contains("needs size 3")
            && m.contains("found 4"),
        "{m}"
    );
}

#[test]
fn fixed_size_output_dim() {
    let (x, y) = (array![1u8, 2, 3], array![[1u8], [5]]);
    assert_eq!(pairs::call(&x).unwrap(), array![[1u16, 2], [2, 4], [3, 6]]);
    assert_eq!(pairs::call(&y).unwrap(), array![[[1u16, 2]], [[5, 10]]]);
}

#[test]
fn three_core_dims_and_repeated_name() {
    let x = Array::from_shape_fn((2, 2, 3, 4), |(a, b, c, d)| {
        (a * 1000 + b * 100 + c * 10 + d) as u32
    });
    let s = cube_sum::call(&x).unwrap();
    for a in 0..2 {
        assert_eq!(
            s[a],
            x.index_axis(Axis(0), a)
                .iter()
                .map(|&v| v as u64)
                .sum::<u64>()
        );
    }
    let m = Array3::from_shape_fn((2, 3, 3), |(b, i, j)| (b * 10 + i * 3 + j) as f64);
    assert_eq!(trace::call(&m).unwrap(), array![12.0, 42.0]);
    let e = trace::call(Array2::<f64>::zeros((2, 3))).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("core dimension n is 2 in operand 0") && msg.contains("but 3 in operand 0"),
        "{msg}"
    );
}

#[test]
fn transposed_and_stepped_inputs() {
    let base: Array2<f64> = ints(&[12, 10], 8).into_dimensionality().unwrap();
    let views = [
        base.t(),
        base.slice(s![..;2, ..;3]),
        base.slice(s![..;-1, ..;-2]),
        base.slice(s![3..9, ..;-1]).reversed_axes(),
    ];
    for v in views {
        let y = moving_mean::call(&v, 3usize).unwrap();
        let m = mean::call(&v).unwrap();
        for (r, row) in v.rows().into_iter().enumerate() {
            assert_eq!(y.row(r).to_vec(), naive_moving_mean(&row.to_vec(), 3));
            assert_eq!(m[r], row.to_vec().iter().sum::<f64>() / row.len() as f64);
        }
        // Into a transposed output view.
        let mut out_t = Array2::<f64>::zeros((v.ncols(), v.nrows()));
        moving_mean::call_into(v, 3usize, out_t.view_mut().reversed_axes()).unwrap();
        assert_eq!(out_t.t(), y);
    }
    // Negative strides inside the core of a 2-D operand.
    let a: Array3<f64> = ints(&[2, 3, 4], 9).into_dimensionality().unwrap();
    let a_rev = a.slice(s![.., ..;-1, ..;-1]);
    let x = array![1.0, 2.0, 3.0, 4.0];
    let y = matvec::call(&a_rev, x.slice(s![..;-1])).unwrap();
    assert_eq!(
        y.into_dyn(),
        naive_matvec(
            &a_rev.to_owned().into_dyn(),
            &x.slice(s![..;-1]).to_owned().into_dyn()
        )
    );
}

#[test]
fn partly_written_outputs_start_at_default() {
    let x = array![[1, 2, 3], [4, 5, 6]];
    assert_eq!(
        first_only::call(&x).unwrap(),
        array![[101, 0, 0], [104, 0, 0]]
    );
    // call_into keeps what the kernel does not write.
    let mut out = Array2::from_elem((2, 3), -7);
    first_only::call_into(&x, &mut out).unwrap();
    assert_eq!(out, array![[101, -7, -7], [104, -7, -7]]);
}

#[test]
fn zero_length_dims() {
    let empty_loop = Array2::<f64>::zeros((0, 5));
    let y = moving_mean::call(&empty_loop, 2usize).unwrap();
    assert_eq!(y.shape(), &[0, 5]);
    let m = mean::call(&empty_loop).unwrap();
    assert_eq!(m.shape(), &[0]);
    let empty_core = Array2::<i32>::zeros((3, 0));
    assert_eq!(first_only::call(&empty_core).unwrap().shape(), &[3, 0]);
    let (lo, hi) = min_max::call(Array2::<i64>::zeros((2, 0))).unwrap();
    assert_eq!(
        (lo, hi),
        (array![i64::MAX, i64::MAX], array![i64::MIN, i64::MIN])
    );
    let x = Array3::<f64>::zeros((2, 0, 4));
    assert_eq!(
        matvec::call(&x, array![1.0, 2.0, 3.0, 4.0])
            .unwrap()
            .shape(),
        &[2, 0]
    );
    assert_eq!(
        matvec::parallel()
            .call(&x, array![1.0, 2.0, 3.0, 4.0])
            .unwrap()
            .shape(),
        &[2, 0]
    );
}

#[test]
fn too_few_dimensions_for_the_core() {
    let e = matvec::call(array![1.0, 2.0], array![1.0, 2.0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CoreDimension);
    assert_eq!(
        e.to_string(),
        "matvec: operand 0 has 1 dimension, layout (m,n) needs 2"
    );
    let e = mean::call(2.0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mean: operand 0 is a scalar, layout (n) needs 1 dimension"
    );
    let e = moving_mean::call(numbox::ndarray::arr0(1.0), 2usize).unwrap_err();
    assert_eq!(
        e.to_string(),
        "moving_mean: operand 0 has 0 dimensions, layout (n) needs 1"
    );
}

#[test]
fn core_dim_bound_to_two_sizes() {
    let e = matvec::call(Array2::<f64>::zeros((3, 4)), Array1::<f64>::zeros(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CoreDimension);
    assert_eq!(
        e.to_string(),
        "matvec: core dimension n is 4 in operand 0 (shape [3, 4]) but 5 in operand 1 (shape [5]); layout (m,n),(n)->(m)"
    );
}

#[test]
fn loop_dims_that_do_not_broadcast() {
    let e = moving_mean::call(Array2::<f64>::zeros((3, 10)), array![1usize, 2]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
    let m = e.to_string();
    assert!(
        m.starts_with("moving_mean: loop dimensions could not be broadcast together"),
        "{m}"
    );
    assert!(
        m.contains("operand 0 has loop dimensions [3] (shape [3, 10], core (n))"),
        "{m}"
    );
    assert!(
        m.contains("operand 1 has loop dimensions [2] (shape [2], core ())"),
        "{m}"
    );
}

#[test]
fn call_into_checks_output_shapes() {
    let x = Array2::<f64>::zeros((3, 10));
    let mut out = Array2::<f64>::zeros((3, 9));
    let e = moving_mean::call_into(&x, 2usize, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    assert!(
        e.to_string()
            .contains("output 0 has shape [3, 9], expected [3, 10]"),
        "{e}"
    );
    let (mut lo, mut hi) = (Array1::<i64>::zeros(3), Array1::<i64>::zeros(2));
    let e = min_max::call_into(Array2::<i64>::zeros((3, 2)), (&mut lo, &mut hi)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    assert!(
        e.to_string().contains(
            "the outputs' loop dimensions differ: output 0 has shape [3] (loop dimensions [3]), \
             output 1 has shape [2] (loop dimensions [2])"
        ),
        "{e}"
    );
    // A core dimension of the wrong size.
    let mut p = Array2::<u16>::zeros((2, 3));
    let e = pairs::call_into(array![1u8, 2], &mut p).unwrap_err();
    assert!(
        e.to_string()
            .contains("output 0 has shape [2, 3], expected [2, 2]"),
        "{e}"
    );
}

// NumPy's `out=` for gufuncs: the outputs' loop dimensions take part in broadcasting, the
// inputs' loop dimensions broadcast to them, and an output is never broadcast.
#[test]
fn call_into_broadcasts_loop_dimensions_to_the_outputs() {
    // One series, (n) -> (n), into a (3, n) output: every row gets the same result.
    let x: Array1<f64> = ints(&[25], 7).into_dimensionality().unwrap();
    let want = naive_moving_mean(&x.to_vec(), 4);
    let mut c = Array2::<f64>::zeros((3, 25));
    let mut f = Array2::<f64>::zeros((3, 25).f());
    let mut big = Array2::<f64>::zeros((6, 50));
    let mut rev = Array2::<f64>::zeros((3, 25));
    rev.invert_axis(Axis(0));
    rev.invert_axis(Axis(1));
    let mut arc = ArcArray::<f64, _>::zeros((3, 25));
    let _other_owner = arc.clone();
    let backing = Array2::<f64>::zeros((3, 25));
    let mut cow = CowArray::from(backing.view());
    moving_mean::call_into(&x, 4usize, &mut c).unwrap();
    moving_mean::call_into(&x, 4usize, &mut f).unwrap();
    moving_mean::call_into(&x, 4usize, big.slice_mut(s![..;2, ..;-2])).unwrap();
    moving_mean::call_into(&x, 4usize, &mut rev).unwrap();
    moving_mean::call_into(&x, 4usize, &mut arc).unwrap();
    moving_mean::parallel()
        .call_into(&x, 4usize, &mut cow)
        .unwrap();
    let stepped = big.slice(s![..;2, ..;-2]).to_owned();
    let outs = [&c, &f, &stepped, &rev, &arc.to_owned(), &cow.to_owned()];
    for (k, out) in outs.into_iter().enumerate() {
        for r in 0..3 {
            assert_eq!(out.row(r).to_vec(), want, "output {k}, row {r}");
        }
    }
    assert_eq!(backing.sum(), 0.0);
    // Per-row windows of shape (2, 1, 1) and data (4, 25) into (2, 4, 25): loop dimensions
    // (2, 1) and (4,) broadcast to the output's (2, 4).
    let x2: Array2<f64> = ints(&[4, 25], 3).into_dimensionality().unwrap();
    let w = Array3::from_shape_vec((2, 1, 1), vec![2usize, 9]).unwrap();
    let w2 = w.index_axis(Axis(2), 0).to_owned();
    let mut o3 = Array3::<f64>::zeros((2, 4, 25));
    moving_mean::call_into(&x2, &w2, &mut o3).unwrap();
    for b in 0..2 {
        for r in 0..4 {
            assert_eq!(
                o3.slice(s![b, r, ..]).to_vec(),
                naive_moving_mean(&x2.row(r).to_vec(), w[[b, 0, 0]])
            );
        }
    }
    // A `()` output with extra loop axes, and a 0-d input into a 1-D output.
    let mut m = Array2::<f64>::zeros((2, 3));
    mean::call_into(array![[1.0, 2.0], [3.0, 4.0], [5.0, 9.0]], &mut m).unwrap();
    assert_eq!(m, array![[1.5, 3.5, 7.0], [1.5, 3.5, 7.0]]);
    let mut m0 = Array1::<f64>::zeros(1);
    mean::call_into(array![1.0, 2.0], &mut m0).unwrap();
    assert_eq!(m0, array![1.5]);
    // Several outputs, as one tuple.
    let (mut lo, mut hi) = (
        Array2::<i64>::zeros((2, 3)),
        Array2::<i64>::zeros((2, 3).f()),
    );
    let xs = array![[3i64, -1, 7], [0, 0, 0], [5, 9, -8]];
    min_max::call_into(&xs, (&mut lo, hi.view_mut())).unwrap();
    assert_eq!(lo, array![[-1, 0, -8], [-1, 0, -8]]);
    assert_eq!(hi, array![[7, 0, 9], [7, 0, 9]]);
}

#[test]
fn call_into_never_broadcasts_an_output() {
    let x = Array2::<f64>::ones((3, 10));
    // Loop dimensions (3,) into an output whose loop dimensions are (1,).
    let mut one = Array2::<f64>::zeros((1, 10));
    let e = moving_mean::call_into(&x, 2usize, &mut one).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    let m = e.to_string();
    assert!(m.starts_with("moving_mean: "), "{m}");
    assert!(
        m.contains("the inputs' loop dimensions [3] cannot be broadcast to the outputs' [1]")
            && m.contains("output 0 has shape [1, 10]")
            && m.contains("(n),()->(n)"),
        "{m}"
    );
    // Fewer dimensions than the output's core.
    let mut flat = Array1::<f64>::zeros(10);
    let e = mean::call_into(&x, &mut flat).unwrap_err();
    assert!(
        e.to_string()
            .contains("the inputs' loop dimensions [3] cannot be broadcast to the outputs' [10]"),
        "{e}"
    );
    let mut p = numbox::ndarray::Array0::<u16>::zeros(());
    let e = pairs::call_into(array![1u8], &mut p).unwrap_err();
    assert!(
        e.to_string()
            .contains("output 0 has shape [] (0 dimensions), layout (n,2) needs 2"),
        "{e}"
    );
}

#[test]
fn handles_report_their_target() {
    assert_eq!(moving_mean::serial().target(), numbox::Target::Serial);
    assert_eq!(moving_mean::parallel().target(), numbox::Target::Parallel);
    let h: numbox::Gufunc<mean> = mean::parallel();
    assert!(format!("{h:?}").contains("(n)->()"));
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_equals_serial() {
    let pool = numbox::rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let x: Array2<f64> = ints(&[37, 3000], 10).into_dimensionality().unwrap();
    let windows = Array1::from_shape_fn(37, |i| i * 7 + 1);
    let s = moving_mean::serial().call(&x, &windows).unwrap();
    let p = pool.install(|| moving_mean::parallel().call(&x, &windows).unwrap());
    assert_eq!(s, p);
    let p2 = pool.install(|| moving_mean_par::call(&x, &windows).unwrap());
    assert_eq!(s, p2);
    let mut into = Array2::from_elem(x.raw_dim(), f64::NAN);
    pool.install(|| {
        moving_mean::parallel()
            .call_into(&x, &windows, &mut into)
            .unwrap()
    });
    assert_eq!(s, into);

    let big: Array2<f64> = ints(&[20000, 64], 11).into_dimensionality().unwrap();
    let ms = mean::serial().call(&big).unwrap();
    let mp = pool.install(|| mean::parallel().call(&big.t().t()).unwrap());
    assert_eq!(ms, mp);
    for (r, row) in big.rows().into_iter().enumerate().step_by(997) {
        assert_eq!(ms[r], row.sum() / 64.0);
    }
    let wide: Array3<f64> = ints(&[50, 30, 40], 12).into_dimensionality().unwrap();
    let v: Array1<f64> = ints(&[40], 13).into_dimensionality().unwrap();
    let fs = matvec::call(&wide, &v).unwrap();
    let fp = pool.install(|| matvec::parallel().call(&wide.view(), &v).unwrap());
    assert_eq!(fs, fp);
    let firsts = pool.install(|| {
        first_only::parallel()
            .call(Array2::<i32>::ones((5000, 16)))
            .unwrap()
    });
    assert_eq!(
        firsts,
        first_only::call(Array2::<i32>::ones((5000, 16))).unwrap()
    );
}

fn shape_strategy() -> impl Strategy<Value = (Vec<usize>, usize, Vec<usize>, bool)> {
    // (loop shape of x, core n, loop shape of the window operand, window is a scalar)
    (
        prop::collection::vec(0usize..4, 0..4),
        0usize..7,
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(loop_x, n, bits, scalar)| {
            let keep = (bits % (loop_x.len() as u64 + 1)) as usize;
            let w_loop: Vec<usize> = loop_x[loop_x.len() - keep..]
                .iter()
                .enumerate()
                .map(|(k, &l)| if bits >> (8 + k) & 1 == 1 { 1 } else { l })
                .collect();
            (loop_x, n, w_loop, scalar)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_loop_shapes((loop_x, n, w_loop, scalar) in shape_strategy(), seed in any::<u64>()) {
        let mut xs = loop_x.clone();
        xs.push(n);
        let x = ints(&xs, seed);
        let windows = ArrayD::from_shape_fn(IxDyn(&w_loop), |i| 1 + i.slice().iter().sum::<usize>());
        let y = if scalar {
            moving_mean::call(&x, 2usize).unwrap()
        } else {
            moving_mean::call(&x, &windows).unwrap()
        };
        prop_assert_eq!(y.shape(), x.shape());
        let off = loop_x.len() - w_loop.len();
        for (flat, row) in x.lanes(Axis(loop_x.len())).into_iter().enumerate() {
            // The row's loop index, and the window it sees.
            let mut rem = flat;
            let mut idx = vec![0; loop_x.len()];
            for ax in (0..loop_x.len()).rev() {
                idx[ax] = rem % loop_x[ax];
                rem /= loop_x[ax];
            }
            let w = if scalar {
                2
            } else {
                let wi: Vec<usize> = (0..w_loop.len())
                    .map(|k| if w_loop[k] == 1 { 0 } else { idx[off + k] })
                    .collect();
                windows[IxDyn(&wi)]
            };
            let mut yi = idx.clone();
            yi.push(0);
            let got: Vec<f64> = (0..n).map(|i| { yi[loop_x.len()] = i; y[IxDyn(&yi)] }).collect();
            prop_assert_eq!(got, naive_moving_mean(&row.to_vec(), w));
        }
        let z = mean::call(&x.view().reversed_axes().reversed_axes()).unwrap();
        prop_assert_eq!(z.shape(), &loop_x[..]);
    }
}

static SEEN_THREADS: std::sync::Mutex<Vec<Option<usize>>> = std::sync::Mutex::new(Vec::new());

// Row 0 waits (up to 10 s) until another row has run on a different thread, so the test
// proves that the parallel target splits the loop dimension.
#[guvectorize("(n)->()")]
fn record_thread(x: ArrayView1<f64>) -> f64 {
    let me = numbox::rayon::current_thread_index();
    SEEN_THREADS.lock().unwrap().push(me);
    if x[0] == 0.0 {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(10) {
            if SEEN_THREADS.lock().unwrap().iter().any(|t| *t != me) {
                break;
            }
            std::thread::yield_now();
        }
    }
    x[0]
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_target_uses_several_threads() {
    let pool = numbox::rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let x = Array2::from_shape_fn((64, 2048), |(i, _)| i as f64);
    let y = pool.install(|| record_thread::parallel().call(&x).unwrap());
    assert_eq!(y, Array1::from_shape_fn(64, |i| i as f64));
    let seen = SEEN_THREADS.lock().unwrap();
    assert_eq!(seen.len(), 64);
    assert!(
        seen.iter().any(|t| *t != seen[0]),
        "all rows ran on {:?}",
        seen[0]
    );
}

mod kernels {
    use numbox::ndarray::ArrayView1;
    use numbox::prelude::*;

    /// A public kernel in a module: the companion type is public too.
    #[guvectorize("(n)->()")]
    pub fn total(x: ArrayView1<'_, i64>) -> i64 {
        x.sum()
    }
}

#[test]
fn kernels_in_modules_and_function_bodies() {
    assert_eq!(
        kernels::total::call(&array![[1i64, 2], [3, 4]]).unwrap(),
        array![3, 7]
    );
    assert_eq!(kernels::total(array![5i64, 6].view()), 11);

    #[guvectorize("()->()")]
    fn double(x: i32, y: &mut i32) {
        *y = 2 * x;
    }
    // A `let` of the same name still works: the companion lives in the type namespace.
    let double = double::call(&[1, 2, 3][..]).unwrap();
    assert_eq!(double, array![2, 4, 6]);
    let v: Vec<i64> = (4..6).collect();
    assert_eq!(kernels::total::call(&v).unwrap()[()], 9);
}

// A generic kernel: one companion for every element type that meets the bounds.
#[guvectorize("(n),()->(n)")]
fn scale<T>(x: ArrayView1<T>, k: T, mut out: ArrayViewMut1<T>)
where
    T: Copy + std::ops::Mul<Output = T>,
{
    for i in 0..x.len() {
        out[i] = x[i] * k;
    }
}

#[guvectorize("(n)->()")]
fn first_or_default<T: Copy + Default>(x: ArrayView1<'_, T>) -> T {
    x.first().copied().unwrap_or_default()
}

#[test]
fn generic_kernels() {
    assert_eq!(
        scale::call(&array![[1, 2], [3, 4]], 3).unwrap(),
        array![[3, 6], [9, 12]]
    );
    assert_eq!(
        scale::call(&array![1.5f32, 2.0], 2.0f32).unwrap(),
        array![3.0f32, 4.0]
    );
    let mut out = Array1::zeros(2);
    scale::<u8>::parallel()
        .call_into(&array![7u8, 9], 2u8, &mut out)
        .unwrap();
    assert_eq!(out, array![14u8, 18]);
    assert_eq!(
        first_or_default::call(&array![[5u64, 1], [8, 2]]).unwrap(),
        array![5u64, 8]
    );
    assert_eq!(
        first_or_default::call(Array2::<i8>::zeros((2, 0))).unwrap(),
        array![0i8, 0]
    );
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Tagged(i32);
impl Default for Tagged {
    fn default() -> Self {
        Tagged(-1)
    }
}

#[guvectorize("(n)->(n)")]
fn tag_first(x: ArrayView1<i32>, mut out: ArrayViewMut1<Tagged>) {
    if let Some(&v) = x.first() {
        out[0] = Tagged(v);
    }
}

#[test]
fn partly_written_outputs_of_a_user_type_start_at_its_default() {
    let x = Array2::from_shape_fn((300, 4), |(i, _)| i as i32);
    let expect =
        Array2::from_shape_fn(
            (300, 4),
            |(i, j)| if j == 0 { Tagged(i as i32) } else { Tagged(-1) },
        );
    assert_eq!(tag_first::call(&x).unwrap(), expect);
    #[cfg(not(miri))]
    {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let big = Array2::from_shape_fn((30000, 4), |(i, _)| i as i32);
        let p = pool.install(|| tag_first::parallel().call(&big).unwrap());
        assert_eq!(p, tag_first::call(&big).unwrap());
        assert!(p.column(3).iter().all(|t| *t == Tagged(-1)));
    }
}

/// `call_into` takes any `numbox::OutArg`: a 1-D output may be a `&mut Vec` or a `&mut [T]`.
#[test]
fn call_into_vecs_and_slices_for_1d_outputs() {
    let x: Array1<f64> = Array1::from_shape_fn(25, |i| ((i * 5) % 7) as f64);
    let want = naive_moving_mean(&x.to_vec(), 4);
    let mut v = vec![f64::NAN; 25];
    moving_mean::call_into(&x, 4usize, &mut v).unwrap();
    assert_eq!(v, want);
    let mut buf = vec![f64::NAN; 27];
    moving_mean::parallel()
        .call_into(&x, 4usize, &mut buf[1..26])
        .unwrap();
    assert_eq!(&buf[1..26], &want[..]);
    assert!(
        buf[0].is_nan() && buf[26].is_nan(),
        "only the slice is written"
    );
    // Loop dimensions into a Vec: one mean per row.
    let rows = array![[1.0, 2.0, 3.0], [4.0, 6.0, 8.0], [0.0, 0.0, 3.0]];
    let mut means = vec![0.0; 3];
    mean::serial().call_into(&rows, &mut means).unwrap();
    assert_eq!(means, vec![2.0, 6.0, 1.0]);
    let e = mean::call_into(&rows, &mut vec![0.0; 2]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
}
