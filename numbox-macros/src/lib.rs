//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to; their documentation lives there.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod guvectorize;
mod parse;

/// Turns a function over core views into a generalized ufunc (NumPy's gufunc) with the given
/// layout, e.g. `#[guvectorize("(n),()->(n)")]`; see `numbox::guvectorize` for the full
/// documentation.
#[proc_macro_attribute]
pub fn guvectorize(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    guvectorize::expand(attr.into(), item.into()).into()
}
