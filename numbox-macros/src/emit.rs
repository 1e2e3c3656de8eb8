//! What every expansion emits the same way: the path to the runtime (`::numbox::__private`,
//! printed by one helper, as serde's `Private`), the companion enum, the element-type checks,
//! and the `const _: () = { .. };` that keeps helper items out of the user's namespace.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, Type, Visibility};

/// `::numbox::__private`: the only way generated code reaches the runtime.
#[derive(Clone, Copy)]
pub struct Private;

impl ToTokens for Private {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote!(::numbox::__private));
    }
}

/// The companion type of a kernel: an uninhabited enum of the function's name (type
/// namespace only), generic over the kernel's type parameters (`params`, with their bounds).
pub fn companion(
    vis: &Visibility,
    name: &Ident,
    params: &[&syn::TypeParam],
    docs: TokenStream,
) -> TokenStream {
    let attrs = quote! {
        #docs
        #[allow(non_camel_case_types, dead_code)]
    };
    if params.is_empty() {
        return quote!(#attrs #vis enum #name {});
    }
    let decls = generic_decls(params);
    let names = params.iter().map(|t| &t.ident);
    quote! {
        #attrs
        #vis enum #name<#(#decls),*> {
            #[doc(hidden)]
            __NbPhantom(
                ::core::convert::Infallible,
                ::core::marker::PhantomData<fn() -> (#(#names,)*)>,
            ),
        }
    }
}

/// The declarations `T: Bounds` of the kernel's type parameters (`T` alone when unbounded).
fn generic_decls<'a>(params: &'a [&syn::TypeParam]) -> impl Iterator<Item = TokenStream> + 'a {
    params.iter().map(|t| {
        let (id, bounds) = (&t.ident, &t.bounds);
        if bounds.is_empty() {
            quote!(#id)
        } else {
            quote!(#id: #bounds)
        }
    })
}

/// Wraps helper items in `const _: () = { .. };`, so that they name nothing in the user's
/// module (impls inside still apply). The companion's inherent impl stays outside: inside,
/// rustc would name its methods `_::<impl name>::call` in every error note.
pub fn hidden(items: TokenStream) -> TokenStream {
    if items.is_empty() {
        return items;
    }
    quote! {
        const _: () = {
            #items
        };
    }
}

/// The element types' requirement, one check per type written in the signature: a
/// concrete type that is not an `Element` is one error spanned at that type (the body of a
/// function that is never called); a type that mentions one of `type_params` is checked
/// where the kernel is instantiated (see [`element_bounds`]).
pub fn element_checks<'a>(
    types: impl IntoIterator<Item = &'a Type>,
    type_params: &[&Ident],
) -> TokenStream {
    let p = Private;
    let mut seen = std::collections::HashSet::new();
    let checks = types
        .into_iter()
        .filter(|ty| !mentions(ty, type_params))
        .filter(|ty| seen.insert(ty.to_token_stream().to_string()))
        .map(|ty| quote_spanned!(ty.span()=> __nb_is_element::<#ty>();));
    quote! {
        #[allow(dead_code)]
        fn __nb_check() {
            fn __nb_is_element<T: #p::Element>() {}
            #(#checks)*
        }
    }
}

/// `where` predicates requiring every element type to be an `Element` (each distinct type
/// once), spanned at the type. Higher-ranked, so that a concrete non-element type is not a "trivially false"
/// bound reported at the attribute: [`element_checks`] reports it, once, at the type.
pub fn element_bounds<'a>(types: impl IntoIterator<Item = &'a Type>) -> Vec<TokenStream> {
    let p = Private;
    let mut seen = std::collections::HashSet::new();
    types
        .into_iter()
        .filter(|ty| seen.insert(ty.to_token_stream().to_string()))
        .map(|ty| quote_spanned!(ty.span()=> for<'__nb> #ty: #p::Element))
        .collect()
}

/// Whether `ty` names one of the kernel's type parameters.
pub fn mentions(ty: &Type, params: &[&Ident]) -> bool {
    struct Finder<'p> {
        params: &'p [&'p Ident],
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_ident(&mut self, i: &'ast Ident) {
            self.found |= self.params.contains(&i);
        }
    }
    let mut f = Finder {
        params,
        found: false,
    };
    syn::visit::visit_type(&mut f, ty);
    f.found
}

/// What a failed expansion still emits besides the user's function and the errors (the idea
/// of thiserror's `fallback.rs`): the companion type with `call`, `call_into`, `serial()`
/// and `parallel()` taking `nin` operands (and `nout` outputs for `call_into`) of any type
/// and returning whatever the call site expects, so that one mistake in the attribute is not
/// also a "no function `call`" at every call site. None of it can run: the crate does not
/// compile. (rustc already hides unresolved paths after a macro error, so what this saves is
/// mostly uses of the kernel as a type; a call whose result type nothing fixes,
/// `let y = k::call(..)?; y.len()`, still asks for a type annotation.)
pub fn fallback(
    vis: &Visibility,
    name: &Ident,
    params: &[&syn::TypeParam],
    nin: usize,
    nout: usize,
) -> TokenStream {
    let p = Private;
    let companion = companion(vis, name, params, TokenStream::new());
    let decls = generic_decls(params);
    let names = params.iter().map(|t| &t.ident);
    let a: Vec<Ident> = (0..nin + nout)
        .map(|i| format_ident!("__nb_A{}", i))
        .collect();
    let (ins, all) = (&a[..nin], &a[..]);
    let unreachable = quote!(::core::panic!("a kernel whose expansion failed to compile"));
    let methods = |receiver: TokenStream| {
        quote! {
            pub fn call<__nb_R, #(#ins),*>(#receiver #(_: #ins),*) -> #p::Result<__nb_R> {
                #unreachable
            }
            pub fn call_into<#(#all),*>(#receiver #(_: #all),*) -> #p::Result<()> {
                #unreachable
            }
        }
    };
    let handle_methods = methods(quote!(&self,));
    let static_methods = methods(quote!());
    quote! {
        #companion
        const _: () = {
            pub struct __nb_Fallback;
            #[allow(clippy::too_many_arguments, dead_code)]
            impl __nb_Fallback {
                #handle_methods
            }
            #[allow(clippy::too_many_arguments, dead_code)]
            impl<#(#decls),*> #name<#(#names),*> {
                #static_methods
                pub fn serial() -> __nb_Fallback {
                    __nb_Fallback
                }
                pub fn parallel() -> __nb_Fallback {
                    __nb_Fallback
                }
            }
        };
    }
}

/// The expansion of a kernel attribute that failed: the user's function, the errors, and
/// (for a free function) the [`fallback`] companion.
pub fn failed(func: &syn::ItemFn, err: syn::Error, nin: usize, nout: usize) -> TokenStream {
    let mut out = crate::diag::item_with_error(func, err);
    let in_impl = func.sig.receiver().is_some();
    if !in_impl {
        let params: Vec<&syn::TypeParam> = func.sig.generics.type_params().collect();
        out.extend(fallback(&func.vis, &func.sig.ident, &params, nin, nout));
    }
    out
}
