//! Huge-page advice for freshly allocated outputs (PERF.md: first touch of 4 KiB pages runs
//! at about 1 GB/s, against 4-8 GB/s with transparent huge pages).

/// Outputs at least this large (bytes) are advised to use huge pages.
const THRESHOLD: usize = 4 << 20;

/// Advises huge pages for `len` elements at `ptr`, not yet written.
pub(super) fn advise_huge_pages<T>(ptr: *mut T, len: usize) {
    let bytes = len * std::mem::size_of::<T>();
    if bytes >= THRESHOLD {
        advise(ptr.cast::<u8>(), bytes);
    }
}

#[cfg(all(target_os = "linux", not(miri)))]
fn advise(ptr: *mut u8, bytes: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + bytes) & !(PAGE - 1);
    if end > start {
        // SAFETY: madvise only changes the paging policy of whole pages inside this
        // allocation (the range is rounded inwards); it never changes their contents, and a
        // failure is harmless, so the result is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", not(miri))))]
fn advise(_ptr: *mut u8, _bytes: usize) {}
