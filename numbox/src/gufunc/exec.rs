//! Running the loop iterations of a planned call: serially, or in blocks across the caller's
//! rayon pool; and allocating fresh outputs.

use super::plan::Plan;
use crate::error::{Error, ErrorKind, Result};
use crate::executor::Target;
use std::ops::Range;

/// Below this many elements touched in total a parallel call stays serial.
const PAR_GRAIN: usize = 1 << 15;
/// The least work (elements) one parallel block does.
const BLOCK_GRAIN: usize = 1 << 13;
/// Blocks per thread: enough for load balance, few enough that each stays large.
const BLOCKS_PER_THREAD: usize = 8;

/// Runs `block` over the loop iterations `0..plan.iterations()`, split across threads when
/// `target` is parallel and there is enough work. Every iteration runs exactly once.
pub(crate) fn execute(plan: &Plan, target: Target, block: &(dyn Fn(Range<usize>) + Sync)) {
    let total = plan.iterations();
    if total == 0 {
        return;
    }
    let work = plan.work();
    if target == Target::Serial || total < 2 || total.saturating_mul(work) < PAR_GRAIN {
        return block(0..total);
    }
    crate::threads::install(|| {
        let threads = rayon::current_num_threads();
        let min_iters = BLOCK_GRAIN.div_ceil(work).max(1);
        let blocks = (total / min_iters).min(threads * BLOCKS_PER_THREAD);
        if threads < 2 || blocks < 2 {
            return block(0..total);
        }
        use rayon::prelude::*;
        (0..blocks).into_par_iter().for_each(|b| {
            // Balanced split: block b gets iterations [b*total/blocks, (b+1)*total/blocks).
            let lo = (b as u128 * total as u128 / blocks as u128) as usize;
            let hi = ((b + 1) as u128 * total as u128 / blocks as u128) as usize;
            block(lo..hi);
        });
    })
}

/// An output being built: capacity for `len` elements, written by the loop blocks (each first
/// sets its part to `T::default()`), and only then given its length.
pub(crate) struct Fresh<T> {
    buf: Vec<T>,
    len: usize,
}

impl<T: Default> Fresh<T> {
    pub(crate) fn new(len: usize) -> Result<Self> {
        let mut buf: Vec<T> = Vec::new();
        buf.try_reserve_exact(len).map_err(|e| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("cannot allocate an output of {len} elements: {e}"),
            )
        })?;
        advise_huge_pages(
            buf.as_ptr().cast(),
            len.saturating_mul(std::mem::size_of::<T>()),
        );
        Ok(Fresh { buf, len })
    }

    pub(crate) fn ptr(&mut self) -> *mut T {
        self.buf.as_mut_ptr()
    }

    /// The finished buffer.
    ///
    /// # Safety
    /// Every element `0..len` has been written (by [`init_range`]).
    pub(crate) unsafe fn finish(mut self) -> Vec<T> {
        // SAFETY: the caller guarantees that all `len <= capacity` elements are initialised.
        unsafe { self.buf.set_len(self.len) };
        self.buf
    }
}

/// Writes `T::default()` to `ptr[range]`.
///
/// # Safety
/// `ptr[range]` lies inside one allocation of `T`s and no one else accesses it meanwhile.
#[inline]
pub(crate) unsafe fn init_range<T: Default>(ptr: *mut T, range: Range<usize>) {
    for k in range {
        // SAFETY: in bounds and exclusive by the caller's guarantee; `write` does not read
        // the uninitialised old value.
        unsafe { ptr.add(k).write(T::default()) };
    }
}

/// Asks Linux for transparent huge pages on a large fresh buffer before its first write:
/// faulting in 4 KiB pages costs more than most kernels (PERF.md).
#[cfg(all(target_os = "linux", not(miri)))]
fn advise_huge_pages(ptr: *const u8, bytes: usize) {
    const MIN_BYTES: usize = 4 << 20;
    const PAGE: usize = 4096;
    if bytes < MIN_BYTES {
        return;
    }
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + bytes) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range is page-aligned and lies inside our own live allocation;
        // MADV_HUGEPAGE only changes how the kernel backs it, never its contents. A failure
        // (e.g. THP disabled) is harmless and ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
fn advise_huge_pages(_ptr: *const u8, _bytes: usize) {}
