//! Runs a `#[parallel_loop]`: each piece of `0..n` that the schedule hands out (through
//! [`for_schedule`]) gets its iterations and their disjoint parts; reductions run on a fixed
//! block grid (and under `fastmath` on a fixed lane grid inside each block).

use super::disjoint::Parts;
use super::range::{PrangeIndex, PrangeRange};
use crate::driver::{for_schedule, Schedule};
use std::any::TypeId;
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
    // Inside `numbox::dist::on_rows`, the loop runs on the rank's rows as it is; the scope
    // is set aside meanwhile, so that a reduction called from the body on this thread
    // stays on this rank (the other ranks could not join it).
    #[cfg(feature = "mpi")]
    let _aside = crate::dist::rows::Scope::enter();
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

/// The lockstep version of a `prange` body (see `numbox::lanes`): `K` iterations' inputs
/// in, their outputs out, bit-identical to the scalar body on each.
///
/// `#[parallel_loop]` implements it, on a unit struct of its own, for a body of the shape
/// "reads at the loop index, a data-dependent loop, one store at the loop index". Safe: the
/// runner relies on nothing about it but its signature.
pub trait Lockstep<In, Out> {
    /// The lanes per group (`#[parallel_loop(lanes = N)]`), or 0 for the CPU tier's choice.
    const LANES: usize = 0;
    /// The body on `K` iterations at once.
    fn group<const K: usize>(args: [In; K]) -> [Out; K];
}

/// [`for_each`] for a body with a lockstep version `L`: within each piece of the schedule,
/// groups of `K` consecutive iterations run through `L` (`read` gives each iteration's
/// inputs, `store` writes its output through its parts), the rest through `body`. `K` is
/// `lanes`, or with `lanes == 0` 16 on the AVX-512 tier and 8 otherwise.
///
/// Every iteration's result is the scalar body's (the lockstep version is bit-identical
/// per iteration), so the grouping, which depends on the pieces, changes no result.
#[allow(clippy::too_many_arguments)]
pub fn for_each_lanes<'p, R, P, B, In, Out, L, Rd, St>(
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p mut P,
    _lockstep: L,
    body: B,
    read: Rd,
    store: St,
) where
    R: PrangeRange,
    P: Parts<R::Idx>,
    L: Lockstep<In, Out>,
    B: Fn(R::Idx, P::Lazies<'p>) + Sync,
    Rd: Fn(R::Idx) -> In + Sync,
    St: Fn(R::Idx, P::Lazies<'p>, Out) + Sync,
{
    // Taken as `&mut` for all of `'p`, as in `for_each`.
    let parts: &'p P = parts;
    let (start, n) = range.bounds();
    // The `on_rows` scope set aside, as in `for_each`.
    #[cfg(feature = "mpi")]
    let _aside = crate::dist::rows::Scope::enter();
    let wide = crate::cpu::cpu_tier() == crate::cpu::CpuTier::Avx512;
    for_schedule(
        n,
        schedule,
        chunk,
        #[inline(always)]
        |piece: Range<usize>| {
            let g = Group {
                start,
                parts,
                read: &read,
                store: &store,
            };
            // SAFETY: `for_schedule` visits each `k` in `0..n` once and `offset` is
            // injective on `0..n`, so each index gets its handles once (in `groups` or in
            // `leaf`, never both: `leaf` starts where `groups` stopped).
            unsafe {
                let done = match L::LANES {
                    2 => g.groups::<In, Out, L, 2>(piece.clone()),
                    4 => g.groups::<In, Out, L, 4>(piece.clone()),
                    8 => g.groups::<In, Out, L, 8>(piece.clone()),
                    16 => g.groups::<In, Out, L, 16>(piece.clone()),
                    32 => g.groups::<In, Out, L, 32>(piece.clone()),
                    64 => g.groups::<In, Out, L, 64>(piece.clone()),
                    _ if wide => g.groups::<In, Out, L, 16>(piece.clone()),
                    _ => g.groups::<In, Out, L, 8>(piece.clone()),
                };
                leaf::<R, P, B>(done..piece.end, start, parts, &body)
            }
        },
    );
}

/// What [`for_each_lanes`] hands its groups.
struct Group<'a, 'p, I, P, Rd, St> {
    start: I,
    parts: &'p P,
    read: &'a Rd,
    store: &'a St,
}

impl<'p, I: PrangeIndex, P: Parts<I>, Rd, St> Group<'_, 'p, I, P, Rd, St> {
    /// The full groups of `K` iterations at the start of `ks` through `L`; returns where
    /// they stopped (the first iteration left for the scalar body).
    ///
    /// # Safety
    /// No other call may cover the same `ks` values while `parts` is borrowed.
    #[inline(always)]
    unsafe fn groups<In, Out, L, const K: usize>(&self, ks: Range<usize>) -> usize
    where
        L: Lockstep<In, Out>,
        Rd: Fn(I) -> In,
        St: Fn(I, P::Lazies<'p>, Out),
    {
        let mut k = ks.start;
        while ks.end - k >= K {
            let args = std::array::from_fn(|l| (self.read)(I::offset(self.start, k + l)));
            for (l, out) in L::group::<K>(args).into_iter().enumerate() {
                let i = I::offset(self.start, k + l);
                // SAFETY: `k + l` is in `ks` (caller's guarantee: covered once) and `offset`
                // is injective on `0..n`.
                (self.store)(i, unsafe { self.parts.lazies(i) }, out);
            }
            k += K;
        }
        k
    }
}

/// Runs `body` for every value of `range` on the caller's pool, each block of the fixed grid
/// accumulating into its own `identity()`, and returns the blocks' results combined in block
/// order with `combine` (the identity itself when the range is empty).
///
/// `wire` visits each reduction variable of an accumulator with [`wire`]: inside
/// `numbox::dist::on_rows` it carries accumulators between ranks, elsewhere it is never called.
#[allow(clippy::too_many_arguments)]
pub fn reduce<'p, R, P, A, I, B, C, W>(
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p mut P,
    identity: I,
    body: B,
    combine: C,
    wire: W,
) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    A: Send,
    I: Fn() -> A + Sync,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A) + Sync,
    C: Fn(&mut A, A),
    W: Fn(&mut A, &mut Wire),
{
    // Taken as `&mut` for all of `'p` so that no second loop can hand out the same parts
    // while handles from this one may still be alive.
    let parts: &'p P = parts;
    #[cfg(feature = "mpi")]
    if let Some(mut scope) = crate::dist::rows::Scope::enter() {
        return reduce_across(
            &mut *scope,
            range,
            schedule,
            chunk,
            parts,
            identity,
            body,
            combine,
            wire,
        );
    }
    let (start, n) = range.bounds();
    #[cfg(not(feature = "mpi"))]
    let _ = wire;
    on_grid(
        n,
        schedule,
        chunk,
        &identity,
        #[inline(always)]
        |ks| block::<R, P, A, B>(ks, start, parts, identity(), &body),
        combine,
    )
}

/// [`reduce`] inside `numbox::dist::on_rows`: `0..n` is this rank's share of the rows of
/// `ranks`, and the result the single-process reduction over all rows (see
/// [`across::reduce`]).
#[allow(clippy::too_many_arguments)]
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
fn reduce_across<'p, K, R, P, A, I, B, C, W>(
    ranks: &mut K,
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p P,
    identity: I,
    body: B,
    combine: C,
    wire: W,
) -> A
where
    K: Ranks + ?Sized,
    R: PrangeRange,
    P: Parts<R::Idx>,
    A: Send,
    I: Fn() -> A + Sync,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A) + Sync,
    C: Fn(&mut A, A),
    W: Fn(&mut A, &mut Wire),
{
    let (start, n) = range.bounds();
    // The calls of `block` cover each `k` of `0..n` once: `across::reduce` folds the pieces
    // of a partition of `0..n`, each once (its docs), which the `lazies` calls rely on.
    across::reduce(
        ranks,
        n,
        schedule,
        chunk,
        &identity,
        &identity,
        |ks, _phase, acc| block::<R, P, A, B>(ks, start, parts, acc, &body),
        #[inline(always)]
        |ks| block::<R, P, A, B>(ks, start, parts, identity(), &body),
        |acc| acc,
        &wire,
        &wire,
        &combine,
        || {
            on_grid(
                n,
                schedule,
                chunk,
                &identity,
                #[inline(always)]
                |ks| block::<R, P, A, B>(ks, start, parts, identity(), &body),
                &combine,
            )
        },
    )
}

/// [`reduce_lanes`] inside `numbox::dist::on_rows`, as [`reduce_across`].
#[allow(clippy::too_many_arguments)]
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
fn reduce_lanes_across<'p, K, R, P, A, I, B, C, W>(
    ranks: &mut K,
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p P,
    identity: I,
    body: B,
    combine: C,
    wire: W,
) -> A
where
    K: Ranks + ?Sized,
    R: PrangeRange,
    P: Parts<R::Idx>,
    A: Send,
    I: Fn() -> A + Sync,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A) + Sync,
    C: Fn(&mut A, A) + Sync,
    W: Fn(&mut A, &mut Wire),
{
    let (start, n) = range.bounds();
    // Each `k` of `0..n` once, as in `reduce_across`.
    across::reduce(
        ranks,
        n,
        schedule,
        chunk,
        &identity,
        &|| -> [A; LANES] { std::array::from_fn(|_| identity()) },
        |ks, phase, acc| lanes_from::<R, P, A, B>(ks, phase, start, parts, acc, &body),
        #[inline(always)]
        |ks| lanes::<R, P, A, I, B, C>(ks, start, parts, &identity, &body, &combine),
        |acc| combine_lanes(acc, &combine),
        &|acc: &mut [A; LANES], w: &mut Wire| acc.iter_mut().for_each(|a| wire(a, w)),
        &wire,
        &combine,
        || {
            on_grid(
                n,
                schedule,
                chunk,
                &identity,
                #[inline(always)]
                |ks| lanes::<R, P, A, I, B, C>(ks, start, parts, &identity, &body, &combine),
                &combine,
            )
        },
    )
}

/// The ranks of `numbox::dist::on_rows` as [`across::reduce`] sees them (the MPI scope,
/// or threads standing in for ranks in this module's tests).
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
pub(crate) trait Ranks {
    /// Whether a reduction over `0..n` runs across the ranks (collective, see
    /// `dist::rows::Scope::admit`); `unsupported` names a variable that cannot travel.
    fn admit(
        &mut self,
        n: usize,
        unsupported: &dyn Fn() -> Option<(&'static str, &'static str)>,
    ) -> bool;
    /// The global row count.
    fn rows(&self) -> usize;
    /// This rank's global rows.
    fn mine(&self) -> Range<usize>;
    /// `f(rows of r)` for every rank `r`, in rank order.
    fn per_rank(&self, f: &dyn Fn(Range<usize>) -> usize) -> Vec<usize>;
    /// Sends `bytes` to the next rank.
    fn send_next(&self, bytes: &[u8]);
    /// Receives `len` bytes from the previous rank.
    fn receive_previous(&self, len: usize) -> Vec<u8>;
    /// Every rank's `mine` (`counts[r]` values of `unit` bytes), in rank order, on every rank.
    fn all_gather(&self, mine: &[u8], counts: &[usize], unit: usize) -> Vec<u8>;
}

/// The number of independent accumulators of a `fastmath` reduction block.
const LANES: usize = 8;

/// [`reduce`] for `#[parallel_loop(fastmath)]`: on the same block grid, but each block keeps
/// `LANES` (8) accumulators, iteration `j` of the block (counting from 0) adding into lane
/// `j % LANES`, and combines them pairwise, `((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))`
/// with `combine`, before the blocks combine in order. The lanes are independent chains
/// that LLVM may run on SIMD registers; the grid still depends on the range length only,
/// so a float sum has the same bits for any thread count, schedule and CPU tier.
#[allow(clippy::too_many_arguments)]
pub fn reduce_lanes<'p, R, P, A, I, B, C, W>(
    range: R,
    schedule: Schedule,
    chunk: Option<usize>,
    parts: &'p mut P,
    identity: I,
    body: B,
    combine: C,
    wire: W,
) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    A: Send,
    I: Fn() -> A + Sync,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A) + Sync,
    C: Fn(&mut A, A) + Sync,
    W: Fn(&mut A, &mut Wire),
{
    // Taken as `&mut` for all of `'p`, as in `reduce`.
    let parts: &'p P = parts;
    #[cfg(feature = "mpi")]
    if let Some(mut scope) = crate::dist::rows::Scope::enter() {
        return reduce_lanes_across(
            &mut *scope,
            range,
            schedule,
            chunk,
            parts,
            identity,
            body,
            combine,
            wire,
        );
    }
    let (start, n) = range.bounds();
    #[cfg(not(feature = "mpi"))]
    let _ = wire;
    on_grid(
        n,
        schedule,
        chunk,
        &identity,
        #[inline(always)]
        |ks| lanes::<R, P, A, I, B, C>(ks, start, parts, &identity, &body, &combine),
        &combine,
    )
}

/// The fixed block grid of a reduction over `0..n`: `fold(block)` for every block, on the
/// caller's pool, the results combined in block order (the identity when `n` is 0). Pass
/// `fold` marked `#[inline(always)]`: it runs inside the driver's per-tier function.
#[inline(always)]
fn on_grid<A, I, F, C>(
    n: usize,
    schedule: Schedule,
    chunk: Option<usize>,
    identity: &I,
    fold: F,
    combine: C,
) -> A
where
    A: Send,
    I: Fn() -> A,
    F: Fn(Range<usize>) -> A + Sync,
    C: Fn(&mut A, A),
{
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
                let acc = fold(b * len..n.min((b + 1) * len));
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

/// One block of [`reduce_lanes`]: the iterations `ks` on `LANES` (8) accumulators, combined.
#[inline(always)]
fn lanes<'p, R, P, A, I, B, C>(
    ks: Range<usize>,
    start: R::Idx,
    parts: &'p P,
    identity: &I,
    body: &B,
    combine: &C,
) -> A
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    I: Fn() -> A,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A),
    C: Fn(&mut A, A),
{
    let mut acc: [A; LANES] = std::array::from_fn(|_| identity());
    // A macro rather than a closure, as in `block`.
    macro_rules! step {
        ($k:expr, $acc:expr) => {{
            let i = R::Idx::offset(start, $k);
            // SAFETY: `for_schedule` visits each block once, the blocks partition `0..n`,
            // and `offset` is injective on `0..n`, so each index gets its handles once.
            body(i, unsafe { parts.lazies(i) }, $acc);
        }};
    }
    let mut k = ks.start;
    while ks.end - k >= LANES {
        for (l, a) in acc.iter_mut().enumerate() {
            step!(k + l, a);
        }
        k += LANES;
    }
    for (kk, a) in (k..ks.end).zip(acc.iter_mut()) {
        step!(kk, a);
    }
    combine_lanes(acc, combine)
}

/// The lanes of a [`reduce_lanes`] block combined pairwise,
/// `((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))`.
#[inline(always)]
fn combine_lanes<A, C: Fn(&mut A, A)>(acc: [A; LANES], combine: &C) -> A {
    let [mut l0, l1, mut l2, l3, mut l4, l5, mut l6, l7] = acc;
    combine(&mut l0, l1);
    combine(&mut l2, l3);
    combine(&mut l4, l5);
    combine(&mut l6, l7);
    combine(&mut l0, l2);
    combine(&mut l4, l6);
    combine(&mut l0, l4);
    l0
}

/// Part of a [`reduce_lanes`] block on its lane accumulators: the iterations `ks`, the
/// first of them the block's iteration `phase` (so it adds into lane `phase % LANES`).
/// Only the pieces of blocks split between ranks take this path.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
fn lanes_from<'p, R, P, A, B>(
    ks: Range<usize>,
    phase: usize,
    start: R::Idx,
    parts: &'p P,
    mut acc: [A; LANES],
    body: &B,
) -> [A; LANES]
where
    R: PrangeRange,
    P: Parts<R::Idx>,
    B: Fn(R::Idx, P::Lazies<'p>, &mut A),
{
    for (j, k) in (phase..).zip(ks) {
        let i = R::Idx::offset(start, k);
        // SAFETY: the caller (`across::reduce`) covers each `k` of `0..n` once, and
        // `offset` is injective on `0..n`.
        body(i, unsafe { parts.lazies(i) }, &mut acc[j % LANES]);
    }
    acc
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

/// The bytes of reduction accumulators, written and read by [`wire`]: how
/// `numbox::dist::on_rows` sends a block's running accumulator to the next rank and gathers
/// the block results. Made only by the runtime.
pub struct Wire {
    bytes: Vec<u8>,
    /// Where the next value is read; `None` while writing.
    read_at: Option<usize>,
    /// The first reduction variable whose type has no wire form: (name, type).
    unsupported: Option<(&'static str, &'static str)>,
}

impl Wire {
    /// An empty wire to write values into.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub(crate) fn writer() -> Self {
        Wire {
            bytes: Vec::new(),
            read_at: None,
            unsupported: None,
        }
    }

    /// A wire reading `bytes` back from the start.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub(crate) fn reader(bytes: Vec<u8>) -> Self {
        Wire {
            bytes,
            read_at: Some(0),
            unsupported: None,
        }
    }

    /// The bytes written.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The first reduction variable (name, type) that [`wire`] could not carry.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub(crate) fn unsupported(&self) -> Option<(&'static str, &'static str)> {
        self.unsupported
    }

    /// Writes `N` bytes, or reads them back into `bytes`.
    fn carry<const N: usize>(&mut self, bytes: &mut [u8; N]) {
        match &mut self.read_at {
            None => self.bytes.extend_from_slice(bytes),
            Some(at) => {
                let src = self
                    .bytes
                    .get(*at..*at + N)
                    .expect("numbox: a reduction accumulator read past the bytes its rank sent");
                bytes.copy_from_slice(src);
                *at += N;
            }
        }
    }
}

/// Writes `v` (reduction variable `name`) into `w`, or reads it back, when `T` is a primitive
/// number, `bool`, `Complex32` or `Complex64`; any other type is noted in `w` (as
/// unsupported) and left alone. The expansion of `#[parallel_loop]` calls it for each
/// reduction variable of an accumulator.
pub fn wire<T>(v: &mut T, name: &'static str, w: &mut Wire) {
    // `typeid::of`: the type need not be `'static` (a generic kernel's `T`).
    let id = typeid::of::<T>();
    macro_rules! numbers {
        ($($t:ty),*) => {$(
            if id == TypeId::of::<$t>() {
                // SAFETY: `T` is `$t` (their ids match and `$t` has no lifetimes), so the
                // pointer is a valid, exclusive `&mut $t`.
                let v = unsafe { &mut *(v as *mut T).cast::<$t>() };
                let mut bytes = v.to_le_bytes();
                w.carry(&mut bytes);
                *v = <$t>::from_le_bytes(bytes);
                return;
            }
        )*};
    }
    numbers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
    if id == TypeId::of::<bool>() {
        // SAFETY: `T` is `bool`, as above.
        let v = unsafe { &mut *(v as *mut T).cast::<bool>() };
        let mut bytes = [u8::from(*v)];
        w.carry(&mut bytes);
        *v = bytes[0] != 0;
        return;
    }
    macro_rules! complex {
        ($($t:ty),*) => {$(
            if id == TypeId::of::<num_complex::Complex<$t>>() {
                // SAFETY: `T` is `Complex<$t>`, as above.
                let v = unsafe { &mut *(v as *mut T).cast::<num_complex::Complex<$t>>() };
                wire(&mut v.re, name, w);
                wire(&mut v.im, name, w);
                return;
            }
        )*};
    }
    complex!(f32, f64);
    w.unsupported
        .get_or_insert((name, std::any::type_name::<T>()));
}

/// The reductions of a `prange` inside `numbox::dist::on_rows`: the grid of the
/// single-process call over all ranks' rows, every block folded as that call folds it.
#[cfg_attr(not(feature = "mpi"), allow(dead_code))]
mod across {
    use super::{block_len, for_schedule, Ranks, Schedule, Wire};
    use std::ops::Range;
    use std::sync::Mutex;

    /// Reduces `0..n`, this rank's rows of the scope's array, on the global grid: every
    /// rank gets the bits of the single-process reduction over all rows. `fresh` starts a
    /// block's state `S` (one accumulator, or the lanes of `fastmath`), `part(ks, phase, s)`
    /// continues it over the iterations `ks` (the first being the block's iteration
    /// `phase`), `whole(ks)` folds a block lying on this rank, `finish` turns a state into
    /// the block's result. Falls back to `local()` (the ordinary reduction of `0..n`) when
    /// the scope has failed or fails here: the scope then returns the `Err`.
    ///
    /// The calls of `part` and `whole` cover the iterations `0..n` once each (a partition:
    /// the head of a block begun on an earlier rank, whole blocks, the start of a block
    /// finished on a later rank), which is what makes the body's `lazies` calls sound.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn reduce<K, A, S, I, F, Pa, Wh, Fi, WS, WA, C, L>(
        scope: &mut K,
        n: usize,
        schedule: Schedule,
        chunk: Option<usize>,
        identity: &I,
        fresh: &F,
        part: Pa,
        whole: Wh,
        finish: Fi,
        wire_state: &WS,
        wire: &WA,
        combine: &C,
        local: L,
    ) -> A
    where
        K: Ranks + ?Sized,
        A: Send,
        I: Fn() -> A,
        F: Fn() -> S,
        Pa: Fn(Range<usize>, usize, S) -> S,
        Wh: Fn(Range<usize>) -> A + Sync,
        Fi: Fn(S) -> A,
        WS: Fn(&mut S, &mut Wire),
        WA: Fn(&mut A, &mut Wire),
        C: Fn(&mut A, A),
        L: FnOnce() -> A,
    {
        let unsupported = || {
            let mut w = Wire::writer();
            wire(&mut identity(), &mut w);
            w.unsupported()
        };
        if !scope.admit(n, &unsupported) {
            return local();
        }
        let (rows, mine) = (scope.rows(), scope.mine());
        // What the pieces below (and the body's `lazies` calls) rely on: they cover `0..n`.
        assert_eq!(
            mine.len(),
            n,
            "an admitted reduction runs over the rank's rows"
        );
        let (s, e) = (mine.start, mine.end);
        let len = block_len(rows);
        let block_end = |b: usize| rows.min((b + 1) * len);
        // The number of blocks ending at or before global row `x`.
        let ends_by = |x: usize| {
            if x == rows {
                rows.div_ceil(len)
            } else {
                x / len
            }
        };
        let whole_blocks = s.div_ceil(len)..ends_by(e);
        // A block begun on an earlier rank: its index, and whether it also ends past `e`.
        let head = (s % len != 0).then_some(s / len);
        let middle = head.is_some_and(|h| block_end(h) > e);
        // A block begun here and finished on a later rank.
        let tail = (!middle && e < rows && e % len != 0).then_some(e / len);

        let bytes_of = |state: &mut S| {
            let mut w = Wire::writer();
            wire_state(state, &mut w);
            w.into_bytes()
        };
        let state_len = bytes_of(&mut fresh()).len();
        // The start of the tail block, sent first so the next rank waits as little as
        // possible.
        if let Some(t) = tail {
            let mut state = part(t * len - s..e - s, 0, fresh());
            scope.send_next(&bytes_of(&mut state));
        }
        let first = whole_blocks.start;
        let slots: Vec<Mutex<Option<A>>> = whole_blocks.clone().map(|_| Mutex::new(None)).collect();
        for_schedule(
            slots.len(),
            schedule,
            chunk.map(|c| c.div_ceil(len)),
            #[inline(always)]
            |piece: Range<usize>| {
                for j in piece {
                    let b = first + j;
                    let acc = whole(b * len - s..block_end(b) - s);
                    *slots[j].lock().unwrap_or_else(|p| p.into_inner()) = Some(acc);
                }
            },
        );
        let mut results: Vec<A> = Vec::with_capacity(slots.len() + 1);
        if let Some(h) = head {
            let mut state = fresh();
            wire_state(
                &mut state,
                &mut Wire::reader(scope.receive_previous(state_len)),
            );
            let state = part(0..block_end(h).min(e) - s, s - h * len, state);
            if middle {
                let mut state = state;
                scope.send_next(&bytes_of(&mut state));
            } else {
                results.push(finish(state));
            }
        }
        results.extend(slots.into_iter().map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every reduction block ran")
        }));
        // Every block's result, in block order, on every rank.
        let mut w = Wire::writer();
        results.iter_mut().for_each(|a| wire(a, &mut w));
        let acc_len = {
            let mut w = Wire::writer();
            wire(&mut identity(), &mut w);
            w.into_bytes().len()
        };
        let counts = scope.per_rank(&|r: Range<usize>| ends_by(r.end) - ends_by(r.start));
        let all = scope.all_gather(&w.into_bytes(), &counts, acc_len);
        let mut r = Wire::reader(all);
        let mut next = || {
            let mut a = identity();
            wire(&mut a, &mut r);
            a
        };
        let total_blocks = rows.div_ceil(len);
        let mut total = next();
        for _ in 1..total_blocks {
            combine(&mut total, next());
        }
        total
    }
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
            |a, w| wire(a, "s", w),
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

    /// `sum` has the same bits with 1 to 4 threads and every schedule.
    fn assert_thread_independent(sum: fn(usize, Schedule, Option<usize>) -> f64) {
        let n = 123_457;
        let reference = sum(n, Schedule::Adaptive, None);
        for threads in 1..=4 {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (s, c) in SCHEDULES {
                let got = pool.install(|| sum(n, s, c));
                assert_eq!(
                    got.to_bits(),
                    reference.to_bits(),
                    "{s:?} {c:?} t={threads}"
                );
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn reduction_bits_do_not_depend_on_threads_or_schedule() {
        assert_thread_independent(float_sum);
    }

    fn lane_sum(n: usize, schedule: Schedule, chunk: Option<usize>) -> f64 {
        let x: Vec<f64> = (0..n).map(|k| 1.0 / (k as f64 + 0.37)).collect();
        reduce_lanes(
            0..n,
            schedule,
            chunk,
            &mut (),
            || -0.0_f64,
            |i, (), acc: &mut f64| *acc += x[i],
            |a, b| *a += b,
            |a, w| wire(a, "s", w),
        )
    }

    #[test]
    fn lane_reduction_matches_the_lane_grid() {
        let n = if cfg!(miri) { 3001 } else { 100_003 };
        let x: Vec<f64> = (0..n).map(|k| 1.0 / (k as f64 + 0.37)).collect();
        let block = |c: &[f64]| {
            let mut l = [-0.0_f64; LANES];
            for (j, v) in c.iter().enumerate() {
                l[j % LANES] += v;
            }
            ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
        };
        let mut blocks = x.chunks(block_len(n)).map(block);
        let first = blocks.next().unwrap();
        let expected = blocks.fold(first, |a, b| a + b);
        assert_eq!(
            lane_sum(n, Schedule::Adaptive, None).to_bits(),
            expected.to_bits()
        );
        // Blocks shorter than the lane count, and the empty range.
        assert_eq!(
            lane_sum(5, Schedule::Static, None),
            x[..5].iter().sum::<f64>()
        );
        assert_eq!(
            lane_sum(0, Schedule::Adaptive, None).to_bits(),
            (-0.0_f64).to_bits()
        );
    }

    #[test]
    #[cfg_attr(miri, ignore)]
    fn lane_reduction_bits_do_not_depend_on_threads_or_schedule() {
        assert_thread_independent(lane_sum);
    }

    /// Every supported type travels through a `Wire` unchanged (NaN payloads and -0.0
    /// included), and any other type is reported by name without being touched.
    #[test]
    fn wire_round_trips_numbers_and_names_other_types() {
        use num_complex::Complex;
        let mut acc = (
            -7_i8,
            i128::MIN + 3,
            u64::MAX - 1,
            usize::MAX / 3,
            f64::from_bits(0x7ff8_0000_dead_beef),
            -0.0_f32,
            true,
            Complex::new(1.5_f32, -0.0),
            Complex::new(f64::MIN_POSITIVE, -2.5),
        );
        let before = format!("{acc:?}");
        let nan_bits = acc.4.to_bits();
        macro_rules! visit {
            ($acc:expr, $w:expr) => {
                wire(&mut $acc.0, "a", $w);
                wire(&mut $acc.1, "b", $w);
                wire(&mut $acc.2, "c", $w);
                wire(&mut $acc.3, "d", $w);
                wire(&mut $acc.4, "e", $w);
                wire(&mut $acc.5, "f", $w);
                wire(&mut $acc.6, "g", $w);
                wire(&mut $acc.7, "h", $w);
                wire(&mut $acc.8, "i", $w);
            };
        }
        let mut w = Wire::writer();
        visit!(acc, &mut w);
        assert_eq!(w.unsupported(), None);
        let bytes = w.into_bytes();
        assert_eq!(
            bytes.len(),
            1 + 16 + 8 + size_of::<usize>() + 8 + 4 + 1 + 8 + 16
        );
        type Acc = (
            i8,
            i128,
            u64,
            usize,
            f64,
            f32,
            bool,
            Complex<f32>,
            Complex<f64>,
        );
        let mut back: Acc = Default::default();
        let mut r = Wire::reader(bytes);
        visit!(back, &mut r);
        assert_eq!(format!("{back:?}"), before);
        assert_eq!(back.4.to_bits(), nan_bits);
        assert!(back.5.is_sign_negative() && back.7.im.is_sign_negative());

        // A type of the user's, in a generic (not `'static`) context, is named and untouched.
        fn visit_generic<T>(v: &mut T, w: &mut Wire) {
            wire(v, "t", w);
        }
        #[derive(Debug, PartialEq)]
        struct Meters<'a>(&'a f64);
        let x = 2.0;
        let mut m = Meters(&x);
        let mut w = Wire::writer();
        visit_generic(&mut 1.0_f64, &mut w);
        visit_generic(&mut m, &mut w);
        visit_generic(&mut 3_u8, &mut w);
        assert_eq!(w.unsupported().map(|u| u.0), Some("t"));
        assert!(w.unsupported().unwrap().1.contains("Meters"));
        assert_eq!(w.into_bytes().len(), 9);
        assert_eq!(m, Meters(&2.0));
    }

    /// Ranks simulated by threads: messages over channels, the all-gather on a board.
    struct SimRanks {
        starts: Arc<Vec<usize>>,
        rank: usize,
        next: Option<mpsc::Sender<Vec<u8>>>,
        previous: Option<mpsc::Receiver<Vec<u8>>>,
        board: Arc<(Mutex<Vec<Vec<u8>>>, std::sync::Barrier)>,
    }

    use std::sync::{mpsc, Arc};

    impl Ranks for SimRanks {
        fn admit(
            &mut self,
            n: usize,
            unsupported: &dyn Fn() -> Option<(&'static str, &'static str)>,
        ) -> bool {
            assert_eq!(unsupported(), None);
            assert_eq!(n, self.mine().len());
            true
        }
        fn rows(&self) -> usize {
            *self.starts.last().unwrap()
        }
        fn mine(&self) -> Range<usize> {
            self.starts[self.rank]..self.starts[self.rank + 1]
        }
        fn per_rank(&self, f: &dyn Fn(Range<usize>) -> usize) -> Vec<usize> {
            self.starts.windows(2).map(|w| f(w[0]..w[1])).collect()
        }
        fn send_next(&self, bytes: &[u8]) {
            self.next.as_ref().unwrap().send(bytes.to_vec()).unwrap();
        }
        fn receive_previous(&self, len: usize) -> Vec<u8> {
            let got = self.previous.as_ref().unwrap().recv().unwrap();
            assert_eq!(got.len(), len);
            got
        }
        fn all_gather(&self, mine: &[u8], counts: &[usize], unit: usize) -> Vec<u8> {
            assert_eq!(mine.len(), counts[self.rank] * unit);
            self.board.0.lock().unwrap()[self.rank] = mine.to_vec();
            self.board.1.wait();
            let all = self.board.0.lock().unwrap().concat();
            // Everyone has read the board before anyone writes the next gather's part.
            self.board.1.wait();
            assert_eq!(all.len(), counts.iter().sum::<usize>() * unit);
            all
        }
    }

    /// Runs `f(ranks, this rank's slice of x)` on `p` simulated ranks (the partition of
    /// `numbox::dist`), returning each rank's result.
    fn on_sim_ranks<T: Send>(
        x: &[f64],
        p: usize,
        f: impl Fn(&mut SimRanks, &[f64]) -> T + Sync,
    ) -> Vec<T> {
        let n = x.len();
        let starts: Vec<usize> = (0..=p).map(|r| r * (n / p) + r.min(n % p)).collect();
        let starts = Arc::new(starts);
        let board = Arc::new((Mutex::new(vec![Vec::new(); p]), std::sync::Barrier::new(p)));
        let mut senders = Vec::new();
        let mut receivers = vec![None];
        for _ in 1..p {
            let (tx, rx) = mpsc::channel();
            senders.push(Some(tx));
            receivers.push(Some(rx));
        }
        senders.push(None);
        std::thread::scope(|sc| {
            let handles: Vec<_> = senders
                .into_iter()
                .zip(receivers)
                .enumerate()
                .map(|(rank, (next, previous))| {
                    let mut ranks = SimRanks {
                        starts: starts.clone(),
                        rank,
                        next,
                        previous,
                        board: board.clone(),
                    };
                    let (f, local) = (&f, &x[starts[rank]..starts[rank + 1]]);
                    std::thread::Builder::new()
                        .stack_size(256 << 10)
                        .spawn_scoped(sc, move || f(&mut ranks, local))
                        .unwrap()
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    /// The distributed fold gives every rank the single-process bits, plain and `fastmath`,
    /// for rank counts where blocks straddle two ranks and, with more than 1024 ranks, span
    /// three or more (a rank holding fewer rows than a block).
    #[test]
    #[cfg_attr(miri, ignore)]
    fn across_ranks_matches_the_single_process_grid() {
        // Groups a, b, -a, -b: the total is rounding error, so any change of order shows.
        let order_sensitive = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|i| {
                    let a =
                        |k: usize| (k as f64 * 0.618_034).fract() * 2f64.powi((k % 37) as i32 - 18);
                    match i % 4 {
                        _ if i / 4 * 4 + 4 > n => 0.0,
                        0 | 1 => a(i),
                        _ => -a(i - 2),
                    }
                })
                .collect()
        };
        for (n, p) in [
            (1025, 2),
            (5003, 3),
            (21_011, 5),
            (2300, 1100),
            (3075, 1537),
        ] {
            let x = order_sensitive(n);
            let plain = |i: usize, (): (), acc: &mut f64| *acc += x[i];
            let want = reduce(
                0..n,
                Schedule::Adaptive,
                None,
                &mut (),
                || -0.0,
                plain,
                |a, b| *a += b,
                |a, w| wire(a, "s", w),
            );
            let want_lanes = reduce_lanes(
                0..n,
                Schedule::Adaptive,
                None,
                &mut (),
                || -0.0,
                plain,
                |a, b| *a += b,
                |a, w| wire(a, "s", w),
            );
            if n > 8 * MAX_BLOCKS {
                // The data is order-sensitive enough for the lane grid to change the bits.
                assert_ne!(want.to_bits(), want_lanes.to_bits(), "n = {n}");
            }
            let got = on_sim_ranks(&x, p, |ranks, local| {
                let body = |i: usize, (): (), acc: &mut (f64, u64)| {
                    acc.0 += local[i];
                    acc.1 += 1;
                };
                let run = |ranks: &mut SimRanks, lanes: bool| {
                    let (id, comb, w) = (
                        || (-0.0, 0_u64),
                        |a: &mut (f64, u64), b: (f64, u64)| {
                            a.0 += b.0;
                            a.1 += b.1;
                        },
                        |a: &mut (f64, u64), w: &mut Wire| {
                            wire(&mut a.0, "s", w);
                            wire(&mut a.1, "count", w);
                        },
                    );
                    if lanes {
                        reduce_lanes_across(
                            ranks,
                            0..local.len(),
                            Schedule::Static,
                            None,
                            &(),
                            id,
                            body,
                            comb,
                            w,
                        )
                    } else {
                        reduce_across(
                            ranks,
                            0..local.len(),
                            Schedule::Dynamic,
                            Some(3),
                            &(),
                            id,
                            body,
                            comb,
                            w,
                        )
                    }
                };
                (run(ranks, false), run(ranks, true))
            });
            for (r, ((s, c), (sl, cl))) in got.into_iter().enumerate() {
                assert_eq!(
                    (s.to_bits(), c),
                    (want.to_bits(), n as u64),
                    "plain, rank {r} of {p}, n = {n}"
                );
                assert_eq!(
                    (sl.to_bits(), cl),
                    (want_lanes.to_bits(), n as u64),
                    "lanes, rank {r} of {p}, n = {n}"
                );
            }
        }
    }

    /// A hand-written lockstep version of `v * 3 + 1` (for `u64`) on `L` lanes, counting its
    /// groups.
    struct Triple<const L: usize>;
    static GROUPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    impl<const L: usize> Lockstep<(u64,), (u64,)> for Triple<L> {
        const LANES: usize = L;
        fn group<const K: usize>(args: [(u64,); K]) -> [(u64,); K] {
            GROUPS.fetch_add(1, Ordering::Relaxed);
            args.map(|(v,)| (v * 3 + 1,))
        }
    }

    #[test]
    fn for_each_lanes_runs_full_groups_and_the_tail_scalar() {
        use super::super::disjoint::DisjointExt;
        let x: Vec<u64> = (0..40).map(|k| k * k).collect();
        fn run<const L: usize>(x: &[u64], n: usize, groups: usize, k: usize) {
            let mut out = vec![0_u64; n];
            let mut parts = (out.__nb_disjoint(), ());
            let scalar = std::sync::atomic::AtomicUsize::new(0);
            GROUPS.store(0, Ordering::Relaxed);
            for_each_lanes(
                0..n,
                Schedule::Static,
                None,
                &mut parts,
                Triple::<L>,
                |i, (mut lz, ())| {
                    scalar.fetch_add(1, Ordering::Relaxed);
                    lz.get()[0] = x[i] * 3 + 1;
                },
                |i| (x[i],),
                |_, (mut lz, ()), (v,)| lz.get()[0] = v,
            );
            let want: Vec<u64> = x[..n].iter().map(|v| v * 3 + 1).collect();
            assert_eq!(out, want, "n = {n}");
            if cfg!(miri) || rayon::current_num_threads() == 1 {
                // One piece: the groups are the full ones from the start.
                assert_eq!(GROUPS.load(Ordering::Relaxed), groups, "n = {n}");
                assert_eq!(scalar.into_inner(), n - groups * k, "n = {n}");
            }
        }
        for (n, groups) in [(0, 0), (3, 0), (4, 1), (19, 4)] {
            run::<4>(&x, n, groups, 4);
        }
        run::<8>(&x, 40, 5, 8);
        // The tier's choice: 16 lanes on AVX-512, else 8; the rest scalar.
        let wide = crate::cpu::cpu_tier() == crate::cpu::CpuTier::Avx512;
        run::<0>(&x, 37, if wide { 2 } else { 4 }, if wide { 16 } else { 8 });
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
