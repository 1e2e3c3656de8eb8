//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to; their documentation lives there.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod parse;
mod stencil;

/// Turns a kernel over relative neighbours into an array stencil (Numba's `@stencil`, with
/// scipy.ndimage's boundary modes). The function stays as written; a companion type of the
/// same name gets `call`, `call_into`, `serial()` and `parallel()`.
///
/// Options: `neighborhood = [[lo, hi], ...]` (needed for non-constant offsets), `mode =
/// "constant" | "nearest" | "reflect" | "mirror" | "wrap"` (default: border points are not
/// computed and hold `cval`), `cval = <expr>`, `target = "cpu" | "parallel"`.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, Array2};
///
/// #[stencil]
/// fn laplace(u: Neighbors2<f64>) -> f64 {
///     u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]]
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let grid = array![[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]];
/// let out: Array2<f64> = laplace::call(&grid)?;
/// assert_eq!(out[[1, 1]], -4.0);
/// assert_eq!(out[[0, 1]], 0.0); // a border point: not computed, holds cval
/// # Ok(()) }
/// ```
#[proc_macro_attribute]
pub fn stencil(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    stencil::expand(attr.into(), item.into()).into()
}
