//! Where a kernel call runs: the one setting every kernel family shares.

/// Where a kernel call runs.
///
/// Every companion type has `serial()` and `parallel()` handles that pick one explicitly; the
/// attribute's `target = "cpu" | "parallel"` picks the default used by `name::call`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Target {
    /// On the calling thread.
    #[default]
    Serial,
    /// Split into large contiguous blocks across the caller's rayon pool; inputs smaller than
    /// a grain stay serial. Elementwise results are bitwise identical to `Serial`.
    Parallel,
}
