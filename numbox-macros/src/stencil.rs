//! `#[stencil]`: parse the options and the kernel's signature, infer and check the
//! neighbourhood, rewrite constant-offset reads, and emit the companion type implementing
//! the runtime's `StencilKernel`.

mod body;
mod options;

use crate::diag::{item_with_error, Errors};
use crate::emit::{self, Private};
use crate::parse::options::Target;
use body::BodyPass;
use options::{Mode, Options};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

/// Entry point: the user's function unchanged plus the companion type, or the function
/// plus every error found.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                "#[stencil] applies to a `fn` taking `Neighbors1/2/3<T>` inputs",
            );
            return item_with_error(item, e);
        }
    };
    match build(attr, &func) {
        Ok(tokens) => tokens,
        Err(e) => emit::failed(&func, e, func.sig.inputs.len(), 1),
    }
}

/// One parameter of the kernel.
enum Param<'a> {
    /// `name: NeighborsN<T>`.
    Input {
        name: Ident,
        pat: &'a Pat,
        elem: &'a Type,
        ndim: usize,
    },
    /// A plain scalar passed through.
    Scalar {
        name: Ident,
        pat: &'a Pat,
        ty: &'a Type,
    },
}

/// The validated kernel, ready to expand.
struct Kernel<'a> {
    func: &'a ItemFn,
    params: Vec<Param<'a>>,
    ret: &'a Type,
    ndim: usize,
    neighborhood: Vec<[i128; 2]>,
    mode: Mode,
    cval: Option<syn::Expr>,
    target: Target,
    body: syn::Block,
}

fn build(attr: TokenStream, func: &ItemFn) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let opts = Some(Options::parse(attr, &mut errors));
    let kernel = analyse(func, opts, &mut errors);
    errors.finish()?;
    Ok(expand_kernel(&kernel.expect("no errors means a kernel")))
}

fn neighbors_dim(ty: &Type) -> Option<(usize, &Type)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let ndim = match seg.ident.to_string().as_str() {
        "Neighbors1" => 1,
        "Neighbors2" => 2,
        "Neighbors3" => 3,
        _ => return None,
    };
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let elem = types.next()?;
    types.next().is_none().then_some((ndim, elem))
}

/// Why `ty` cannot be a scalar parameter, if it cannot.
fn not_a_scalar(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Reference(_) | Type::Slice(_) | Type::Ptr(_) => Some("a reference, slice or pointer"),
        Type::ImplTrait(_) | Type::TraitObject(_) => Some("a trait"),
        Type::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            if last.starts_with("Array") || last == "Vec" || last == "CowArray" {
                Some("an array")
            } else if last.starts_with("Neighbors") {
                Some("an incomplete `Neighbors`")
            } else {
                None
            }
        }
        Type::Paren(p) => not_a_scalar(&p.elem),
        _ => None,
    }
}

fn pat_name(pat: &Pat, k: usize) -> Ident {
    match pat {
        Pat::Ident(p) if p.subpat.is_none() => p.ident.clone(),
        _ => format_ident!("__nb_arg{}", k),
    }
}

fn analyse<'a>(func: &'a ItemFn, opts: Option<Options>, errors: &mut Errors) -> Option<Kernel<'a>> {
    let sig = &func.sig;
    crate::fn_shape::check(
        sig,
        "stencil",
        crate::fn_shape::Allow {
            lifetimes: false,
            type_params: false,
        },
        errors,
    );
    let ret = match &sig.output {
        ReturnType::Type(_, t) => Some(&**t),
        ReturnType::Default => {
            errors.error(
                &sig.ident,
                "a #[stencil] kernel returns the value of the output point: add a return type, e.g. `-> f64`",
            );
            None
        }
    };

    let mut params = Vec::new();
    let mut ndim: Option<(usize, Ident)> = None;
    let mut mixed = false;
    for (k, arg) in sig.inputs.iter().enumerate() {
        // A receiver is reported by the shape check.
        let FnArg::Typed(pt) = arg else { continue };
        let ty = &*pt.ty;
        let name = pat_name(&pt.pat, k);
        if let Some((n, elem)) = neighbors_dim(ty) {
            let Pat::Ident(pi) = &*pt.pat else {
                errors.error(
                    &pt.pat,
                    "name the input with a plain identifier, e.g. `u: Neighbors2<f64>`",
                );
                continue;
            };
            match &ndim {
                Some((m, first)) if *m != n => {
                    mixed = true;
                    errors.error(
                        ty,
                        format!(
                            "every input of a stencil has the same dimensionality: `{name}` is Neighbors{n} but `{first}` is Neighbors{m}; \
                             make both Neighbors{m} (or both Neighbors{n})"
                        ),
                    )
                }
                Some(_) => {}
                None => ndim = Some((n, name)),
            }
            params.push(Param::Input {
                name: pi.ident.clone(),
                pat: &pt.pat,
                elem,
                ndim: n,
            });
        } else if let Some(what) = not_a_scalar(ty) {
            errors.error(
                ty,
                format!(
                    "parameter `{name}` has {what} type: a #[stencil] parameter is either a relatively indexed input \
                     `Neighbors1<T>`, `Neighbors2<T>`, `Neighbors3<T>` (e.g. `u: Neighbors2<f64>`, read as `u[[-1, 0]]`) \
                     or a plain scalar passed through unchanged (e.g. `w: f64`)"
                ),
            );
        } else {
            params.push(Param::Scalar {
                name,
                pat: &pt.pat,
                ty,
            });
        }
    }
    let Some((ndim, _)) = ndim else {
        errors.error(
            &sig.ident,
            "a #[stencil] kernel needs a relatively indexed input: a parameter of type \
             `Neighbors1<T>`, `Neighbors2<T>` or `Neighbors3<T>`, e.g. `fn laplace(u: Neighbors2<f64>) -> f64`",
        );
        return None;
    };
    if mixed {
        return None;
    }

    let opts = opts?;
    let mode = opts.mode.get().copied().unwrap_or(Mode::Skip);
    if let (Some(span), false) = (
        opts.cval.span(),
        matches!(mode, Mode::Skip | Mode::Constant),
    ) {
        errors.push(syn::Error::new(
            span,
            format!(
                "`cval` has no effect with mode = \"{}\" (out-of-range reads never give it): \
                 remove `cval`, or use mode = \"constant\"",
                mode.name()
            ),
        ));
    }
    let declared = opts.neighborhood.get();
    if let Some(d) = declared {
        if d.axes.len() != ndim {
            let example = vec!["[-1, 1]"; ndim].join(", ");
            errors.push(syn::Error::new(
                d.span,
                format!(
                    "the inputs are {ndim}-D but `neighborhood` gives {} axis range{}: give one `[lo, hi]` per axis, e.g. `[{example}]`",
                    d.axes.len(),
                    if d.axes.len() == 1 { "" } else { "s" }
                ),
            ));
        }
    }

    let inputs: Vec<Ident> = params
        .iter()
        .filter_map(|p| match p {
            Param::Input { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let mut body = (*func.block).clone();
    let mut pass = BodyPass {
        inputs: &inputs,
        ndim,
        declared: declared.is_some(),
        errors,
        reads: Vec::new(),
    };
    pass.visit_block_mut(&mut body);
    let reads = std::mem::take(&mut pass.reads);

    // The box always holds the output point itself.
    let mut neighborhood = vec![[0i128, 0i128]; ndim];
    match declared {
        Some(d) if d.axes.len() == ndim => {
            for (a, [lo, hi]) in d.axes.iter().enumerate() {
                neighborhood[a] = [(*lo).min(0), (*hi).max(0)];
            }
            for r in &reads {
                if r.offsets
                    .iter()
                    .zip(&d.axes)
                    .any(|(o, [lo, hi])| o < lo || o > hi)
                {
                    errors.push(syn::Error::new(
                        r.span,
                        format!(
                            "offset {:?} is outside the declared neighborhood {:?}: widen `neighborhood` to contain it",
                            r.offsets, d.axes
                        ),
                    ));
                }
            }
        }
        Some(_) => {}
        None => {
            for r in &reads {
                for (a, o) in r.offsets.iter().enumerate() {
                    neighborhood[a][0] = neighborhood[a][0].min(*o);
                    neighborhood[a][1] = neighborhood[a][1].max(*o);
                }
            }
        }
    }

    Some(Kernel {
        func,
        params,
        ret: ret?,
        ndim,
        neighborhood,
        mode,
        cval: opts.cval.take(),
        target: opts.target.get().copied().unwrap_or_default(),
        body,
    })
}

fn expand_kernel(k: &Kernel<'_>) -> TokenStream {
    let func = k.func;
    let name = &func.sig.ident;
    let vis = &func.vis;
    let n = k.ndim;
    let p = Private;
    let rt = quote!(#p::stencil);
    let ret = k.ret;
    let dim = quote!(#p::ndarray::Dim<[usize; #n]>);

    let mut input_names = Vec::new();
    let mut input_pats = Vec::new();
    let mut fields = Vec::new();
    let mut scalar_pats = Vec::new();
    let mut scalar_tys = Vec::new();
    let mut scalar_names = Vec::new();
    let mut call_args = Vec::new();
    let mut views = Vec::new();
    let mut elem_types = Vec::new();
    for param in &k.params {
        match param {
            Param::Input {
                name,
                pat,
                elem,
                ndim,
            } => {
                debug_assert_eq!(*ndim, n);
                input_names.push(name.to_string());
                input_pats.push(*pat);
                fields.push(quote!(#rt::Field<#elem, #n>));
                call_args.push(quote!(#name: impl #p::ndarray::AsArray<'__nb_a, #elem, #dim>));
                views.push(quote!(::core::convert::Into::<#p::ndarray::ArrayView<'__nb_a, #elem, #dim>>::into(#name)));
                elem_types.push(*elem);
            }
            Param::Scalar { name, pat, ty } => {
                scalar_pats.push(*pat);
                scalar_tys.push(*ty);
                scalar_names.push(name.clone());
                call_args.push(quote!(#name: #ty));
                elem_types.push(*ty);
            }
        }
    }
    elem_types.push(ret);
    let asserts = emit::element_checks(elem_types, &[]);
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
    let cval = if k.mode == Mode::Skip {
        let e = cval_expr(ret.span());
        quote!(::core::option::Option::Some(#e))
    } else {
        quote!(::core::option::Option::None)
    };
    let cvals = if k.mode == Mode::Constant {
        let each = k.params.iter().filter_map(|p| match p {
            Param::Input { elem, .. } => Some(cval_expr(elem.span())),
            _ => None,
        });
        quote!(::core::option::Option::Some((#(#each,)*)))
    } else {
        quote!(::core::option::Option::None)
    };
    let default_target = k.target.tokens();
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
        &[],
        quote! {
            #(#docs)*
            #[doc = ""]
            #[doc = #summary]
        },
    );
    quote! {
        #func

        #companion

        const _: () = {
            // The companion evaluates a rewritten copy; this keeps the user's function "used".
            let _ = #name;
            #asserts

            impl #rt::StencilKernel<#n> for #name {
                const NAME: &'static str = #name_str;
                const INPUTS: &'static [&'static str] = &[#(#input_names),*];
                const NEIGHBORHOOD: [[isize; 2]; #n] = [#(#lohi),*];
                const MODE: #rt::Mode = #rt::Mode::#mode;
                type Fields = (#(#fields,)*);
                type Params = #params_ty;
                type Output = #ret;

                #[inline(always)]
                #[allow(unused, clippy::all)]
                fn eval(
                    (#(#input_pats,)*): <Self::Fields as #rt::FieldSet<#n>>::Nbrs<'_>,
                    (#(#scalar_pats,)*): Self::Params,
                ) -> #ret #body

                fn cval() -> ::core::option::Option<#ret> {
                    #cval
                }

                fn cvals() -> ::core::option::Option<<Self::Fields as #rt::FieldSet<#n>>::Elems> {
                    #cvals
                }
            }

            #[doc(hidden)]
            pub struct __nb_Calls(#p::Target);

            impl ::core::convert::From<#p::Target> for __nb_Calls {
                fn from(target: #p::Target) -> Self {
                    __nb_Calls(target)
                }
            }

            impl #rt::HasHandle for #name {
                type Calls = __nb_Calls;
            }

            impl __nb_Calls {
                /// Runs the kernel at every point: a new array of the inputs' shape.
                pub fn call<'__nb_a>(&self, #(#call_args),*) -> #p::Result<#p::ndarray::Array<#ret, #dim>> {
                    #rt::call::<#name, #n>(self.0, (#(#views,)*), (#(#scalar_names,)*))
                }

                /// Runs the kernel at every point of `out`, which has the inputs' shape.
                pub fn call_into<'__nb_a, '__nb_o>(
                    &self,
                    #(#call_args,)*
                    __nb_out: impl #rt::AsArrayMut<'__nb_o, #ret, #dim>,
                ) -> #p::Result<()> {
                    #rt::call_into::<#name, #n>(
                        self.0,
                        (#(#views,)*),
                        (#(#scalar_names,)*),
                        #rt::AsArrayMut::into_view_mut(__nb_out),
                    )
                }
            }

            impl #name {
                /// Runs the kernel at every point (on the attribute's target): a new array
                /// of the inputs' shape and dimensionality. Inputs of different shapes are an `Err`.
                #vis fn call<'__nb_a>(#(#call_args),*) -> #p::Result<#p::ndarray::Array<#ret, #dim>> {
                    __nb_Calls(#default_target).call(#(#arg_names),*)
                }

                /// Writes the kernel's value at every point of `out` (`&mut Array`, `&mut ArrayViewMut`
                /// or an `ArrayViewMut` of the inputs' shape; another shape is an `Err`).
                #vis fn call_into<'__nb_a, '__nb_o>(
                    #(#call_args,)*
                    #out: impl #rt::AsArrayMut<'__nb_o, #ret, #dim>,
                ) -> #p::Result<()> {
                    __nb_Calls(#default_target).call_into(#(#arg_names,)* #out)
                }

                /// The kernel on the calling thread: `.call(...)` and `.call_into(..., out)`.
                #vis fn serial() -> #rt::Handle<#name> {
                    #rt::Handle::new(#p::Target::Serial)
                }

                /// The kernel split by outer-axis rows across the caller's rayon pool:
                /// `.call(...)` and `.call_into(..., out)`, bitwise identical to `serial()`.
                #vis fn parallel() -> #rt::Handle<#name> {
                    #rt::Handle::new(#p::Target::Parallel)
                }
            }
        };
    }
}

fn arg_names_contain(k: &Kernel<'_>, want: &str) -> bool {
    k.params.iter().any(|p| match p {
        Param::Input { name, .. } | Param::Scalar { name, .. } => name == want,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn kernel(attr: TokenStream, f: &ItemFn) -> syn::Result<(Vec<[i128; 2]>, Mode, usize)> {
        let mut errors = Errors::default();
        let opts = Some(Options::parse(attr, &mut errors));
        let k = analyse(f, opts, &mut errors);
        errors.finish()?;
        let k = k.unwrap();
        Ok((k.neighborhood, k.mode, k.params.len()))
    }

    #[test]
    fn infers_the_box_from_constant_offsets_and_keeps_the_centre() {
        let f: ItemFn = parse_quote! {
            fn lap(u: Neighbors2<f64>, w: f64) -> f64 { u[[-1, 0]] + u[[1 + 1, 0]] + w * u[[0, -3]] }
        };
        assert_eq!(
            kernel(quote!(), &f).unwrap(),
            (vec![[-1, 2], [-3, 0]], Mode::Skip, 2)
        );
        let g: ItemFn = parse_quote! { fn fwd(a: Neighbors1<f64>) -> f64 { a[2] } };
        assert_eq!(
            kernel(quote!(mode = "wrap"), &g).unwrap(),
            (vec![[0, 2]], Mode::Wrap, 1)
        );
    }

    #[test]
    fn a_declared_box_is_used_as_given_plus_the_centre() {
        let f: ItemFn = parse_quote! {
            fn t(a: Neighbors1<f64>) -> f64 { let mut s = 0.0; for k in 1..=3 { s += a[k]; } s }
        };
        assert_eq!(
            kernel(quote!(neighborhood = [[1, 3]]), &f).unwrap().0,
            vec![[0, 3]]
        );
    }

    #[test]
    fn reports_every_mistake_at_once() {
        let f: ItemFn = parse_quote! {
            fn bad<T>(u: Neighbors2<T>, v: &[f64]) -> T { u[[k, 0]] }
        };
        let err = kernel(quote!(), &f).unwrap_err();
        let msgs: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[0].contains("#[stencil] kernels cannot be generic"));
        assert!(msgs[1].contains("parameter `v`"));
        assert!(msgs[2].contains("not a constant"));
    }
}
