//! Checks the parsed layout against the function's parameters and return type, and builds the
//! IR the expansion reads.

use super::layout::{self, Dim, Layout};
use super::options::Args;
use crate::diag::Errors;
use crate::parse::options::Target;
use proc_macro2::Span;
use quote::ToTokens;
use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

/// Most inputs and outputs the runtime implements.
const MAX_INPUTS: usize = 6;
const MAX_OUTPUTS: usize = 3;
const MAX_CORE: usize = 3;

/// How a parameter's type reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// `T`: an input scalar.
    Value,
    /// `&T`.
    Ref,
    /// `&mut T`: an output scalar.
    RefMut,
    /// `ArrayViewN<T>`.
    View(usize),
    /// `ArrayViewMutN<T>`.
    ViewMut(usize),
    /// `Array1<T>`, `ArrayView<T, D>`, ...: an array type a kernel cannot take.
    OtherArray,
}

/// One parameter of the kernel.
pub(super) struct Param<'a> {
    pub(super) ident: Option<&'a Ident>,
    pub(super) ty: &'a Type,
    pub(super) shape: Shape,
    pub(super) elem: Option<&'a Type>,
}

fn last_type_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().rev().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

fn classify(ty: &Type) -> (Shape, Option<&Type>) {
    match ty {
        Type::Reference(r) if r.mutability.is_some() => (Shape::RefMut, Some(&r.elem)),
        Type::Reference(r) => (Shape::Ref, Some(&r.elem)),
        Type::Paren(p) => classify(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return (Shape::Value, Some(ty));
            };
            let name = last.ident.to_string();
            let elem = last_type_arg(&last.arguments);
            let n = |s: &str| {
                s.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_CORE).contains(n))
            };
            if let Some(k) = name.strip_prefix("ArrayViewMut").and_then(n) {
                (Shape::ViewMut(k), elem)
            } else if let Some(k) = name.strip_prefix("ArrayView").and_then(n) {
                (Shape::View(k), elem)
            } else if name.starts_with("ArrayView")
                || name.starts_with("Array")
                || name.starts_with("ArcArray")
                || name.starts_with("CowArray")
            {
                (Shape::OtherArray, elem)
            } else {
                (Shape::Value, Some(ty))
            }
        }
        _ => (Shape::Value, Some(ty)),
    }
}

fn elem_text(p: &Param<'_>) -> String {
    p.elem
        .map(|t| t.to_token_stream().to_string())
        .unwrap_or_else(|| "T".into())
}

fn name_text(p: &Param<'_>, fallback: &str) -> String {
    p.ident
        .map(|i| i.to_string())
        .unwrap_or_else(|| fallback.into())
}

/// The type a parameter must have for an operand of `ndim` core dimensions.
fn wanted(ndim: usize, output: bool, elem: &str) -> String {
    match (ndim, output) {
        (0, false) => elem.to_string(),
        (0, true) => format!("&mut {elem}"),
        (k, false) => format!("ArrayView{k}<{elem}>"),
        (k, true) => format!("ArrayViewMut{k}<{elem}>"),
    }
}

fn dims_text(k: usize) -> String {
    match k {
        0 => "no core dimensions".into(),
        1 => "1 core dimension".into(),
        k => format!("{k} core dimensions"),
    }
}

/// Checks one parameter against its operand's core; `Some(elem)` when it fits.
fn check_param<'a>(
    errors: &mut Errors,
    p: &Param<'a>,
    core: &str,
    ndim: usize,
    output: Option<usize>,
    index: usize,
) -> Option<&'a Type> {
    let elem = elem_text(p);
    let role = match output {
        None => format!("input {index}"),
        Some(j) => format!("output {j}"),
    };
    let fits = match (p.shape, output.is_some()) {
        (Shape::Value, false) => ndim == 0,
        (Shape::RefMut, true) => ndim == 0,
        (Shape::View(k), false) | (Shape::ViewMut(k), true) => k == ndim,
        _ => false,
    };
    if fits {
        return p.elem;
    }
    let fallback = if output.is_some() { "out" } else { "x" };
    let binding = if output.is_some() && ndim > 0 {
        "mut "
    } else {
        ""
    };
    let fix = format!(
        "write `{binding}{}: {}`",
        name_text(p, fallback),
        wanted(ndim, output.is_some(), &elem)
    );
    let msg = match (p.shape, output) {
        (Shape::View(_), Some(_)) | (Shape::Value, Some(_)) | (Shape::Ref, Some(_)) => format!(
            "{role} (core `{core}`) is not mutable: the kernel writes its outputs in place, {fix}"
        ),
        (Shape::ViewMut(_), None) | (Shape::RefMut, None) => {
            format!("{role} (core `{core}`) is read-only: {fix}")
        }
        (Shape::Ref, None) => {
            format!("{role} (core `{core}`) is a scalar passed by value: {fix}")
        }
        (Shape::OtherArray, _) => format!(
            "{role} (core `{core}`) has {}; a kernel receives views of its core part: {fix}",
            dims_text(ndim)
        ),
        _ => format!(
            "{role} has {} in the layout, `{core}`: {fix}",
            dims_text(ndim)
        ),
    };
    errors.error(p.ty, msg);
    None
}

/// What validation produced: everything the expansion needs.
pub(super) struct Kernel<'a> {
    pub(super) func: &'a ItemFn,
    pub(super) layout: Layout,
    pub(super) layout_span: Span,
    pub(super) target: Target,
    pub(super) params: Vec<Param<'a>>,
    pub(super) inputs: Vec<&'a Type>,
    pub(super) outputs: Vec<&'a Type>,
    /// The single `()` output is the return value.
    pub(super) returns: bool,
}

fn params(func: &ItemFn) -> Vec<Param<'_>> {
    let mut out = Vec::new();
    for arg in &func.sig.inputs {
        match arg {
            FnArg::Receiver(_) => {} // reported by the shape check
            FnArg::Typed(t) => {
                let ident = match &*t.pat {
                    Pat::Ident(i) if i.by_ref.is_none() && i.subpat.is_none() => Some(&i.ident),
                    _ => None,
                };
                let (shape, elem) = classify(&t.ty);
                out.push(Param {
                    ident,
                    ty: &t.ty,
                    shape,
                    elem,
                });
            }
        }
    }
    out
}

pub(super) fn validate<'a>(
    func: &'a ItemFn,
    args: Args,
    errors: &mut Errors,
) -> Option<Kernel<'a>> {
    let sig = &func.sig;
    let lit = &args.layout;
    crate::fn_shape::check(
        sig,
        "guvectorize",
        crate::fn_shape::Allow {
            lifetimes: true,
            type_params: true,
        },
        errors,
    );
    let layout = match layout::parse(&lit.value()) {
        Ok(l) => l,
        Err(e) => {
            errors.error(lit, e.render(&lit.value()));
            return None;
        }
    };
    let text = layout.text();
    let mut ok = true;
    for (what, ops, max) in [
        ("inputs", &layout.inputs, MAX_INPUTS),
        ("outputs", &layout.outputs, MAX_OUTPUTS),
    ] {
        if ops.len() > max {
            errors.error(
                lit,
                format!(
                    "layout `{text}` has {} {what}; at most {max} are supported",
                    ops.len()
                ),
            );
            ok = false;
        }
        for core in ops.iter() {
            if core.len() > MAX_CORE {
                errors.error(
                    lit,
                    format!(
                        "layout `{text}`: operand core {} has {} dimensions; at most {MAX_CORE} are supported (ArrayView1..ArrayView3)",
                        layout.core_text(core),
                        core.len()
                    ),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let unbound = layout.unbound_output_names();
    if !unbound.is_empty() {
        let names = unbound
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        errors.error(
            lit,
            format!(
                "layout `{text}`: output dimension {names} is not a dimension of any input, so its size is unknown: use a dimension that an input has, or a fixed size such as `(3)`"
            ),
        );
        ok = false;
    }

    let params = params(func);
    let (nin, nout) = (layout.inputs.len(), layout.outputs.len());
    let returns = match &sig.output {
        ReturnType::Default => false,
        ReturnType::Type(_, t) => !matches!(&**t, Type::Tuple(tt) if tt.elems.is_empty()),
    };
    if returns {
        let single_scalar = nout == 1 && layout.outputs[0].is_empty();
        if !single_scalar {
            errors.error(
                &sig.output,
                format!(
                    "only a single `()` output can be returned; layout `{text}` has {nout} output{} `{}`: remove the return type and take the outputs as parameters after the inputs",
                    if nout == 1 { "" } else { "s" },
                    layout.outputs.iter().map(|c| layout.core_text(c)).collect::<Vec<_>>().join(",")
                ),
            );
            return None;
        }
    }
    let want = if returns { nin } else { nin + nout };
    if params.len() != want {
        let how = if returns {
            format!(
                "{nin} parameter{} (the inputs; the `()` output is the return value)",
                if nin == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{want} parameters: {nin} input{} first, then {nout} output{} (`&mut T` or `ArrayViewMutN<T>`)",
                if nin == 1 { "" } else { "s" },
                if nout == 1 { "" } else { "s" }
            )
        };
        errors.error(
            lit,
            format!(
                "layout `{text}` has {nin} input{} and {nout} output{}, so `{}` needs {how}; it has {}",
                if nin == 1 { "" } else { "s" },
                if nout == 1 { "" } else { "s" },
                sig.ident,
                params.len()
            ),
        );
        return None;
    }
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let (core, out): (&[Dim], _) = if i < nin {
            (&layout.inputs[i], None)
        } else {
            (&layout.outputs[i - nin], Some(i - nin))
        };
        let ct = layout.core_text(core);
        match check_param(errors, p, &ct, core.len(), out, i) {
            Some(t) if out.is_some() => outputs.push(t),
            Some(t) => inputs.push(t),
            None => ok = false,
        }
    }
    if returns {
        if let ReturnType::Type(_, t) = &sig.output {
            outputs.push(t);
        }
    }
    if !ok {
        return None;
    }
    Some(Kernel {
        func,
        layout,
        layout_span: lit.span(),
        target: args.target.take().unwrap_or_default(),
        params,
        inputs,
        outputs,
        returns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;
    use syn::parse_quote;

    fn check(args: TokenStream, func: ItemFn) -> Result<(), String> {
        let mut errors = Errors::default();
        let k = Args::parse(args, &mut errors).and_then(|args| validate(&func, args, &mut errors));
        errors.finish().map_err(|e| {
            e.into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(" | ")
        })?;
        k.map(|_| ()).ok_or_else(|| "no kernel".into())
    }

    #[test]
    fn accepts_the_design_examples() {
        check(
            quote!("(n),()->(n)"),
            parse_quote!(
                fn mm(x: ArrayView1<f64>, w: usize, mut out: ArrayViewMut1<f64>) {}
            ),
        )
        .unwrap();
        check(
            quote!("(n)->()"),
            parse_quote!(
                fn mean(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap();
        check(
            quote!("(m,n),(n)->(m)", target = "parallel"),
            parse_quote!(
                fn mv(
                    a: ndarray::ArrayView2<f64>,
                    x: numbox::ndarray::ArrayView1<'_, f64>,
                    mut y: ArrayViewMut1<f64>,
                ) {
                }
            ),
        )
        .unwrap();
        check(
            quote!("(n)->(),()"),
            parse_quote!(
                fn mm(x: ArrayView1<f32>, lo: &mut f32, hi: &mut f32) {}
            ),
        )
        .unwrap();
        check(
            quote!("(n,3)->(n)"),
            parse_quote!(
                fn norm(x: ArrayView2<f64>, mut out: ArrayViewMut1<f64>) {}
            ),
        )
        .unwrap();
        check(
            quote!("(a,b,c)->()"),
            parse_quote!(
                fn s(x: ArrayView3<u8>, out: &mut u64) {}
            ),
        )
        .unwrap();
    }

    #[test]
    fn rejects_mismatches() {
        let e = check(
            quote!("(n)->(n)"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) {}
            ),
        )
        .unwrap_err();
        assert!(e.contains("needs 2 parameters"), "{e}");
        let e = check(
            quote!("(n)->(m)"),
            parse_quote!(
                fn f(x: ArrayView1<f64>, out: ArrayViewMut1<f64>) {}
            ),
        )
        .unwrap_err();
        assert!(e.contains("output dimension `m`"), "{e}");
        let e = check(
            quote!("(n)->(n)"),
            parse_quote!(
                fn f(x: ArrayView1<f64>, out: ArrayView1<f64>) {}
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("not mutable") && e.contains("mut out: ArrayViewMut1<f64>"),
            "{e}"
        );
        let e = check(
            quote!("(n)->()"),
            parse_quote!(
                fn f(x: ArrayView1<f64>, out: f64) {}
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("not mutable") && e.contains("out: &mut f64"),
            "{e}"
        );
        let e = check(
            quote!("(m,n)->()"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("input 0 has 2 core dimensions") && e.contains("x: ArrayView2<f64>"),
            "{e}"
        );
        let e = check(
            quote!("(),()->()"),
            parse_quote!(
                fn f(x: f64, y: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("input 1 has no core dimensions") && e.contains("y: f64"),
            "{e}"
        );
        let e = check(
            quote!("(n)->(n)"),
            parse_quote!(
                fn f(x: ArrayViewMut1<f64>, mut o: ArrayViewMut1<f64>) {}
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("read-only") && e.contains("x: ArrayView1<f64>"),
            "{e}"
        );
        let e = check(
            quote!("(n)->(n)"),
            parse_quote!(
                fn f(x: Array1<f64>, mut o: ArrayViewMut1<f64>) {}
            ),
        )
        .unwrap_err();
        assert!(e.contains("views"), "{e}");
        let e = check(
            quote!("(n)->(n)"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(
            e.contains("only a single `()` output can be returned"),
            "{e}"
        );
        let e = check(
            quote!("(n)->()"),
            parse_quote!(
                fn f(x: ArrayView1<f64>, o: &mut f64) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("needs 1 parameter"), "{e}");
        let e = check(
            quote!("(a,b,c,d)->()"),
            parse_quote!(
                fn f(x: f64) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("at most 3"), "{e}");
        let e = check(
            quote!("(),(),(),(),(),(),()->()"),
            parse_quote!(
                fn f() -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("at most 6"), "{e}");
        let e = check(
            quote!("(n)->()"),
            parse_quote!(
                fn f<const N: usize>(x: ArrayView1<f64>) -> f64 {
                    x[0]
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("const generic"), "{e}");
        check(
            quote!("(n)->()"),
            parse_quote!(
                fn f<T: Copy>(x: ArrayView1<T>) -> T {
                    x[0]
                }
            ),
        )
        .unwrap();
    }

    #[test]
    fn rejects_bad_options() {
        let e = check(
            quote!("(n)->()", target = "gpu"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("unknown target"), "{e}");
        let e = check(
            quote!("(n)->()", targt = "cpu"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("expected one of: `target`, `fn`"), "{e}");
        let e = check(
            quote!("(n)->()", target = "cpu", target = "parallel"),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("duplicate option `target`"), "{e}");
        let e = check(
            quote!(),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("layout string"), "{e}");
        let e = check(
            quote!(n -> m),
            parse_quote!(
                fn f(x: ArrayView1<f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap_err();
        assert!(e.contains("string literal"), "{e}");
    }

    #[test]
    fn lifetimes_are_fine() {
        check(
            quote!("(n)->()"),
            parse_quote!(
                fn f<'a>(x: ArrayView1<'a, f64>) -> f64 {
                    0.0
                }
            ),
        )
        .unwrap();
    }
}
