//! The workspace's root package: it only hosts `tests/`, `benches/` and `examples/`,
//! which exercise `numbox` through its public API.
