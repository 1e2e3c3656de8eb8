//! `#[stencil]` against naive loops with explicit index arithmetic.
// The tests pass views both by reference and by value on purpose.
#![allow(clippy::needless_borrows_for_generic_args)]

use numbox::ndarray::{array, s, Array1, Array2, Array3, ArrayView2, ArrayViewMut2};
use numbox::prelude::*;
use proptest::prelude::*;

// ---------------------------------------------------------------- reference boundary maps

#[derive(Clone, Copy, Debug, PartialEq)]
enum M {
    Constant,
    Nearest,
    Reflect,
    Mirror,
    Wrap,
}
const MODES: [M; 5] = [M::Constant, M::Nearest, M::Reflect, M::Mirror, M::Wrap];

/// Where coordinate `i` reads on an axis of length `n`, found by walking from the array
/// step by step and bouncing off its ends (scipy's pictures, repeated as often as needed).
fn walk(i: isize, n: usize, m: M) -> Option<usize> {
    let n = n as isize;
    if (0..n).contains(&i) {
        return Some(i as usize);
    }
    match m {
        M::Constant => None,
        M::Nearest => Some(if i < 0 { 0 } else { n as usize - 1 }),
        M::Wrap => Some((((i % n) + n) % n) as usize),
        M::Reflect | M::Mirror => {
            let (mut pos, mut dir) = if i < 0 { (0isize, -1isize) } else { (n - 1, 1) };
            let steps = if i < 0 { -i } else { i - (n - 1) };
            for _ in 0..steps {
                let next = pos + dir;
                if (0..n).contains(&next) {
                    pos = next;
                } else {
                    dir = -dir;
                    // reflect repeats the edge element; mirror turns on it
                    if m == M::Mirror && n > 1 {
                        pos += dir;
                    }
                }
            }
            Some(pos as usize)
        }
    }
}

fn read2(u: &Array2<f64>, i: isize, j: isize, m: M, cval: f64) -> f64 {
    let (n0, n1) = u.dim();
    match (walk(i, n0, m), walk(j, n1, m)) {
        (Some(a), Some(b)) => u[[a, b]],
        _ => cval,
    }
}

fn grid(n0: usize, n1: usize, seed: u64) -> Array2<f64> {
    Array2::from_shape_fn((n0, n1), |(i, j)| {
        let x = (i as u64 * 7919 + j as u64 * 104729 + seed * 31) % 1009;
        x as f64 / 17.0 - 20.0
    })
}

// ---------------------------------------------------------------- kernels

#[stencil]
fn laplace(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

fn naive_laplace(u: &Array2<f64>, border: f64) -> Array2<f64> {
    let (n0, n1) = u.dim();
    let mut out = Array2::from_elem((n0, n1), border);
    for i in 1..n0.saturating_sub(1) {
        for j in 1..n1.saturating_sub(1) {
            out[[i, j]] =
                u[[i - 1, j]] + u[[i + 1, j]] + u[[i, j - 1]] + u[[i, j + 1]] - 4.0 * u[[i, j]];
        }
    }
    out
}

#[stencil(cval = f64::NAN)]
fn laplace_nan(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(target = "parallel")]
fn laplace_par(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil]
fn seven_point(u: Neighbors3<f64>) -> f64 {
    u[[-1, 0, 0]] + u[[1, 0, 0]] + u[[0, -1, 0]] + u[[0, 1, 0]] + u[[0, 0, -1]] + u[[0, 0, 1]]
        - 6.0 * u[[0, 0, 0]]
}

/// One-sided, asymmetric reach; `-1 + 0` and `(1 + 1)` are constant arithmetic.
#[stencil]
fn forward(a: Neighbors1<f64>) -> f64 {
    a[1] + 2.0 * a[1 + 1] - a[[0]]
}

#[stencil]
#[allow(clippy::identity_op)] // constant arithmetic in an offset, on purpose
fn up_left(u: Neighbors2<f64>) -> f64 {
    u[[-2, -1 + 0]] * 3.0 - u[[0, -1]]
}

#[stencil(neighborhood = [[-29, 0]])]
fn trailing_mean(a: Neighbors1<f64>) -> f64 {
    let mut s = 0.0;
    for k in -29..=0 {
        s += a[k];
    }
    s / 30.0
}

#[stencil]
fn blend(a: Neighbors2<f64>, w: f64, b: Neighbors2<f64>, shift: i32) -> f64 {
    w * (a[[0, 1]] - a[[0, -1]]) + (1.0 - w) * b[[1, 0]] + shift as f64
}

#[stencil]
fn count_up(x: Neighbors1<i32>) -> bool {
    x[1] > x[0]
}

/// Generic kernels: bounds in the parameter list and in a `where` clause, a generic scalar.
#[stencil]
fn weighted_cross<T>(u: Neighbors2<T>, w: T) -> T
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
{
    w * (u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]]) + u[[0, 0]]
}

#[stencil(mode = "nearest")]
fn central_diff<T: Copy + std::ops::Sub<Output = T>>(a: Neighbors1<T>) -> T {
    a[1] - a[-1]
}

/// Out-of-range reads are `T::default()` under `mode = "constant"` without `cval`.
#[stencil(mode = "constant")]
fn shift_right<T: Copy>(a: Neighbors1<T>) -> T {
    a[-1]
}

macro_rules! mode_kernels {
    ($($name:ident $mode:literal $(, $cval:expr)?;)*) => {$(
        /// Reaches [-2, 1] x [-1, 2] with weights that tell every offset apart.
        #[stencil(mode = $mode $(, cval = $cval)?)]
        fn $name(u: Neighbors2<f64>) -> f64 {
            u[[-2, 0]] + 3.0 * u[[1, -1]] + 7.0 * u[[0, 2]] - 11.0 * u[[0, 0]] + 0.25 * u[[-1, 1]]
        }
    )*};
}
mode_kernels! {
    m_constant "constant", 0.5;
    m_nearest "nearest";
    m_reflect "reflect";
    m_mirror "mirror";
    m_wrap "wrap";
}

fn mode_call(m: M, u: &ArrayView2<'_, f64>) -> Array2<f64> {
    match m {
        M::Constant => m_constant::call(u),
        M::Nearest => m_nearest::call(u),
        M::Reflect => m_reflect::call(u),
        M::Mirror => m_mirror::call(u),
        M::Wrap => m_wrap::call(u),
    }
    .unwrap()
}

fn naive_mode(u: &Array2<f64>, m: M) -> Array2<f64> {
    Array2::from_shape_fn(u.dim(), |(i, j)| {
        let (i, j) = (i as isize, j as isize);
        let r = |di: isize, dj: isize| read2(u, i + di, j + dj, m, 0.5);
        r(-2, 0) + 3.0 * r(1, -1) + 7.0 * r(0, 2) - 11.0 * r(0, 0) + 0.25 * r(-1, 1)
    })
}

macro_rules! mode_kernels_1d {
    ($($name:ident $mode:literal $(, $cval:expr)?;)*) => {$(
        #[stencil(mode = $mode $(, cval = $cval)?)]
        fn $name(a: Neighbors1<f64>) -> f64 {
            a[-3] + 10.0 * a[2] + 100.0 * a[0]
        }
    )*};
}
mode_kernels_1d! {
    d_constant "constant", -1.0;
    d_nearest "nearest";
    d_reflect "reflect";
    d_mirror "mirror";
    d_wrap "wrap";
}

fn mode_call_1d(m: M, a: &Array1<f64>) -> Array1<f64> {
    match m {
        M::Constant => d_constant::call(a),
        M::Nearest => d_nearest::call(a),
        M::Reflect => d_reflect::call(a),
        M::Mirror => d_mirror::call(a),
        M::Wrap => d_wrap::call(a),
    }
    .unwrap()
}

// ---------------------------------------------------------------- tests

#[test]
fn laplace_matches_naive_with_zero_border() {
    for (n0, n1) in [(37, 53), (3, 3), (2, 9), (1, 1), (5, 2), (0, 4)] {
        let u = grid(n0, n1, 1);
        let out = laplace::call(&u).unwrap();
        assert_eq!(out, naive_laplace(&u, 0.0), "shape {n0}x{n1}");
    }
}

#[test]
fn cval_nan_fills_the_border() {
    let u = grid(6, 7, 2);
    let out = laplace_nan::call(&u).unwrap();
    let want = naive_laplace(&u, f64::NAN);
    for ((i, j), v) in out.indexed_iter() {
        let w = want[[i, j]];
        assert!(v.to_bits() == w.to_bits(), "[{i}, {j}]: {v} vs {w}");
        assert_eq!(v.is_nan(), i == 0 || j == 0 || i == 5 || j == 6);
    }
}

fn naive_seven(u: &Array3<f64>) -> Array3<f64> {
    let (n0, n1, n2) = u.dim();
    Array3::from_shape_fn((n0, n1, n2), |(i, j, k)| {
        let inside = i >= 1 && i + 1 < n0 && j >= 1 && j + 1 < n1 && k >= 1 && k + 1 < n2;
        if !inside {
            return 0.0;
        }
        u[[i - 1, j, k]]
            + u[[i + 1, j, k]]
            + u[[i, j - 1, k]]
            + u[[i, j + 1, k]]
            + u[[i, j, k - 1]]
            + u[[i, j, k + 1]]
            - 6.0 * u[[i, j, k]]
    })
}

#[test]
fn seven_point_3d() {
    let u = Array3::from_shape_fn((6, 7, 40), |(i, j, k)| {
        ((i * 13 + j * 7 + k * 3) % 17) as f64 - 4.0
    });
    let out = seven_point::call(&u).unwrap();
    assert_eq!(out, naive_seven(&u));
    assert_eq!(seven_point::parallel().call(&u).unwrap(), out);
    // Permuted and stepped views go through the tiled strided path.
    for v in [
        u.view().permuted_axes([2, 0, 1]),
        u.slice(s![..;-1, 1.., ..;3]),
    ] {
        let owned = v.to_owned();
        assert_eq!(seven_point::call(&v).unwrap(), naive_seven(&owned));
        let mut into = Array3::from_elem(v.dim(), 5.0);
        seven_point::parallel().call_into(&v, &mut into).unwrap();
        assert_eq!(into, naive_seven(&owned));
    }
}

#[test]
fn one_sided_neighbourhoods() {
    let a = Array1::from_shape_fn(10, |i| (i * i) as f64);
    let out = forward::call(&a).unwrap();
    for i in 0..10 {
        let want = if i + 2 < 10 {
            a[i + 1] + 2.0 * a[i + 2] - a[i]
        } else {
            0.0
        };
        assert_eq!(out[i], want);
    }
    let u = grid(7, 5, 3);
    let out = up_left::call(&u).unwrap();
    for ((i, j), v) in out.indexed_iter() {
        let want = if i >= 2 && j >= 1 {
            u[[i - 2, j - 1]] * 3.0 - u[[i, j - 1]]
        } else {
            0.0
        };
        assert_eq!(*v, want);
    }
}

#[test]
fn trailing_window_of_thirty() {
    let a = Array1::from_shape_fn(1000, |i| ((i * 37) % 101) as f64);
    let out = trailing_mean::call(&a).unwrap();
    for i in 0..1000 {
        let want = if i >= 29 {
            let mut s = 0.0;
            for k in i - 29..=i {
                s += a[k];
            }
            s / 30.0
        } else {
            0.0
        };
        assert_eq!(out[i], want, "{i}");
    }
    // Slices and vectors are 1-D inputs too.
    let v: Vec<f64> = a.to_vec();
    assert_eq!(trailing_mean::call(&v).unwrap(), out);
    assert_eq!(trailing_mean::call(&v[..]).unwrap(), out);
    // Shorter than the window: nothing computed.
    let short = trailing_mean::call(&Array1::from_elem(29, 1.0)).unwrap();
    assert_eq!(short, Array1::zeros(29));
}

#[test]
fn every_mode_1d_including_shorter_than_the_neighbourhood() {
    for n in [1, 2, 3, 4, 5, 9] {
        let a = Array1::from_shape_fn(n, |i| (i + 1) as f64);
        for m in MODES {
            let out = mode_call_1d(m, &a);
            let r = |i: isize| walk(i, n, m).map_or(-1.0, |k| a[k]);
            for i in 0..n as isize {
                let want = r(i - 3) + 10.0 * r(i + 2) + 100.0 * r(i);
                assert_eq!(out[i as usize], want, "{m:?} n={n} i={i}");
            }
        }
    }
}

#[test]
fn every_mode_2d_including_smaller_than_the_neighbourhood() {
    for (n0, n1) in [(1, 1), (1, 2), (2, 1), (2, 3), (3, 2), (4, 4), (9, 11)] {
        let u = grid(n0, n1, 4);
        for m in MODES {
            assert_eq!(
                mode_call(m, &u.view()),
                naive_mode(&u, m),
                "{m:?} {n0}x{n1}"
            );
        }
    }
}

#[test]
fn known_values_of_scipy_pictures() {
    // a b c d = 1 2 3 4; the kernel reads [-3], [2], [0].
    let a = array![1.0, 2.0, 3.0, 4.0];
    // reflect: d c b a | a b c d | d c b a
    assert_eq!(mode_call_1d(M::Reflect, &a)[0], 3.0 + 10.0 * 3.0 + 100.0);
    assert_eq!(mode_call_1d(M::Reflect, &a)[3], 1.0 + 10.0 * 3.0 + 400.0);
    // mirror: d c b | a b c d | c b a
    assert_eq!(mode_call_1d(M::Mirror, &a)[0], 4.0 + 10.0 * 3.0 + 100.0);
    assert_eq!(mode_call_1d(M::Mirror, &a)[3], 1.0 + 10.0 * 2.0 + 400.0);
    // wrap: a b c d | a b c d | a b c d
    assert_eq!(mode_call_1d(M::Wrap, &a)[0], 2.0 + 10.0 * 3.0 + 100.0);
    // nearest and constant
    assert_eq!(mode_call_1d(M::Nearest, &a)[3], 1.0 + 10.0 * 4.0 + 400.0);
    assert_eq!(mode_call_1d(M::Constant, &a)[3], 1.0 - 10.0 + 400.0);
}

#[test]
fn several_inputs_and_scalars() {
    let a = grid(8, 9, 5);
    let b = grid(8, 9, 6);
    let out = blend::call(&a, 0.25, &b, 3).unwrap();
    for ((i, j), v) in out.indexed_iter() {
        let want = if i + 1 < 8 && j >= 1 && j + 1 < 9 {
            0.25 * (a[[i, j + 1]] - a[[i, j - 1]]) + 0.75 * b[[i + 1, j]] + 3.0
        } else {
            0.0
        };
        assert_eq!(*v, want);
    }
    let err = blend::call(&a, 0.5, &grid(8, 10, 0), 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ShapeMismatch);
    let msg = err.to_string();
    assert!(
        msg.contains("blend") && msg.contains("[8, 9]") && msg.contains("[8, 10]"),
        "{msg}"
    );
    assert!(msg.contains("`a`") && msg.contains("`b`"), "{msg}");
}

fn naive_weighted_cross<T>(u: &Array2<T>, w: T) -> Array2<T>
where
    T: Copy + Default + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
{
    let (n0, n1) = u.dim();
    let mut out = Array2::from_elem((n0, n1), T::default());
    for i in 1..n0.saturating_sub(1) {
        for j in 1..n1.saturating_sub(1) {
            out[[i, j]] =
                w * (u[[i - 1, j]] + u[[i + 1, j]] + u[[i, j - 1]] + u[[i, j + 1]]) + u[[i, j]];
        }
    }
    out
}

fn naive_central_diff<T: Copy + std::ops::Sub<Output = T>>(a: &[T]) -> Vec<T> {
    let n = a.len();
    (0..n)
        .map(|i| a[(i + 1).min(n - 1)] - a[i.saturating_sub(1)])
        .collect()
}

#[test]
fn generic_kernels_at_f32_and_f64() {
    let u64 = grid(6, 7, 3);
    let u32 = u64.mapv(|x| x as f32);
    assert_eq!(
        weighted_cross::call(&u64, 0.25).unwrap(),
        naive_weighted_cross(&u64, 0.25)
    );
    assert_eq!(
        weighted_cross::<f32>::call(&u32, 0.5).unwrap(),
        naive_weighted_cross(&u32, 0.5f32)
    );
    assert_eq!(
        weighted_cross::<f64>::parallel().call(&u64, -1.5).unwrap(),
        naive_weighted_cross(&u64, -1.5)
    );
    let x = [3.0f64, -1.0, 4.5, 10.0, 2.0];
    assert_eq!(
        central_diff::call(&x[..]).unwrap().to_vec(),
        naive_central_diff(&x)
    );
    let y = x.map(|v| v as f32);
    assert_eq!(
        central_diff::call(&y[..]).unwrap().to_vec(),
        naive_central_diff(&y)
    );
    let k = [1i64, 4, 9, 16];
    assert_eq!(
        central_diff::call(&k[..]).unwrap().to_vec(),
        naive_central_diff(&k)
    );
    assert_eq!(
        shift_right::call(&x[..]).unwrap().to_vec(),
        [0.0, 3.0, -1.0, 4.5, 10.0]
    );
    assert_eq!(
        shift_right::<i32>::call(&[7, 8, 9][..]).unwrap().to_vec(),
        [0, 7, 8]
    );
    // One point by hand.
    assert_eq!(weighted_cross::<f32>::call(&u32, 0.5).unwrap()[[2, 3]], {
        let v = u32.slice(s![1..4, 2..5]);
        0.5 * (v[[0, 1]] + v[[2, 1]] + v[[1, 0]] + v[[1, 2]]) + v[[1, 1]]
    });
}

#[test]
fn other_element_and_output_types() {
    let x = array![1, 5, 2, 2, 9];
    assert_eq!(
        count_up::call(&x).unwrap(),
        array![true, false, false, true, false]
    );
}

#[test]
fn views_of_any_layout() {
    let base = grid(73, 69, 7);
    let t = base.t();
    let stepped = base.slice(s![1..;2, ..;3]);
    let reversed = base.slice(s![..;-1, 2..;-2]);
    for v in [t, stepped, reversed] {
        let owned = v.to_owned();
        assert_eq!(laplace::call(&v).unwrap(), naive_laplace(&owned, 0.0));
        assert_eq!(laplace::call(v).unwrap(), naive_laplace(&owned, 0.0));
        for m in MODES {
            assert_eq!(mode_call(m, &v), naive_mode(&owned, m), "{m:?}");
        }
    }
    let a1 = Array1::from_shape_fn(50, |i| i as f64 * 0.5);
    let rev = a1.slice(s![..;-3]);
    assert_eq!(
        trailing_mean::call(&rev).unwrap(),
        trailing_mean::call(&rev.to_owned()).unwrap()
    );
}

#[test]
fn call_into_writes_every_point() {
    let u = grid(12, 10, 8);
    let mut out = Array2::from_elem((12, 10), 99.0);
    laplace::call_into(&u, &mut out).unwrap();
    assert_eq!(out, naive_laplace(&u, 0.0));
    // into a transposed view, and an ArrayViewMut by value
    let mut back = Array2::from_elem((10, 12), 99.0);
    let tv: ArrayViewMut2<'_, f64> = back.view_mut().reversed_axes();
    laplace::call_into(&u, tv).unwrap();
    assert_eq!(back.t(), naive_laplace(&u, 0.0));
    let mut modes = Array2::zeros((12, 10));
    m_reflect::call_into(&u, &mut modes.view_mut()).unwrap();
    assert_eq!(modes, naive_mode(&u, M::Reflect));

    let mut wrong = Array2::zeros((10, 12));
    let err = laplace::call_into(&u, &mut wrong).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutputShape);
    assert!(
        err.to_string().contains("[10, 12]") && err.to_string().contains("[12, 10]"),
        "{err}"
    );
    let err = laplace::parallel().call_into(&u, &mut wrong).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutputShape);
}

#[test]
#[cfg_attr(miri, ignore)]
fn parallel_equals_serial_bit_for_bit() {
    let u = grid(301, 257, 9);
    let serial = laplace::serial().call(&u).unwrap();
    assert_eq!(serial, naive_laplace(&u, 0.0));
    for threads in [1, 2, 3, 7] {
        let pool = numbox::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            assert_eq!(laplace_par::call(&u).unwrap(), serial);
            assert_eq!(laplace::parallel().call(&u).unwrap(), serial);
            let mut out = Array2::zeros(u.t().dim());
            laplace_par::call_into(&u.t(), &mut out).unwrap();
            assert_eq!(out, laplace::call(&u.t()).unwrap());
            for m in MODES {
                let p = match m {
                    M::Constant => m_constant::parallel().call(&u),
                    M::Nearest => m_nearest::parallel().call(&u),
                    M::Reflect => m_reflect::parallel().call(&u),
                    M::Mirror => m_mirror::parallel().call(&u),
                    M::Wrap => m_wrap::parallel().call(&u),
                }
                .unwrap();
                assert_eq!(p, mode_call(m, &u.view()));
            }
            let a = Array1::from_shape_fn(100_000, |i| ((i * 7) % 13) as f64);
            assert_eq!(
                trailing_mean::parallel().call(&a).unwrap(),
                trailing_mean::serial().call(&a).unwrap()
            );
        });
    }
    assert_eq!(laplace::serial().target(), numbox::Target::Serial);
    assert_eq!(laplace::parallel().target(), numbox::Target::Parallel);
}

#[stencil(neighborhood = [[-1, 1]])]
fn pick1(a: Neighbors1<f64>, k: isize) -> f64 {
    a[k]
}

#[test]
fn a_read_outside_the_declared_box_panics_and_never_reads_out_of_bounds() {
    let a = array![1.0, 2.0, 3.0];
    assert_eq!(pick1::call(&a, -1).unwrap(), array![0.0, 1.0, 0.0]);
    let caught = std::panic::catch_unwind(|| pick1::call(&a, 2));
    let msg = caught.unwrap_err();
    let msg = msg.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("offset [2]") && msg.contains("[[-1, 1]]"),
        "{msg}"
    );
}

#[test]
fn the_scalar_function_is_untouched() {
    // The user's fn stays callable; the companion type sits beside it.
    let f: fn(Neighbors2<'_, f64>) -> f64 = laplace;
    let _ = f;
    let laplace = laplace::call(&grid(3, 3, 0)).unwrap();
    assert_eq!(laplace.dim(), (3, 3));
}

// ---------------------------------------------------------------- proptest

macro_rules! pick_kernels {
    ($($name:ident $($mode:literal)? $(, $cval:expr)?;)*) => {$(
        #[stencil(neighborhood = [[-3, 3], [-2, 2]] $(, mode = $mode)? $(, cval = $cval)?)]
        fn $name(u: Neighbors2<f64>, di: isize, dj: isize, ei: isize, ej: isize) -> f64 {
            u[[di, dj]] - 0.5 * u[[ei, ej]]
        }
    )*};
}
pick_kernels! {
    p_skip , -7.0;
    p_constant "constant", -7.0;
    p_nearest "nearest";
    p_reflect "reflect";
    p_mirror "mirror";
    p_wrap "wrap";
}

fn arb_layout(n0: usize, n1: usize, t: bool, rev: bool) -> Array2<f64> {
    let g = grid(n0, n1, (n0 * 100 + n1) as u64);
    let mut v = if t {
        g.t().to_owned().reversed_axes()
    } else {
        g
    };
    if rev {
        v.invert_axis(numbox::ndarray::Axis(1));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    #[cfg_attr(miri, ignore)]
    fn random_shapes_offsets_and_modes(
        n0 in 1usize..12, n1 in 1usize..12,
        di in -3isize..=3, dj in -2isize..=2, ei in -3isize..=3, ej in -2isize..=2,
        mode in 0usize..6, t in any::<bool>(), rev in any::<bool>(),
    ) {
        let u = arb_layout(n0, n1, t, rev);
        let out = match mode {
            0 => p_skip::call(&u, di, dj, ei, ej),
            1 => p_constant::call(&u, di, dj, ei, ej),
            2 => p_nearest::call(&u, di, dj, ei, ej),
            3 => p_reflect::call(&u, di, dj, ei, ej),
            4 => p_mirror::call(&u, di, dj, ei, ej),
            _ => p_wrap::call(&u, di, dj, ei, ej),
        }.unwrap();
        let want = Array2::from_shape_fn((n0, n1), |(i, j)| {
            let (i, j) = (i as isize, j as isize);
            if mode == 0 {
                let inside = i >= 3 && i + 3 < n0 as isize && j >= 2 && j + 2 < n1 as isize;
                return if inside { u[[(i + di) as usize, (j + dj) as usize]] - 0.5 * u[[(i + ei) as usize, (j + ej) as usize]] } else { -7.0 };
            }
            let m = MODES[mode - 1];
            read2(&u, i + di, j + dj, m, -7.0) - 0.5 * read2(&u, i + ei, j + ej, m, -7.0)
        });
        prop_assert_eq!(out, want);
    }
}

#[test]
fn kernels_inside_function_bodies_and_generic_callers() {
    #[stencil(mode = "nearest")]
    fn grad(a: Neighbors1<f32>) -> f32 {
        (a[1] - a[-1]) * 0.5
    }
    let x = Array1::from_vec(vec![1.0f32, 2.0, 4.0, 8.0]);
    assert_eq!(grad::call(&x).unwrap(), array![0.5, 1.5, 3.0, 2.0]);

    // The companion is a type implementing the runtime's trait: generic code can take it.
    fn reach<K: numbox::stencil::StencilKernel<2>>() -> [[isize; 2]; 2] {
        K::NEIGHBORHOOD
    }
    assert_eq!(reach::<laplace>(), [[-1, 1], [-1, 1]]);
    assert_eq!(reach::<up_left>(), [[-2, 0], [-1, 0]]);
}

/// `call_into` takes any `numbox::OutArg`: in 1-D also a `&mut Vec` or a `&mut [T]`.
#[test]
fn call_into_vecs_and_slices_in_1d() {
    let a = Array1::from_shape_fn(40, |i| ((i * 7) % 11) as f64 - 3.0);
    let want = forward::call(&a).unwrap();
    let naive: Vec<f64> = (0..40)
        .map(|i| {
            if i + 2 < 40 {
                a[i + 1] + 2.0 * a[i + 2] - a[i]
            } else {
                0.0
            }
        })
        .collect();
    assert_eq!(want.to_vec(), naive);
    let mut v = vec![f64::NAN; 40];
    forward::call_into(&a, &mut v).unwrap();
    assert_eq!(v, naive);
    let mut buf = vec![f64::NAN; 41];
    forward::serial().call_into(&a, &mut buf[1..]).unwrap();
    assert_eq!(&buf[1..], &naive[..]);
    assert!(buf[0].is_nan(), "only the slice is written");
    let mut p = vec![f64::NAN; 40];
    forward::parallel()
        .call_into(a.as_slice().unwrap(), &mut p)
        .unwrap();
    assert_eq!(p, naive);
    // A slice of another length is an `Err` naming both shapes.
    let e = forward::call_into(&a, &mut vec![0.0; 39]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    assert!(e.to_string().contains("[39]") && e.to_string().contains("[40]"));
}

/// The handles take exactly `name::call`'s parameters, `Neighbors` inputs and scalars
/// interleaved in declaration order.
#[test]
fn handles_take_interleaved_inputs_and_scalars() {
    let a = grid(8, 9, 5);
    let b = grid(8, 9, 6);
    let want = blend::call(&a, 0.25, &b, 3).unwrap();
    assert_eq!(blend::serial().call(&a, 0.25, &b, 3).unwrap(), want);
    assert_eq!(blend::parallel().call(a.view(), 0.25, &b, 3).unwrap(), want);
    let mut out = Array2::from_elem((8, 9), f64::NAN);
    blend::parallel()
        .call_into(&a, 0.25, b.view(), 3, &mut out)
        .unwrap();
    assert_eq!(out, want);
    let h = blend::serial();
    let copy = h;
    assert_eq!(copy.target(), numbox::Target::Serial);
    assert!(format!("{h:?}").contains("blend"));
}

/// The widest kernel: 12 parameters, 8 `Neighbors` inputs, scalars between them.
#[stencil(mode = "wrap")]
#[allow(clippy::too_many_arguments)]
fn widest(
    k0: i64,
    a: Neighbors1<i64>,
    b: Neighbors1<i64>,
    k1: i64,
    c: Neighbors1<i64>,
    d: Neighbors1<i64>,
    e: Neighbors1<i64>,
    k2: i64,
    f: Neighbors1<i64>,
    g: Neighbors1<i64>,
    h: Neighbors1<i64>,
    k3: i64,
) -> i64 {
    k0 * a[-1] + b[1] + k1 * c[0] + d[0] - e[0] + k2 * f[0] + g[0] * h[0] + k3
}

#[test]
fn twelve_parameters_in_any_order() {
    let x: Vec<Array1<i64>> = (0..8)
        .map(|s| Array1::from_shape_fn(9, |i| (i as i64 * (s + 2)) % 7 - s))
        .collect();
    let n = 9;
    let naive = Array1::from_shape_fn(n, |i| {
        let (l, r) = ((i + n - 1) % n, (i + 1) % n);
        2 * x[0][l] + x[1][r] + 3 * x[2][i] + x[3][i] - x[4][i]
            + 5 * x[5][i]
            + x[6][i] * x[7][i]
            + 7
    });
    let got = widest::call(
        2, &x[0], &x[1], 3, &x[2], &x[3], &x[4], 5, &x[5], &x[6], &x[7], 7,
    );
    assert_eq!(got.unwrap(), naive);
    let mut out = vec![0; n];
    widest::parallel()
        .call_into(
            2, &x[0], &x[1], 3, &x[2], &x[3], &x[4], 5, &x[5], &x[6], &x[7], 7, &mut out,
        )
        .unwrap();
    assert_eq!(out, naive.to_vec());
}
