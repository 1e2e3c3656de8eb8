//! Procedural macros of [numbox](https://docs.rs/numbox). Use them through `numbox`, which
//! re-exports them together with the runtime they expand to.
//!
//! Each entry point only converts tokens and calls its module's `expand`.

mod diag;
mod dist;
mod emit;
mod fastmath;
mod fn_shape;
mod gpu;
mod guvectorize;
mod loop_table;
mod parallel_loop;
mod parse;
mod stencil;
mod vectorize;

#[cfg(test)]
mod expansion_size;

use proc_macro::TokenStream;

/// Turns a scalar function into a broadcasting array kernel (a NumPy ufunc). Documented, with
/// examples, where numbox re-exports it: `numbox::vectorize`.
#[proc_macro_attribute]
pub fn vectorize(attr: TokenStream, item: TokenStream) -> TokenStream {
    vectorize::expand(attr.into(), item.into()).into()
}

/// Turns a kernel over relative neighbours into an array stencil (Numba's `@stencil`, with
/// scipy.ndimage's boundary modes). The function stays as written; a companion type of the
/// same name gets `call(inputs.., scalars..)` (a new array of the inputs' shape),
/// `call_into(inputs.., scalars.., out)`, and `serial()` / `parallel()` handles with both.
///
/// Parameters are `Neighbors1/2/3<T>` inputs (all of one shape; read with offsets relative
/// to the output point, `u[[-1, 0]]`) and plain scalars passed through. The neighbourhood is
/// inferred from constant offsets (`-1`, `1 + 1`); other offsets need a declared one.
///
/// Options:
/// - `neighborhood = [[lo, hi], ...]`: one range per axis; reads outside it panic (never an
///   out-of-bounds read);
/// - `mode = "constant" | "nearest" | "reflect" | "mirror" | "wrap"`: run at every point,
///   out-of-range reads follow scipy.ndimage (see `numbox::stencil::Mode`); without it,
///   Numba's borders: points whose neighbourhood leaves the array hold `cval`;
/// - `cval = <expr>`: that border value, or `"constant"`'s read value (default `T::default()`);
/// - `target = "cpu" | "parallel"`: the default of `call`/`call_into`.
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

/// Runs the `for i in prange(..)` loops of a function in parallel on the caller's rayon pool,
/// with the race analysis done at compile time.
///
/// Captured variables are read-only, or reductions (`s += e`, `-=`, `*=`, `|=`, `&=`, `^=`,
/// `s = s.max(e)`, `s = s.min(e)`: bit-identical for any thread count), or containers written
/// at the loop index only (`out[i] = ..`, `out[[i, j]] = ..`, `out.row_mut(i)`,
/// `out.index_axis_mut(Axis(0), i)`). Anything else that could race — another write to
/// captured state, reading a reduction, `break`/`return`/`?` out of the loop — is a compile
/// error saying what to write instead. The arguments of the standard macros (`println!`,
/// `format!`, `write!`, `assert!`, `assert_eq!`, `vec!`, `matches!`, `dbg!`, ..) are checked
/// like the same code without the macro; any other macro is opaque, so it may not mention the
/// loop variable, a container the loop indexes or writes, or a reduction (pass it a plain
/// local instead). Options: `schedule = "static" | "dynamic" | "guided"`
/// and `chunk = N` (Cython's names; default: rayon's adaptive splitting); `lanes = N` for the
/// lockstep lanes of a body with a data-dependent loop (1: off; a power of two: required, with
/// `N` lanes; by default on where the body fits, see the module docs). A `prange` nested in
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
