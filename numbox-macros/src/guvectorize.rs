//! `#[guvectorize("layout")]`: parse the attribute and the function into an IR, validate the
//! layout against the parameters, and expand to the companion type plus a `GufuncKernel` impl.
//! Everything that depends on shapes lives in the runtime (`numbox::gufunc`).

mod expand;
mod validate;

use crate::diag::{item_with_error, Errors};
use crate::parse::options::{Once, Target};
use crate::parse::signatures::instantiate;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{ItemFn, LitStr, Token, TypeBareFn};

/// Most inputs and outputs the runtime implements.
const MAX_INPUTS: usize = 6;
const MAX_OUTPUTS: usize = 3;
const MAX_CORE: usize = 3;

mod kw {
    syn::custom_keyword!(target);
}

/// `[fn(..) -> .., ...,] "layout" [, target = "cpu" | "parallel"]`.
struct Args {
    signatures: Vec<TypeBareFn>,
    layout: LitStr,
    target: Once<Target>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input
                .error("expected the layout string: write e.g. #[guvectorize(\"(n),()->(n)\")]"));
        }
        // An optional list of signatures for run-time dispatch comes first.
        let mut signatures = Vec::new();
        while input.peek(Token![fn]) {
            signatures.push(input.parse()?);
            input.parse::<Token![,]>()?;
        }
        let layout: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the layout as a string literal first, e.g. #[guvectorize(\"(n)->()\")]",
            )
        })?;
        let mut target = Once::new("target");
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let look = input.lookahead1();
            if look.peek(kw::target) {
                let key: kw::target = input.parse()?;
                input.parse::<Token![=]>()?;
                let value: LitStr = input.parse()?;
                target.set(&key, Target::parse(&value)?)?;
            } else {
                return Err(look.error());
            }
        }
        Ok(Args {
            signatures,
            layout,
            target,
        })
    }
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
    let kernel = errors.ok(syn::parse2::<Args>(args)).and_then(|mut args| {
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
        (Err(e), _) => item_with_error(&func, e),
        (Ok(()), None) => item_with_error(
            &func,
            syn::Error::new(Span::call_site(), "#[guvectorize]: invalid kernel"),
        ),
    }
}
