//! `#[vectorize(target = "gpu")]`: besides the CPU kernel, one device kernel per concrete
//! signature (the function's own types, or each signature of its list), compiled by CubeCL
//! from the same body, and `name::gpu()`.
//!
//! Per signature, a module holding the body as a `#[cube]` function (the kernel's type
//! parameters are type aliases there) and the launchable kernel: unit `i` reads input `k`
//! at `i` when every input has the output's shape, else at the offset the broadcast
//! shape and strides in `meta` give (`[contiguous, ndim, shape.., strides of input 0..,
//! ..]`, written by numbox's runtime); then `GpuKernel` for the companion type.

use super::validate;
use crate::diag::Errors;
use crate::emit::Private;
use crate::parse::signatures::Instance;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Ident, Type};

/// The most inputs a GPU kernel may take (numbox's `GpuUfunc` has arities up to this).
pub const MAX_INPUTS: usize = 6;

/// What the GPU code generation reads of a validated `#[vectorize]` kernel.
pub struct ScalarFnView<'a> {
    pub item: &'a syn::ItemFn,
    pub name: &'a Ident,
    pub inputs: Vec<&'a Type>,
    pub outputs: &'a [&'a Type],
    pub tuple_return: bool,
    pub type_params: &'a [&'a Ident],
    /// The parameters' names (`_` parameters have none).
    pub param_names: Vec<&'a Ident>,
}

/// One concrete kernel: the type arguments (for the type parameters) and its element types.
struct Concrete<'a> {
    type_args: Vec<Type>,
    inputs: Vec<&'a Type>,
    output: &'a Type,
}

/// Checks what the GPU target needs of the kernel (one result, element types it handles,
/// the body subset), recording every problem; `at` is the `"gpu"` of the attribute.
pub fn check(
    k: &ScalarFnView<'_>,
    instances: &[Instance<'_>],
    at: Span,
    fastmath: bool,
    errors: &mut Errors,
) {
    if fastmath {
        errors.push(syn::Error::new(
            at,
            "`fastmath` rewrites the body's math calls to numbox's CPU functions, which the GPU \
             cannot run: remove `fastmath` or use another target",
        ));
    }
    if k.inputs.len() > MAX_INPUTS {
        errors.push(syn::Error::new(
            at,
            format!("`target = \"gpu\"` takes kernels of at most {MAX_INPUTS} inputs"),
        ));
    }
    if k.outputs.len() != 1 || k.tuple_return {
        errors.push(syn::Error::new(
            at,
            "`target = \"gpu\"` needs a kernel with one result: return one value, not a tuple",
        ));
    }
    let bad = |ty: &Type| {
        format!(
            "`target = \"gpu\"` handles the element types {}; `{}` is not one",
            super::ELEMENTS.join(", "),
            quote!(#ty).to_string().replace(' ', "")
        )
    };
    if k.type_params.is_empty() {
        for ty in k.inputs.iter().chain(k.outputs) {
            if !super::is_element(ty) {
                errors.error(ty, bad(ty));
            }
        }
    } else {
        if instances.is_empty() {
            errors.push(syn::Error::new(
                at,
                "a generic kernel needs a signature list for `target = \"gpu\"`: each \
                 signature, e.g. `fn(f32) -> f32`, is one device kernel",
            ));
        }
        for inst in instances {
            for ty in inst.inputs.iter().chain(&inst.outputs) {
                if !super::is_element(ty) {
                    errors.error(inst.sig, bad(ty));
                }
            }
        }
    }
    // A fastmath body calls numbox's CPU functions, and a tuple is the result already
    // reported: the body check would only repeat those errors.
    if !fastmath && !k.tuple_return {
        validate::body(&k.item.block, &k.param_names, errors);
    }
}

/// The device kernels and `gpu()`, wrapped in `gpu_items!`.
pub fn emit(k: &ScalarFnView<'_>, instances: &[Instance<'_>]) -> TokenStream {
    let p = Private;
    let name = k.name;
    let concrete: Vec<Concrete<'_>> = if k.type_params.is_empty() {
        vec![Concrete {
            type_args: vec![],
            inputs: k.inputs.clone(),
            output: k.outputs[0],
        }]
    } else {
        let mut seen = std::collections::HashSet::new();
        instances
            .iter()
            .filter(|i| {
                let key: Vec<String> = i.type_args.iter().map(|t| quote!(#t).to_string()).collect();
                seen.insert(key)
            })
            .map(|i| Concrete {
                type_args: i.type_args.clone(),
                inputs: i.inputs.clone(),
                output: i.outputs[0],
            })
            .collect()
    };
    let type_params: Vec<&syn::TypeParam> = k.item.sig.generics.type_params().collect();
    let decls: Vec<TokenStream> = type_params
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
    let names: Vec<&Ident> = type_params.iter().map(|t| &t.ident).collect();
    let head = quote!(impl<#(#decls),*> #name<#(#names),*>);
    let kernels = concrete.iter().enumerate().map(|(i, c)| kernel(k, c, i));
    let name_str = name.to_string();
    let doc = format!(
        "`{name_str}` on the GPU: `{name_str}::gpu().call(..)` applies it elementwise to host \
         arrays, scalars or `numbox::gpu::DeviceArray`s (needs numbox's `gpu` feature)."
    );
    quote! {
        #p::gpu_items! {
            head = { #head };
            items = {
                #head {
                    #[doc = #doc]
                    pub const fn gpu() -> #p::gpu::GpuUfunc<Self> {
                        #p::gpu::GpuUfunc::new()
                    }
                }
                const _: () = {
                    #(#kernels)*
                };
            }
        }
    }
}

/// One concrete kernel's module and its `GpuKernel` impl.
fn kernel(k: &ScalarFnView<'_>, c: &Concrete<'_>, index: usize) -> TokenStream {
    let p = Private;
    let name = k.name;
    let module = format_ident!("__nb_gpu{}", index);
    let aliases = k
        .type_params
        .iter()
        .zip(&c.type_args)
        .map(|(tp, ta)| quote!(#[allow(dead_code)] type #tp = #ta;));
    let user_inputs = &k.item.sig.inputs;
    let user_output = &k.item.sig.output;
    let block = &k.item.block;
    let n = c.inputs.len();
    let ins: Vec<Ident> = (0..n).map(|i| format_ident!("__nb_in{}", i)).collect();
    let offs: Vec<Ident> = (0..n).map(|i| format_ident!("__nb_o{}", i)).collect();
    let in_tys = &c.inputs;
    let out_ty = c.output;
    let stride_at = (0..n).map(|i| {
        let k1 = i + 1;
        quote!(2 + #k1 * __nb_nd + __nb_d)
    });
    let args: Vec<Ident> = (0..n).map(|i| format_ident!("__nb_a{}", i)).collect();
    let type_args = &c.type_args;
    let self_ty = if type_args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#type_args),*>)
    };
    let cl = quote!(#p::gpu::cubecl);
    quote! {
        #[allow(non_snake_case, non_camel_case_types, dead_code, unused_imports, unused_mut,
                unused_parens, unused_variables, unused_assignments, clippy::all)]
        mod #module {
            use ::numbox::__private::gpu::cubecl;
            use cubecl::prelude::*;
            #(#aliases)*

            // Not `__nb_`: WGSL reserves identifiers starting with `__`, and CubeCL keeps
            // the function's name (the module keeps it out of the user's namespace).
            #[cubecl::cube]
            pub fn nb_body(#user_inputs) #user_output #block

            #[cubecl::cube(launch_unchecked)]
            pub fn nb_kernel(#(#ins: &[#in_tys],)* __nb_out: &mut [#out_ty], __nb_meta: &[u32]) {
                let __nb_i = ABSOLUTE_POS;
                if __nb_i < __nb_out.len() {
                    #(let mut #offs = __nb_i;)*
                    if __nb_meta[0] == 0 {
                        let __nb_nd = __nb_meta[1] as usize;
                        let mut __nb_rem = __nb_i;
                        #(#offs = 0;)*
                        let mut __nb_d = __nb_nd;
                        while __nb_d > 0 {
                            __nb_d -= 1;
                            let __nb_len = __nb_meta[2 + __nb_d] as usize;
                            let __nb_c = __nb_rem % __nb_len;
                            __nb_rem /= __nb_len;
                            #(#offs += __nb_c * (__nb_meta[#stride_at] as usize);)*
                        }
                    }
                    __nb_out[__nb_i] = nb_body(#(#ins[#offs]),*);
                }
            }
        }

        impl #p::gpu::GpuKernel for #self_ty {
            unsafe fn launch(
                __nb_client: &#cl::client::Client,
                __nb_count: #cl::prelude::CubeCount,
                __nb_dim: #cl::prelude::CubeDim,
                __nb_inputs: ::std::vec::Vec<#cl::prelude::BufferArg>,
                __nb_out: #cl::prelude::BufferArg,
                __nb_meta: #cl::prelude::BufferArg,
            ) {
                let mut __nb_it = __nb_inputs.into_iter();
                #(let #args = __nb_it.next().expect("one buffer per input");)*
                // SAFETY: the caller's contract (`GpuKernel::launch`) is the kernel's: one
                // buffer per input, and offsets within each for every unit below the
                // output's length, which the kernel checks.
                unsafe {
                    #module::nb_kernel::launch_unchecked(
                        __nb_client, __nb_count, __nb_dim, #(#args,)* __nb_out, __nb_meta,
                    )
                }
            }
        }
    }
}
