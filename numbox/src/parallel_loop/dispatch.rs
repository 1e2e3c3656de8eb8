//! The parallel-for driver: hands contiguous pieces of `0..n` to the threads of the caller's
//! pool by schedule, and runs reductions on a fixed block grid.

use super::disjoint::Parts;
use super::range::{PrangeIndex, PrangeRange};
use super::Schedule;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A reduction splits its range into at most this many blocks of equal length (the last may
/// be shorter). The grid depends on the range length only, so the combination order, and
/// with it every bit of a float result, is the same for any thread count and schedule.
const MAX_BLOCKS: usize = 1024;

/// The length of a reduction block for a range of `n` iterations.
fn block_len(n: usize) -> usize {
    n.div_ceil(MAX_BLOCKS).max(1)
}

/// Calls `f` on pieces of `0..n` that are disjoint and together cover `0..n` exactly once,
/// split across the current rayon pool according to `schedule`. `chunk` counts units.
fn dispatch<F: Fn(Range<usize>) + Sync>(n: usize, schedule: Schedule, chunk: Option<usize>, f: &F) {
    if n == 0 {
        return;
    }
    // Miri cannot run rayon (not even its registry), so everything is serial there; the
    // results are the same, as the reduction grid does not depend on the split.
    if cfg!(miri) || n == 1 {
        return f(0..n);
    }
    let threads = rayon::current_num_threads();
    if threads == 1 {
        return f(0..n);
    }
    match schedule {
        Schedule::Adaptive => adaptive(0..n, chunk.unwrap_or(1).max(1), threads, false, f),
        Schedule::Static => match chunk {
            None => (0..threads.min(n))
                .into_par_iter()
                .with_max_len(1)
                .for_each(|k| {
                    f(even_piece(n, threads.min(n), k));
                }),
            Some(c) => {
                let pieces = n.div_ceil(c);
                (0..threads.min(pieces))
                    .into_par_iter()
                    .with_max_len(1)
                    .for_each(|k| {
                        for j in (k..pieces).step_by(threads) {
                            f(j * c..n.min((j + 1) * c));
                        }
                    });
            }
        },
        Schedule::Dynamic => {
            let c = chunk.unwrap_or(1);
            let pieces = n.div_ceil(c);
            let next = AtomicUsize::new(0);
            (0..threads.min(pieces))
                .into_par_iter()
                .with_max_len(1)
                .for_each(|_| loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    if j >= pieces {
                        break;
                    }
                    f(j * c..n.min((j + 1) * c));
                });
        }
        Schedule::Guided => {
            let c = chunk.unwrap_or(1);
            let next = AtomicUsize::new(0);
            (0..threads).into_par_iter().with_max_len(1).for_each(|_| {
                let mut cur = next.load(Ordering::Relaxed);
                while cur < n {
                    let left = n - cur;
                    let size = left.div_ceil(threads).max(c).min(left);
                    match next.compare_exchange_weak(
                        cur,
                        cur + size,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => {
                            f(cur..cur + size);
                            cur = next.load(Ordering::Relaxed);
                        }
                        Err(now) => cur = now,
                    }
                }
            });
        }
    }
}

/// Piece `k` of `0..n` cut into `parts` near-equal contiguous pieces.
fn even_piece(n: usize, parts: usize, k: usize) -> Range<usize> {
    let (q, r) = (n / parts, n % parts);
    let start = k * q + k.min(r);
    start..start + q + usize::from(k < r)
}

/// rayon's adaptive splitting (`rayon::iter::plumbing`'s splitter): halve while the pieces
/// stay at least `min` long and the split budget lasts; a piece stolen by another thread gets
/// a fresh budget.
fn adaptive<F: Fn(Range<usize>) + Sync>(
    r: Range<usize>,
    min: usize,
    mut splits: usize,
    migrated: bool,
    f: &F,
) {
    let len = r.len();
    let split = len >= 2 * min
        && if migrated {
            splits = (splits / 2).max(rayon::current_num_threads());
            true
        } else if splits > 0 {
            splits /= 2;
            true
        } else {
            false
        };
    if !split {
        return f(r);
    }
    let mid = r.start + len / 2;
    rayon::join_context(
        |ctx| adaptive(r.start..mid, min, splits, ctx.migrated(), f),
        |ctx| adaptive(mid..r.end, min, splits, ctx.migrated(), f),
    );
}

/// Runs `body` for every value of `range` on the caller's pool; `parts` hands each iteration
/// its own part of the containers it writes.
pub fn for_each<'p, R, P, B>(
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p mut P,
    body: B,
) where
    R: PrangeRange,
    P: Parts<R::Idx>,
    B: Fn(R::Idx, P::Lazies<'p>) + Sync,
{
    // Taken as `&mut` for all of `'p` so that no second loop can hand out the same parts
    // while handles from this one may still be alive.
    let parts: &'p P = parts;
    let (start, n) = range.bounds();
    let run = |piece: Range<usize>| {
        // SAFETY: `dispatch` visits each `k` in `0..n` once and `offset` is injective on
        // `0..n`, so each index gets its handles once.
        unsafe { leaf::<R, P, B>(piece, start, parts, &body) }
    };
    on_pool(|| dispatch(n, schedule, chunk, &run));
}

/// Runs `body` for every value of `range` on the caller's pool, each block of the fixed grid
/// accumulating into its own `identity()`, and returns the blocks' results combined in block
/// order with `combine` (the identity itself when the range is empty).
pub fn reduce<'p, R, P, A, I, B, C>(
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p mut P,
    identity: I,
    body: B,
    mut combine: C,
) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    A: Send,
    I: Fn() -> A + Sync,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A) + Sync,
    C: FnMut(&mut A, A),
{
    // Taken as `&mut` for all of `'p` so that no second loop can hand out the same parts
    // while handles from this one may still be alive.
    let parts: &'p P = parts;
    let (start, n) = range.bounds();
    let len = block_len(n);
    let blocks = n.div_ceil(len);
    let slots: Vec<Mutex<Option<A>>> = (0..blocks).map(|_| Mutex::new(None)).collect();
    let run = |piece: Range<usize>| {
        for b in piece {
            let mut acc = identity();
            // A fresh local per block keeps the accumulator in a register across the body.
            acc = block::<R, P, A, B>(b * len..n.min((b + 1) * len), start, parts, acc, &body);
            *slots[b].lock().unwrap_or_else(|p| p.into_inner()) = Some(acc);
        }
    };
    on_pool(|| dispatch(blocks, schedule, chunk.map(|c| c.div_ceil(len)), &run));
    let mut partials = slots.into_iter().map(|s| {
        s.into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .expect("every reduction block ran")
    });
    let Some(mut total) = partials.next() else {
        return identity();
    };
    for p in partials {
        combine(&mut total, p);
    }
    total
}

/// Runs the iterations `ks` of a `for_each` (not inlined, for the reason given at [`block`]).
///
/// # Safety
/// No other call may cover the same `ks` values while `parts` is borrowed.
#[inline(never)]
unsafe fn leaf<'p, R, P, B>(ks: Range<usize>, start: R::Idx, parts: &'p P, body: &B)
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    B: Fn(R::Idx, P::Lazies<'p>),
{
    for k in ks {
        let i = R::Idx::offset(start, k);
        // SAFETY: `offset` is injective on `0..n` and the caller covers each `k` once.
        body(i, unsafe { parts.lazies(i) });
    }
}

/// Accumulates the iterations `ks` of one reduction block into `acc`.
///
/// Not inlined, and unrolled by two, on purpose: otherwise LLVM bounced the accumulator
/// through the stack twice per iteration around calls in the body, and `s += x[i].exp()` ran
/// 1.7x slower than the serial loop; now it runs at the serial loop's speed.
#[inline(never)]
fn block<'p, R, P, A, B>(ks: Range<usize>, start: R::Idx, parts: &'p P, acc: A, body: &B) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A),
{
    let mut acc = acc;
    let mut step = |k: usize| {
        let i = R::Idx::offset(start, k);
        // SAFETY: `dispatch` visits each block once, the blocks partition `0..n`, and
        // `offset` is injective on `0..n`, so each index gets its handles once.
        body(i, unsafe { parts.lazies(i) }, &mut acc);
    };
    // Two iterations per trip, in order: the same left-to-right accumulation, but LLVM then
    // keeps the accumulator in a register across calls in the body.
    let mut k = ks.start;
    while ks.end - k >= 2 {
        step(k);
        step(k + 1);
        k += 2;
    }
    if k < ks.end {
        step(k);
    }
    acc
}

/// Runs `f` on the caller's pool (serially under Miri, which cannot run rayon's threads).
fn on_pool<F: FnOnce() + Send>(f: F) {
    if cfg!(miri) {
        f()
    } else {
        crate::threads::install(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    const SCHEDULES: [(Schedule, Option<usize>); 8] = [
        (Schedule::Adaptive, None),
        (Schedule::Adaptive, Some(7)),
        (Schedule::Static, None),
        (Schedule::Static, Some(3)),
        (Schedule::Dynamic, None),
        (Schedule::Dynamic, Some(5)),
        (Schedule::Guided, None),
        (Schedule::Guided, Some(4)),
    ];

    fn visits(n: usize, schedule: Schedule, chunk: Option<usize>) -> Vec<u32> {
        let seen: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
        dispatch(n, schedule, chunk, &|r: Range<usize>| {
            for k in r {
                seen[k].fetch_add(1, Ordering::Relaxed);
            }
        });
        seen.into_iter().map(AtomicU32::into_inner).collect()
    }

    #[test]
    fn every_schedule_visits_each_unit_once_serially() {
        for (s, c) in SCHEDULES {
            for n in [0, 1, 2, 17, 100] {
                assert!(visits(n, s, c).iter().all(|&v| v == 1), "{s:?} {c:?} n={n}");
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn every_schedule_visits_each_unit_once_in_parallel() {
        for threads in 1..=4 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (s, c) in SCHEDULES {
                for n in [0, 1, 2, 3, 17, 1000, 4099] {
                    let v = pool.install(|| visits(n, s, c));
                    assert!(v.iter().all(|&v| v == 1), "{s:?} {c:?} n={n} t={threads}");
                }
            }
        }
    }

    #[test]
    fn even_pieces_cover_the_range() {
        for (n, parts) in [(10, 3), (2, 2), (7, 7), (100, 1)] {
            let pieces: Vec<_> = (0..parts).map(|k| even_piece(n, parts, k)).collect();
            assert_eq!(pieces[0].start, 0);
            assert_eq!(pieces[parts - 1].end, n);
            assert!(pieces.windows(2).all(|w| w[0].end == w[1].start));
            let (lo, hi) = (
                pieces.iter().map(|p| p.len()).min(),
                pieces.iter().map(|p| p.len()).max(),
            );
            assert!(hi.unwrap() - lo.unwrap() <= 1);
        }
    }

    fn float_sum(n: usize, schedule: Schedule, chunk: Option<usize>) -> f64 {
        let x: Vec<f64> = (0..n).map(|k| 1.0 / (k as f64 + 0.37)).collect();
        reduce(
            0..n,
            schedule,
            chunk,
            &mut (),
            || -0.0_f64,
            |i, (), acc: &mut f64| *acc += x[i],
            |a, b| *a += b,
        )
    }

    #[test]
    fn reduction_is_serial_under_miri_and_matches_the_block_grid() {
        let n = if cfg!(miri) { 3000 } else { 100_000 };
        let x: Vec<f64> = (0..n).map(|k| 1.0 / (k as f64 + 0.37)).collect();
        let len = block_len(n);
        let expected = x
            .chunks(len)
            .map(|c| c.iter().fold(-0.0, |a, b| a + b))
            .fold(-0.0, |a, b| a + b);
        assert_eq!(
            float_sum(n, Schedule::Adaptive, None).to_bits(),
            expected.to_bits()
        );
        assert_eq!(
            float_sum(0, Schedule::Adaptive, None).to_bits(),
            (-0.0_f64).to_bits()
        );
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn reduction_bits_do_not_depend_on_threads_or_schedule() {
        let n = 123_457;
        let reference = float_sum(n, Schedule::Adaptive, None);
        for threads in 1..=4 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (s, c) in SCHEDULES {
                let got = pool.install(|| float_sum(n, s, c));
                assert_eq!(
                    got.to_bits(),
                    reference.to_bits(),
                    "{s:?} {c:?} t={threads}"
                );
            }
        }
    }

    #[test]
    fn for_each_hands_each_iteration_its_element() {
        use super::super::disjoint::DisjointExt;
        let mut out = vec![0_i64; 50];
        let mut parts = (out.__nb_disjoint(), ());
        let sum = std::sync::atomic::AtomicI64::new(0);
        for_each(-20..30_i64, Schedule::Dynamic, Some(3), &mut (), |i, ()| {
            sum.fetch_add(i, Ordering::Relaxed);
        });
        assert_eq!(sum.into_inner(), (-20..30).sum::<i64>());
        for_each(
            0..50_usize,
            Schedule::Static,
            None,
            &mut parts,
            |i, (mut lz, ())| {
                lz.get()[0] = i as i64 * 2;
            },
        );
        assert!(out.iter().enumerate().all(|(i, &v)| v == 2 * i as i64));
    }
}
