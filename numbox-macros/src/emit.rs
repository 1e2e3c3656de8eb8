//! What every expansion emits the same way: the path to the runtime (`::numbox::__private`,
//! printed by one helper, as serde's `Private`), the companion enum, the element-type checks,
//! and the `const _: () = { .. };` that keeps helper items out of the user's namespace.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
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
    let decls = params.iter().map(|t| {
        let (id, bounds) = (&t.ident, &t.bounds);
        if bounds.is_empty() {
            quote!(#id)
        } else {
            quote!(#id: #bounds)
        }
    });
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
    let checks = types
        .into_iter()
        .filter(|ty| !mentions(ty, type_params))
        .map(|ty| quote_spanned!(ty.span()=> __nb_is_element::<#ty>();));
    quote! {
        #[allow(dead_code)]
        fn __nb_check() {
            fn __nb_is_element<T: #p::Element>() {}
            #(#checks)*
        }
    }
}

/// `where` predicates requiring every element type to be an `Element`, spanned at the
/// type. Higher-ranked, so that a concrete non-element type is not a "trivially false"
/// bound reported at the attribute: [`element_checks`] reports it, once, at the type.
pub fn element_bounds<'a>(types: impl IntoIterator<Item = &'a Type>) -> Vec<TokenStream> {
    let p = Private;
    types
        .into_iter()
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
