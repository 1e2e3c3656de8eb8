//! Runs a `#[parallel_loop]`: each piece of `0..n` that the schedule hands out (through
//! [`for_schedule`]) gets its iterations and their disjoint parts; reductions run on a fixed
//! block grid.

use super::disjoint::Parts;
use super::range::{PrangeIndex, PrangeRange};
use crate::driver::{for_schedule, Schedule};
use std::ops::Range;
use std::sync::Mutex;

/// A reduction splits its range into at most this many blocks of equal length (the last may
/// be shorter). The grid depends on the range length only, so the combination order, and
/// with it every bit of a float result, is the same for any thread count and schedule.
const MAX_BLOCKS: usize = 1024;

/// The length of a reduction block for a range of `n` iterations.
fn block_len(n: usize) -> usize {
    n.div_ceil(MAX_BLOCKS).max(1)
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
    for_schedule(
        n,
        schedule,
        chunk,
        #[inline(always)]
        |piece: Range<usize>| {
            // SAFETY: `for_schedule` visits each `k` in `0..n` once and `offset` is
            // injective on `0..n`, so each index gets its handles once.
            unsafe { leaf::<R, P, B>(piece, start, parts, &body) }
        },
    );
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
    for_schedule(
        blocks,
        schedule,
        chunk.map(|c| c.div_ceil(len)),
        #[inline(always)]
        |piece: Range<usize>| {
            for b in piece {
                let mut acc = identity();
                // A fresh local per block keeps the accumulator in a register across the body.
                acc = block::<R, P, A, B>(b * len..n.min((b + 1) * len), start, parts, acc, &body);
                *slots[b].lock().unwrap_or_else(|p| p.into_inner()) = Some(acc);
            }
        },
    );
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

/// Runs the iterations `ks` of a `for_each`: inlined into the driver's per-tier function
/// (see [`block`]).
///
/// # Safety
/// No other call may cover the same `ks` values while `parts` is borrowed.
#[inline(always)]
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
/// Inlined into the driver's per-tier function, which is a function of its own (never
/// inlined into the scheduling code), and unrolled by two, on purpose: otherwise LLVM
/// bounced the accumulator through the stack twice per iteration around calls in the body,
/// and `s += x[i].exp()` ran 1.7x slower than the serial loop; now it runs at the serial
/// loop's speed.
#[inline(always)]
fn block<'p, R, P, A, B>(ks: Range<usize>, start: R::Idx, parts: &'p P, acc: A, body: &B) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A),
{
    let mut acc = acc;
    // A macro rather than a closure: a closure bound by `let` cannot be marked
    // `#[inline(always)]`, and the step must be compiled inside the tier's function.
    macro_rules! step {
        ($k:expr) => {{
            let i = R::Idx::offset(start, $k);
            // SAFETY: `for_schedule` visits each block once, the blocks partition `0..n`,
            // and `offset` is injective on `0..n`, so each index gets its handles once.
            body(i, unsafe { parts.lazies(i) }, &mut acc);
        }};
    }
    // Two iterations per trip, in order: the same left-to-right accumulation, but LLVM then
    // keeps the accumulator in a register across calls in the body.
    let mut k = ks.start;
    while ks.end - k >= 2 {
        step!(k);
        step!(k + 1);
        k += 2;
    }
    if k < ks.end {
        step!(k);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::tests::SCHEDULES;
    use std::sync::atomic::Ordering;

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
