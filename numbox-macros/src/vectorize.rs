//! `#[vectorize]`: a scalar function becomes a broadcasting array kernel (a ufunc).
//!
//! [`options`] -> [`validate`] (the [`ScalarFn`] IR, cross-option rules, signature lists) ->
//! [`mod@expand`] (the user's function unchanged, a companion enum of the same name
//! implementing the runtime's `Kernel`, and one-line methods that call the runtime's typed
//! handles), with [`lockstep`]'s version of the body for kernels with data-dependent loops
//! and branches.

mod expand;
pub(crate) mod lockstep;
mod options;
mod validate;

use crate::diag::{item_with_error, Errors};
use crate::emit;
use crate::parse::signatures::{check_reachable, instantiate};
use options::Options;
use proc_macro2::TokenStream;
use syn::ItemFn;
use validate::ScalarFn;

/// Expands `#[vectorize(attr)] item`.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let msg = "#[vectorize] applies to a function: `fn name(x: f64, y: f64) -> f64`";
            return item_with_error(item, syn::Error::new(e.span(), msg));
        }
    };
    let mut errors = Errors::default();
    let options = Options::parse(attr, &mut errors);
    if options.fastmath {
        crate::fastmath::rewrite(&mut func.block);
    }
    let kernel = ScalarFn::parse(&func, "vectorize", &mut errors);
    if let Some(k) = kernel.as_ref().filter(|k| !k.is_binary_homogeneous()) {
        if let Some((key, _)) = &options.identity {
            errors.error(
                key,
                format!(
                    "`identity` is the value of an empty reduction, and reductions need a binary kernel \
                     of one type, `fn(T, T) -> T`; `{}` is not: remove `identity`",
                    k.name
                ),
            );
        }
        if let Some((key, _)) = &options.associative {
            errors.error(
                key,
                format!(
                    "`associative` lets reductions regroup the kernel, and reductions need a binary \
                     kernel of one type, `fn(T, T) -> T`; `{}` is not: remove `associative`",
                    k.name
                ),
            );
        }
    }
    let mut instances = Vec::new();
    if let Some(k) = &kernel {
        for sig in &options.signatures {
            if let Some(i) = errors.ok(instantiate(
                sig,
                k.name,
                &k.inputs,
                &k.outputs,
                &k.type_params,
            )) {
                instances.push(i);
            }
        }
    }
    check_reachable(&instances, &mut errors);
    match (kernel, errors.finish()) {
        (Some(k), Ok(())) => {
            let mut out = expand::emit(&k, &options);
            out.extend(expand::emit_dispatch(&k, &instances));
            out
        }
        (_, Err(e)) => emit::failed(&func, e, func.sig.inputs.len(), 1),
        (None, Ok(())) => unreachable!("a kernel that failed to parse recorded an error"),
    }
}
