//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod parse;
mod vectorize;

use proc_macro::TokenStream;

/// Turns a scalar function into a broadcasting array kernel (a NumPy ufunc); see
/// `numbox::vectorize` for the full documentation.
#[proc_macro_attribute]
pub fn vectorize(attr: TokenStream, item: TokenStream) -> TokenStream {
    vectorize::expand(attr.into(), item.into()).into()
}
