//! The one place kernel loops are driven: every family cuts its work into blocks here and
//! hands them to the caller's rayon pool (see [`threads`](crate::threads) for which pool).
//!
//! - [`for_blocks`]: contiguous blocks of an index range `0..total`, sized by each family's
//!   grain ([`Blocks`]); elementwise ufuncs, gufunc loops and stencil rows.
//! - [`map_blocks`]: a fixed grid of blocks whose results come back in block order, for
//!   reductions whose bits must not depend on the thread count.
//! - [`for_parts`]: owned pieces (disjoint mutable sub-views) from a parallel iterator.
//! - [`for_schedule`]: `#[parallel_loop]`'s OpenMP-style schedules.
//!
//! - [`serial`]: work a family runs on the calling thread outside the functions above.
//!
//! Whatever the split, each index (block, part) is handed to the body exactly once and
//! the pieces are disjoint: the callers' `// SAFETY:` arguments for writing through shared
//! pointers rest on that.
//!
//! Every body runs through [`cpu::dispatch`], compiled for the CPU tier chosen at run time
//! (see [`cpu`](crate::cpu)). For that to reach the kernel, a caller's body must be a
//! closure marked `#[inline(always)]` whose loops are `#[inline(always)]` too, so that
//! LLVM compiles them (and the kernel they call) inside each tier's function. The kernel
//! itself must reach the loop as such a closure or an `#[inline(always)]` method (the
//! executor's `KernelFn`), never as a function item (`K::eval`):
//! a function item is called through its `Fn::call` shim, which is only hinted for
//! inlining, and LLVM leaves a large kernel a call there, compiled for the baseline CPU.

use crate::cpu::dispatch;
use crate::target::Target;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How [`for_blocks`] cuts `0..total` on a pool of a given number of threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blocks {
    /// One block, `0..total`, on the calling thread.
    Whole,
    /// Blocks of `len` (the last one shorter): block `b` is `b * len..((b + 1) * len).min(total)`.
    Len(usize),
    /// `n` near-equal blocks: block `b` is `b * total / n..(b + 1) * total / n`.
    Balanced(usize),
}

/// Calls `body` on disjoint contiguous ranges that together cover `0..total` exactly once.
///
/// On [`Target::Serial`] that is `body(0..total)` on the calling thread; callers pass
/// `Serial` too for work below their grain. On [`Target::Parallel`], `grain(threads)` picks
/// the blocks for the caller's pool of `threads` threads, and they run on it.
#[inline]
pub(crate) fn for_blocks<B>(
    total: usize,
    target: Target,
    grain: impl FnOnce(usize) -> Blocks + Send,
    body: B,
) where
    B: Fn(Range<usize>) + Sync,
{
    if total == 0 {
        return;
    }
    let run = |r: Range<usize>| {
        dispatch(
            #[inline(always)]
            || body(r),
        )
    };
    if target == Target::Serial {
        return run(0..total);
    }
    crate::threads::install(|| match grain(rayon::current_num_threads()) {
        Blocks::Whole => run(0..total),
        Blocks::Len(len) => {
            let len = len.max(1);
            (0..total.div_ceil(len)).into_par_iter().for_each(|b| {
                run(b * len..((b + 1) * len).min(total));
            });
        }
        Blocks::Balanced(n) => {
            let n = n.clamp(1, total);
            (0..n).into_par_iter().for_each(|b| {
                let lo = (b as u128 * total as u128 / n as u128) as usize;
                let hi = ((b + 1) as u128 * total as u128 / n as u128) as usize;
                run(lo..hi);
            });
        }
    })
}

/// `f(b)` for every block `b` of a fixed grid `0..blocks`, the results in block order: on
/// the caller's pool when `target` is parallel, else on the calling thread. The grid is the
/// caller's (a function of the shape alone), so combining the results in order gives the
/// same bits for any thread count.
pub(crate) fn map_blocks<T, F>(blocks: usize, target: Target, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    let run = |b: usize| {
        dispatch(
            #[inline(always)]
            || f(b),
        )
    };
    match target {
        Target::Serial => (0..blocks).map(run).collect(),
        Target::Parallel => {
            crate::threads::install(|| (0..blocks).into_par_iter().map(run).collect())
        }
    }
}

/// Runs `f` on the calling thread, compiled for the chosen CPU tier: for a family's serial
/// paths that do not go through the block functions above.
#[inline(always)]
pub(crate) fn serial<R>(f: impl FnOnce() -> R) -> R {
    dispatch(f)
}

/// Runs `body` on every piece from `parts(threads)`, on the caller's pool of `threads`
/// threads: for owned pieces such as the disjoint chunks of a mutable view.
pub(crate) fn for_parts<I, P, B>(parts: P, body: B)
where
    I: IntoParallelIterator,
    P: FnOnce(usize) -> I + Send,
    B: Fn(I::Item) + Sync + Send,
{
    crate::threads::install(|| {
        parts(rayon::current_num_threads())
            .into_par_iter()
            .for_each(|part| {
                dispatch(
                    #[inline(always)]
                    || body(part),
                )
            })
    })
}

/// How `#[parallel_loop(schedule = "...")]` hands iterations to threads (Cython's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Schedule {
    /// rayon's adaptive splitting (the default); `chunk = N` sets the minimum piece length.
    #[default]
    Adaptive,
    /// One equal contiguous piece per thread; with `chunk = N`, pieces of `N` iterations dealt
    /// round-robin to the threads.
    Static,
    /// Pieces of `chunk` iterations (default 1) taken from a shared counter by whichever
    /// thread is free: for iterations of uneven cost.
    Dynamic,
    /// Like `Dynamic`, with pieces that start large (remaining / threads) and shrink to `chunk`.
    Guided,
}

/// Calls `f` on pieces of `0..n` that are disjoint and together cover `0..n` exactly once,
/// on the caller's pool according to `schedule` (serially under Miri, which cannot run
/// rayon's threads). `chunk` counts units.
pub(crate) fn for_schedule<F: Fn(Range<usize>) + Sync>(
    n: usize,
    schedule: Schedule,
    chunk: Option<usize>,
    f: F,
) {
    let f = &|r: Range<usize>| {
        dispatch(
            #[inline(always)]
            || f(r),
        )
    };
    let run = || schedule_pieces(n, schedule, chunk, f);
    if cfg!(miri) {
        run()
    } else {
        crate::threads::install(run)
    }
}

/// Calls `f` on pieces of `0..n` that are disjoint and together cover `0..n` exactly once,
/// split across the current rayon pool according to `schedule`. `chunk` counts units.
fn schedule_pieces<F: Fn(Range<usize>) + Sync>(
    n: usize,
    schedule: Schedule,
    chunk: Option<usize>,
    f: &F,
) {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::sync::Mutex;

    /// Every schedule, with and without a chunk.
    pub(crate) const SCHEDULES: [(Schedule, Option<usize>); 8] = [
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
        schedule_pieces(n, schedule, chunk, &|r: Range<usize>| {
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

    /// The ranges `for_blocks` hands out, sorted.
    fn blocks_of(total: usize, target: Target, blocks: Blocks) -> Vec<Range<usize>> {
        let seen = Mutex::new(Vec::new());
        for_blocks(total, target, |_| blocks, |r| seen.lock().unwrap().push(r));
        let mut v = seen.into_inner().unwrap();
        v.sort_by_key(|r| r.start);
        v
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn blocks_cover_the_range_once_in_the_callers_grid() {
        assert_eq!(
            blocks_of(0, Target::Parallel, Blocks::Len(4)),
            Vec::<std::ops::Range<usize>>::new()
        );
        assert_eq!(blocks_of(10, Target::Serial, Blocks::Len(4)), vec![0..10]);
        assert_eq!(blocks_of(10, Target::Parallel, Blocks::Whole), vec![0..10]);
        assert_eq!(
            blocks_of(10, Target::Parallel, Blocks::Len(4)),
            vec![0..4, 4..8, 8..10]
        );
        assert_eq!(
            blocks_of(10, Target::Parallel, Blocks::Balanced(3)),
            vec![0..3, 3..6, 6..10]
        );
        // More blocks than indices: one index each, no empty block.
        assert_eq!(
            blocks_of(2, Target::Parallel, Blocks::Balanced(5)),
            vec![0..1, 1..2]
        );
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn map_blocks_keeps_block_order() {
        for target in [Target::Serial, Target::Parallel] {
            assert_eq!(
                map_blocks(100, target, |b| b * b),
                (0..100).map(|b| b * b).collect::<Vec<_>>()
            );
        }
    }
}
