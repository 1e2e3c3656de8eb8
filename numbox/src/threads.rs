//! Which rayon pool the parallel targets run on.
//!
//! Parallel work runs on the caller's pool: inside `ThreadPool::install` (or any rayon
//! worker) it stays on that pool. Called from outside any pool, it runs on the pool made by
//! [`set_num_threads`] if there is one, and otherwise on rayon's global pool.

use crate::error::{Error, ErrorKind, Result};
use std::sync::{Arc, RwLock};

static POOL: RwLock<Option<Arc<rayon::ThreadPool>>> = RwLock::new(None);

/// Sets the number of threads numbox's parallel targets use when called from outside a rayon
/// pool, like Numba's `set_num_threads`. `n` must be at least 1.
///
/// ```
/// numbox::set_num_threads(2).unwrap();
/// assert_eq!(numbox::get_num_threads(), 2);
/// assert!(numbox::set_num_threads(0).is_err());
/// ```
pub fn set_num_threads(n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "set_num_threads: the number of threads must be at least 1",
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("numbox-{i}"))
        .build()
        .map_err(|e| Error::new(ErrorKind::InvalidArgument, format!("set_num_threads: {e}")))?;
    *POOL.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(pool));
    Ok(())
}

/// The number of threads a parallel target called from here would use.
///
/// ```
/// let pool = numbox::rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
/// assert_eq!(pool.install(numbox::get_num_threads), 3);
/// ```
pub fn get_num_threads() -> usize {
    if rayon::current_thread_index().is_some() {
        return rayon::current_num_threads();
    }
    match &*POOL.read().unwrap_or_else(|p| p.into_inner()) {
        Some(pool) => pool.current_num_threads(),
        None => rayon::current_num_threads(),
    }
}

/// Runs `f` on the pool parallel targets use from here (see the module docs).
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        return f();
    }
    let pool = POOL.read().unwrap_or_else(|p| p.into_inner()).clone();
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}
