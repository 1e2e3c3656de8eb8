//! `#[guvectorize("layout")]`: parse the attribute and the function into an IR, validate the
//! layout against the parameters, and expand to the companion type plus a `GufuncKernel` impl.
//! Everything that depends on shapes lives in the runtime (`numbox::gufunc`).

mod expand;
mod layout;
mod options;
mod validate;

use crate::diag::{item_with_error, Errors};
use crate::parse::signatures::{check_reachable, instantiate};
use options::Args;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemFn;

/// The numbers of inputs and outputs of a kernel that failed to validate, guessed from its
/// signature (`&mut T` and `ArrayViewMutN<T>` parameters and a returned value are outputs),
/// for the fallback companion.
fn fallback_arity(func: &ItemFn) -> (usize, usize) {
    let is_output = |ty: &syn::Type| match ty {
        syn::Type::Reference(r) => r.mutability.is_some(),
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident.to_string().starts_with("ArrayViewMut")),
        _ => false,
    };
    let outs = func
        .sig
        .inputs
        .iter()
        .filter(|a| matches!(a, syn::FnArg::Typed(t) if is_output(&t.ty)))
        .count();
    let returns = matches!(&func.sig.output, syn::ReturnType::Type(_, t)
        if !matches!(&**t, syn::Type::Tuple(tt) if tt.elems.is_empty()));
    (func.sig.inputs.len() - outs, outs + usize::from(returns))
}

/// The expansion of `#[guvectorize(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new(
                Span::call_site(),
                "#[guvectorize] applies to a function: `fn name(x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) { ... }`",
            );
            return item_with_error(item, err);
        }
    };
    let mut errors = Errors::default();
    let mut signatures = Vec::new();
    let args = Args::parse(args, &mut errors);
    if args.as_ref().is_some_and(|a| a.fastmath) {
        crate::fastmath::rewrite(&mut func.block);
    }
    let kernel = args.and_then(|mut args| {
        signatures = std::mem::take(&mut args.signatures);
        validate::validate(&func, args, &mut errors)
    });
    let mut instances = Vec::new();
    if let Some(k) = &kernel {
        let tparams: Vec<&syn::Ident> = func.sig.generics.type_params().map(|t| &t.ident).collect();
        for sig in &signatures {
            if let Some(i) = errors.ok(instantiate(
                sig,
                &func.sig.ident,
                &k.inputs,
                &k.outputs,
                &tparams,
            )) {
                instances.push(i);
            }
        }
    }
    check_reachable(&instances, &mut errors);
    match (errors.finish(), kernel) {
        (Ok(()), Some(k)) => {
            let expanded = expand::expand_kernel(&k);
            let dispatch = expand::expand_dispatch(&k, &instances);
            quote!(#func #expanded #dispatch)
        }
        (Err(e), _) => {
            let (nin, nout) = fallback_arity(&func);
            crate::emit::failed(&func, e, nin, nout)
        }
        (Ok(()), None) => item_with_error(
            &func,
            syn::Error::new(Span::call_site(), "#[guvectorize]: invalid kernel"),
        ),
    }
}
