//! `#[stencil(target = "gpu")]`: besides the CPU kernel, one device kernel compiled by
//! CubeCL from the same body, and `name::gpu()`.
//!
//! Each relative read `u[[di, dj]]` of the body becomes a parameter of a `#[cube]` function
//! holding the body (so the body check of [`validate`] applies unchanged), and the kernel
//! computes each such neighbour for its unit's point as numbox's `Mode::resolve` does: the
//! border mode is the attribute's, so only its rule is emitted. `meta` holds the shape
//! (`u32` per axis), `cval` one value (the output's type under `skip`, the input's under
//! `constant`).

use super::validate;
use crate::diag::Errors;
use crate::emit::Private;
use crate::stencil::body_const_int as const_int;
use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Ident, ItemFn, Type};

/// What the GPU code generation reads of a validated `#[stencil]` kernel.
pub struct StencilView<'a> {
    pub func: &'a ItemFn,
    pub ndim: usize,
    /// The `NeighborsN<T>` inputs: name and element type.
    pub inputs: Vec<(&'a Ident, &'a Type)>,
    /// The scalar parameters' names.
    pub scalars: Vec<&'a Ident>,
    pub ret: &'a Type,
    pub neighborhood: &'a [[i128; 2]],
    /// The runtime `Mode`'s variant name.
    pub mode: &'static str,
    pub cval: Option<&'a Expr>,
}

/// One distinct constant-offset read: the input it reads, its offsets, its parameter name.
struct Read {
    input: usize,
    offsets: Vec<i128>,
    param: Ident,
}

/// Replaces each constant-offset read of an input by the name of its parameter.
struct Hoist<'a> {
    inputs: &'a [Ident],
    reads: Vec<Read>,
}

impl VisitMut for Hoist<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let Expr::Index(ix) = e else { return };
        let Expr::Path(p) = &*ix.expr else { return };
        let Some(input) = p
            .path
            .get_ident()
            .and_then(|id| self.inputs.iter().position(|i| i == id))
        else {
            return;
        };
        let elems: Vec<&Expr> = match &*ix.index {
            Expr::Array(a) => a.elems.iter().collect(),
            other => vec![other],
        };
        let Some(offsets) = elems
            .iter()
            .map(|e| const_int(e))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        let span = ix.span();
        let param = match self
            .reads
            .iter()
            .find(|r| r.input == input && r.offsets == offsets)
        {
            Some(r) => r.param.clone(),
            None => {
                // Not `__`: WGSL reserves identifiers starting with `__`.
                let param = format_ident!("nb_r{}", self.reads.len());
                self.reads.push(Read {
                    input,
                    offsets,
                    param: param.clone(),
                });
                param
            }
        };
        let param = Ident::new(&param.to_string(), span);
        *e = syn::parse2(quote_spanned!(span=> #param)).expect("a name parses");
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

fn hoist(k: &StencilView<'_>) -> (syn::Block, Vec<Read>) {
    let inputs: Vec<Ident> = k.inputs.iter().map(|(n, _)| (*n).clone()).collect();
    let mut h = Hoist {
        inputs: &inputs,
        reads: Vec::new(),
    };
    let mut block = (*k.func.block).clone();
    h.visit_block_mut(&mut block);
    (block, h.reads)
}

/// Checks what the GPU target needs of the stencil (one input, no scalar parameters, element
/// types it handles, constant offsets, the body subset); `at` is the `"gpu"` of the attribute.
pub fn check(k: &StencilView<'_>, at: Span, fastmath: bool, errors: &mut Errors) {
    if fastmath {
        errors.push(syn::Error::new(
            at,
            "`fastmath` rewrites the body's math calls to numbox's CPU functions, which the GPU \
             cannot run: remove `fastmath` or use another target",
        ));
        return;
    }
    if !k.func.sig.generics.params.is_empty() {
        errors.push(syn::Error::new(
            at,
            "`target = \"gpu\"` takes stencils without generic parameters",
        ));
    }
    if k.inputs.len() != 1 || !k.scalars.is_empty() {
        errors.push(syn::Error::new(
            at,
            "`target = \"gpu\"` takes stencils of one `NeighborsN<T>` input and no scalar \
             parameters",
        ));
    }
    let bad = |ty: &Type| {
        format!(
            "`target = \"gpu\"` handles the element types {}; `{}` is not one",
            super::ELEMENTS.join(", "),
            quote!(#ty).to_string().replace(' ', "")
        )
    };
    for ty in k.inputs.iter().map(|(_, t)| *t).chain([k.ret]) {
        if !super::is_element(ty) {
            errors.error(ty, bad(ty));
        }
    }
    let (block, reads) = hoist(k);
    let names: Vec<&Ident> = reads
        .iter()
        .map(|r| &r.param)
        .chain(k.scalars.iter().copied())
        .collect();
    validate::body(&block, &names, errors);
}

/// `i` as an `i32` literal expression (`0 - 3` for negatives: a literal has no sign).
fn int(i: i128) -> TokenStream {
    let lit = Literal::i32_suffixed(i.unsigned_abs() as i32);
    if i < 0 {
        quote!((0i32 - #lit))
    } else {
        quote!(#lit)
    }
}

/// The device kernel and `gpu()`, wrapped in `gpu_items!`.
pub fn emit(k: &StencilView<'_>) -> TokenStream {
    let p = Private;
    let name = &k.func.sig.ident;
    let n = k.ndim;
    let (block, reads) = hoist(k);
    let (_, elem) = k.inputs[0];
    let ret = k.ret;
    let read_params = reads.iter().map(|r| {
        let id = &r.param;
        quote!(#id: #elem)
    });
    let read_names: Vec<&Ident> = reads.iter().map(|r| &r.param).collect();
    let skip = k.mode == "Skip";
    let constant = k.mode == "Constant";
    let cval_ty = if skip { quote!(#ret) } else { quote!(#elem) };
    let cval = match (k.cval, k.mode) {
        (Some(e), "Skip" | "Constant") => quote_spanned!(e.span()=> #e),
        _ => quote!(::core::default::Default::default()),
    };
    let coords: Vec<Ident> = (0..n).map(|a| format_ident!("nb_c{}", a)).collect();
    let lens: Vec<Ident> = (0..n).map(|a| format_ident!("nb_n{}", a)).collect();
    let axes_rev = (0..n).rev().map(|a| {
        let (c, l) = (&coords[a], &lens[a]);
        quote! {
            let #c = (nb_rem % (#l as u32)) as i32;
            nb_rem /= #l as u32;
        }
    });
    let len_decls = (0..n).map(|a| {
        let l = &lens[a];
        quote!(let #l = nb_meta[#a] as i32;)
    });
    let resolve = |j: &Ident, l: &Ident| -> TokenStream {
        match k.mode {
            "Nearest" => quote! {
                if #j < 0i32 { #j = 0i32; }
                if #j >= #l { #j = #l - 1i32; }
            },
            "Wrap" => quote! {
                #j = #j % #l;
                if #j < 0i32 { #j += #l; }
            },
            "Reflect" => quote! {
                let nb_p = 2i32 * #l;
                #j = #j % nb_p;
                if #j < 0i32 { #j += nb_p; }
                if #j >= #l { #j = nb_p - 1i32 - #j; }
            },
            "Mirror" => quote! {
                if #l == 1i32 {
                    #j = 0i32;
                } else {
                    let nb_p = 2i32 * #l - 2i32;
                    #j = #j % nb_p;
                    if #j < 0i32 { #j += nb_p; }
                    if #j >= #l { #j = nb_p - #j; }
                }
            },
            // Constant: the read is `cval` when out of range; Skip: never out of range.
            _ => quote!(),
        }
    };
    let loads = reads.iter().map(|r| {
        let id = &r.param;
        let per_axis = r.offsets.iter().enumerate().map(|(a, &o)| {
            let (c, l) = (&coords[a], &lens[a]);
            let o = int(o);
            let j = format_ident!("nb_j{}", a);
            let res = resolve(&j, l);
            let check = if constant {
                quote!(if #j < 0i32 || #j >= #l { nb_in_range = false; })
            } else {
                quote!()
            };
            quote! {
                let mut #j = #c + #o;
                #res
                #check
                nb_idx = nb_idx * #l + #j;
            }
        });
        let load = if constant {
            quote! {
                let mut #id = nb_cval[0];
                if nb_in_range { #id = nb_in[nb_idx as usize]; }
            }
        } else {
            quote!(let #id = nb_in[nb_idx as usize];)
        };
        quote! {
            let mut nb_in_range = true;
            let mut nb_idx = 0i32;
            #(#per_axis)*
            #load
        }
    });
    let interior = if skip {
        let conds = (0..n).map(|a| {
            let (c, l) = (&coords[a], &lens[a]);
            let [lo, hi] = k.neighborhood[a];
            let (lo, hi) = (int(lo), int(hi));
            quote!(#c + #lo >= 0i32 && #c + #hi < #l)
        });
        quote!(#(#conds)&&*)
    } else {
        quote!(true)
    };
    let fallback = if skip {
        quote!(nb_out[nb_i] = nb_cval[0];)
    } else {
        quote!()
    };
    let name_str = name.to_string();
    let doc = format!(
        "`{name_str}` on the GPU: `{name_str}::gpu().call(&a)` applies the stencil to a host \
         array or a `numbox::gpu::DeviceArray`, with the same border mode (needs numbox's \
         `gpu` feature)."
    );
    let cl = quote!(#p::gpu::cubecl);
    let head = quote!(impl #name);
    quote! {
        #p::gpu_items! {
            head = { #head };
            items = {
                #head {
                    #[doc = #doc]
                    pub const fn gpu() -> #p::gpu::GpuStencil<Self, #n> {
                        #p::gpu::GpuStencil::new()
                    }
                }
                const _: () = {
                    #[allow(non_snake_case, non_camel_case_types, dead_code, unused_imports,
                            unused_mut, unused_parens, unused_variables, unused_assignments,
                            clippy::all)]
                    mod __nb_gpu_stencil {
                        use ::numbox::__private::gpu::cubecl;
                        use cubecl::prelude::*;

                        #[cubecl::cube]
                        pub fn nb_body(#(#read_params),*) -> #ret #block

                        #[cubecl::cube(launch_unchecked)]
                        pub fn nb_kernel(
                            nb_in: &[#elem],
                            nb_out: &mut [#ret],
                            nb_meta: &[u32],
                            nb_cval: &[#cval_ty],
                        ) {
                            let nb_i = ABSOLUTE_POS;
                            if nb_i < nb_out.len() {
                                #(#len_decls)*
                                let mut nb_rem = nb_i as u32;
                                #(#axes_rev)*
                                if #interior {
                                    #(#loads)*
                                    nb_out[nb_i] = nb_body(#(#read_names),*);
                                } else {
                                    #fallback
                                }
                            }
                        }
                    }

                    impl #p::gpu::GpuStencilKernel<#n> for #name {
                        type In = #elem;
                        type Cval = #cval_ty;
                        fn gpu_cval() -> #cval_ty {
                            #cval
                        }
                        unsafe fn launch(
                            nb_client: &#cl::client::Client,
                            nb_count: #cl::prelude::CubeCount,
                            nb_dim: #cl::prelude::CubeDim,
                            nb_in: #cl::prelude::BufferArg,
                            nb_out: #cl::prelude::BufferArg,
                            nb_meta: #cl::prelude::BufferArg,
                            nb_cval: #cl::prelude::BufferArg,
                        ) {
                            // SAFETY: the caller's contract (`GpuStencilKernel::launch`) is
                            // the kernel's: `in` and `out` hold the shape `meta` gives, and
                            // every index the border mode resolves is within it.
                            unsafe {
                                __nb_gpu_stencil::nb_kernel::launch_unchecked(
                                    nb_client, nb_count, nb_dim, nb_in, nb_out, nb_meta, nb_cval,
                                )
                            }
                        }
                    }
                };
            }
        }
    }
}
