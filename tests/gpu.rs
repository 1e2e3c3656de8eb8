//! The GPU target against the CPU path and naive loops (feature `gpu`; run on whatever
//! Vulkan device is present, Mesa's lavapipe in CI).
//!
//! Arithmetic is compared bit for bit on lavapipe, which does not fuse `a * x + y`; on a
//! device that fuses, within one rounding of the product (the GPU contract in `numbox::gpu`).
//! `exp` is compared within Vulkan's bound of `3 + 2|x|` ulp.
#![cfg(feature = "gpu")]

use numbox::gpu::{Device, DeviceArray};
use numbox::ndarray::{array, s, Array1, Array2, Array3, ArrayD, Ix1, IxDyn};
use numbox::prelude::*;
use numbox::ErrorKind;
use std::ops::Add;

#[vectorize(target = "gpu")]
fn axpy(a: f32, x: f32, y: f32) -> f32 {
    a * x + y
}

#[vectorize(target = "gpu")]
fn axpy64(a: f64, x: f64, y: f64) -> f64 {
    a * x + y
}

#[vectorize(fn(i32, i32) -> i32, fn(u32, u32) -> u32, fn(f32, f32) -> f32, target = "gpu")]
fn add<T: Copy + Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

#[vectorize(target = "gpu")]
fn relu_shift(x: f32, shift: f32) -> f32 {
    let mut t = x - shift;
    if t < 0.0 {
        t = 0.0;
    }
    let scaled = if t > 10.0 { 10.0 + (t - 10.0) * 0.5 } else { t };
    scaled.max(-1.0)
}

#[vectorize(target = "gpu")]
fn expf(x: f32) -> f32 {
    x.exp()
}

fn device() -> Device {
    Device::default().unwrap_or_else(|e| {
        panic!("the GPU tests need a Vulkan device (CI installs lavapipe): {e}")
    })
}

/// Lavapipe (llvmpipe) executes `a * b + c` unfused, as the CPU does.
fn unfused(d: &Device) -> bool {
    d.name().contains("llvmpipe")
}

fn data(n: usize, seed: u32) -> Array1<f32> {
    // A small LCG: values in [-8, 8) with all mantissa bits in play.
    let mut s = seed;
    Array1::from_shape_fn(n, |_| {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (s >> 8) as f32 / (1u32 << 24) as f32 * 16.0 - 8.0
    })
}

/// `got == want` bit for bit, or where the device fuses, within one rounding of `a * x`
/// (half an ulp of the product, plus half an ulp of the sum).
fn assert_axpy_f32(d: &Device, got: &[f32], want: &[f32], a: f32, x: &[f32]) {
    for (i, ((&g, &w), &xi)) in got.iter().zip(want).zip(x).enumerate() {
        if unfused(d) {
            assert_eq!(g.to_bits(), w.to_bits(), "element {i}: {g} vs {w}");
        } else {
            let bound = (a * xi).abs() * f32::EPSILON + w.abs() * f32::EPSILON;
            assert!(
                (g - w).abs() <= bound,
                "element {i}: {g} vs {w} (bound {bound})"
            );
        }
    }
}

#[test]
fn axpy_f32_matches_the_cpu_path() {
    let d = device();
    let (x, y) = (data(1 << 16, 1), data(1 << 16, 2));
    let got = axpy::gpu().call(2.5f32, &x, &y).unwrap();
    let want = axpy::serial().call(2.5f32, &x, &y).unwrap();
    assert_eq!(got.shape(), want.shape());
    let naive: Vec<f32> = x.iter().zip(&y).map(|(x, y)| 2.5 * x + y).collect();
    assert_eq!(want.to_vec(), naive);
    assert_axpy_f32(
        &d,
        got.as_slice().unwrap(),
        &naive,
        2.5,
        x.as_slice().unwrap(),
    );
}

#[test]
fn axpy_f64_matches_the_cpu_path_or_is_refused() {
    let d = device();
    let x = data(4097, 3).mapv(f64::from) * 1.000_000_1;
    let y = data(4097, 4).mapv(f64::from);
    let got = axpy64::gpu().call(-1.25f64, &x, &y);
    if !d.supports_f64() {
        assert_eq!(got.unwrap_err().kind(), ErrorKind::GpuF64Unsupported);
        return;
    }
    let got = got.unwrap();
    let want: Vec<f64> = x.iter().zip(&y).map(|(x, y)| -1.25 * x + y).collect();
    for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
        if unfused(&d) {
            assert_eq!(g.to_bits(), w.to_bits(), "element {i}: {g} vs {w}");
        } else {
            let bound = (1.25 * x[i]).abs() * f64::EPSILON + w.abs() * f64::EPSILON;
            assert!((g - w).abs() <= bound, "element {i}: {g} vs {w}");
        }
    }
}

#[test]
fn broadcasting_follows_the_cpu_rules() {
    let d = device();
    let x = Array3::from_shape_fn((3, 1, 4), |(i, _, k)| (i * 4 + k) as f32 * 0.5);
    let y = Array2::from_shape_fn((5, 1), |(j, _)| j as f32 - 2.0);
    let got = axpy::gpu().call(3.0f32, &x, &y).unwrap();
    let want = axpy::serial().call(3.0f32, &x, &y).unwrap();
    assert_eq!(got.shape(), &[3, 5, 4]);
    assert_eq!(got, want);
    for ((i, j, k), &g) in got.indexed_iter() {
        assert_eq!(g, 3.0 * x[[i, 0, k]] + y[[j, 0]]);
    }
    // A view of another layout (transposed, stepped) is made contiguous on upload.
    let big = Array2::from_shape_fn((6, 8), |(i, j)| (i * 8 + j) as f32);
    let v = big.slice(s![..;2, 1..;3]).reversed_axes();
    let got = add::gpu().call(&v, 1.0f32).unwrap();
    assert_eq!(got, add::serial().call(&v, 1.0f32).unwrap());
    // Resident operands broadcast the same way.
    let dx = d.upload(&x).unwrap();
    let dy = d.upload(&y).unwrap();
    let resident: DeviceArray<f32, _> = axpy::gpu().call(3.0f32, &dx, &dy).unwrap();
    assert_eq!(resident.download().unwrap(), want);
}

#[test]
fn shapes_that_do_not_broadcast_are_an_error_naming_them() {
    let e = axpy::gpu()
        .call(1.0f32, &array![1.0f32, 2.0, 3.0], &array![1.0f32, 2.0])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Broadcast);
    assert!(e.message().starts_with("axpy: "), "{e}");
    assert!(
        e.message().contains("[3]") && e.message().contains("[2]"),
        "{e}"
    );
}

#[test]
fn a_chained_computation_stays_resident() {
    let d = device();
    let x = data(10_000, 5);
    let dx = d.upload(&x).unwrap();
    // relu_shift(axpy(2, x, x) + 1, 0.5), intermediates on the device.
    let t: DeviceArray<f32, Ix1> = axpy::gpu().call(2.0f32, &dx, &dx).unwrap();
    let u = add::gpu().call(&t, 1.0f32).unwrap();
    let v = relu_shift::gpu().call(&u, 0.5f32).unwrap();
    let want = relu_shift::serial()
        .call(
            &add::serial()
                .call(&axpy::serial().call(2.0f32, &x, &x).unwrap(), 1.0f32)
                .unwrap(),
            0.5f32,
        )
        .unwrap();
    let got = v.download().unwrap();
    if unfused(&d) {
        assert_eq!(got, want);
    } else {
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g - w).abs() <= w.abs() * 4.0 * f32::EPSILON + 1e-6,
                "{g} vs {w}"
            );
        }
    }
    // call_into a resident output, and into a host view.
    let mut out = d.zeros::<f32, _>(dx.raw_dim()).unwrap();
    relu_shift::gpu().call_into(&u, 0.5f32, &mut out).unwrap();
    assert_eq!(out.download().unwrap(), got);
    let mut host = Array2::<f32>::zeros((2, 10_000));
    relu_shift::gpu()
        .call_into(&x, 0.5f32, &mut host.row_mut(1))
        .unwrap();
    assert_eq!(host.row(1), relu_shift::serial().call(&x, 0.5f32).unwrap());
    assert!(host.row(0).iter().all(|&v| v == 0.0));
}

#[test]
fn integer_and_generic_kernels_select_their_device_kernel() {
    let a = Array2::from_shape_fn((7, 9), |(i, j)| (i * 9 + j) as i32 - 30);
    let got = add::gpu()
        .call(&a, &array![1i32, -2, 3, -4, 5, -6, 7, -8, 9])
        .unwrap();
    assert_eq!(
        got,
        add::serial()
            .call(&a, &array![1i32, -2, 3, -4, 5, -6, 7, -8, 9])
            .unwrap()
    );
    let u = Array1::from_shape_fn(100, |i| u32::MAX - i as u32);
    assert_eq!(
        add::gpu().call(&u, 7u32).unwrap(),
        u.mapv(|v| v.wrapping_add(7))
    );
}

#[test]
fn branches_match_the_cpu_path() {
    let x = Array1::from_shape_fn(2001, |i| (i as f32 - 1000.0) * 0.03);
    assert_eq!(
        relu_shift::gpu().call(&x, 0.25f32).unwrap(),
        relu_shift::serial().call(&x, 0.25f32).unwrap()
    );
}

/// The distance in ulps between two finite f32 of the same sign.
fn ulps(a: f32, b: f32) -> u32 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
}

#[test]
fn exp_is_within_the_vulkan_bound_of_the_cpu_path() {
    let x = Array1::from_shape_fn(4001, |i| (i as f32 - 2000.0) * 0.04); // [-80, 80]
    let got = expf::gpu().call(&x).unwrap();
    let want = expf::serial().call(&x).unwrap();
    let mut worst = (0, 0.0f32);
    for ((&g, &w), &xi) in got.iter().zip(&want).zip(&x) {
        let u = ulps(g, w);
        assert!(
            u as f32 <= 3.0 + 2.0 * xi.abs(),
            "exp({xi}): {g} vs {w}, {u} ulp beyond Vulkan's 3 + 2|x|"
        );
        if u > worst.0 {
            worst = (u, xi);
        }
    }
    eprintln!("exp: worst {} ulp at x = {}", worst.0, worst.1);
}

#[test]
fn f64_is_refused_on_a_device_without_it() {
    let d = device().without_f64();
    assert!(!d.supports_f64());
    let e = d.upload(&array![1.0f64, 2.0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::GpuF64Unsupported);
    assert!(e.message().contains("64-bit"), "{e}");
    assert_eq!(
        d.zeros::<f64, _>(Ix1(3)).unwrap_err().kind(),
        ErrorKind::GpuF64Unsupported
    );
    // f32 still works on it.
    assert_eq!(
        d.upload(&array![1.0f32]).unwrap().download().unwrap(),
        array![1.0f32]
    );
}

#[test]
fn a_buffer_larger_than_the_device_binds_is_out_of_memory() {
    let e = device().zeros::<f32, _>(Ix1(1 << 36)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::GpuOutOfMemory);
    assert!(e.message().contains("shape [68719476736]"), "{e}");
}

#[test]
fn a_wrong_output_shape_is_an_error_and_empty_arrays_work() {
    let x = array![1.0f32, 2.0, 3.0];
    let mut out = Array1::<f32>::zeros(4);
    let e = axpy::gpu().call_into(1.0f32, &x, &x, &mut out).unwrap_err();
    let cpu = axpy::serial()
        .call_into(1.0f32, &x, &x, &mut out)
        .unwrap_err();
    assert_eq!(e.kind(), cpu.kind());
    // The output takes part in broadcasting: [3] fills each row of [2, 3]; [2, 1] does not fit.
    let mut rows = Array2::<f32>::zeros((2, 3));
    axpy::gpu()
        .call_into(2.0f32, &x, 1.0f32, &mut rows)
        .unwrap();
    assert_eq!(rows, array![[3.0f32, 5.0, 7.0], [3.0, 5.0, 7.0]]);
    let mut col = Array2::<f32>::zeros((3, 1));
    let e = axpy::gpu()
        .call_into(2.0f32, &x, 1.0f32, &mut col)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    assert!(e.message().contains("[3, 1]"), "{e}");
    let empty = ArrayD::<f32>::zeros(IxDyn(&[0, 3]));
    let got = axpy::gpu().call(1.0f32, &empty, 2.0f32).unwrap();
    assert_eq!(got.shape(), &[0, 3]);
    let upload = device().upload(&empty).unwrap();
    assert_eq!(upload.download().unwrap().shape(), &[0, 3]);
}

/// Run by `no_adapter_is_an_err_not_a_panic` in a child process with Vulkan hidden.
#[test]
#[ignore = "run by no_adapter_is_an_err_not_a_panic in a child process"]
fn no_adapter_child() {
    if std::env::var_os("NUMBOX_GPU_TEST_CHILD").is_none() {
        return;
    }
    let e = Device::default().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::GpuUnavailable);
    assert!(e.message().contains("Vulkan"), "{e}");
    let e = axpy::gpu().call(1.0f32, 2.0f32, 3.0f32).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::GpuUnavailable);
}

#[test]
fn no_adapter_is_an_err_not_a_panic() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "no_adapter_child", "--nocapture"])
        .env("NUMBOX_GPU_TEST_CHILD", "1")
        .env("VK_ICD_FILENAMES", "/nonexistent/numbox_no_icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/numbox_no_icd.json")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

// ---- #[stencil(target = "gpu")] ----

use numbox::stencil::Mode;

macro_rules! laplacians {
    ($($name:ident: [$($opt:tt)*];)*) => {$(
        #[stencil($($opt)* target = "gpu")]
        fn $name(a: Neighbors2<f32>) -> f32 {
            a[[-1, 0]] + a[[1, 0]] + a[[0, -1]] + a[[0, 1]] - 4.0 * a[[0, 0]]
        }
    )*};
}

laplacians! {
    lap_skip: [];
    lap_skip_cval: [cval = -7.5,];
    lap_constant: [mode = "constant",];
    lap_constant_cval: [mode = "constant", cval = 2.25,];
    lap_nearest: [mode = "nearest",];
    lap_reflect: [mode = "reflect",];
    lap_mirror: [mode = "mirror",];
    lap_wrap: [mode = "wrap",];
}

/// An asymmetric neighbourhood, reaching two points back and one forward on different axes.
#[stencil(mode = "reflect", target = "gpu")]
fn skew(a: Neighbors2<f32>) -> f32 {
    let back = a[[-2, 0]] - a[[0, 1]];
    if back > 0.0 {
        back * 0.5
    } else {
        a[[0, -1]] + a[[1, 1]]
    }
}

#[stencil(mode = "wrap", target = "gpu")]
fn smooth3(a: Neighbors1<f32>) -> f32 {
    (a[-1] + a[0] + a[1]) / 3.0
}

#[stencil(target = "gpu")]
fn smooth3_skip(a: Neighbors1<f32>) -> f32 {
    (a[-1] + a[0] + a[1]) / 3.0
}

/// A naive stencil over `a`: `f(read)` at every point, where `read(di, dj)` resolves its
/// index with `mode` (`cval` outside under `Constant`); `Skip` leaves `cval` where the
/// `[lo, hi]` neighbourhood leaves the array.
fn naive2(
    a: &Array2<f32>,
    mode: Mode,
    cval: f32,
    nbhd: [[isize; 2]; 2],
    f: impl Fn(&dyn Fn(isize, isize) -> f32) -> f32,
) -> Array2<f32> {
    let (n, m) = a.dim();
    Array2::from_shape_fn((n, m), |(i, j)| {
        let (i, j) = (i as isize, j as isize);
        if mode == Mode::Skip
            && (i + nbhd[0][0] < 0
                || i + nbhd[0][1] >= n as isize
                || j + nbhd[1][0] < 0
                || j + nbhd[1][1] >= m as isize)
        {
            return cval;
        }
        let read = |di: isize, dj: isize| match (mode.resolve(i + di, n), mode.resolve(j + dj, m)) {
            (Some(r), Some(c)) => a[[r, c]],
            _ => cval,
        };
        f(&read)
    })
}

fn grid(n: usize, m: usize, seed: u32) -> Array2<f32> {
    data(n * m, seed).into_shape_with_order((n, m)).unwrap()
}

fn assert_same(d: &Device, got: &Array2<f32>, want: &Array2<f32>, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}");
    for ((idx, &g), &w) in got.indexed_iter().zip(want) {
        if unfused(d) {
            assert_eq!(g.to_bits(), w.to_bits(), "{what} at {idx:?}: {g} vs {w}");
        } else {
            // One fused product `4 * a` or `0.5 * x`: within a rounding of the sum.
            let bound = 8.0 * 16.0 * f32::EPSILON;
            assert!((g - w).abs() <= bound, "{what} at {idx:?}: {g} vs {w}");
        }
    }
}

#[test]
fn laplacian_matches_the_cpu_path_in_every_border_mode() {
    let d = device();
    let lap =
        |r: &dyn Fn(isize, isize) -> f32| r(-1, 0) + r(1, 0) + r(0, -1) + r(0, 1) - 4.0 * r(0, 0);
    let nb = [[-1, 1], [-1, 1]];
    // Shapes with a side of 1 and 2 exercise the modes' repetition (reads past the far side).
    for (n, m) in [(37, 53), (1, 5), (2, 2), (5, 1)] {
        let a = grid(n, m, (n * m) as u32);
        // (what, GPU, CPU, mode, cval)
        type Case = (&'static str, Array2<f32>, Array2<f32>, Mode, f32);
        let cases: [Case; 8] = [
            (
                "skip",
                lap_skip::gpu().call(&a).unwrap(),
                lap_skip::call(&a).unwrap(),
                Mode::Skip,
                0.0,
            ),
            (
                "skip cval",
                lap_skip_cval::gpu().call(&a).unwrap(),
                lap_skip_cval::call(&a).unwrap(),
                Mode::Skip,
                -7.5,
            ),
            (
                "constant",
                lap_constant::gpu().call(&a).unwrap(),
                lap_constant::call(&a).unwrap(),
                Mode::Constant,
                0.0,
            ),
            (
                "constant cval",
                lap_constant_cval::gpu().call(&a).unwrap(),
                lap_constant_cval::call(&a).unwrap(),
                Mode::Constant,
                2.25,
            ),
            (
                "nearest",
                lap_nearest::gpu().call(&a).unwrap(),
                lap_nearest::call(&a).unwrap(),
                Mode::Nearest,
                0.0,
            ),
            (
                "reflect",
                lap_reflect::gpu().call(&a).unwrap(),
                lap_reflect::call(&a).unwrap(),
                Mode::Reflect,
                0.0,
            ),
            (
                "mirror",
                lap_mirror::gpu().call(&a).unwrap(),
                lap_mirror::call(&a).unwrap(),
                Mode::Mirror,
                0.0,
            ),
            (
                "wrap",
                lap_wrap::gpu().call(&a).unwrap(),
                lap_wrap::call(&a).unwrap(),
                Mode::Wrap,
                0.0,
            ),
        ];
        for (what, got, cpu, mode, cval) in cases {
            let what = format!("{what} on {n}x{m}");
            assert_eq!(cpu, naive2(&a, mode, cval, nb, lap), "{what}: the CPU path");
            assert_same(&d, &got, &cpu, &what);
        }
    }
}

#[test]
fn an_asymmetric_neighbourhood_matches_the_cpu_path() {
    let d = device();
    let a = grid(23, 31, 9);
    let f = |r: &dyn Fn(isize, isize) -> f32| {
        let back = r(-2, 0) - r(0, 1);
        if back > 0.0 {
            back * 0.5
        } else {
            r(0, -1) + r(1, 1)
        }
    };
    let cpu = skew::call(&a).unwrap();
    assert_eq!(cpu, naive2(&a, Mode::Reflect, 0.0, [[-2, 1], [-1, 1]], f));
    // A strided view is made contiguous on upload.
    assert_same(&d, &skew::gpu().call(&a).unwrap(), &cpu, "skew");
    let t = a.t();
    assert_same(
        &d,
        &skew::gpu().call(&t).unwrap(),
        &skew::call(t).unwrap(),
        "skew on a transposed view",
    );
}

#[test]
fn a_one_dimensional_three_point_kernel_matches_the_cpu_path() {
    let d = device();
    for n in [1, 2, 3, 1000] {
        let x = data(n, 3);
        for (got, cpu) in [
            (smooth3::gpu().call(&x).unwrap(), smooth3::call(&x).unwrap()),
            (
                smooth3_skip::gpu().call(&x).unwrap(),
                smooth3_skip::call(&x).unwrap(),
            ),
        ] {
            let got2 = got.clone().into_shape_with_order((1, n)).unwrap();
            let cpu2 = cpu.clone().into_shape_with_order((1, n)).unwrap();
            assert_same(&d, &got2, &cpu2, &format!("3-point on {n}"));
        }
        // The wrap kernel against a plain loop.
        let m = n as isize;
        let naive = Array1::from_shape_fn(n, |i| {
            let at = |k: isize| x[(i as isize + k).rem_euclid(m) as usize];
            (at(-1) + at(0) + at(1)) / 3.0
        });
        assert_eq!(smooth3::call(&x).unwrap(), naive);
    }
}

#[test]
fn a_resident_time_loop_matches_the_cpu_loop() {
    let d = device();
    let a = grid(64, 48, 4);
    // u <- u + 0.1 * lap(u), 20 steps, on the device throughout.
    let mut u = d.upload(&a).unwrap();
    let mut l = d.zeros::<f32, _>(u.raw_dim()).unwrap();
    let mut host = a.clone();
    for _ in 0..20 {
        lap_wrap::gpu().call_into(&u, &mut l).unwrap();
        u = axpy::gpu().call(0.1f32, &l, &u).unwrap();
        let hl = lap_wrap::call(&host).unwrap();
        host = axpy::serial().call(0.1f32, &hl, &host).unwrap();
    }
    let got = u.download().unwrap();
    if unfused(&d) {
        assert_eq!(got, host);
    } else {
        for (g, w) in got.iter().zip(&host) {
            assert!((g - w).abs() <= 1e-3 * (1.0 + w.abs()), "{g} vs {w}");
        }
    }
    // call returns a device array for a device input.
    let once: DeviceArray<f32, numbox::ndarray::Ix2> = lap_wrap::gpu().call(&u).unwrap();
    assert_eq!(once.shape(), &[64, 48]);
}

#[test]
fn stencil_shape_errors_name_the_shapes() {
    let a = grid(4, 5, 1);
    let mut out = Array2::<f32>::zeros((5, 4));
    let e = lap_wrap::gpu().call_into(&a, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutputShape);
    let msg = e.to_string();
    assert!(
        msg.contains("lap_wrap") && msg.contains("[5, 4]") && msg.contains("[4, 5]"),
        "{msg}"
    );
    let e = lap_wrap::gpu().call(&Array1::<f32>::zeros(3)).unwrap_err();
    assert!(e.to_string().contains("2-D"), "{e}");
    // An empty input gives an empty output, as on the CPU.
    let empty = Array2::<f32>::zeros((0, 3));
    assert_eq!(lap_wrap::gpu().call(&empty).unwrap().shape(), &[0, 3]);
}
