//! The expansion: the user's function (same signature and attributes, its body moved into
//! `eval`, so it is compiled once), the companion enum implementing the
//! runtime's `StencilKernel`, and its `call`/`call_into`/`serial()`/`parallel()`.

use super::options::Mode;
use super::validate::{Kernel, Param};
use crate::emit::{self, Private};
use crate::parse::options::Target;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Ident;

/// The user's function, the companion type and its `StencilKernel` impl and methods.
pub(super) fn expand_kernel(k: &Kernel<'_>) -> TokenStream {
    let func = k.func;
    let name = &func.sig.ident;
    let vis = &func.vis;
    let n = k.ndim;
    let p = Private;
    let rt = quote!(#p::stencil);
    let ret = k.ret;
    let ix = format_ident!("Ix{}", n);
    let dim = quote!(#p::ndarray::#ix);

    let mut input_names = Vec::new();
    let mut fields = Vec::new();
    let mut scalar_tys = Vec::new();
    let mut scalar_names = Vec::new();
    let mut call_args = Vec::new();
    let mut slots = Vec::new();
    let mut elem_types = Vec::new();
    for param in &k.params {
        match param {
            Param::Input {
                name, elem, ndim, ..
            } => {
                debug_assert_eq!(*ndim, n);
                input_names.push(name.to_string());
                fields.push(quote!(#rt::Field<#elem, #n>));
                call_args.push(quote!(#name: impl #rt::AsInput<'__nb_a, #elem, #n>));
                slots.push(quote!(#rt::Input<#elem>));
                elem_types.push(*elem);
            }
            Param::Scalar { name, ty, .. } => {
                scalar_tys.push(*ty);
                scalar_names.push(name.clone());
                call_args.push(quote!(#name: #ty));
                slots.push(quote!(#rt::Param<#ty>));
                elem_types.push(*ty);
            }
        }
    }
    elem_types.push(ret);
    let type_params: Vec<&syn::TypeParam> = func.sig.generics.type_params().collect();
    let tp_names: Vec<&Ident> = type_params.iter().map(|t| &t.ident).collect();
    let asserts = emit::element_checks(elem_types.iter().copied(), &tp_names);
    // Both impls hold where the user's bounds do and every element type is an `Element`
    // (higher-ranked: a concrete type that is not is reported once, by `asserts`, not
    // again by each bound of the runtime's traits); a generic kernel's types are also
    // `'static`, and `Default` where the border value defaults to it.
    let (impl_g, ty_g, where_c) = func.sig.generics.split_for_impl();
    let turbofish = ty_g.as_turbofish();
    let mut preds: Vec<TokenStream> = where_c
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    preds.extend(emit::element_bounds(elem_types.iter().copied()));
    preds.extend(tp_names.iter().map(|t| quote!(#t: 'static)));
    let defaulted: Vec<&syn::Type> = match (&k.cval, k.mode) {
        (None, Mode::Skip) => vec![ret],
        (None, Mode::Constant) => k
            .params
            .iter()
            .filter_map(|p| match p {
                Param::Input { elem, .. } => Some(*elem),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    preds.extend(
        defaulted
            .into_iter()
            .filter(|t| emit::mentions(t, &tp_names))
            .map(|t| quote!(#t: ::core::default::Default)),
    );
    let where_all = quote!(where #(#preds,)*);
    let out = if arg_names_contain(k, "out") {
        format_ident!("__nb_out")
    } else {
        format_ident!("out")
    };
    let arg_names: Vec<Ident> = k
        .params
        .iter()
        .map(|p| match p {
            Param::Input { name, .. } | Param::Scalar { name, .. } => name.clone(),
        })
        .collect();

    let lohi = k.neighborhood.iter().map(|[lo, hi]| {
        let (lo, hi) = (*lo as isize, *hi as isize);
        quote!([#lo, #hi])
    });
    let mode = Ident::new(k.mode.variant(), Span::call_site());
    let cval_expr = |span: Span| match &k.cval {
        Some(e) => quote_spanned!(span=> #e),
        None => quote_spanned!(span=> ::core::default::Default::default()),
    };
    // The trait's defaults say `None`: only the mode that reads them overrides one.
    let border_values = match k.mode {
        Mode::Skip => {
            let e = cval_expr(ret.span());
            quote! {
                fn cval() -> ::core::option::Option<#ret> {
                    ::core::option::Option::Some(#e)
                }
            }
        }
        Mode::Constant => {
            let each = k.params.iter().filter_map(|p| match p {
                Param::Input { elem, .. } => Some(cval_expr(elem.span())),
                _ => None,
            });
            quote! {
                fn cvals() -> ::core::option::Option<<Self::Fields as #rt::FieldSet<#n>>::Elems> {
                    ::core::option::Option::Some((#(#each,)*))
                }
            }
        }
        _ => quote!(),
    };
    // `call` and `call_into` go through the handle of the attribute's target.
    let default_handle = match k.target {
        Target::Parallel => quote!(parallel),
        _ => quote!(serial),
    };
    let dist = crate::dist::method(
        quote!(#vis),
        quote!(#rt::Handle<Self, #n>),
        quote!(Self::#default_handle()),
    );
    let params_span = scalar_tys
        .first()
        .map_or_else(Span::call_site, |t| t.span());
    let params_ty = quote_spanned!(params_span=> (#(#scalar_tys,)*));
    let body = &k.body;
    let name_str = name.to_string();
    let docs = func.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let summary = format!(
        "Array kernel of the stencil [`fn@{name}`]: `{name}::call`, `{name}::call_into`, `{name}::serial()`, `{name}::parallel()`."
    );

    let companion = emit::companion(
        vis,
        name,
        &type_params,
        quote! {
            #(#docs)*
            #[doc = ""]
            #[doc = #summary]
        },
    );
    // The body is compiled once, as `eval` (rewritten); the user's function keeps its
    // signature and attributes and calls it.
    let mut sig = func.sig.clone();
    for (arg, id) in sig.inputs.iter_mut().zip(&arg_names) {
        if let syn::FnArg::Typed(pt) = arg {
            *pt.pat = syn::Pat::Ident(syn::PatIdent {
                attrs: Vec::new(),
                by_ref: None,
                mutability: None,
                ident: id.clone(),
                subpat: None,
            });
        }
    }
    let input_idents: Vec<&Ident> = k
        .params
        .iter()
        .filter_map(|p| match p {
            Param::Input { name, .. } => Some(name),
            Param::Scalar { .. } => None,
        })
        .collect();
    let attrs = &func.attrs;
    // The user's lint levels still apply to the body they wrote.
    let lint_levels = attrs.iter().filter(|a| {
        ["allow", "warn", "deny", "forbid", "expect"]
            .iter()
            .any(|l| a.path().is_ident(l))
    });
    // The body lives in `__nb_body`, under the user's bounds only: the user's function and
    // `eval` both call it (always inlined into the runtime's loops).
    let wrapper = quote! {
        #(#attrs)*
        #vis #sig {
            <#name #ty_g>::__nb_body(#(#arg_names),*)
        }
    };
    let body_sig = {
        let inputs = &func.sig.inputs;
        quote!(fn __nb_body(#inputs) -> #ret)
    };
    let where_user = match where_c {
        Some(w) => quote!(#w),
        None => quote!(),
    };
    quote! {
        #wrapper

        #companion

        const _: () = {
            #asserts

            impl #impl_g #name #ty_g #where_user {
                #[inline(always)]
                // The rewritten reads are parenthesised `(*..)` where the user wrote `u[..]`.
                #[allow(unused_parens)]
                #(#lint_levels)*
                #body_sig #body
            }

            impl #impl_g #rt::StencilKernel<#n> for #name #ty_g #where_all {
                const NAME: &'static str = #name_str;
                const INPUTS: &'static [&'static str] = &[#(#input_names),*];
                const NEIGHBORHOOD: [[isize; 2]; #n] = [#(#lohi),*];
                const MODE: #rt::Mode = #rt::Mode::#mode;
                type Fields = (#(#fields,)*);
                type Params = #params_ty;
                type Args = (#(#slots,)*);
                type Output = #ret;

                fn split((#(#arg_names,)*): #rt::ArgValues<'_, Self, #n>) -> #rt::SplitArgs<'_, Self, #n> {
                    ((#(#input_idents,)*), (#(#scalar_names,)*))
                }

                #[inline(always)]
                fn eval(
                    (#(#input_idents,)*): <Self::Fields as #rt::FieldSet<#n>>::Nbrs<'_>,
                    (#(#scalar_names,)*): Self::Params,
                ) -> #ret {
                    // Kernels used only through the companion are not dead code.
                    let _ = #name #turbofish;
                    Self::__nb_body(#(#arg_names),*)
                }

                #border_values
            }

            #[allow(clippy::too_many_arguments)]
            impl #impl_g #name #ty_g #where_all {
                /// Runs the kernel at every point (on the attribute's target): a new array of the inputs' shape.
                #vis fn call<'__nb_a>(#(#call_args),*) -> #rt::CallResult<#ret, #n> {
                    Self::#default_handle().call(#(#arg_names),*)
                }

                /// Writes the kernel's value at every point of `out`, any `numbox::OutArg` of the inputs' shape.
                #vis fn call_into<'__nb_a>(
                    #(#call_args,)*
                    #out: impl #p::OutArg<#ret, Dim = #dim>,
                ) -> #p::Result<()> {
                    Self::#default_handle().call_into(#(#arg_names,)* #out)
                }

                /// The kernel on the calling thread: `.call(...)` and `.call_into(..., out)`.
                #vis fn serial() -> #rt::Handle<Self, #n> {
                    #rt::Handle::new(#p::Target::Serial)
                }

                /// The kernel split by outer-axis rows across the caller's rayon pool, bitwise identical to `serial()`.
                #vis fn parallel() -> #rt::Handle<Self, #n> {
                    #rt::Handle::new(#p::Target::Parallel)
                }

                #dist
            }
        };
    }
}

fn arg_names_contain(k: &Kernel<'_>, want: &str) -> bool {
    k.params.iter().any(|p| match p {
        Param::Input { name, .. } | Param::Scalar { name, .. } => name == want,
    })
}
