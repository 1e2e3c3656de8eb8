//! The expansion: the user's function stays as written; the companion enum, its
//! `GufuncKernel` impl and one-line methods that call the generic runtime.

use super::layout::Dim;
use super::validate::Kernel;
use crate::emit::{self, Private as P};
use crate::loop_table::{self, DispatchSpec};
use crate::parse::signatures::Instance;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Type};

fn core_spec(ndim: usize, elem: &Type) -> TokenStream {
    let name = format_ident!("Core{}", ndim);
    quote_spanned!(elem.span()=> #P::gufunc::#name<#elem>)
}

fn dims_tokens(core: &[Dim]) -> TokenStream {
    let dims = core.iter().map(|d| match *d {
        Dim::Named(i) => quote!(#P::gufunc::CoreDim::Named(#i)),
        Dim::Fixed(f) => quote!(#P::gufunc::CoreDim::Fixed(#f)),
    });
    quote!(&[#(#dims),*])
}

pub(super) fn expand_kernel(k: &Kernel<'_>) -> TokenStream {
    let func = k.func;
    let name = &func.sig.ident;
    let vis = &func.vis;
    let layout = &k.layout;
    let text = layout.text();
    let nin = layout.inputs.len();
    let span = k.layout_span;

    let in_specs: Vec<TokenStream> = k
        .inputs
        .iter()
        .zip(&layout.inputs)
        .map(|(t, c)| core_spec(c.len(), t))
        .collect();
    let out_specs: Vec<TokenStream> = k
        .outputs
        .iter()
        .zip(&layout.outputs)
        .map(|(t, c)| core_spec(c.len(), t))
        .collect();
    let in_elems = &k.inputs;
    let out_elems = &k.outputs;
    let names = &layout.names;
    let in_dims = layout.inputs.iter().map(|c| dims_tokens(c));
    let out_dims = layout.outputs.iter().map(|c| dims_tokens(c));
    let target = k.target.tokens();
    let name_str = name.to_string();

    let iv: Vec<Ident> = (0..nin).map(|i| format_ident!("__nb_i{}", i)).collect();
    let ov: Vec<Ident> = (0..layout.outputs.len())
        .map(|j| format_ident!("__nb_o{}", j))
        .collect();
    // A generic kernel: the companion enum takes the type parameters (lifetimes stay on the
    // function and are inferred per call).
    let tparams: Vec<&Ident> = func.sig.generics.type_params().map(|t| &t.ident).collect();
    let type_params: Vec<&syn::TypeParam> = func.sig.generics.type_params().collect();
    let tparam_decls: Vec<TokenStream> = type_params
        .iter()
        .map(|t| {
            let (id, bounds) = (&t.ident, &t.bounds);
            if bounds.is_empty() {
                quote!(#id)
            } else {
                quote!(#id: #bounds)
            }
        })
        .collect();
    let user_where = func
        .sig
        .generics
        .where_clause
        .as_ref()
        .map(|w| &w.predicates);
    let (self_ty, impl_gen, turbofish) = if tparams.is_empty() {
        (quote!(#name), quote!(), quote!())
    } else {
        (
            quote!(#name<#(#tparams),*>),
            quote!(<#(#tparam_decls),*>),
            quote!(::<#(#tparams),*>),
        )
    };
    let where_preds = quote!(#user_where);
    let body = if k.returns {
        let o = &ov[0];
        quote!(*#o = #name #turbofish(#(#iv),*);)
    } else {
        quote!(#name #turbofish(#(#iv,)* #(#ov),*);)
    };

    // The companion's method parameters: the user's names where they are plain identifiers.
    let arg = |i: usize, fallback: String| -> Ident {
        k.params
            .get(i)
            .and_then(|p| p.ident)
            .map(|id| Ident::new(&id.to_string(), Span::call_site()))
            .unwrap_or_else(|| format_ident!("{}", fallback))
    };
    let a: Vec<Ident> = (0..nin).map(|i| arg(i, format!("__nb_x{i}"))).collect();
    let b: Vec<Ident> = (0..layout.outputs.len())
        .map(|j| {
            if k.returns {
                format_ident!("out")
            } else {
                arg(nin + j, format!("__nb_out{j}"))
            }
        })
        .collect();
    let ta: Vec<Ident> = (0..nin).map(|i| format_ident!("__nb_A{}", i)).collect();
    let tb: Vec<Ident> = (0..layout.outputs.len())
        .map(|j| format_ident!("__nb_B{}", j))
        .collect();
    // One output is passed as it is, several as one tuple (NumPy's `out=(a, b)`, and what
    // `#[vectorize]` takes), named after the user's parameter or `out`.
    let (out_param, out_ty) = if b.len() == 1 {
        (b[0].clone(), {
            let t = &tb[0];
            quote!(#t)
        })
    } else {
        let name = if a.iter().any(|x| x == "out") {
            format_ident!("__nb_out")
        } else {
            format_ident!("out")
        };
        (name, quote!((#(#tb,)*)))
    };
    let private = P;
    let gu = quote!(#private::gufunc);
    let dist = crate::dist::method(
        quote!(pub),
        quote!(#gu::Gufunc<Self>),
        quote!(#gu::Gufunc::new(<Self as #gu::GufuncKernel>::TARGET)),
    );

    let enum_doc = format!(
        " Array API of the gufunc `{name_str}` (layout `{text}`): `call`, `call_into`, `serial()`, `parallel()`."
    );
    let call_doc = format!(
        " Runs `{name_str}` over the loop dimensions of its operands (layout `{text}`, broadcast by NumPy's rules) and returns new outputs, initialised to `T::default()` before the kernel writes them."
    );
    let into_doc = if b.len() == 1 {
        format!(
            " Runs `{name_str}` (layout `{text}`) writing into an existing output (`&mut` an array or an `ArrayViewMut`) of shape `loop dimensions ++ output core dimensions`; the inputs' loop dimensions broadcast to the output's."
        )
    } else {
        format!(
            " Runs `{name_str}` (layout `{text}`) writing into existing outputs, passed as one tuple `(&mut a, &mut b, ..)` (NumPy's `out=(a, b)`), each of shape `loop dimensions ++ output core dimensions`; the inputs' loop dimensions broadcast to the outputs'."
        )
    };

    // Element-type requirements, spanned at the user's types so that the error points there.
    let elem_bounds = emit::element_bounds(in_elems.iter().chain(out_elems.iter()).copied());
    let assertions =
        emit::element_checks(in_elems.iter().chain(out_elems.iter()).copied(), &tparams);
    let default_bounds: Vec<TokenStream> = out_elems
        .iter()
        .map(|t| quote_spanned!(t.span()=> #t: ::core::default::Default))
        .collect();

    let kernel_impl = quote_spanned! {span=>
        impl #impl_gen #gu::GufuncKernel for #self_ty where #where_preds {
            type Inputs = (#(#in_specs,)*);
            type Outputs = (#(#out_specs,)*);
            const NAME: &'static str = #name_str;
            const LAYOUT: #gu::Layout = #gu::Layout {
                text: #text,
                dims: &[#(#names),*],
                inputs: &[#(#in_dims),*],
                outputs: &[#(#out_dims),*],
            };
            const TARGET: #private::Target = #target;
            #[inline(always)]
            fn eval(
                __nb_inputs: <Self::Inputs as #gu::InputList>::Views<'_>,
                __nb_outputs: <Self::Outputs as #gu::OutputList>::Views<'_>,
            ) {
                let (#(#iv,)*) = __nb_inputs;
                let (#(#ov,)*) = __nb_outputs;
                #body
            }
        }
    };

    let companion = emit::companion(vis, name, &type_params, quote!(#[doc = #enum_doc]));
    let hidden = emit::hidden(quote! {
            #assertions

            #kernel_impl

    });
    quote! {
        #companion
        #hidden
            #[allow(clippy::too_many_arguments, dead_code)]
            impl #impl_gen #self_ty where #where_preds {
                #[doc = #call_doc]
                #[inline]
                pub fn call<#(#ta),*>(#(#a: #ta),*)
                    -> #private::Result<#gu::GufuncOutput<Self, (#(#ta,)*)>>
                where
                    #(#ta: #private::Operand<#in_elems>,)*
                    (#(#ta,)*): #gu::GuArgs<<Self as #gu::GufuncKernel>::Inputs>,
                    #(#elem_bounds,)*
                    #(#default_bounds,)*
                {
                    #gu::Gufunc::<Self>::new(<Self as #gu::GufuncKernel>::TARGET).call(#(#a),*)
                }

                #[doc = #into_doc]
                #[inline]
                pub fn call_into<#(#ta,)* #(#tb),*>(#(#a: #ta,)* #out_param: #out_ty) -> #private::Result<()>
                where
                    #(#ta: #private::Operand<#in_elems>,)*
                    #(#tb: #gu::OutArg<#out_elems>,)*
                    #(#elem_bounds,)*
                {
                    #gu::Gufunc::<Self>::new(<Self as #gu::GufuncKernel>::TARGET)
                        .call_into(#(#a,)* #out_param)
                }

                /// The kernel on the calling thread, whatever the attribute's target.
                #[inline]
                pub fn serial() -> #gu::Gufunc<Self> {
                    #gu::Gufunc::new(#private::Target::Serial)
                }

                /// The kernel split across the caller's rayon pool (loop iterations in blocks;
                /// small calls stay serial), whatever the attribute's target.
                #[inline]
                pub fn parallel() -> #gu::Gufunc<Self> {
                    #gu::Gufunc::new(#private::Target::Parallel)
                }

                #dist
            }
    }
}

/// The run-time dispatch of a signature list: each loop views its (already cast) inputs at
/// the instance's element types and runs the typed gufunc on the requested target.
pub(super) fn expand_dispatch(k: &Kernel<'_>, instances: &[Instance<'_>]) -> TokenStream {
    let p = P;
    let spec = DispatchSpec {
        name: &k.func.sig.ident,
        instances,
        nin: k.inputs.len(),
        nout: k.outputs.len(),
        kernel_trait: quote!(#p::gufunc::GufuncKernel),
        several_outputs: k.outputs.len() > 1,
    };
    loop_table::emit(&spec, |i, kernel| {
        let views = i
            .inputs
            .iter()
            .enumerate()
            .map(|(n, t)| quote!(__nb_in[#n].view::<#t>()?));
        let outs: Vec<Ident> = (0..i.outputs.len())
            .map(|n| format_ident!("__nb_out{}", n))
            .collect();
        let pattern = if outs.len() == 1 {
            quote!(#(#outs)*)
        } else {
            quote!((#(#outs),*))
        };
        let out_tys = &i.outputs;
        quote! {
            |__nb_in: &[&#p::dispatch::DynArray], __nb_target: #p::Target|
                -> #p::Result<::std::vec::Vec<#p::dispatch::DynArray>>
            {
                let #pattern = #p::gufunc::Gufunc::<#kernel>::new(__nb_target).call(#(#views),*)?;
                ::core::result::Result::Ok(::std::vec![
                    #(<#out_tys as #p::dispatch::NativeType>::wrap(#outs.into_dyn())),*
                ])
            }
        }
    })
}
