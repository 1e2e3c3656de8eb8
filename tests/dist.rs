//! Distributed kernels over MPI, checked against the single-process calls bit for bit.
//!
//! Not a libtest harness: run under MPI with any rank count, e.g.
//! `mpirun -n 3 --allow-run-as-root --oversubscribe target/debug/deps/dist-<hash>`
//! (`cargo test --features mpi --test dist` runs it as one rank). Every rank builds the same
//! global inputs, runs the distributed call, gathers, and compares with the single-process
//! call; the failures of all ranks are summed, and every rank exits nonzero if any failed.
//! A watchdog ends the process after `NUMBOX_DIST_TIMEOUT` seconds (default 300), so a
//! deadlock fails the run instead of hanging it (mpirun then stops the other ranks).

use numbox::dist::mpi::collective::CommunicatorCollectives;
use numbox::dist::mpi::topology::{Communicator, SimpleCommunicator};
use numbox::dist::{fold_ranks, mpi, on_rows, Dist, DistArray, Partition};
use numbox::ndarray::{
    array, Array, Array1, Array2, Array3, ArrayD, ArrayView1, ArrayView2, ArrayViewMut1,
    ArrayViewMut2, Axis, Dimension, IxDyn,
};
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use numbox::ErrorKind;

type Check = Result<(), String>;
/// A named check, run by every rank.
type Named = (&'static str, fn(&SimpleCommunicator) -> Check);

fn same_bits<D: Dimension>(what: &str, got: &Array<f64, D>, want: &Array<f64, D>) -> Check {
    if got.shape() != want.shape() {
        return Err(format!(
            "{what}: shape {:?}, want {:?}",
            got.shape(),
            want.shape()
        ));
    }
    for (k, (g, w)) in got.iter().zip(want.iter()).enumerate() {
        if g.to_bits() != w.to_bits() {
            return Err(format!(
                "{what}: element {k} (C order) is {g:e}, want {w:e}"
            ));
        }
    }
    Ok(())
}

fn ok<T>(what: &str, r: numbox::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{what}: unexpected Err: {e}"))
}

fn err_kind<T>(what: &str, r: numbox::Result<T>, kind: ErrorKind, needle: &str) -> Check {
    match r {
        Ok(_) => Err(format!("{what}: expected an Err of kind {kind:?}, got Ok")),
        Err(e) if e.kind() != kind || !e.message().contains(needle) => Err(format!(
            "{what}: expected {kind:?} mentioning {needle:?}, got {:?}: {e}",
            e.kind()
        )),
        Err(_) => Ok(()),
    }
}

fn grid(n0: usize, n1: usize, seed: u64) -> Array2<f64> {
    Array2::from_shape_fn((n0, n1), |(i, j)| {
        let x = (i as u64 * 7919 + j as u64 * 104729 + seed * 31) % 1009;
        x as f64 / 17.0 - 20.0
    })
}

/// Scatters `a` from rank 0 (every rank holds it; only rank 0's is read).
fn scatter<D: Dimension>(
    w: &SimpleCommunicator,
    a: &Array<f64, D>,
) -> Result<DistArray<f64, D>, String> {
    let root = (w.rank() == 0).then_some(a);
    ok("scatter", DistArray::scatter(w, 0, root))
}

fn gathered<T: numbox::dist::DistElement, D: Dimension>(
    what: &str,
    d: &DistArray<T, D>,
) -> Result<Array<T, D>, String> {
    ok(what, d.all_gather())
}

// ---------------------------------------------------------------- kernels

#[stencil]
fn laplace_skip(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "constant", cval = 0.5)]
fn laplace_constant(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "nearest")]
fn laplace_nearest(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "reflect", target = "parallel")]
fn laplace_reflect(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "mirror")]
fn laplace_mirror(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

#[stencil(mode = "wrap")]
fn laplace_wrap(u: Neighbors2<f64>) -> f64 {
    u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
}

/// A reach of 3 rows up and 2 down, asymmetric: thicker than some blocks.
#[stencil(mode = "wrap")]
fn far_wrap(u: Neighbors2<f64>) -> f64 {
    u[[-3, 0]] * 0.5 + u[[2, 1]] - u[[-1, -1]] * 0.25
}

/// Panics on a planted value (`panic_during_the_halo`).
#[stencil(mode = "wrap")]
fn trip(u: Neighbors2<f64>) -> f64 {
    assert!(u[[0, 0]] < 1e300, "trip: the planted value");
    u[[-1, 0]] + u[[1, 0]]
}

#[stencil(mode = "reflect")]
fn far_reflect(u: Neighbors2<f64>) -> f64 {
    u[[-3, 0]] * 0.5 + u[[2, 1]] - u[[-1, -1]] * 0.25
}

#[stencil(mode = "mirror")]
fn far_mirror(a: Neighbors1<f64>) -> f64 {
    a[-2] - 3.0 * a[1] + a[3] * 0.125
}

#[stencil]
fn far_skip(a: Neighbors1<f64>) -> f64 {
    a[-2] - 3.0 * a[1] + a[3] * 0.125
}

#[stencil(mode = "constant", cval = -1.0)]
fn far_constant(a: Neighbors1<f64>) -> f64 {
    a[-2] - 3.0 * a[1] + a[3] * 0.125
}

#[stencil(mode = "nearest")]
fn blend(a: Neighbors2<f64>, w: f64, b: Neighbors2<f64>) -> f64 {
    w * (a[[0, 1]] - a[[-1, 0]]) + (1.0 - w) * b[[1, 0]]
}

#[stencil(mode = "wrap")]
fn seven_point(u: Neighbors3<f64>) -> f64 {
    u[[-1, 0, 0]] + u[[1, 0, 0]] + u[[0, -1, 0]] + u[[0, 1, 0]] + u[[0, 0, -1]] + u[[0, 0, 1]]
        - 6.0 * u[[0, 0, 0]]
}

#[guvectorize("(n)->()")]
fn row_sum(x: ArrayView1<f64>) -> f64 {
    x.iter().fold(0.0, |s, &v| s * 0.5 + v)
}

#[guvectorize("(n),(n),()->(n)")]
fn mix(x: ArrayView1<f64>, w: ArrayView1<f64>, c: f64, out: ArrayViewMut1<f64>) {
    for ((o, &a), &b) in out.into_iter().zip(x).zip(w) {
        *o = a * b + c;
    }
}

/// Two outputs, a scalar core and an `(n)` core, with a scalar input.
#[guvectorize("(n),()->(),(n)")]
fn low_and_shift(x: ArrayView1<f64>, s: f64, lo: &mut f64, shifted: ArrayViewMut1<f64>) {
    *lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    for (o, &v) in shifted.into_iter().zip(x) {
        *o = v - *lo + s;
    }
}

#[guvectorize("(n)->(),(),()")]
fn three_stats(x: ArrayView1<f64>, lo: &mut f64, hi: &mut f64, n_pos: &mut i64) {
    *lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    *hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    *n_pos = x.iter().filter(|&&v| v > 0.0).count() as i64;
}

#[vectorize]
fn floor_frac(x: f64, s: f64) -> (f64, f64) {
    ((x * s).floor(), (x * s) - (x * s).floor())
}

#[parallel_loop]
fn count_and_max(x: &[f64]) -> (i64, f64) {
    let mut c = 0;
    let mut m = f64::NEG_INFINITY;
    for i in prange(0..x.len()) {
        c += i64::from(x[i] > 0.0);
        m = m.max(x[i]);
    }
    (c, m)
}

#[vectorize(identity = 0.0, associative)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

#[vectorize]
fn sub(x: f64, y: f64) -> f64 {
    x - y
}

#[vectorize(identity = 0, associative)]
fn add_i(x: i64, y: i64) -> i64 {
    x.wrapping_add(y)
}

#[vectorize(associative)]
fn maximum(x: f64, y: f64) -> f64 {
    x.max(y)
}

#[vectorize]
fn axpb(a: f64, x: f64, b: f64) -> f64 {
    a * x + b
}

#[vectorize]
fn near(x: f64, y: f64) -> bool {
    (x - y).abs() < 1.0
}

// ---------------------------------------------------------------- checks

fn partition_and_roundtrips(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let part = Partition::new(10 + p, p).map_err(|e| e.to_string())?;
    for r in 0..p {
        let want = (10 + p) / p + usize::from(r < (10 + p) % p);
        if part.range(r).len() != want {
            return Err(format!("partition: rank {r} has {:?}", part.range(r)));
        }
    }
    // 1-D, 2-D, 3-D and dynamic arrays, through scatter/gather, all_gather and from_local.
    let a1 = Array1::from_iter((0..(7 + p)).map(|k| k as f64 * 0.5));
    let d1 = scatter(w, &a1)?;
    if d1.rows() != part_of(a1.len(), w).range(w.rank() as usize) {
        return Err("DistArray::rows is not the partition's range".into());
    }
    if d1.local() != a1.slice(numbox::ndarray::s![d1.rows()]) {
        return Err("the local block is not the global rows".into());
    }
    let back = ok("gather", d1.gather(0))?;
    match (w.rank(), back) {
        (0, Some(b)) => same_bits("gather 1-D", &b, &a1)?,
        (0, None) => return Err("gather gave None on the root".into()),
        (_, Some(_)) => return Err("gather gave Some off the root".into()),
        _ => {}
    }
    let a2 = grid(3 * p + 1, 5, 1);
    let d2 = scatter(w, &a2)?;
    same_bits("all_gather 2-D", &gathered("2-D", &d2)?, &a2)?;
    if d2.global_shape() != a2.shape() {
        return Err(format!("global_shape {:?}", d2.global_shape()));
    }
    // A transposed (F-order) global array scatters in logical order.
    let t = grid(5, 2 * p + 1, 2).reversed_axes();
    let dt = scatter(w, &t.to_owned())?;
    same_bits(
        "scatter of an F-order array",
        &gathered("F", &dt)?,
        &t.to_owned(),
    )?;
    let a3 = Array3::from_shape_fn((p + 2, 2, 3), |(i, j, k)| (i * 100 + j * 10 + k) as f64);
    same_bits("3-D", &gathered("3-D", &scatter(w, &a3)?)?, &a3)?;
    let ad: ArrayD<f64> = a3.clone().into_dyn();
    same_bits("IxDyn", &gathered("IxDyn", &scatter(w, &ad)?)?, &ad)?;
    // from_local: each rank builds its own rows.
    let rows = part_of(a2.nrows(), w).range(w.rank() as usize);
    let mine = a2.slice(numbox::ndarray::s![rows, ..]).to_owned();
    let dl = ok("from_local", DistArray::from_local(w, &mine))?;
    same_bits("from_local", &gathered("from_local", &dl)?, &a2)?;
    // Integer elements and a mutable block.
    let ai = Array2::from_shape_fn((p + 1, 3), |(i, j)| (i * 3 + j) as i64);
    let mut di = ok(
        "scatter i64",
        DistArray::scatter(w, 0, (w.rank() == 0).then_some(&ai)),
    )?;
    di.local_mut().mapv_inplace(|x| x * 2);
    if ok("i64", di.all_gather())? != ai.mapv(|x| x * 2) {
        return Err("local_mut writes do not reach the gathered array".into());
    }
    Ok(())
}

fn part_of(rows: usize, w: &SimpleCommunicator) -> Partition {
    Partition::new(rows, w.size() as usize).expect("rows >= ranks")
}

fn errors(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    // More ranks than rows (with one rank: an empty axis).
    let short = Array2::<f64>::zeros((p - 1, 3));
    err_kind(
        "more ranks than rows",
        DistArray::scatter(w, 0, (w.rank() == 0).then_some(&short)),
        ErrorKind::InvalidArgument,
        "at least one row",
    )?;
    // The root passes nothing.
    err_kind(
        "scatter without an array",
        DistArray::<f64, numbox::ndarray::Ix2>::scatter(w, 0, None::<&Array2<f64>>),
        ErrorKind::InvalidArgument,
        "passed no array",
    )?;
    err_kind(
        "root out of range",
        DistArray::scatter(w, p as i32, Some(&short)),
        ErrorKind::InvalidArgument,
        "out of range",
    )?;
    // from_local with a block that is not the partition's (the last rank one row too many,
    // where the partition gives the extra row to rank 0).
    let extra = usize::from(w.rank() as usize == p - 1 && p > 1);
    let mine = Array2::<f64>::zeros((2 + extra, 3));
    if p > 1 {
        err_kind(
            "from_local off the partition",
            DistArray::from_local(w, &mine),
            ErrorKind::ShapeMismatch,
            "rank 0 has 2 rows",
        )?;
    }
    let wide = Array2::<f64>::zeros((2, 3 + w.rank() as usize));
    if p > 1 {
        err_kind(
            "from_local rows of different lengths",
            DistArray::from_local(w, &wide),
            ErrorKind::ShapeMismatch,
            "differ beyond axis 0",
        )?;
    }
    // Operands of different global shapes.
    let a = scatter(w, &grid(2 * p, 4, 3))?;
    let b = scatter(w, &grid(2 * p + 1, 4, 3))?;
    err_kind(
        "vectorize on two partitions",
        add::dist().call(&a, &b),
        ErrorKind::ShapeMismatch,
        "one global shape",
    )?;
    err_kind(
        "stencil on two partitions",
        blend::dist().call(&a, 0.5, &b),
        ErrorKind::ShapeMismatch,
        "`b` has global shape",
    )?;
    // An ordinary array along the distributed axis.
    let full = grid(2 * p, 4, 3);
    err_kind(
        "replicated array along axis 0",
        add::dist().call(&a, &full),
        ErrorKind::Broadcast,
        "ordinary array of shape",
    )?;
    err_kind(
        "reduce axis out of range",
        add::dist().reduce(&a, Axis(2)),
        ErrorKind::AxisOutOfBounds,
        "axis 2",
    )?;
    let empty = scatter(w, &Array2::<f64>::zeros((p, 0)))?;
    err_kind(
        "empty reduce_all without identity",
        sub::dist().reduce_all(&empty),
        ErrorKind::EmptyReduction,
        "identity",
    )?;
    if ok("empty add", add::dist().reduce_all(&empty))?.to_bits() != 0.0f64.to_bits() {
        return Err("the empty sum is not the identity".into());
    }
    Ok(())
}

fn stencils(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    // Thin (one or two rows per rank) and thick blocks.
    for &rows in &[p, 2 * p + 1, 17 * p + 3] {
        let g = grid(rows, 9, rows as u64);
        let d = scatter(w, &g)?;
        macro_rules! cmp {
            ($k:ident) => {
                same_bits(
                    concat!(stringify!($k), " (rows ", "per grid)"),
                    &gathered(stringify!($k), &ok(stringify!($k), $k::dist().call(&d))?)?,
                    &ok(stringify!($k), $k::call(&g))?,
                )
                .map_err(|e| format!("{e} [{rows} rows]"))?;
            };
        }
        cmp!(laplace_skip);
        cmp!(laplace_constant);
        cmp!(laplace_nearest);
        cmp!(laplace_reflect);
        cmp!(laplace_mirror);
        cmp!(laplace_wrap);
        cmp!(far_wrap);
        cmp!(far_reflect);
        let g2 = grid(rows, 9, 77);
        let d2 = scatter(w, &g2)?;
        same_bits(
            "blend (two inputs, a scalar)",
            &gathered("blend", &ok("blend", blend::dist().call(&d, 0.25, &d2))?)?,
            &ok("blend", blend::call(&g, 0.25, &g2))?,
        )?;
        let v = Array1::from_iter((0..rows).map(|k| ((k * 37) % 23) as f64 - 7.5));
        let dv = scatter(w, &v)?;
        for (name, got, want) in [
            (
                "far_mirror",
                far_mirror::dist().call(&dv),
                far_mirror::call(&v),
            ),
            ("far_skip", far_skip::dist().call(&dv), far_skip::call(&v)),
            (
                "far_constant",
                far_constant::dist().call(&dv),
                far_constant::call(&v),
            ),
        ] {
            same_bits(name, &gathered(name, &ok(name, got)?)?, &ok(name, want)?)
                .map_err(|e| format!("{e} [{rows} rows]"))?;
        }
    }
    // Rows of no elements (a [rows, 0] grid) still have a halo of rows.
    let e = Array2::<f64>::zeros((2 * p + 1, 0));
    let de = scatter(w, &e)?;
    same_bits(
        "far_wrap on [rows, 0]",
        &gathered("empty rows", &ok("far_wrap", far_wrap::dist().call(&de))?)?,
        &ok("far_wrap", far_wrap::call(&e))?,
    )?;
    // call_into, and its output check.
    let g = grid(3 * p + 2, 7, 8);
    let d = scatter(w, &g)?;
    for (name, want) in [
        ("far_wrap", ok("far_wrap", far_wrap::call(&g))?),
        (
            "laplace_mirror",
            ok("laplace_mirror", laplace_mirror::call(&g))?,
        ),
    ] {
        let mut out = scatter(w, &Array2::from_elem(g.dim(), f64::NAN))?;
        let r = match name {
            "far_wrap" => far_wrap::dist().call_into(&d, &mut out),
            _ => laplace_mirror::dist().call_into(&d, &mut out),
        };
        ok(name, r)?;
        same_bits(&format!("{name} call_into"), &gathered(name, &out)?, &want)?;
    }
    let mut wrong = scatter(w, &grid(3 * p + 3, 7, 8))?;
    err_kind(
        "call_into a differently distributed output",
        far_wrap::dist().call_into(&d, &mut wrong),
        ErrorKind::OutputShape,
        "the output has global shape",
    )?;
    // 3-D, wrap across the first and last rank.
    let g3 = Array3::from_shape_fn((p + 3, 4, 5), |(i, j, k)| {
        ((i * 13 + j * 7 + k) % 11) as f64
    });
    let d3 = scatter(w, &g3)?;
    same_bits(
        "seven_point",
        &gathered("3-D", &ok("seven_point", seven_point::dist().call(&d3))?)?,
        &ok("seven_point", seven_point::call(&g3))?,
    )?;
    // A time loop: errors would compound.
    let g = grid(5 * p + 2, 11, 5);
    let mut d = scatter(w, &g)?;
    let mut s = g.clone();
    for _ in 0..6 {
        d = ok("step", laplace_wrap::dist().call(&d))?;
        d = ok(
            "scale",
            axpb::dist().call(0.1, &d, &gathered_local_like(&d)?),
        )?;
        s = ok("step", laplace_wrap::call(&s))?;
        s = ok("scale", axpb::call(0.1, &s, &s))?;
    }
    same_bits("time loop", &gathered("loop", &d)?, &s)
}

/// `d`'s own block as a second distributed operand (the same partition).
fn gathered_local_like(
    d: &DistArray<f64, numbox::ndarray::Ix2>,
) -> Result<DistArray<f64, numbox::ndarray::Ix2>, String> {
    ok("from_local", DistArray::from_local(d.comm(), &d.local()))
}

fn elementwise_and_reductions(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(7 * p + 2, 13, 9);
    let d = scatter(w, &g)?;
    // A distributed operand, a scalar and a replicated row (broadcast along axis 1).
    let row = Array1::from_iter((0..13).map(|k| k as f64 * 0.25 - 1.0));
    same_bits(
        "axpb",
        &gathered("axpb", &ok("axpb", axpb::dist().call(&d, &row, 2.5))?)?,
        &ok("axpb", axpb::call(&g, &row, 2.5))?,
    )?;
    let col = array![[3.0]];
    same_bits(
        "axpb with a [1, 1] array",
        &gathered("axpb", &ok("axpb", axpb::dist().call(&col, &d, &row))?)?,
        &ok("axpb", axpb::call(&col, &g, &row))?,
    )?;
    let b = ok("near", near::dist().call(&d, 0.0))?;
    if ok("near", b.all_gather())? != ok("near", near::call(&g, 0.0))? {
        return Err("near (bool output) differs".into());
    }
    // reduce_all across BLOCK boundaries that straddle ranks (several sizes).
    for &(n0, n1) in &[
        (p, 1),
        (3 * p + 1, 7),
        (2 * p + 1, 4096 + 3),
        (1500 * p + 7, 11),
        (p, 4096 * 3),
    ] {
        let g = grid(n0, n1, (n0 * n1) as u64);
        let d = scatter(w, &g)?;
        for (name, got, want) in [
            ("add", add::dist().reduce_all(&d), add::reduce_all(&g)),
            (
                "add parallel",
                Dist::new(add::parallel()).reduce_all(&d),
                add::parallel().reduce_all(&g),
            ),
            ("sub", sub::dist().reduce_all(&d), sub::reduce_all(&g)),
            (
                "max",
                maximum::dist().reduce_all(&d),
                maximum::reduce_all(&g),
            ),
        ] {
            let (got, want) = (ok(name, got)?, ok(name, want)?);
            if got.to_bits() != want.to_bits() {
                return Err(format!(
                    "{name}.reduce_all on [{n0}, {n1}]: {got:e}, want {want:e}"
                ));
            }
        }
        let gi = g.mapv(|x| (x * 1e6) as i64);
        let di = ok(
            "scatter",
            DistArray::scatter(w, 0, (w.rank() == 0).then_some(&gi)),
        )?;
        if ok("add_i", add_i::dist().reduce_all(&di))? != ok("add_i", add_i::reduce_all(&gi))? {
            return Err(format!("add_i.reduce_all on [{n0}, {n1}] differs"));
        }
        for axis in [Axis(0), Axis(1)] {
            same_bits(
                &format!("sub.reduce({axis:?}) on [{n0}, {n1}]"),
                &ok("sub.reduce", sub::dist().reduce(&d, axis))?,
                &ok("sub.reduce", sub::serial().reduce(&g, axis))?,
            )?;
            same_bits(
                &format!("add.reduce({axis:?}) on [{n0}, {n1}]"),
                &ok("add.reduce", add::dist().reduce(&d, axis))?,
                &ok("add.reduce", add::serial().reduce(&g, axis))?,
            )?;
        }
    }
    // A 3-D reduce along the last axis.
    let g3 = Array3::from_shape_fn((p + 1, 3, 40), |(i, j, k)| {
        ((i * 7 + j * 5 + k) % 13) as f64 * 0.1
    });
    let d3 = scatter(w, &g3)?;
    same_bits(
        "sub.reduce(2) 3-D",
        &ok("reduce", sub::dist().reduce(&d3, Axis(2)))?,
        &ok("reduce", sub::reduce(&g3, Axis(2)))?,
    )?;
    let dd = scatter(w, &g3.clone().into_dyn())?;
    let want: ArrayD<f64> = ok("reduce", sub::reduce(&g3.clone().into_dyn(), Axis(0)))?;
    same_bits(
        "sub.reduce(0) IxDyn",
        &ok("reduce", sub::dist().reduce(&dd, Axis(0)))?,
        &want,
    )?;
    let _ = IxDyn(&[0]);
    Ok(())
}

fn gufuncs(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(4 * p + 1, 6, 11);
    let d = scatter(w, &g)?;
    same_bits(
        "row_sum",
        &gathered("row_sum", &ok("row_sum", row_sum::dist().call(&d))?)?,
        &ok("row_sum", row_sum::call(&g))?.into_dyn(),
    )?;
    // Loop dimensions [rows, 3], a replicated core operand and a scalar.
    let g3 = Array3::from_shape_fn((p + 2, 3, 5), |(i, j, k)| {
        ((i * 5 + j * 3 + k) % 7) as f64 - 2.5
    });
    let d3 = scatter(w, &g3)?;
    let wv = Array1::from_iter((0..5).map(|k| k as f64 * 0.75));
    same_bits(
        "mix",
        &gathered("mix", &ok("mix", mix::dist().call(&d3, &wv, 0.5))?)?,
        &ok("mix", mix::call(&g3, &wv, 0.5))?.into_dyn(),
    )?;
    // A distributed 1-D operand has its axis 0 as the core dimension: an Err.
    let v = scatter(w, &Array1::from_iter((0..p + 1).map(|k| k as f64)))?;
    err_kind(
        "gufunc on a core-only distributed operand",
        row_sum::dist().call(&v),
        ErrorKind::CoreDimension,
        "no loop dimension",
    )
}

/// A global array of NaNs, scattered: an output whose every element must be overwritten.
fn nans<D: Dimension>(w: &SimpleCommunicator, shape: D) -> Result<DistArray<f64, D>, String> {
    scatter(w, &Array::from_elem(shape, f64::NAN))
}

fn vectorize_call_into(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    for &rows in &[p, 3 * p + 2] {
        let g = grid(rows, 13, rows as u64 + 40);
        let d = scatter(w, &g)?;
        let row = Array1::from_iter((0..13).map(|k| k as f64 * 0.25 - 1.0));
        // One output: a distributed operand, a replicated row and a scalar.
        let mut out = nans(w, g.raw_dim())?;
        ok("axpb", axpb::dist().call_into(&d, &row, 2.5, &mut out))?;
        let mut want = Array2::from_elem(g.dim(), f64::NAN);
        ok("axpb", axpb::call_into(&g, &row, 2.5, &mut want))?;
        same_bits("axpb call_into", &gathered("axpb", &out)?, &want)?;
        // Into a DistArray computed by a distributed call (the same partition).
        let mut again = ok("sub", sub::dist().call(&d, 1.0))?;
        ok("sub", sub::dist().call_into(&d, &row, &mut again))?;
        same_bits(
            "sub call_into a computed array",
            &gathered("sub", &again)?,
            &ok("sub", sub::call(&g, &row))?,
        )?;
        // The operands broadcast to the output: a distributed [rows, 1] column fills [rows, 13].
        let c = g.slice(numbox::ndarray::s![.., ..1]).to_owned();
        let dc = scatter(w, &c)?;
        let mut wide = nans(w, g.raw_dim())?;
        ok("axpb", axpb::dist().call_into(&dc, &row, 0.5, &mut wide))?;
        let mut want = Array2::from_elem(g.dim(), f64::NAN);
        ok("axpb", axpb::call_into(&c, &row, 0.5, &mut want))?;
        same_bits(
            "axpb call_into, broadcast",
            &gathered("axpb", &wide)?,
            &want,
        )?;
        // Two outputs, as a tuple.
        let (mut fl, mut fr) = (nans(w, g.raw_dim())?, nans(w, g.raw_dim())?);
        ok(
            "floor_frac",
            floor_frac::dist().call_into(&d, 0.3, (&mut fl, &mut fr)),
        )?;
        let (mut wl, mut wr) = (
            Array2::from_elem(g.dim(), f64::NAN),
            Array2::from_elem(g.dim(), f64::NAN),
        );
        ok(
            "floor_frac",
            floor_frac::call_into(&g, 0.3, (&mut wl, &mut wr)),
        )?;
        same_bits("floor_frac output 0", &gathered("fl", &fl)?, &wl)?;
        same_bits("floor_frac output 1", &gathered("fr", &fr)?, &wr)?;
    }
    // Errors, on every rank alike: another partition, another dimensionality, a trailing
    // shape the operands do not broadcast to.
    let g = grid(3 * p + 2, 13, 3);
    let d = scatter(w, &g)?;
    let mut longer = nans(w, numbox::ndarray::Ix2(3 * p + 3, 13))?;
    err_kind(
        "vectorize call_into another partition",
        add::dist().call_into(&d, 1.0, &mut longer),
        ErrorKind::OutputShape,
        "output 0 has global shape [",
    )?;
    let mut deeper = nans(w, numbox::ndarray::Ix3(3 * p + 2, 2, 13))?;
    err_kind(
        "vectorize call_into with more dimensions",
        add::dist().call_into(&d, 1.0, &mut deeper),
        ErrorKind::OutputShape,
        "2 dimensions",
    )?;
    let mut narrow = nans(w, numbox::ndarray::Ix2(3 * p + 2, 12))?;
    err_kind(
        "vectorize call_into a narrower output",
        add::dist().call_into(&d, 1.0, &mut narrow),
        ErrorKind::OutputShape,
        "add.dist (this rank's blocks)",
    )?;
    let mut ok0 = nans(w, g.raw_dim())?;
    err_kind(
        "floor_frac call_into, second output on another partition",
        floor_frac::dist().call_into(&d, 0.3, (&mut ok0, &mut longer)),
        ErrorKind::OutputShape,
        "output 1 has global shape",
    )?;
    Ok(())
}

fn gufunc_call_into_and_outputs(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(4 * p + 1, 6, 12);
    let d = scatter(w, &g)?;
    // One output, 1-D loop.
    let mut sums = nans(w, numbox::ndarray::Ix1(g.nrows()))?;
    ok("row_sum", row_sum::dist().call_into(&d, &mut sums))?;
    let mut want = Array1::from_elem(g.nrows(), f64::NAN);
    ok("row_sum", row_sum::call_into(&g, &mut want))?;
    same_bits("row_sum call_into", &gathered("row_sum", &sums)?, &want)?;
    // Loop dimensions [rows, 3], a replicated core operand and a scalar; into IxDyn.
    let g3 = Array3::from_shape_fn((p + 2, 3, 5), |(i, j, k)| {
        ((i * 5 + j * 3 + k) % 7) as f64 - 2.5
    });
    let d3 = scatter(w, &g3)?;
    let wv = Array1::from_iter((0..5).map(|k| k as f64 * 0.75));
    let mut m = nans(w, IxDyn(&[p + 2, 3, 5]))?;
    ok("mix", mix::dist().call_into(&d3, &wv, 0.5, &mut m))?;
    let mut want = Array3::from_elem((p + 2, 3, 5), f64::NAN);
    ok("mix", mix::call_into(&g3, &wv, 0.5, &mut want))?;
    same_bits("mix call_into", &gathered("mix", &m)?, &want.into_dyn())?;
    // Two outputs: call gives a tuple, call_into takes one.
    let (lo, sh) = ok("low_and_shift", low_and_shift::dist().call(&d, 0.5))?;
    let (wlo, wsh) = ok("low_and_shift", low_and_shift::call(&g, 0.5))?;
    same_bits(
        "low_and_shift.0",
        &gathered("lo", &lo)?,
        &wlo.clone().into_dyn(),
    )?;
    same_bits(
        "low_and_shift.1",
        &gathered("sh", &sh)?,
        &wsh.clone().into_dyn(),
    )?;
    let (mut lo, mut sh) = (
        nans(w, numbox::ndarray::Ix1(g.nrows()))?,
        nans(w, g.raw_dim())?,
    );
    ok(
        "low_and_shift",
        low_and_shift::dist().call_into(&d, 0.5, (&mut lo, &mut sh)),
    )?;
    same_bits("low_and_shift call_into.0", &gathered("lo", &lo)?, &wlo)?;
    same_bits("low_and_shift call_into.1", &gathered("sh", &sh)?, &wsh)?;
    // Three outputs of two element types.
    let (a, b, c) = ok("three_stats", three_stats::dist().call(&d))?;
    let (wa, wb, wc) = ok("three_stats", three_stats::call(&g))?;
    same_bits("three_stats.0", &gathered("a", &a)?, &wa.clone().into_dyn())?;
    same_bits("three_stats.1", &gathered("b", &b)?, &wb.clone().into_dyn())?;
    if gathered("c", &c)? != wc.clone().into_dyn() {
        return Err("three_stats.2 (i64) differs".into());
    }
    let (mut a, mut b) = (
        nans(w, numbox::ndarray::Ix1(g.nrows()))?,
        nans(w, numbox::ndarray::Ix1(g.nrows()))?,
    );
    let mut c = ok(
        "scatter i64",
        DistArray::scatter(
            w,
            0,
            (w.rank() == 0).then_some(&Array1::<i64>::from_elem(g.nrows(), -1)),
        ),
    )?;
    ok(
        "three_stats",
        three_stats::dist().call_into(&d, (&mut a, &mut b, &mut c)),
    )?;
    same_bits("three_stats call_into.0", &gathered("a", &a)?, &wa)?;
    same_bits("three_stats call_into.1", &gathered("b", &b)?, &wb)?;
    if gathered("c", &c)? != wc {
        return Err("three_stats call_into.2 (i64) differs".into());
    }
    // Errors: an output on another partition; an output whose axis 0 is not the loop axis
    // (a [rows, 1] output for a scalar core); a core length that does not fit.
    let mut longer = nans(w, numbox::ndarray::Ix1(g.nrows() + 1))?;
    err_kind(
        "gufunc call_into another partition",
        row_sum::dist().call_into(&d, &mut longer),
        ErrorKind::OutputShape,
        "output 0 has global shape [",
    )?;
    let mut deeper = nans(w, numbox::ndarray::Ix2(g.nrows(), 1))?;
    err_kind(
        "gufunc call_into with an extra axis",
        row_sum::dist().call_into(&d, &mut deeper),
        ErrorKind::OutputShape,
        "1 dimensions",
    )?;
    let (mut lo, mut narrow) = (
        nans(w, numbox::ndarray::Ix1(g.nrows()))?,
        nans(w, numbox::ndarray::Ix2(g.nrows(), 5))?,
    );
    let r = low_and_shift::dist().call_into(&d, 0.5, (&mut lo, &mut narrow));
    match r {
        Err(e)
            if e.message()
                .contains("low_and_shift.dist (this rank's blocks)") =>
        {
            Ok(())
        }
        Err(e) => Err(format!("low_and_shift with a narrow core output: {e}")),
        Ok(()) => Err("low_and_shift with a narrow core output: Ok".into()),
    }
}

// ------------------------------------------- MPI errors, overlapped halos, tuple results

/// MPI errors on a `DistArray`'s communicator come back as `Err` (the communicator numbox
/// owns returns error codes), on every rank that makes the failing call, and leave the
/// communicator usable.
fn mpi_errors(w: &SimpleCommunicator) -> Check {
    use numbox::dist::__test_hooks as hooks;
    let p = w.size() as usize;
    let g = grid(4 * p + 1, 6, 5);
    let d = scatter(w, &g)?;
    let me = format!("on rank {} of {p}", w.rank());
    let isend = format!("send_to_missing_rank: MPI_Isend of 1 elements to rank {p} failed");
    for needle in [&isend, &me, "MPI_ERR_RANK: invalid rank"] {
        err_kind(
            "a send to a rank the communicator lacks",
            hooks::send_to_missing_rank(&d),
            ErrorKind::Mpi,
            needle,
        )?;
    }
    for needle in [
        "broadcast_from_missing_root: MPI_Bcast failed",
        &me,
        "MPI_ERR_ROOT",
    ] {
        err_kind(
            "a broadcast from a root the communicator lacks",
            hooks::broadcast_from_missing_root(&d),
            ErrorKind::Mpi,
            needle,
        )?;
    }
    // The same communicator, after the errors: halos, gathers and reductions still work.
    same_bits(
        "laplace_wrap after MPI errors",
        &gathered("after", &ok("laplace_wrap", laplace_wrap::dist().call(&d))?)?,
        &ok("laplace_wrap", laplace_wrap::call(&g))?,
    )?;
    let got = ok("add.reduce_all", add::dist().reduce_all(&d))?;
    let want = ok("add.reduce_all", add::reduce_all(&g))?;
    if got.to_bits() != want.to_bits() {
        return Err(format!(
            "reduce_all after MPI errors: {got:e}, want {want:e}"
        ));
    }
    Ok(())
}

/// The halo exchange overlapped with the block's call: several inputs' halos in one batch,
/// rows longer than Open MPI's 4 KiB eager limit on shared memory (the rendezvous protocol),
/// blocks thinner and thicker than the reach, `call` and `call_into`: the single-process
/// bits.
fn overlapped_halos(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    for &(rows, cols) in &[(p, 700), (2 * p + 1, 600), (9 * p + 4, 640), (6 * p, 3)] {
        let g = grid(rows, cols, 3);
        let g2 = grid(rows, cols, 4);
        let (d, d2) = (scatter(w, &g)?, scatter(w, &g2)?);
        let what = format!("[{rows}, {cols}]");
        let want = ok("blend", blend::call(&g, -0.75, &g2))?;
        let got = ok("blend.dist", blend::dist().call(&d, -0.75, &d2))?;
        same_bits(
            &format!("blend call {what}"),
            &gathered("blend", &got)?,
            &want,
        )?;
        let mut out = scatter(w, &Array2::from_elem(g.dim(), f64::NAN))?;
        ok(
            "blend.dist",
            blend::dist().call_into(&d, -0.75, &d2, &mut out),
        )?;
        same_bits(
            &format!("blend call_into {what}"),
            &gathered("blend", &out)?,
            &want,
        )?;
        let want = ok("far_wrap", far_wrap::call(&g))?;
        ok("far_wrap.dist", far_wrap::dist().call_into(&d2, &mut out))
            .and_then(|()| ok("far_wrap.dist", far_wrap::dist().call_into(&d, &mut out)))?;
        same_bits(
            &format!("far_wrap call_into {what}"),
            &gathered("far_wrap", &out)?,
            &want,
        )?;
    }
    Ok(())
}

/// A kernel that panics inside the overlapped exchange (on a value planted in the middle of
/// every rank's block): the halo messages complete before the panic leaves the call, so the
/// next exchange on the same communicator gets the right rows.
fn panic_during_the_halo(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let rows = 10 * p;
    let mut g = grid(rows, 5, 6);
    let part = part_of(rows, w);
    for r in 0..p {
        g[[part.range(r).start + 5, 2]] = 1e301;
    }
    let d = scatter(w, &g)?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| trip::dist().call(&d)));
    std::panic::set_hook(hook);
    if r.is_ok() {
        return Err("trip: the planted value did not panic in the kernel".into());
    }
    for _ in 0..2 {
        same_bits(
            "laplace_wrap after a panic during the halo exchange",
            &gathered("after", &ok("laplace_wrap", laplace_wrap::dist().call(&d))?)?,
            &ok("laplace_wrap", laplace_wrap::call(&g))?,
        )?;
    }
    Ok(())
}

/// `#[vectorize]` `dist().call` of a kernel with several outputs: a tuple of `DistArray`s.
fn vectorize_call_tuple(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(5 * p + 3, 7, 9);
    let d = scatter(w, &g)?;
    let (fl, fr) = ok("floor_frac.dist", floor_frac::dist().call(&d, 0.3))?;
    let (wl, wr) = ok("floor_frac", floor_frac::call(&g, 0.3))?;
    same_bits("floor_frac call output 0", &gathered("fl", &fl)?, &wl)?;
    same_bits("floor_frac call output 1", &gathered("fr", &fr)?, &wr)?;
    if fl.partition() != d.partition() || fr.global_shape() != g.shape() {
        return Err("floor_frac call: the outputs are not distributed like the input".into());
    }
    // A replicated operand broadcasting along the trailing axis, and a 3-D result.
    let s = Array1::from_iter((0..7).map(|k| 0.1 + k as f64 * 0.2));
    let (fl, fr) = ok("floor_frac.dist", floor_frac::dist().call(&d, &s))?;
    let (wl, wr) = ok("floor_frac", floor_frac::call(&g, &s))?;
    same_bits(
        "floor_frac call, broadcast, output 0",
        &gathered("fl", &fl)?,
        &wl,
    )?;
    same_bits(
        "floor_frac call, broadcast, output 1",
        &gathered("fr", &fr)?,
        &wr,
    )?;
    let g3 = Array3::from_shape_fn((p + 2, 3, 4), |(i, j, k)| {
        (i * 12 + j * 4 + k) as f64 * 0.37
    });
    let d3 = scatter(w, &g3)?;
    let (fl, fr) = ok("floor_frac.dist", floor_frac::dist().call(&d3, 2.5))?;
    let (wl, wr) = ok("floor_frac", floor_frac::call(&g3, 2.5))?;
    same_bits("floor_frac call 3-D output 0", &gathered("fl", &fl)?, &wl)?;
    same_bits("floor_frac call 3-D output 1", &gathered("fr", &fr)?, &wr)?;
    // Operands on two partitions: an Err on every rank.
    let longer = scatter(w, &grid(5 * p + 4, 7, 9))?;
    err_kind(
        "floor_frac call on two partitions",
        floor_frac::dist().call(&d, &longer),
        ErrorKind::ShapeMismatch,
        "floor_frac.dist: the distributed inputs must have one global shape",
    )
}

fn parallel_loops(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(30 * p + 7, 9, 21);
    let d = scatter(w, &g)?;
    let (c, m) = count_and_max(d.local().as_slice().expect("standard layout"));
    let c = fold_ranks(w, c, |a, b| a + b);
    let m = fold_ranks(w, m, f64::max);
    let (c1, m1) = count_and_max(g.as_slice().expect("standard layout"));
    if (c, m.to_bits()) != (c1, m1.to_bits()) {
        return Err(format!(
            "parallel_loop per rank + fold_ranks: ({c}, {m}), want ({c1}, {m1})"
        ));
    }
    Ok(())
}

// ------------------------------------------------------- parallel_loop across ranks (on_rows)

#[parallel_loop]
fn weighted_sum(u: ArrayView2<f64>) -> f64 {
    let mut s = 0.25;
    for i in prange(0..u.nrows()) {
        for j in 0..u.ncols() {
            s += u[[i, j]] * (j as f64 + 0.5) / 7.0;
        }
    }
    s
}

#[parallel_loop]
fn min_max(u: ArrayView2<f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in prange(0..u.nrows()) {
        for j in 0..u.ncols() {
            lo = lo.min(u[[i, j]] * 1.5);
            hi = hi.max(u[[i, j]] - j as f64);
        }
    }
    (lo, hi)
}

/// Three float reductions with `+=`, `-=` and `*=`, and a complex sum.
#[parallel_loop]
fn moments(u: ArrayView2<f64>) -> (f64, f64, f64, Complex64) {
    let (mut s, mut q, mut d) = (0.0, 1.0, 1.0);
    let mut z = Complex64::new(0.0, 0.0);
    for i in prange(0..u.nrows()) {
        s += u[[i, 0]] / 3.0;
        q -= u[[i, 1]] * u[[i, 1]] / 9.0;
        d *= 1.0 + u[[i, 2]] * 1e-4;
        z += Complex64::new(u[[i, 0]], u[[i, 2]]) * Complex64::new(0.3, -1.0 / 7.0);
    }
    (s, q, d, z)
}

/// A `fastmath` sum (8 lanes per block) that also writes an output row.
#[parallel_loop(fastmath)]
fn fast_sum(u: ArrayView2<f64>, mut out: ArrayViewMut2<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in prange(0..u.nrows()) {
        out[[i, 0]] = u[[i, 1]].tanh();
        s += u[[i, 0]];
    }
    s
}

/// The plain sum of column 0.
#[parallel_loop]
fn plain_sum(u: ArrayView2<f64>) -> f64 {
    let mut s = 0.0;
    for i in prange(0..u.nrows()) {
        s += u[[i, 0]];
    }
    s
}

/// Column 0 holds groups `a, b, -a, -b` of numbers of magnitudes from 2^-20 to 2^20: the running sums
/// are large, the total is only their rounding errors, so a block folded in another order (or
/// its lanes paired otherwise) changes the total's bits instead of vanishing below its last
/// bit.
fn order_sensitive(rows: usize) -> Array2<f64> {
    let a = |k: usize| {
        let h = (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
        let mantissa = 1.0 + (h % 1_000_003) as f64 / 1_000_003.0;
        mantissa * 2f64.powi(((h >> 20) % 41) as i32 - 20)
    };
    // Groups of 4 rows: a, b, -a, -b (zeros in an incomplete last group).
    Array2::from_shape_fn((rows, 2), |(i, j)| match j {
        0 if i / 4 * 4 + 4 > rows => 0.0,
        0 if i % 4 < 2 => a(i),
        0 => -a(i - 2),
        _ => (i % 13) as f64 / 5.0 - 1.0,
    })
}

#[parallel_loop]
fn int_stats(x: &[i64]) -> (i64, i64, i64, i64, bool, i64) {
    let (mut s, mut xo, mut o, mut a) = (5, 0, 0, -1);
    let (mut any, mut big) = (false, i64::MIN);
    for i in prange(0..x.len()) {
        s += x[i] * 3;
        xo ^= x[i] << (x[i] & 3); // not `i`: that is the rank's local row
        o |= x[i];
        a &= x[i] | 0x30;
        any |= x[i] == 1000;
        big = big.max(x[i] * 7 % 101);
    }
    (s, xo, o, a, any, big)
}

/// No reduction: each rank's rows, written in place.
#[parallel_loop]
fn scaled_rows(u: ArrayView2<f64>, mut out: ArrayViewMut2<'_, f64>) {
    for i in prange(0..u.nrows()) {
        for j in 0..u.ncols() {
            out[[i, j]] = u[[i, j]] * 2.0 + j as f64;
        }
    }
}

/// A reduction kernel called from a `prange` body: it runs on the rank's row alone.
#[parallel_loop]
fn row_sums(u: ArrayView2<f64>, out: &mut [f64]) {
    for i in prange(0..u.nrows()) {
        out[i] = weighted_sum(u.slice(numbox::ndarray::s![i..i + 1, ..]));
    }
}

/// A reduction over the columns: not the distributed axis.
#[parallel_loop]
fn column_sum(u: ArrayView2<f64>) -> f64 {
    let mut s = 0.0;
    for j in prange(0..u.ncols()) {
        s += u[[0, j]];
    }
    s
}

/// A reduction type of the user's: it cannot travel between ranks.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Meters(f64);

impl numbox::parallel_loop::Zero for Meters {
    fn zero() -> Self {
        Meters(-0.0)
    }
}

impl std::ops::AddAssign for Meters {
    fn add_assign(&mut self, o: Meters) {
        self.0 += o.0;
    }
}

#[parallel_loop]
fn total_meters(u: ArrayView2<f64>) -> Meters {
    let mut m = Meters(0.0);
    for i in prange(0..u.nrows()) {
        m += Meters(u[[i, 0]]);
    }
    m
}

fn bits_eq(what: &str, got: &[f64], want: &[f64]) -> Check {
    if got
        .iter()
        .map(|x| x.to_bits())
        .ne(want.iter().map(|x| x.to_bits()))
    {
        return Err(format!("{what}: {got:?}, want the bits of {want:?}"));
    }
    Ok(())
}

/// Every reduction of a row `prange` run through `on_rows` has the bits of the
/// single-process call, on every rank, for row counts whose reduction grid (blocks of
/// ceil(rows / 1024) rows) straddles the rank boundaries, and for one row per rank.
fn on_rows_reductions(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    for rows in [
        p,
        2 * p + 1,
        1000,
        1025,
        3 * 1024 + 7,
        7 * 1024 + 1,
        5000 + 3 * p,
        21_011,
    ] {
        let g = grid(rows, 3, rows as u64);
        let d = scatter(w, &g)?;
        let what = |k: &str| format!("{k}, {rows} rows over {p} ranks");

        let got = ok(
            &what("weighted_sum"),
            on_rows(&d, || weighted_sum(d.local())),
        )?;
        bits_eq(&what("weighted_sum"), &[got], &[weighted_sum(g.view())])?;

        let (lo, hi) = ok(&what("min_max"), on_rows(&d, || min_max(d.local())))?;
        let (lo1, hi1) = min_max(g.view());
        bits_eq(&what("min_max"), &[lo, hi], &[lo1, hi1])?;

        // Two reductions in one scope, in different loops.
        let ((s, q, m, z), again) = ok(
            &what("moments"),
            on_rows(&d, || (moments(d.local()), weighted_sum(d.local()))),
        )?;
        let (s1, q1, m1, z1) = moments(g.view());
        bits_eq(
            &what("moments"),
            &[s, q, m, z.re, z.im, again],
            &[s1, q1, m1, z1.re, z1.im, weighted_sum(g.view())],
        )?;

        let mut out = ok(
            "from_local",
            DistArray::from_local(w, &Array2::<f64>::zeros((d.rows().len(), 2))),
        )?;
        let h = order_sensitive(rows);
        let dh = scatter(w, &h)?;
        let (f, t) = ok(
            &what("fast_sum"),
            on_rows(&dh, || {
                (fast_sum(dh.local(), out.local_mut()), plain_sum(dh.local()))
            }),
        )?;
        let mut out1 = Array2::<f64>::zeros((rows, 2));
        let f1 = fast_sum(h.view(), out1.view_mut());
        bits_eq(
            &what("fast_sum, plain_sum"),
            &[f, t],
            &[f1, plain_sum(h.view())],
        )?;
        same_bits(&what("fast_sum's output"), &gathered("out", &out)?, &out1)?;

        let mut scaled = ok(
            "from_local",
            DistArray::from_local(w, &Array2::<f64>::zeros((d.rows().len(), 3))),
        )?;
        ok(
            &what("scaled_rows"),
            on_rows(&d, || scaled_rows(d.local(), scaled.local_mut())),
        )?;
        let mut scaled1 = Array2::<f64>::zeros((rows, 3));
        scaled_rows(g.view(), scaled1.view_mut());
        same_bits(
            &what("scaled_rows"),
            &gathered("scaled", &scaled)?,
            &scaled1,
        )?;

        let xs = Array1::from_shape_fn(rows, |i| ((i * 7919) % 1201) as i64 - 200);
        let dx = ok(
            "scatter",
            DistArray::scatter(w, 0, (w.rank() == 0).then_some(&xs)),
        )?;
        let got = ok(
            &what("int_stats"),
            on_rows(&dx, || {
                int_stats(dx.local().as_slice().expect("standard layout"))
            }),
        )?;
        let want = int_stats(xs.as_slice().expect("standard layout"));
        if got != want {
            return Err(format!("{}: {got:?}, want {want:?}", what("int_stats")));
        }
    }
    Ok(())
}

/// A reduction over another range, or of a type that cannot travel, is an `Err` on every
/// rank (no rank left waiting), and the next scope works.
fn on_rows_errors(w: &SimpleCommunicator) -> Check {
    let p = w.size() as usize;
    let g = grid(4 * p + 1, 2, 5);
    let d = scatter(w, &g)?;
    let r = on_rows(&d, || {
        // The second reduction is over the 2 columns: the third runs locally, without
        // communicating, and the scope fails.
        let a = weighted_sum(d.local());
        let c = column_sum(d.local());
        (a, c, weighted_sum(d.local()))
    });
    err_kind(
        "on_rows with a prange over the columns",
        r,
        ErrorKind::ShapeMismatch,
        "reduction 2 of the scope",
    )?;
    let r = on_rows(&d, || total_meters(d.local()));
    err_kind("on_rows reducing a user type", r, ErrorKind::DType, "`m`")?;
    // A kernel with reductions called from a prange body stays on its rank, also when
    // the scope's thread (here the main thread, made the only worker of a pool) runs the
    // body itself.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let mut sums = vec![0.0; d.rows().len()];
    let r = on_rows(&d, || row_sums(d.local(), &mut sums));
    drop(pool);
    ok("row_sums in on_rows", r)?;
    let mut sums1 = vec![0.0; g.nrows()];
    row_sums(g.view(), &mut sums1);
    bits_eq("row_sums in on_rows", &sums, &sums1[d.rows()])?;
    // The scopes are gone: plain calls are local again, and a new scope works.
    bits_eq(
        "column_sum outside on_rows",
        &[column_sum(d.local())],
        &[d.local()[[0, 0]] + d.local()[[0, 1]]],
    )?;
    let got = ok(
        "on_rows after errors",
        on_rows(&d, || weighted_sum(d.local())),
    )?;
    bits_eq("on_rows after errors", &[got], &[weighted_sum(g.view())])
}

fn main() {
    let secs: u64 = std::env::var("NUMBOX_DIST_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(secs));
        eprintln!("dist: timed out after {secs} s (NUMBOX_DIST_TIMEOUT): a rank is stuck");
        std::process::exit(124);
    });
    let universe = mpi::initialize().expect("MPI is initialised once");
    let w = universe.world();
    let checks: [Named; 14] = [
        ("partition_and_roundtrips", partition_and_roundtrips),
        ("errors", errors),
        ("stencils", stencils),
        ("elementwise_and_reductions", elementwise_and_reductions),
        ("vectorize_call_into", vectorize_call_into),
        ("gufuncs", gufuncs),
        ("gufunc_call_into_and_outputs", gufunc_call_into_and_outputs),
        ("mpi_errors", mpi_errors),
        ("overlapped_halos", overlapped_halos),
        ("panic_during_the_halo", panic_during_the_halo),
        ("vectorize_call_tuple", vectorize_call_tuple),
        ("parallel_loops", parallel_loops),
        ("on_rows_reductions", on_rows_reductions),
        ("on_rows_errors", on_rows_errors),
    ];
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut failed = 0u64;
    for (name, check) in checks {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        match check(&w) {
            Ok(()) => {
                if w.rank() == 0 {
                    println!("test {name} ... ok ({} ranks)", w.size());
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "test {name} ... FAILED on rank {} of {}: {e}",
                    w.rank(),
                    w.size()
                );
            }
        }
        // Keep the ranks in step between checks, so a failure cannot desynchronise the next.
        w.barrier();
    }
    let mut total = 0u64;
    w.all_reduce_into(&failed, &mut total, mpi::collective::SystemOperation::sum());
    if w.rank() == 0 {
        println!(
            "dist: {} on {} ranks ({} failures over all ranks)",
            if total == 0 { "ok" } else { "FAILED" },
            w.size(),
            total
        );
    }
    drop(universe);
    std::process::exit(if total == 0 { 0 } else { 1 });
}
