//! Output allocation.
//!
//! Writing into freshly mapped 4 KiB pages costs more than most kernels (measured on the
//! project's 2-core Zen 3 machine: about 1 GB/s against 20 GB/s into mapped memory). Asking Linux for transparent huge pages before
//! the first write brings that to 4-8 GB/s, so large outputs get the advice, and the
//! parallel executor lets each thread fault its own pages.

use ndarray::{ArrayBase, DataMut, Dimension, RawData};

/// Outputs at least this large (in bytes) are advised to use huge pages.
pub(crate) const HUGE_PAGE_THRESHOLD: usize = 4 << 20;

/// Advises huge pages for the memory of a freshly allocated, not yet written array.
pub(crate) fn advise_huge_pages<S, D>(a: &mut ArrayBase<S, D>)
where
    S: DataMut,
    D: Dimension,
{
    let bytes = a.len() * std::mem::size_of::<<S as RawData>::Elem>();
    advise_bytes(a.as_mut_ptr().cast::<u8>(), bytes);
}

/// Advises huge pages for `bytes` bytes at `ptr`, a fresh allocation not yet written, when
/// it is at least [`HUGE_PAGE_THRESHOLD`] bytes.
pub(crate) fn advise_bytes(ptr: *const u8, bytes: usize) {
    if bytes >= HUGE_PAGE_THRESHOLD {
        advise(ptr, bytes);
    }
}

/// Faults in the huge pages of a fresh, advised allocation from the calling thread, before
/// parallel work writes it.
///
/// Several threads faulting huge pages of one allocation at once contend in the kernel (with
/// transparent huge pages in `madvise` defrag mode the fault compacts memory synchronously):
/// a parallel `call` producing 10^7 f64 took 20 ms against 9 ms serial. One write per 2 MiB
/// from one thread maps the pages (4 ms for 80 MB), after which the threads write mapped
/// memory and scale.
pub(crate) fn prefault_huge_pages<S, D>(a: &mut ArrayBase<S, D>)
where
    S: DataMut,
    D: Dimension,
{
    let bytes = a.len() * std::mem::size_of::<<S as RawData>::Elem>();
    if bytes >= HUGE_PAGE_THRESHOLD {
        prefault(a.as_mut_ptr().cast::<u8>(), bytes);
    }
}

#[cfg(all(target_os = "linux", not(miri)))]
fn prefault(ptr: *mut u8, bytes: usize) {
    const HUGE: usize = 2 << 20;
    let mut offset = 0;
    while offset < bytes {
        // SAFETY: `offset < bytes`, so the byte is inside the allocation, which is fresh and
        // not yet initialised: nothing reads it before the kernel writes its element, and
        // writing a byte of a `MaybeUninit` element is allowed. Volatile, so the write that
        // faults the page in is not optimised away.
        unsafe { ptr.add(offset).write_volatile(0) };
        // The next 2 MiB boundary of the address space.
        offset = (ptr as usize + offset + HUGE) / HUGE * HUGE - ptr as usize;
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
fn prefault(_ptr: *mut u8, _bytes: usize) {}

#[cfg(all(target_os = "linux", not(miri)))]
fn advise(ptr: *const u8, bytes: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + bytes) & !(PAGE - 1);
    if end > start {
        // SAFETY: madvise only changes the kernel's paging policy for the pages of this
        // allocation (the range is rounded inwards to whole pages we own); it never changes
        // their contents, and an error is harmless, so its result is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
fn advise(_ptr: *const u8, _bytes: usize) {}
