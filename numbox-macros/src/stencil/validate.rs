//! Checks the kernel's signature and options, rewrites the body (see [`super::body`]) and
//! builds the IR the expansion reads.

use super::body::BodyPass;
use super::options::{Mode, Options};
use crate::diag::Errors;
use crate::parse::options::Target;
use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

/// One parameter of the kernel.
pub(super) enum Param<'a> {
    /// `name: NeighborsN<T>`.
    Input {
        name: Ident,
        pat: &'a Pat,
        elem: &'a Type,
        ndim: usize,
    },
    /// A plain scalar passed through.
    Scalar { name: Ident, ty: &'a Type },
}

/// The validated kernel, ready to expand.
pub(super) struct Kernel<'a> {
    pub(super) func: &'a ItemFn,
    pub(super) params: Vec<Param<'a>>,
    pub(super) ret: &'a Type,
    pub(super) ndim: usize,
    pub(super) neighborhood: Vec<[i128; 2]>,
    pub(super) mode: Mode,
    pub(super) cval: Option<syn::Expr>,
    pub(super) target: Target,
    pub(super) body: syn::Block,
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

/// The user's function as a failed expansion emits it: its reads of an input with the wrong
/// number of offsets (reported by [`BodyPass`]) read offset zero instead, so that rustc does
/// not report them a second time as a type mismatch.
pub(super) fn repaired(func: &ItemFn) -> ItemFn {
    let mut func = func.clone();
    for arg in func.sig.inputs.clone() {
        let FnArg::Typed(pt) = arg else { continue };
        if let (Pat::Ident(pi), Some((n, _))) = (&*pt.pat, neighbors_dim(&pt.ty)) {
            super::body::zero_wrong_rank_reads(&mut func.block, &pi.ident, n);
        }
    }
    func
}

/// Checks the kernel's parameters and options, rewrites its body's constant-offset reads
/// and infers (or checks) its neighbourhood, recording every problem.
pub(super) fn validate<'a>(
    func: &'a ItemFn,
    opts: Option<Options>,
    errors: &mut Errors,
) -> Option<Kernel<'a>> {
    let sig = &func.sig;
    crate::fn_shape::check(
        sig,
        "stencil",
        crate::fn_shape::Allow {
            lifetimes: false,
            type_params: true,
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
            params.push(Param::Scalar { name, ty });
        }
    }
    // The runtime implements the handles for up to 12 parameters and the inputs' field
    // tuples for up to 8.
    if let Some(extra) = sig.inputs.iter().nth(12) {
        errors.error(
            extra,
            "a #[stencil] kernel takes at most 12 parameters: pass related scalars as one, e.g. a tuple `(f64, f64)`",
        );
    }
    let inputs = params.iter().filter(|p| matches!(p, Param::Input { .. }));
    if let Some(Param::Input { pat, .. }) = inputs.clone().nth(8) {
        errors.error(
            pat,
            "a #[stencil] kernel reads at most 8 `Neighbors` inputs: split the kernel in two",
        );
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

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    fn kernel(attr: TokenStream, f: &ItemFn) -> syn::Result<(Vec<[i128; 2]>, Mode, usize)> {
        let mut errors = Errors::default();
        let opts = Some(Options::parse(attr, &mut errors));
        let k = validate(f, opts, &mut errors);
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
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("parameter `v`"));
        assert!(msgs[1].contains("not a constant"));
    }

    #[test]
    fn at_most_twelve_parameters_and_eight_inputs() {
        let f: ItemFn = parse_quote! {
            fn wide(a: Neighbors1<f64>, b: Neighbors1<f64>, c: Neighbors1<f64>, d: Neighbors1<f64>,
                    e: Neighbors1<f64>, f: Neighbors1<f64>, g: Neighbors1<f64>, h: Neighbors1<f64>,
                    i: Neighbors1<f64>, w0: f64, w1: f64, w2: f64, w3: f64) -> f64 { a[0] }
        };
        let msgs: Vec<String> = kernel(quote!(), &f)
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("at most 12 parameters"), "{msgs:?}");
        assert!(msgs[1].contains("at most 8 `Neighbors` inputs"), "{msgs:?}");
        let ok: ItemFn = parse_quote! {
            fn twelve(a: Neighbors1<f64>, b: Neighbors1<f64>, c: Neighbors1<f64>, d: Neighbors1<f64>,
                      e: Neighbors1<f64>, f: Neighbors1<f64>, g: Neighbors1<f64>, h: Neighbors1<f64>,
                      w0: f64, w1: f64, w2: f64, w3: f64) -> f64 { a[0] }
        };
        assert_eq!(kernel(quote!(), &ok).unwrap().2, 12);
    }
}
