//! Where CubeCL keeps its compiled kernels: never in the caller's project.

use std::path::PathBuf;

/// The variable that overrides the cache directory.
pub(crate) const CACHE_VAR: &str = "NUMBOX_GPU_CACHE";

/// The cache directory: `$NUMBOX_GPU_CACHE`, else `numbox/gpu` under the user cache
/// directory, else under the temporary directory. Pure in its inputs, for the tests.
pub(crate) fn cache_dir_from(
    numbox_var: Option<PathBuf>,
    user_cache: Option<PathBuf>,
    temp: PathBuf,
) -> PathBuf {
    match (numbox_var, user_cache) {
        (Some(dir), _) if !dir.as_os_str().is_empty() => dir,
        (_, Some(base)) => base.join("numbox").join("gpu"),
        _ => temp.join("numbox").join("gpu"),
    }
}

/// The user cache directory of the platform, as its conventions name it.
fn user_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches"))
    } else if cfg!(windows) {
        var("LOCALAPPDATA")
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    }
}

/// The cache directory for this process (see the module documentation of `numbox::gpu`).
pub(crate) fn cache_dir() -> PathBuf {
    cache_dir_from(
        std::env::var_os(CACHE_VAR).map(PathBuf::from),
        user_cache_dir(),
        std::env::temp_dir(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_wins_then_the_user_cache_then_temp() {
        let t = PathBuf::from("/tmp");
        let v = Some(PathBuf::from("/v"));
        let u = Some(PathBuf::from("/home/u/.cache"));
        assert_eq!(cache_dir_from(v, u.clone(), t.clone()), PathBuf::from("/v"));
        assert_eq!(
            cache_dir_from(None, u.clone(), t.clone()),
            PathBuf::from("/home/u/.cache/numbox/gpu")
        );
        assert_eq!(
            cache_dir_from(Some(PathBuf::new()), u, t.clone()),
            PathBuf::from("/home/u/.cache/numbox/gpu")
        );
        assert_eq!(
            cache_dir_from(None, None, t),
            PathBuf::from("/tmp/numbox/gpu")
        );
    }
}
