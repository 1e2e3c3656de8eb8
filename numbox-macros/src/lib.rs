//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to; their documentation lives there.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod parallel_loop;
mod parse;

/// Runs the `for i in prange(..)` loops of a function in parallel on the caller's rayon pool,
/// with the race analysis done at compile time.
///
/// Captured variables are read-only, or reductions (`s += e`, `-=`, `*=`, `|=`, `&=`, `^=`,
/// `s = s.max(e)`, `s = s.min(e)`: bit-identical for any thread count), or containers written
/// at the loop index only (`out[i] = ..`, `out[[i, j]] = ..`, `out.row_mut(i)`,
/// `out.index_axis_mut(Axis(0), i)`). Anything else that could race — another write to
/// captured state, reading a reduction, `break`/`return`/`?` out of the loop — is a compile
/// error saying what to write instead. Options: `schedule = "static" | "dynamic" | "guided"`
/// and `chunk = N` (Cython's names; default: rayon's adaptive splitting). A `prange` nested in
/// another's body runs serially inside each parallel iteration. See
/// [`numbox::parallel_loop`](https://docs.rs/numbox/latest/numbox/parallel_loop/) for the details.
///
/// ```
/// use numbox::prelude::*;
///
/// #[parallel_loop(schedule = "dynamic", chunk = 16)]
/// fn norms(x: &[f64], out: &mut [f64]) -> f64 {
///     let mut total = 0.0;
///     for i in prange(0..x.len()) {
///         out[i] = x[i].abs().sqrt();
///         total += out[i];
///     }
///     total
/// }
///
/// let mut out = [0.0; 3];
/// assert_eq!(norms(&[4.0, -9.0, 16.0], &mut out), 9.0);
/// assert_eq!(out, [2.0, 3.0, 4.0]);
/// ```
#[proc_macro_attribute]
pub fn parallel_loop(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    parallel_loop::expand(args.into(), item.into()).into()
}
