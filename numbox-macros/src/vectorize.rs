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
    let gpu = kernel.as_ref().zip(options.gpu).map(|(k, at)| {
        let view = gpu_view(k);
        crate::gpu::vectorize::check(&view, &instances, at, options.fastmath, &mut errors);
        view
    });
    match (kernel.as_ref(), errors.finish()) {
        (Some(k), Ok(())) => {
            let mut out = expand::emit(k, &options);
            out.extend(expand::emit_dispatch(k, &instances));
            if let Some(view) = &gpu {
                out.extend(crate::gpu::vectorize::emit(view, &instances));
            }
            out
        }
        (_, Err(e)) => emit::failed(&func, e, func.sig.inputs.len(), 1),
        (None, Ok(())) => unreachable!("a kernel that failed to parse recorded an error"),
    }
}

/// What the GPU code generation reads of the kernel.
fn gpu_view<'a>(k: &'a ScalarFn<'a>) -> crate::gpu::vectorize::ScalarFnView<'a> {
    crate::gpu::vectorize::ScalarFnView {
        item: k.item,
        name: k.name,
        inputs: k.inputs.clone(),
        outputs: &k.outputs,
        tuple_return: k.tuple_return,
        type_params: &k.type_params,
        param_names: k
            .item
            .sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(pt) => match &*pt.pat {
                    syn::Pat::Ident(pi) => Some(&pi.ident),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect(),
    }
}
