//! `#[parallel_loop]` against the same code run serially: each kernel below has a plain copy
//! without the attribute (`*_serial`) as its reference.
#![allow(clippy::needless_range_loop, clippy::manual_is_multiple_of)]

use numbox::ndarray::{s, Array1, Array2, Array3, ArrayView1, ArrayViewMut2, Axis};
use numbox::num_complex::Complex64;
use numbox::prelude::*;
use proptest::prelude::*;

/// Runs `f` in rayon pools of 1, 2, 3 and 4 threads.
fn in_pools<R: Send>(f: impl Fn() -> R + Sync) -> Vec<R> {
    (1..=4)
        .map(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
                .install(&f)
        })
        .collect()
}

fn data(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 0.7
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The Julia set (High Performance Python's calculate_z, the seed workload)

fn julia_inputs(width: usize) -> Vec<Complex64> {
    // The book's grid construction, float accumulation included.
    let (x1, x2, y1, y2) = (-1.8_f64, 1.8, -1.8, 1.8);
    let (x_step, y_step) = ((x2 - x1) / width as f64, (y1 - y2) / width as f64);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    let mut yc = y2;
    while yc > y1 {
        y.push(yc);
        yc += y_step;
    }
    let mut xc = x1;
    while xc < x2 {
        x.push(xc);
        xc += x_step;
    }
    y.iter()
        .flat_map(|&yc| x.iter().map(move |&xc| Complex64::new(xc, yc)))
        .collect()
}

#[parallel_loop]
fn julia(maxiter: u32, zs: &[Complex64], c: Complex64, out: &mut [u32]) {
    for i in prange(0..zs.len()) {
        let (mut z, mut n) = (zs[i], 0);
        while n < maxiter && z.norm() < 2.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

fn julia_serial(maxiter: u32, zs: &[Complex64], c: Complex64, out: &mut [u32]) {
    for i in 0..zs.len() {
        let (mut z, mut n) = (zs[i], 0);
        while n < maxiter && z.norm() < 2.0 {
            z = z * z + c;
            n += 1;
        }
        out[i] = n;
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn julia_matches_serial_and_the_book_checksum() {
    let zs = julia_inputs(1000);
    let c = Complex64::new(-0.62772, -0.42193);
    let mut expected = vec![0; zs.len()];
    julia_serial(300, &zs, c, &mut expected);
    // High Performance Python's checksum for this grid.
    assert_eq!(expected.iter().map(|&n| n as u64).sum::<u64>(), 33_219_980);
    for got in in_pools(|| {
        let mut out = vec![u32::MAX; zs.len()];
        julia(300, &zs, c, &mut out);
        out
    }) {
        assert!(got == expected);
    }
}

// ---------------------------------------------------------------------------------------
// Float reductions: bit-identical for any thread count

#[parallel_loop]
fn sum_exp(x: ArrayView1<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp();
    }
    s
}

fn sum_exp_serial(x: ArrayView1<'_, f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    s
}

#[parallel_loop]
fn stats(x: &[f64]) -> (f64, f64, f64, f64, f32) {
    let (mut sum, mut prod, mut lo, mut hi) = (10.0, 1.0, f64::INFINITY, f64::NEG_INFINITY);
    let mut diff = 0.0_f32;
    for i in prange(0..x.len()) {
        let v = x[i];
        sum += v * v;
        prod *= 1.0 + v * 1e-3;
        lo = lo.min(v);
        hi = hi.max(v);
        diff -= v as f32;
    }
    (sum, prod, lo, hi, diff)
}

fn stats_serial(x: &[f64]) -> (f64, f64, f64, f64, f32) {
    let (mut sum, mut prod, mut lo, mut hi) = (10.0, 1.0, f64::INFINITY, f64::NEG_INFINITY);
    let mut diff = 0.0_f32;
    for i in 0..x.len() {
        let v = x[i];
        sum += v * v;
        prod *= 1.0 + v * 1e-3;
        lo = lo.min(v);
        hi = hi.max(v);
        diff -= v as f32;
    }
    (sum, prod, lo, hi, diff)
}

fn close(a: f64, b: f64, rtol: f64) -> bool {
    (a - b).abs() <= rtol * a.abs().max(b.abs())
}

#[test]
#[cfg_attr(miri, ignore)]
fn float_reductions_have_the_same_bits_in_every_pool() {
    let x = Array1::from(data(200_003, 1));
    let sums = in_pools(|| sum_exp(x.view()).to_bits());
    assert!(sums.iter().all(|&b| b == sums[0]), "{sums:?}");
    assert!(close(
        f64::from_bits(sums[0]),
        sum_exp_serial(x.view()),
        1e-12
    ));

    let xs = x.to_vec();
    let all = in_pools(|| stats(&xs));
    let bits = |s: &(f64, f64, f64, f64, f32)| {
        (
            s.0.to_bits(),
            s.1.to_bits(),
            s.2.to_bits(),
            s.3.to_bits(),
            s.4.to_bits(),
        )
    };
    assert!(all.iter().all(|s| bits(s) == bits(&all[0])));
    let (sum, prod, lo, hi, diff) = all[0];
    let r = stats_serial(&xs);
    // The initial value 10.0 is applied once (not once per thread or block).
    assert!(close(sum, r.0, 1e-12) && sum > 10.0, "{sum} vs {}", r.0);
    assert!(close(prod, r.1, 1e-10));
    assert_eq!((lo, hi), (r.2, r.3));
    assert!(close(diff as f64, r.4 as f64, 1e-3));
}

#[test]
#[cfg_attr(miri, ignore)]
fn empty_range_keeps_initial_values() {
    assert_eq!(
        stats(&[]),
        (10.0, 1.0, f64::INFINITY, f64::NEG_INFINITY, 0.0)
    );
    assert_eq!(sum_exp(ArrayView1::from(&[][..])), 0.0);
}

// ---------------------------------------------------------------------------------------
// Integer reductions, bit operators, several reductions, `continue`

#[parallel_loop]
fn int_reductions(x: &[u64]) -> (u64, u64, u64, u64, i64, u64, u32, bool) {
    let (mut or, mut and, mut xor, mut left) = (0_u64, u64::MAX, 0xdead_beef_u64, u64::MAX);
    let (mut total, mut count, mut big, mut all_even) = (10_i64, 0_u64, 0_u32, true);
    for i in prange(0..x.len()) {
        let v = x[i];
        or |= v;
        and &= v | 1;
        xor ^= v.rotate_left(i as u32 % 64);
        left -= v % 1000;
        total += (v % 7) as i64 - 3;
        if v % 3 == 0 {
            continue;
        }
        count += 1;
        big = big.max((v >> 40) as u32);
        all_even &= v % 2 == 0;
    }
    (or, and, xor, left, total, count, big, all_even)
}

fn int_reductions_serial(x: &[u64]) -> (u64, u64, u64, u64, i64, u64, u32, bool) {
    let (mut or, mut and, mut xor, mut left) = (0_u64, u64::MAX, 0xdead_beef_u64, u64::MAX);
    let (mut total, mut count, mut big, mut all_even) = (10_i64, 0_u64, 0_u32, true);
    for i in 0..x.len() {
        let v = x[i];
        or |= v;
        and &= v | 1;
        xor ^= v.rotate_left(i as u32 % 64);
        left -= v % 1000;
        total += (v % 7) as i64 - 3;
        if v % 3 == 0 {
            continue;
        }
        count += 1;
        big = big.max((v >> 40) as u32);
        all_even &= v % 2 == 0;
    }
    (or, and, xor, left, total, count, big, all_even)
}

fn ints(n: usize, seed: u64) -> Vec<u64> {
    data(n, seed)
        .iter()
        .map(|v| (v.to_bits()).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .collect()
}

#[test]
#[cfg_attr(miri, ignore)]
fn integer_and_bit_reductions_match_serial() {
    for n in [0, 1, 5, 1023, 1025, 50_000] {
        let x = ints(n, n as u64);
        let expected = int_reductions_serial(&x);
        for got in in_pools(|| int_reductions(&x)) {
            assert_eq!(got, expected, "n = {n}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Disjoint writes: rows of 2-D arrays, views, Vec elements

#[parallel_loop]
fn fill_rows(x: &[f64], out: &mut Array2<f64>, mut view: ArrayViewMut2<'_, f64>) {
    for i in prange(0..out.nrows()) {
        let mut row = out.row_mut(i);
        for j in 0..row.len() {
            row[j] = x[i] * j as f64;
        }
        for j in 0..view.ncols() {
            view[[i, j]] = x[i] + j as f64;
        }
        view[[i, 0]] += 100.0;
        view.index_axis_mut(Axis(0), i)[1] *= 2.0;
    }
}

fn fill_rows_serial(x: &[f64], out: &mut Array2<f64>, mut view: ArrayViewMut2<'_, f64>) {
    for i in 0..out.nrows() {
        let mut row = out.row_mut(i);
        for j in 0..row.len() {
            row[j] = x[i] * j as f64;
        }
        for j in 0..view.ncols() {
            view[[i, j]] = x[i] + j as f64;
        }
        view[[i, 0]] += 100.0;
        view.index_axis_mut(Axis(0), i)[1] *= 2.0;
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn row_writes_into_2d_arrays_match_serial() {
    let x = data(301, 3);
    let mut out_ref = Array2::zeros((301, 7));
    let mut big_ref = Array2::zeros((7, 301 * 2));
    fill_rows_serial(
        &x,
        &mut out_ref,
        big_ref
            .view_mut()
            .reversed_axes()
            .slice_move(numbox::ndarray::s![..;2, ..]),
    );
    for (out, big) in in_pools(|| {
        let mut out = Array2::from_elem((301, 7), f64::NAN);
        // A transposed, strided view: rows of `view` are columns of `big`.
        let mut big = Array2::zeros((7, 301 * 2));
        fill_rows(
            &x,
            &mut out,
            big.view_mut()
                .reversed_axes()
                .slice_move(numbox::ndarray::s![..;2, ..]),
        );
        (out, big)
    }) {
        assert_eq!(out, out_ref);
        assert_eq!(big, big_ref);
    }
}

// Aliases of the loop variable (`let j = i;`) and row slices (`slice_mut(s![i, ..])`).

#[parallel_loop]
#[allow(clippy::unnecessary_cast)] // `i as usize` is one of the spellings under test
fn aliased_slices(x: &[f64], out: &mut [f64], grid: &mut Array2<f64>, cube: &mut Array3<f64>) {
    for i in prange(0..out.len()) {
        let j = i;
        let k: usize = j as usize;
        out[j] = x[k] * 2.0;
        let mut row = grid.slice_mut(s![k, ..]);
        for c in 0..row.len() {
            row[c] = x[i] + c as f64;
        }
        cube.slice_mut(s![j, .., 1..;2]).fill(x[j]);
        cube.slice_mut(numbox::ndarray::s![i, 0, ..])
            .mapv_inplace(|v| v - 1.0);
        let total = grid.slice(s![i, ..]).sum();
        out[i as usize] += total;
    }
}

fn aliased_slices_serial(
    x: &[f64],
    out: &mut [f64],
    grid: &mut Array2<f64>,
    cube: &mut Array3<f64>,
) {
    for i in 0..out.len() {
        out[i] = x[i] * 2.0;
        for c in 0..grid.ncols() {
            grid[[i, c]] = x[i] + c as f64;
        }
        for a in 0..cube.shape()[1] {
            for b in (1..cube.shape()[2]).step_by(2) {
                cube[[i, a, b]] = x[i];
            }
        }
        for b in 0..cube.shape()[2] {
            cube[[i, 0, b]] -= 1.0;
        }
        out[i] += grid.row(i).sum();
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn index_aliases_and_row_slices_match_serial() {
    let x = data(97, 11);
    let (mut out_ref, mut grid_ref, mut cube_ref) = (
        vec![0.0; 97],
        Array2::zeros((97, 5)),
        Array3::zeros((97, 3, 4)),
    );
    aliased_slices_serial(&x, &mut out_ref, &mut grid_ref, &mut cube_ref);
    for (out, grid, cube) in in_pools(|| {
        let mut out = vec![f64::NAN; 97];
        let mut grid = Array2::from_elem((97, 5), f64::NAN);
        let mut cube = Array3::zeros((97, 3, 4));
        aliased_slices(&x, &mut out, &mut grid, &mut cube);
        (out, grid, cube)
    }) {
        assert_eq!(out, out_ref);
        assert_eq!(grid, grid_ref);
        assert_eq!(cube, cube_ref);
    }
}

// The two race-free forms the histogram error suggests, against a plain loop.

fn bin_of(v: f64, bins: usize) -> usize {
    (((v + 0.7) / 2.0 * bins as f64) as usize).min(bins - 1)
}

#[parallel_loop]
fn histogram_per_bin(x: &[f64], counts: &mut [u64]) {
    for b in prange(0..counts.len()) {
        counts[b] = x.iter().filter(|&&v| bin_of(v, counts.len()) == b).count() as u64;
    }
}

#[parallel_loop]
fn histogram_per_chunk(x: &[f64], partial: &mut Array2<u64>) {
    let (chunks, bins) = partial.dim();
    for c in prange(0..chunks) {
        for k in c * x.len() / chunks..(c + 1) * x.len() / chunks {
            partial[[c, bin_of(x[k], bins)]] += 1;
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn the_suggested_histogram_forms_match_a_plain_loop() {
    let x = data(1000, 5);
    let mut expected = vec![0u64; 7];
    for &v in &x {
        expected[bin_of(v, 7)] += 1;
    }
    for (per_bin, per_chunk) in in_pools(|| {
        let mut counts = vec![0u64; 7];
        histogram_per_bin(&x, &mut counts);
        let mut partial = Array2::zeros((8, 7));
        histogram_per_chunk(&x, &mut partial);
        (counts, partial.sum_axis(Axis(0)).to_vec())
    }) {
        assert_eq!(per_bin, expected);
        assert_eq!(per_chunk, expected);
    }
}

#[parallel_loop]
fn histogram_rows(x: &[f64], bins: &mut Vec<Vec<usize>>) {
    for i in prange(0..bins.len()) {
        for k in 0..x.len() {
            if (x[k] * 10.0) as usize % bins.len() == i {
                bins[i].push(k);
            }
        }
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn vec_elements_are_owned_by_their_iteration() {
    let x = data(500, 4).iter().map(|v| v.abs()).collect::<Vec<_>>();
    for bins in in_pools(|| {
        let mut bins = vec![Vec::new(); 6];
        histogram_rows(&x, &mut bins);
        bins
    }) {
        for (i, b) in bins.iter().enumerate() {
            let expected: Vec<usize> = (0..x.len())
                .filter(|&k| (x[k] * 10.0) as usize % 6 == i)
                .collect();
            assert_eq!(b, &expected);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Two loops in one function, nested prange, serial code between

#[parallel_loop]
fn normalise(x: &[f64], out: &mut [f64]) -> f64 {
    let mut total = 0.0;
    for i in prange(0..x.len()) {
        total += x[i].abs();
    }
    let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
    for i in prange(0..x.len()) {
        out[i] = x[i].abs() * scale;
    }
    total
}

fn normalise_serial(x: &[f64], out: &mut [f64]) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() {
        total += x[i].abs();
    }
    let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
    for i in 0..x.len() {
        out[i] = x[i].abs() * scale;
    }
    total
}

#[test]
#[cfg_attr(miri, ignore)]
fn two_loops_in_one_function() {
    let x = data(10_000, 5);
    let mut expected = vec![0.0; x.len()];
    let t = normalise_serial(&x, &mut expected);
    let runs = in_pools(|| {
        let mut out = vec![0.0; x.len()];
        let total = normalise(&x, &mut out);
        (total, out)
    });
    for (total, out) in &runs {
        assert_eq!(total.to_bits(), runs[0].0.to_bits());
        assert!(close(*total, t, 1e-12));
        assert!(out.iter().zip(&expected).all(|(a, b)| close(*a, *b, 1e-12)));
    }
}

#[parallel_loop]
fn outer_product(a: &[f64], b: &[f64], out: &mut Array2<f64>) -> f64 {
    let mut trace = 0.0;
    for i in prange(0..a.len()) {
        for j in prange(0..b.len()) {
            out[[i, j]] = a[i] * b[j];
            if i == j {
                trace += a[i] * b[j];
            }
        }
    }
    trace
}

#[test]
#[cfg_attr(miri, ignore)]
fn nested_prange_runs_the_inner_loop_serially() {
    let (a, b) = (data(40, 6), data(30, 7));
    for (trace, out) in in_pools(|| {
        let mut out = Array2::zeros((40, 30));
        (outer_product(&a, &b, &mut out), out)
    }) {
        for i in 0..40 {
            for j in 0..30 {
                assert_eq!(out[[i, j]], a[i] * b[j]);
            }
        }
        let t: f64 = (0..30).map(|i| a[i] * b[i]).sum();
        assert!(close(trace, t, 1e-12));
    }
}

// ---------------------------------------------------------------------------------------
// Schedules, ranges, labels

macro_rules! scheduled {
    ($name:ident, $($opt:tt)*) => {
        #[parallel_loop($($opt)*)]
        fn $name(x: &[f64], out: &mut [f64]) -> f64 {
            let mut s = 0.0;
            for i in prange(0..x.len()) {
                // Uneven work: iteration i costs about i % 97.
                let mut v = x[i];
                for _ in 0..i % 97 {
                    v = (v * 1.000_001).sin();
                }
                out[i] = v;
                s += v;
            }
            s
        }
    };
}
scheduled!(sched_default,);
scheduled!(sched_static, schedule = "static");
scheduled!(sched_static_chunk, schedule = "static", chunk = 3);
scheduled!(sched_dynamic, schedule = "dynamic");
scheduled!(sched_dynamic_chunk, schedule = "dynamic", chunk = 64);
scheduled!(sched_guided, schedule = "guided");
scheduled!(sched_guided_chunk, schedule = "guided", chunk = 5);
scheduled!(sched_adaptive_chunk, chunk = 100);

#[test]
#[cfg_attr(miri, ignore)]
fn every_schedule_gives_the_serial_writes_and_the_same_sum_bits() {
    type Kernel = fn(&[f64], &mut [f64]) -> f64;
    let kernels: [(&str, Kernel); 8] = [
        ("default", sched_default),
        ("static", sched_static),
        ("static chunk", sched_static_chunk),
        ("dynamic", sched_dynamic),
        ("dynamic chunk", sched_dynamic_chunk),
        ("guided", sched_guided),
        ("guided chunk", sched_guided_chunk),
        ("adaptive chunk", sched_adaptive_chunk),
    ];
    let x = data(5_001, 8);
    let mut expected = vec![0.0; x.len()];
    for i in 0..x.len() {
        let mut v = x[i];
        for _ in 0..i % 97 {
            v = (v * 1.000_001).sin();
        }
        expected[i] = v;
    }
    let serial_sum: f64 = expected.iter().sum();
    let mut bits = None;
    for (name, k) in kernels {
        for (s, out) in in_pools(|| {
            let mut out = vec![0.0; x.len()];
            (k(&x, &mut out), out)
        }) {
            assert!(out == expected, "{name}");
            assert!(close(s, serial_sum, 1e-12), "{name}");
            assert_eq!(*bits.get_or_insert(s.to_bits()), s.to_bits(), "{name}");
        }
    }
}

#[parallel_loop(schedule = "dynamic")]
fn ranges(out: &mut [i64]) -> (i64, i64, i64) {
    let (mut a, mut b, mut c) = (0, 0, 0);
    for k in prange(-50..50_i64) {
        a += k * k * k;
    }
    for k in prange(3..=9_u8) {
        b += k as i64;
    }
    'rows: for i in prange(out.len()) {
        for j in 0..i {
            if j * j > i {
                continue 'rows;
            }
        }
        out[i] = i as i64;
        c += 1;
    }
    (a, b, c)
}

#[test]
#[cfg_attr(miri, ignore)]
fn signed_inclusive_count_ranges_and_labelled_continue() {
    for (abc, out) in in_pools(|| {
        let mut out = vec![-1; 20];
        (ranges(&mut out), out)
    }) {
        let kept: Vec<usize> = (0..20).filter(|&i| (0..i).all(|j| j * j <= i)).collect();
        assert_eq!(
            abc,
            (
                (-50..50_i64).map(|k| k * k * k).sum(),
                42,
                kept.len() as i64
            )
        );
        for i in 0..20 {
            assert_eq!(out[i], if kept.contains(&i) { i as i64 } else { -1 });
        }
    }
}

// ---------------------------------------------------------------------------------------
// Threads: the caller's pool and set_num_threads

#[parallel_loop(schedule = "static")]
fn thread_names(n: usize, seen: &std::sync::Mutex<std::collections::BTreeSet<String>>) {
    for _ in prange(0..n) {
        let name = std::thread::current().name().unwrap_or("").to_string();
        seen.lock().unwrap().insert(name);
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn runs_on_the_pool_set_num_threads_makes() {
    numbox::set_num_threads(3).unwrap();
    let seen = std::sync::Mutex::new(std::collections::BTreeSet::new());
    thread_names(60, &seen);
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty() && seen.len() <= 3, "{seen:?}");
    assert!(seen.iter().all(|n| n.starts_with("numbox-")), "{seen:?}");

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .thread_name(|i| format!("mine-{i}"))
        .build()
        .unwrap();
    let seen = std::sync::Mutex::new(std::collections::BTreeSet::new());
    pool.install(|| thread_names(60, &seen));
    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().all(|n| n.starts_with("mine-")), "{seen:?}");
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_panic_in_an_iteration_reaches_the_caller() {
    let x = vec![1.0; 100];
    let mut out = vec![0.0; 99];
    // Iteration 99 writes out of bounds, as the serial loop would.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        normalise(&x, &mut out);
    }));
    assert!(r.is_err());
}

// ---------------------------------------------------------------------------------------
// Random sizes

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    #[cfg_attr(miri, ignore)]
    fn random_lengths_match_serial(n in 0usize..5000, seed in any::<u64>()) {
        let x = ints(n, seed);
        let expected = int_reductions_serial(&x);
        let xs = data(n, seed);
        let runs = in_pools(|| (int_reductions(&x), stats(&xs)));
        let r = stats_serial(&xs);
        for (ints_got, s) in &runs {
            prop_assert_eq!(*ints_got, expected);
            prop_assert_eq!(s.0.to_bits(), runs[0].1 .0.to_bits());
            prop_assert!(close(s.0, r.0, 1e-12));
            prop_assert_eq!((s.2, s.3), (r.2, r.3));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Under Miri the driver runs serially: the expansions' disjoint parts and reductions are
// checked there on small inputs (`cargo +nightly miri test --test parallel_loop serial_`).

#[test]
fn serial_fallback_small_inputs_match_the_plain_loops() {
    let x = data(37, 9);
    let r = stats_serial(&x);
    let s = stats(&x);
    assert!(close(s.0, r.0, 1e-12) && close(s.1, r.1, 1e-12));
    assert_eq!((s.2, s.3), (r.2, r.3));
    let xi = ints(37, 9);
    assert_eq!(int_reductions(&xi), int_reductions_serial(&xi));

    let mut out = Array2::zeros((5, 3));
    let mut big = Array2::zeros((3, 10));
    let (mut out_ref, mut big_ref) = (out.clone(), big.clone());
    fill_rows(
        &x,
        &mut out,
        big.view_mut()
            .reversed_axes()
            .slice_move(numbox::ndarray::s![..;2, ..]),
    );
    fill_rows_serial(
        &x,
        &mut out_ref,
        big_ref
            .view_mut()
            .reversed_axes()
            .slice_move(numbox::ndarray::s![..;2, ..]),
    );
    assert_eq!((out, big), (out_ref, big_ref));

    let mut o = vec![0.0; x.len()];
    let mut o_ref = vec![0.0; x.len()];
    assert_eq!(
        normalise(&x, &mut o).to_bits(),
        normalise_serial(&x, &mut o_ref).to_bits()
    );
    assert_eq!(o, o_ref);
}

// ---------------------------------------------------------------------------------------
// Methods: a field bound to a local is written at the loop index; other fields are read

struct Grid {
    scale: f64,
    out: Vec<f64>,
}

impl Grid {
    #[parallel_loop]
    fn fill(&mut self) -> f64 {
        let mut peak = f64::NEG_INFINITY;
        let out = &mut self.out;
        for i in prange(0..out.len()) {
            out[i] = self.scale * (i as f64).sqrt();
            peak = peak.max(out[i]);
        }
        peak
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn methods_write_a_field_at_the_loop_index() {
    for (peak, out) in in_pools(|| {
        let mut g = Grid {
            scale: 0.5,
            out: vec![0.0; 1000],
        };
        (g.fill(), g.out)
    }) {
        assert!(out
            .iter()
            .enumerate()
            .all(|(i, &v)| v == 0.5 * (i as f64).sqrt()));
        assert_eq!(peak, 0.5 * 999f64.sqrt());
    }
}

// ---------------------------------------------------------------------------------------
// Macros in the body: the standard ones are looked into (their arguments are checked and
// rewritten like plain code); other macros may not mention the loop's variables

macro_rules! halve {
    ($v:expr) => {
        $v / 2.0
    };
}

macro_rules! std_macros_kernel {
    ($(#[$attr:meta])* $name:ident) => {
        $(#[$attr])*
        fn $name(x: &[f64], out: &mut [f64], labels: &mut [String]) -> (f64, u32) {
            use std::fmt::Write;
            let mut s = 0.0;
            let mut positives = 0u32;
            for i in prange(0..x.len()) {
                let v = vec![x[i]; 3];
                let h = x[i];
                out[i] = v.iter().sum::<f64>() + halve!(h) + x.len() as f64;
                assert!(out[i].is_finite(), "out[{i}] = {}", out[i]);
                debug_assert_eq!(v.len(), 3, "{i}");
                std::write!(labels[i], "{i}:{:.2}:{w}", out[i], w = x[i]).unwrap();
                writeln!(labels[i]).unwrap();
                core::assert_ne!(labels[i].len(), 0);
                ::std::assert!(vec![labels[i].len(); 2][1] > 3);
                positives += matches!(x[i].partial_cmp(&0.0), Some(std::cmp::Ordering::Greater)) as u32;
                s += format!("{}{i}", labels[i]).len() as f64;
                let _ = stringify!(out, s, i);
            }
            (s, positives)
        }
    };
}

std_macros_kernel!(
    #[parallel_loop]
    std_macros
);
std_macros_kernel!(std_macros_serial);

type StdMacrosKernel = fn(&[f64], &mut [f64], &mut [String]) -> (f64, u32);

/// `std_macros` or `std_macros_serial` on fresh outputs.
fn run_std_macros(f: StdMacrosKernel, x: &[f64]) -> ((f64, u32), Vec<f64>, Vec<String>) {
    let mut out = vec![0.0; x.len()];
    let mut labels = vec![String::new(); x.len()];
    (f(x, &mut out, &mut labels), out, labels)
}

#[test]
#[cfg_attr(miri, ignore)]
fn std_macros_in_the_body_match_serial() {
    let x = data(1000, 21);
    let expected = run_std_macros(std_macros_serial, &x);
    for got in in_pools(|| run_std_macros(std_macros, &x)) {
        assert_eq!(got, expected);
    }
}

#[test]
fn std_macros_in_the_body_match_serial_small() {
    // Under Miri the driver runs serially; this checks the rewritten macro arguments there.
    let x = data(7, 3);
    assert_eq!(
        run_std_macros(std_macros, &x),
        run_std_macros(std_macros_serial, &x)
    );
}

// The reproducer, written as the error message says: the macro gets a plain local.
macro_rules! rebind {
    ($i:ident) => {
        let $i = $i * 0;
    };
}

#[parallel_loop]
fn count_up(out: &mut [u32]) {
    for i in prange(0..out.len()) {
        let k = i;
        rebind!(k);
        out[i] += 1 + k as u32;
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_macro_given_a_local_copy_keeps_the_serial_result() {
    for out in in_pools(|| {
        let mut out = vec![0u32; 500];
        count_up(&mut out);
        out
    }) {
        assert!(out.iter().all(|&v| v == 1));
    }
}
