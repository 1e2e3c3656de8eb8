//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to; their documentation lives there.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod parse;
