//! `#[guvectorize("layout")]`: parse the attribute and the function into an IR, validate the
//! layout against the parameters, and expand to the companion type plus a `GufuncKernel` impl.
//! Everything that depends on shapes lives in the runtime (`numbox::gufunc`).

mod expand;
mod validate;

use crate::diag::{item_with_error, Errors};
use crate::parse::options::{key_value, parse_entries, Once, Target};
use crate::parse::signatures::instantiate;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{ItemFn, LitStr, TypeBareFn};

/// Most inputs and outputs the runtime implements.
const MAX_INPUTS: usize = 6;
const MAX_OUTPUTS: usize = 3;
const MAX_CORE: usize = 3;

/// `[fn(..) -> .., ...,] "layout" [, target = "cpu" | "parallel"]`.
struct Args {
    signatures: Vec<TypeBareFn>,
    layout: LitStr,
    target: Once<Target>,
}

impl Args {
    /// Parses the attribute, recording every mistake; `None` when there is no layout.
    fn parse(attr: TokenStream, errors: &mut Errors) -> Option<Args> {
        let mut signatures = Vec::new();
        let mut layout = Once::new("layout");
        let mut target = Once::new("target");
        let mut layout_tried = false;
        parse_entries(attr, &["target", "fn"], errors, |key, input, errors| {
            match key {
                // An optional list of signatures for run-time dispatch.
                Some("fn") => signatures.push(input.parse()?),
                Some("target") => {
                    let (key, value) = key_value(input)?;
                    if let Some(t) = errors.ok(Target::parse(&value)) {
                        errors.ok(target.set(&key, t));
                    }
                }
                _ if input.peek(LitStr) => {
                    layout_tried = true;
                    let lit: LitStr = input.parse()?;
                    errors.ok(layout.set(&lit, lit.clone()));
                }
                _ if layout.get().is_none() => {
                    layout_tried = true;
                    return Err(input.error(
                        "expected the layout as a string literal first, e.g. #[guvectorize(\"(n)->()\")]",
                    ));
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        let Some(layout) = layout.take() else {
            if !layout_tried {
                errors.push(syn::Error::new(
                    Span::call_site(),
                    "expected the layout string: write e.g. #[guvectorize(\"(n),()->(n)\")]",
                ));
            }
            return None;
        };
        Some(Args {
            signatures,
            layout,
            target,
        })
    }
}

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
    let func: ItemFn = match syn::parse2(item.clone()) {
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
    let kernel = Args::parse(args, &mut errors).and_then(|mut args| {
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
