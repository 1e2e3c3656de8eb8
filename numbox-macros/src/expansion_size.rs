//! How much code each macro generates per kernel: a guard against expansions growing back,
//! and the stencil's kernel body compiled once.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

/// The number of token trees, recursively, of `ts`.
fn count(ts: TokenStream) -> usize {
    ts.into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => 1 + count(g.stream()),
            _ => 1,
        })
        .sum()
}

/// The expansion minus the user's own function, written to `$NB_EXPAND_DIR/<name>.rs` when set
/// (format it with rustfmt to count lines).
fn generated(name: &str, expansion: TokenStream, user: TokenStream) -> usize {
    if let Ok(dir) = std::env::var("NB_EXPAND_DIR") {
        std::fs::write(format!("{dir}/{name}.rs"), expansion.to_string()).unwrap();
    }
    count(expansion) - count(user)
}

#[test]
fn generated_code_per_kernel() {
    let v = quote! { fn add(x: f64, y: f64) -> f64 { x + y } };
    let vn = generated(
        "vectorize",
        crate::vectorize::expand(quote!(), v.clone()),
        v,
    );
    let g = quote! { fn total(x: ArrayView1<f64>) -> f64 { x.sum() } };
    let gn = generated(
        "guvectorize",
        crate::guvectorize::expand(quote!("(n)->()"), g.clone()),
        g,
    );
    let s =
        quote! { fn lap(u: Neighbors2<f64>) -> f64 { u[[-1, 0]] + u[[1, 0]] - 2.0 * u[[0, 0]] } };
    let sn = generated("stencil", crate::stencil::expand(quote!(), s.clone()), s);
    eprintln!("generated token trees: vectorize {vn}, guvectorize {gn}, stencil {sn}");
}

/// Counts the occurrences of the token `needle` in `ts`, recursively.
fn occurrences(ts: TokenStream, needle: &str) -> usize {
    ts.into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => occurrences(g.stream(), needle),
            other => usize::from(other.to_string() == needle),
        })
        .sum()
}

#[test]
fn the_stencil_body_is_compiled_once() {
    let s = quote! { fn lap(u: Neighbors1<f64>) -> f64 { u[-1] + 12345.5 * u[1] } };
    let out = crate::stencil::expand(quote!(), s);
    assert_eq!(occurrences(out, "12345.5"), 1);
}
