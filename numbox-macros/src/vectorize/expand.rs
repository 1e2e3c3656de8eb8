//! The expansion: the user's function (same signature and attributes, its body moved into a
//! hidden `#[inline(always)]` function that `eval` calls, so that the body is compiled once
//! and always inlined into the runtime's per-CPU-tier loops), a companion enum of the same
//! name implementing the runtime's `Kernel`, and one-line methods that call its handle `Ufunc`.

use super::options::Options;
use super::validate::ScalarFn;
use crate::emit::{self, Private};
use crate::loop_table::{self, DispatchSpec};
use crate::parse::signatures::Instance;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// The user's function, the companion type, its `Kernel` impl and its methods.
pub(super) fn emit(k: &ScalarFn<'_>, options: &Options) -> TokenStream {
    let item = k.item;
    let name = k.name;
    let vis = k.vis;
    let name_str = name.to_string();
    let p = Private;
    let inputs = &k.inputs;
    let outputs = &k.outputs;
    let n = inputs.len();
    let target = options.target.tokens();

    let tparams = &k.type_params;
    let doc = format!(
        "The array kernel of `fn {name_str}`, made by `#[vectorize]`: `{name_str}::call(..)` applies it \
         elementwise to broadcast arrays, views, slices and scalars; `{name_str}::serial()` and \
         `{name_str}::parallel()` choose the target per call."
    );
    let type_params: Vec<&syn::TypeParam> = item.sig.generics.type_params().collect();
    let companion = emit::companion(vis, name, &type_params, quote!(#[doc = #doc]));

    // The `Kernel` impl holds for any types; the companion's methods require every element
    // type to be an `Element`, spanned at the user's type: a wrong type is one error there.
    let (impl_g, ty_g, where_c) = item.sig.generics.split_for_impl();
    let user_preds: Vec<TokenStream> = where_c
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    let where_user = quote!(where #(#user_preds,)*);
    let elem_preds = emit::element_bounds(inputs.iter().chain(outputs).copied());
    let where_all = quote!(where #(#user_preds,)* #(#elem_preds,)*);
    let assertions = emit::element_checks(inputs.iter().chain(outputs).copied(), tparams);

    let args_span = item.sig.inputs.span();
    let out_span = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => item.sig.ident.span(),
    };
    let args_ty = quote_spanned!(args_span=> type Args = (#(#inputs,)*););
    let out_ty = quote_spanned!(out_span=> type Out = (#(#outputs,)*););

    let idx = (0..n).map(syn::Index::from);
    let call_fn = quote!(Self::__nb_body(#(__nb_args.#idx),*));
    // The user's function keeps its signature and attributes and calls the body, which
    // lives in `__nb_body`: a kernel too large for LLVM's inlining budget would otherwise
    // stay a call, compiled for the baseline CPU, inside every tier's loop.
    let turbofish = ty_g.as_turbofish();
    let mut wrapper_sig = item.sig.clone();
    let wrapper_args: Vec<syn::Ident> = (0..n).map(|i| format_ident!("__nb_x{}", i)).collect();
    for (arg, id) in wrapper_sig.inputs.iter_mut().zip(&wrapper_args) {
        if let syn::FnArg::Typed(pt) = arg {
            *pt.pat = syn::parse_quote!(#id);
        }
    }
    let attrs = &item.attrs;
    let lint_levels = attrs.iter().filter(|a| {
        ["allow", "warn", "deny", "forbid", "expect"]
            .iter()
            .any(|l| a.path().is_ident(l))
    });
    let body_sig = {
        let inputs = &item.sig.inputs;
        let output = &item.sig.output;
        quote!(fn __nb_body(#inputs) #output)
    };
    let block = &item.block;
    let lockstep = lockstep_items(k, options);
    let (lockstep_fn, lockstep_impl) = match &lockstep {
        Some((f, i)) => (Some(f), Some(i)),
        None => (None, None),
    };
    let item = quote! {
        #(#attrs)*
        #vis #wrapper_sig {
            <#name #ty_g>::__nb_body(#(#wrapper_args),*)
        }
    };
    let eval_body = if k.tuple_return {
        call_fn
    } else {
        quote!((#call_fn,))
    };
    let associative = options
        .associative
        .as_ref()
        .is_some_and(|(_, yes)| *yes)
        .then(|| {
            quote!(
                const ASSOCIATIVE: bool = true;
            )
        });
    let identity = options.identity.as_ref().map(|(_, e)| {
        quote! {
            fn identity() -> ::core::option::Option<Self::Out> {
                ::core::option::Option::Some((#e,))
            }
        }
    });

    let a: Vec<_> = (0..n).map(|i| format_ident!("__nb_A{}", i)).collect();
    let x: Vec<_> = (0..n).map(|i| format_ident!("__nb_x{}", i)).collect();
    let dist = crate::dist::method(
        quote!(pub),
        quote!(#p::Ufunc<Self>),
        quote!(Self::default_target()),
    );
    let methods = quote! {
        /// Applies the kernel elementwise to the broadcast operands (scalars, arrays, views of
        /// any layout, slices), into newly allocated arrays, on the attribute's target.
        #[inline]
        #[allow(clippy::too_many_arguments)]
        pub fn call<#(#a),*>(#(#x: #a),*) -> #p::Result<#p::UfuncOutput<Self, (#(#a,)*)>>
        where
            (#(#a,)*): #p::Operands<(#(#inputs,)*)>,
        {
            Self::default_target().call(#(#x),*)
        }

        /// Applies the kernel elementwise, writing into `out`: `&mut` an array or an
        /// `ArrayViewMut` with the broadcast shape (a tuple of them for several outputs).
        #[inline]
        #[allow(clippy::too_many_arguments)]
        pub fn call_into<#(#a,)* __nb_O>(#(#x: #a,)* out: __nb_O) -> #p::Result<()>
        where
            (#(#a,)*): #p::Operands<(#(#inputs,)*)>,
            __nb_O: #p::OutArgs<<Self as #p::Kernel>::Out>,
        {
            Self::default_target().call_into(#(#x,)* out)
        }

        /// The kernel on the calling thread, whatever the attribute's target.
        pub const fn serial() -> #p::Ufunc<Self> {
            #p::Ufunc::new(#p::Target::Serial)
        }

        /// The kernel split across the current rayon pool, whatever the attribute's target.
        pub const fn parallel() -> #p::Ufunc<Self> {
            #p::Ufunc::new(#p::Target::Parallel)
        }

        /// The kernel on the attribute's target (`"cpu"` unless stated).
        pub const fn default_target() -> #p::Ufunc<Self> {
            #p::Ufunc::new(<Self as #p::Kernel>::TARGET)
        }

        #dist
    };
    let reductions = k.is_binary_homogeneous().then(|| {
        let t = inputs[0];
        let nd = quote!(#p::ndarray);
        quote! {
            /// Reduces along `axis` (NumPy's `reduce`): a left fold of the kernel along the axis
            /// (regrouped on a fixed grid when the kernel is `associative`).
            #[inline]
            pub fn reduce<__nb_A>(a: __nb_A, axis: #nd::Axis)
                -> #p::Result<#nd::Array<#t, <<__nb_A as #p::Operand<#t>>::Dim as #nd::Dimension>::Smaller>>
            where
                __nb_A: #p::Operand<#t>,
                <__nb_A as #p::Operand<#t>>::Dim: #nd::RemoveAxis,
            {
                Self::default_target().reduce(a, axis)
            }

            /// Reduces over every element (NumPy's `reduce` with `axis=None`): a left fold in
            /// logical C order, or for an `associative` kernel a fixed grid with the same bits
            /// for any number of threads.
            #[inline]
            pub fn reduce_all<__nb_A: #p::Operand<#t>>(a: __nb_A) -> #p::Result<#t> {
                Self::default_target().reduce_all(a)
            }

            /// The running reduction along `axis` (NumPy's `accumulate`).
            #[inline]
            pub fn accumulate<__nb_A>(a: __nb_A, axis: #nd::Axis)
                -> #p::Result<#nd::Array<#t, <__nb_A as #p::Operand<#t>>::Dim>>
            where
                __nb_A: #p::Operand<#t>,
                <__nb_A as #p::Operand<#t>>::Dim: #nd::RemoveAxis,
            {
                Self::default_target().accumulate(a, axis)
            }

            /// The kernel on every pair of elements (NumPy's `outer`): shape `a ++ b`.
            #[inline]
            pub fn outer<__nb_A: #p::Operand<#t>, __nb_B: #p::Operand<#t>>(a: __nb_A, b: __nb_B)
                -> #p::Result<#nd::ArrayD<#t>>
            {
                Self::default_target().outer(a, b)
            }
        }
    });

    // Any other kernel gets the same names, callable by no kernel: the error says why.
    let reductions = reductions.unwrap_or_else(not_reducible);

    let hidden = emit::hidden(quote! {
        #assertions

        impl #impl_g #p::Kernel for #name #ty_g #where_user {
            #args_ty
            #out_ty
            const NAME: &'static str = #name_str;
            const TARGET: #p::Target = #target;
            #associative
            #[inline(always)]
            fn eval(__nb_args: Self::Args) -> Self::Out {
                // The scalar function is used through the companion too (no dead-code lint).
                let _ = #name #turbofish;
                #eval_body
            }
            #identity
            #lockstep_impl
        }

        impl #impl_g #name #ty_g #where_user {
            #[inline(always)]
            #(#lint_levels)*
            #body_sig #block
            #lockstep_fn
        }

    });
    quote! {
        #item
        #companion
        #hidden

        impl #impl_g #name #ty_g #where_all {
            #methods
            #reductions
        }
    }
}

/// The lockstep function and the `Kernel` items that run it, when the body has one (see
/// [`super::lockstep`]; `lanes = 1` turns it off).
fn lockstep_items(k: &ScalarFn<'_>, options: &Options) -> Option<(TokenStream, TokenStream)> {
    if options.lanes == Some(1) || !k.type_params.is_empty() || k.tuple_return {
        return None;
    }
    let params: Vec<Option<&syn::Ident>> = k
        .item
        .sig
        .inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(pi) => Some(&pi.ident),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let f = super::lockstep::emit(&params, &k.inputs, k.outputs[0], &k.item.block)?;
    let lanes = options.lanes.unwrap_or(0);
    let items = quote! {
        const LOCKSTEP: bool = true;
        const LANES: usize = #lanes;
        #[inline(always)]
        fn eval_lanes<const __NB_K: usize>(
            __nb_args: [Self::Args; __NB_K],
        ) -> [Self::Out; __NB_K] {
            Self::__nb_lockstep::<__NB_K>(__nb_args)
        }
    };
    Some((f, items))
}

/// The run-time dispatch of a signature list (see [`crate::loop_table`]).
pub(super) fn emit_dispatch(k: &ScalarFn<'_>, instances: &[Instance<'_>]) -> TokenStream {
    let p = Private;
    let spec = DispatchSpec {
        name: k.name,
        instances,
        nin: k.inputs.len(),
        nout: k.outputs.len(),
        kernel_trait: quote!(#p::Kernel),
        several_outputs: k.tuple_return,
    };
    loop_table::emit(&spec, |_, kernel| quote!(#p::dispatch::dyn_loop::<#kernel>))
}

/// `reduce`, `reduce_all`, `accumulate` and `outer` for a kernel that is not `fn(T, T) -> T`:
/// bounded by `Self: Reducible`, which only binary kernels of one type implement, so that a
/// call is an error naming the rule (rather than "`f` is not an iterator", rustc's guess for
/// a missing `reduce`). Higher-ranked, so that the bound is checked at the call, not here.
fn not_reducible() -> TokenStream {
    let p = Private;
    let never = quote!(::core::unreachable!(
        "no kernel implements `Reducible` without being binary"
    ));
    // Each with the arity of the real method, so that the bound is the only error.
    let methods = [
        ("reduce", 2_usize),
        ("reduce_all", 1),
        ("accumulate", 2),
        ("outer", 2),
    ]
    .map(|(m, n)| {
        let m = format_ident!("{}", m);
        let ps: Vec<_> = (0..n).map(|i| format_ident!("__nb_A{}", i)).collect();
        quote! {
            #[doc(hidden)]
            pub fn #m<#(#ps),*>(#(_: #ps),*) -> #p::Result<::core::convert::Infallible>
            where
                for<'__nb> Self: #p::Reducible,
            {
                #never
            }
        }
    });
    quote!(#(#methods)*)
}
