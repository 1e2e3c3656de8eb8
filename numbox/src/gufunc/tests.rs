//! Runtime unit tests with hand-written kernels (small, so that Miri can check the unsafe
//! view construction and the uninitialised-output handling).

use super::plan::{LoopPlan, OpShape};
use super::*;
use crate::error::ErrorKind;
use ndarray::{array, s, Array1, Array2, Array3, ArrayViewMut1};

/// `(m,n),(n)->(m)`, written by hand the way `#[guvectorize]` would expand it.
enum MatVec {}
impl GufuncKernel for MatVec {
    type Inputs = (Core2<i64>, Core1<i64>);
    type Outputs = (Core1<i64>,);
    const NAME: &'static str = "matvec";
    const LAYOUT: Layout = Layout {
        text: "(m,n),(n)->(m)",
        dims: &["m", "n"],
        inputs: &[
            &[CoreDim::Named(0), CoreDim::Named(1)],
            &[CoreDim::Named(1)],
        ],
        outputs: &[&[CoreDim::Named(0)]],
    };
    const TARGET: Target = Target::Serial;
    fn eval(
        (a, x): (ArrayView2<'_, i64>, ArrayView1<'_, i64>),
        (mut y,): (ArrayViewMut1<'_, i64>,),
    ) {
        for i in 0..a.nrows() {
            y[i] = (0..a.ncols()).map(|j| a[[i, j]] * x[j]).sum();
        }
    }
}

/// `(n),()->(),(n)`: a scalar input, a scalar output, and an output written only partly.
enum Shifted {}
impl GufuncKernel for Shifted {
    type Inputs = (Core1<i32>, Core0<i32>);
    type Outputs = (Core0<i32>, Core1<i32>);
    const NAME: &'static str = "shifted";
    const LAYOUT: Layout = Layout {
        text: "(n),()->(),(n)",
        dims: &["n"],
        inputs: &[&[CoreDim::Named(0)], &[]],
        outputs: &[&[], &[CoreDim::Named(0)]],
    };
    const TARGET: Target = Target::Serial;
    fn eval(
        (x, k): (ArrayView1<'_, i32>, i32),
        (first, mut out): (&mut i32, ArrayViewMut1<'_, i32>),
    ) {
        *first = x.first().copied().unwrap_or(-1) + k;
        // Only even positions: the odd ones keep the default.
        for i in (0..x.len()).step_by(2) {
            out[i] = x[i] + k;
        }
    }
}

/// `(n,3)->(3)`: a fixed core size; sums the rows of a 3-D core with a flip.
enum Fixed3 {}
impl GufuncKernel for Fixed3 {
    type Inputs = (Core2<u8>,);
    type Outputs = (Core1<u32>,);
    const NAME: &'static str = "fixed3";
    const LAYOUT: Layout = Layout {
        text: "(n,3)->(3)",
        dims: &["n"],
        inputs: &[&[CoreDim::Named(0), CoreDim::Fixed(3)]],
        outputs: &[&[CoreDim::Fixed(3)]],
    };
    const TARGET: Target = Target::Serial;
    fn eval((p,): (ArrayView2<'_, u8>,), (mut out,): (ArrayViewMut1<'_, u32>,)) {
        for row in p.rows() {
            for k in 0..3 {
                out[k] += row[k] as u32;
            }
        }
    }
}

/// `(a,b,c)->()`: a 3-D core.
enum Cube {}
impl GufuncKernel for Cube {
    type Inputs = (Core3<i16>,);
    type Outputs = (Core0<i64>,);
    const NAME: &'static str = "cube";
    const LAYOUT: Layout = Layout {
        text: "(a,b,c)->()",
        dims: &["a", "b", "c"],
        inputs: &[&[CoreDim::Named(0), CoreDim::Named(1), CoreDim::Named(2)]],
        outputs: &[&[]],
    };
    const TARGET: Target = Target::Serial;
    fn eval((x,): (ArrayView3<'_, i16>,), (out,): (&mut i64,)) {
        // Weighted by position, so that a wrong axis order or flip changes the result.
        *out = x
            .indexed_iter()
            .map(|((i, j, k), &v)| v as i64 * (1 + i as i64 * 100 + j as i64 * 10 + k as i64))
            .sum();
    }
}

fn naive_matvec(a: &Array3<i64>, x: &Array1<i64>) -> Array2<i64> {
    Array2::from_shape_fn((a.shape()[0], a.shape()[1]), |(b, i)| {
        (0..x.len()).map(|j| a[[b, i, j]] * x[j]).sum()
    })
}

#[test]
fn matvec_with_broadcast_and_flips() {
    let a = Array3::from_shape_fn((2, 3, 4), |(b, i, j)| (b * 100 + i * 10 + j) as i64 - 50);
    let x = array![1i64, -2, 3, -4];
    let y: Array2<i64> = Gufunc::<MatVec>::new(Target::Serial).call(&a, &x).unwrap();
    assert_eq!(y, naive_matvec(&a, &x));
    // Negative strides in the loop and in both core axes.
    let af = a.slice(s![..;-1, ..;-1, ..;-1]);
    let xf = x.slice(s![..;-1]);
    let yf = Gufunc::<MatVec>::new(Target::Serial).call(af, xf).unwrap();
    assert_eq!(yf, naive_matvec(&af.to_owned(), &xf.to_owned()));
    // Into a reversed output view.
    let mut out = Array2::zeros((2, 3));
    Gufunc::<MatVec>::new(Target::Serial)
        .call_into(&a, &x, out.slice_mut(s![..;-1, ..]))
        .unwrap();
    assert_eq!(out.slice(s![..;-1, ..]), naive_matvec(&a, &x));
}

#[test]
fn scalar_operands_and_partial_outputs() {
    let x = array![[1, 2, 3], [4, 5, 6]];
    let (first, out) = Gufunc::<Shifted>::new(Target::Serial).call(&x, 10).unwrap();
    assert_eq!(first, array![11, 14]);
    assert_eq!(out, array![[11, 0, 13], [14, 0, 16]]);
    // A per-row `()` operand as an array with a length-1 loop axis broadcast.
    let (first, _) = Gufunc::<Shifted>::new(Target::Serial)
        .call(&x, array![[1], [2]])
        .unwrap();
    assert_eq!(first, array![[2, 5], [3, 6]]);
    let e = Gufunc::<Shifted>::new(Target::Serial)
        .call(&x, array![1, 2, 3])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
    assert!(e.to_string().starts_with("shifted: loop dimensions"), "{e}");
}

#[test]
fn fixed_sizes_and_3d_cores() {
    let p = Array3::from_shape_fn((2, 4, 3), |(b, i, k)| (b * 12 + i * 3 + k) as u8);
    let sums = Gufunc::<Fixed3>::new(Target::Serial).call(&p).unwrap();
    for b in 0..2 {
        for k in 0..3 {
            assert_eq!(
                sums[[b, k]],
                (0..4).map(|i| p[[b, i, k]] as u32).sum::<u32>()
            );
        }
    }
    let e = Gufunc::<Fixed3>::new(Target::Serial)
        .call(Array2::<u8>::zeros((4, 2)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CoreDimension);
    assert_eq!(
        e.to_string(),
        "fixed3: operand 0 has shape [4, 2]: layout (n,3) needs size 3 in axis 1, found 2"
    );

    let c = ndarray::Array4::from_shape_fn((2, 2, 3, 2), |(a, b, c, d)| {
        (a + 2 * b + 3 * c + 5 * d) as i16
    });
    let weigh = |x: ndarray::ArrayView3<'_, i16>| -> i64 {
        x.indexed_iter()
            .map(|((i, j, k), &v)| v as i64 * (1 + i as i64 * 100 + j as i64 * 10 + k as i64))
            .sum()
    };
    for v in [
        c.view(),
        c.slice(s![.., ..;-1, .., ..;-1]),
        c.slice(s![.., .., ..;-2, ..]),
    ] {
        let got = Gufunc::<Cube>::new(Target::Serial).call(v).unwrap();
        for a in 0..2 {
            assert_eq!(got[a], weigh(v.index_axis(ndarray::Axis(0), a)));
        }
    }
}

#[test]
fn plan_errors_name_operands_and_sizes() {
    let shape = |s: &'static [usize], st: &'static [isize]| OpShape {
        shape: Some(s),
        strides: st,
    };
    let e = LoopPlan::new(
        &MatVec::LAYOUT,
        &[shape(&[4], &[1]), shape(&[4], &[1])],
        None,
    )
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        "operand 0 has 1 dimension, layout (m,n) needs 2"
    );
    let e = LoopPlan::new(
        &MatVec::LAYOUT,
        &[shape(&[2, 3], &[3, 1]), shape(&[4], &[1])],
        None,
    )
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        "core dimension n is 3 in operand 0 (shape [2, 3]) but 4 in operand 1 (shape [4]); layout (m,n),(n)->(m)"
    );
    let e = LoopPlan::new(
        &MatVec::LAYOUT,
        &[
            OpShape {
                shape: None,
                strides: &[],
            },
            shape(&[4], &[1]),
        ],
        None,
    )
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        "operand 0 is a scalar, layout (m,n) needs 2 dimensions"
    );
    let p = LoopPlan::new(
        &MatVec::LAYOUT,
        &[shape(&[5, 1, 2, 3], &[6, 6, 3, 1]), shape(&[7, 3], &[3, 1])],
        None,
    )
    .ok()
    .unwrap();
    assert_eq!(p.out_shape(0), &[5, 7, 2]);
    assert_eq!(p.iterations(), 35);
    assert_eq!(p.out_core_len(0), 2);
}

#[test]
fn for_each_visits_c_order_from_any_start() {
    // One input of shape (3, 4) with core (), strides (4, 1): offsets equal the flat index.
    let layout = Layout {
        text: "()->()",
        dims: &[],
        inputs: &[&[]],
        outputs: &[&[]],
    };
    let p = LoopPlan::new(
        &layout,
        &[OpShape {
            shape: Some(&[3, 4]),
            strides: &[4, 1],
        }],
        None,
    )
    .ok()
    .unwrap();
    for start in 0..12 {
        for end in start..=12 {
            let mut seen = Vec::new();
            p.for_each(start..end, |off| seen.push(off[0]));
            assert_eq!(seen, (start as isize..end as isize).collect::<Vec<_>>());
        }
    }
    // Broadcast: shape (3, 1) against loop (3, 1) only — and a transposed walk.
    let p = LoopPlan::new(
        &layout,
        &[OpShape {
            shape: Some(&[2, 3]),
            strides: &[1, 2],
        }],
        None,
    )
    .ok()
    .unwrap();
    let mut seen = Vec::new();
    p.for_each(1..5, |off| seen.push(off[0]));
    assert_eq!(seen, vec![2, 4, 1, 3]);
}

#[test]
fn empty_and_zero_dim_calls() {
    let y = Gufunc::<MatVec>::new(Target::Serial)
        .call(Array3::<i64>::zeros((0, 3, 4)), array![1, 2, 3, 4])
        .unwrap();
    assert_eq!(y.shape(), &[0, 3]);
    let y = Gufunc::<MatVec>::new(Target::Serial)
        .call(Array2::<i64>::ones((2, 0)), Array1::<i64>::zeros(0))
        .unwrap();
    assert_eq!(y, array![0, 0]);
    let (first, out) = Gufunc::<Shifted>::new(Target::Serial)
        .call(array![7], 1)
        .unwrap();
    assert_eq!((first[()], out), (8, array![8]));
}

#[test]
fn call_into_rejects_wrong_shapes() {
    let mut out = Array1::<i64>::zeros(3);
    let e = Gufunc::<MatVec>::new(Target::Serial)
        .call_into(Array2::<i64>::zeros((2, 4)), array![1, 2, 3, 4], &mut out)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    assert_eq!(
        e.to_string(),
        "matvec: output 0 has shape [3], expected [2] (loop dimensions [] ++ core dimensions of the layout's output 0)"
    );
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_matches_serial() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let a = Array3::from_shape_fn((300, 7, 40), |(b, i, j)| {
        ((b * 31 + i * 7 + j) % 97) as i64 - 48
    });
    let x = Array1::from_shape_fn(40, |j| j as i64 - 20);
    let s = Gufunc::<MatVec>::new(Target::Serial).call(&a, &x).unwrap();
    let p = pool.install(|| {
        Gufunc::<MatVec>::new(Target::Parallel)
            .call(&a, &x)
            .unwrap()
    });
    assert_eq!(s, p);
    assert_eq!(s, naive_matvec(&a, &x));
    let big = Array2::from_shape_fn((20000, 5), |(i, j)| (i + j) as i32);
    let s = Gufunc::<Shifted>::new(Target::Serial)
        .call(&big, 3)
        .unwrap();
    let p = pool.install(|| {
        Gufunc::<Shifted>::new(Target::Parallel)
            .call(&big, 3)
            .unwrap()
    });
    assert_eq!(s, p);
}

#[test]
fn layout_messages_render_cores() {
    assert_eq!(
        plan::core_str(&Fixed3::LAYOUT, Fixed3::LAYOUT.inputs[0]),
        "(n,3)"
    );
    assert_eq!(plan::core_str(&Cube::LAYOUT, Cube::LAYOUT.outputs[0]), "()");
}

/// A hand-written kernel whose layout disagrees with its types: an `Err`, never a bad view.
enum Mismatched {}
impl GufuncKernel for Mismatched {
    type Inputs = (Core0<f64>,);
    type Outputs = (Core0<f64>,);
    const NAME: &'static str = "mismatched";
    const LAYOUT: Layout = Layout {
        text: "(n)->()",
        dims: &["n"],
        inputs: &[&[CoreDim::Named(0)]],
        outputs: &[&[]],
    };
    const TARGET: Target = Target::Serial;
    fn eval((x,): (f64,), (out,): (&mut f64,)) {
        *out = x;
    }
}

#[test]
fn layout_must_match_the_operand_types() {
    let e = Gufunc::<Mismatched>::new(Target::Serial)
        .call(array![1.0, 2.0])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(
        e.to_string().contains("does not match its operand types"),
        "{e}"
    );
    let mut out = ndarray::arr0(0.0);
    assert!(Gufunc::<Mismatched>::new(Target::Serial)
        .call_into(1.0, &mut out)
        .is_err());
}
