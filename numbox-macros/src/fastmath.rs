//! The `fastmath` option's rewrite, shared by the four attributes: calls of the float math
//! functions in a kernel body become calls of `numbox::math`'s vectorizable versions.
//!
//! - Method form, `recv.exp()` / `recv.powi(n)`: the receiver's type is unknown here (`f64`,
//!   `&f32`, `Complex<f64>`, a type parameter, a user type), so the call becomes
//!   `::numbox::__private::fastmath::exp(recv, |v| v.exp())`, whose runtime shim takes
//!   `numbox::math` for `f32`/`f64` (decided on the monomorphised types, at compile time) and
//!   the closure, the original call, for anything else. The receiver and then the arguments
//!   are evaluated once, in the order written.
//! - Path form, `f64::exp(x)` / `f32::exp(x)` (also `std::primitive::f64::exp`,
//!   `core::primitive::f64::exp`): the type is known, so the call goes straight to the
//!   runtime's `fastmath::f64::exp`.
//!
//! Arguments of the standard macros (`assert!`, `println!`, `vec!`, ..: the ones
//! `#[parallel_loop]` parses) are rewritten too; any other macro's tokens are left alone,
//! and so are items nested in the body (they are not part of the kernel).

use crate::emit::Private;
use crate::parallel_loop::macros::{classify, Invocation, Piece};
use proc_macro2::Span;
use quote::{format_ident, ToTokens};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{parse_quote_spanned, Expr};

/// The rewritten functions and how many arguments each takes besides the receiver.
const FUNCTIONS: &[(&str, usize)] = &[
    ("exp", 0),
    ("exp2", 0),
    ("exp_m1", 0),
    ("ln", 0),
    ("log2", 0),
    ("log10", 0),
    ("ln_1p", 0),
    ("sin", 0),
    ("cos", 0),
    ("tan", 0),
    ("tanh", 0),
    ("sinh", 0),
    ("cosh", 0),
    ("atan", 0),
    ("cbrt", 0),
    ("atan2", 1),
    ("powf", 1),
    ("powi", 1),
    ("hypot", 1),
];

/// The number of extra arguments of `name`, when it is one of the rewritten functions.
fn arity(name: &str) -> Option<usize> {
    FUNCTIONS.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

/// Rewrites the math calls of `block` (see the module docs).
pub fn rewrite(block: &mut syn::Block) {
    Rewriter.visit_block_mut(block);
}

struct Rewriter;

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        // Inner calls first: `x.exp().ln()` rewrites both.
        syn::visit_mut::visit_expr_mut(self, e);
        let p = Private;
        match e {
            Expr::MethodCall(m)
                if m.turbofish.is_none() && arity(&m.method.to_string()) == Some(m.args.len()) =>
            {
                let method = &m.method;
                // `(a * b).ln()`: the parentheses would be unneeded around an argument.
                let recv = match &*m.receiver {
                    Expr::Paren(p) => &p.expr,
                    r => r,
                };
                let args = m.args.iter();
                // Hygienic names, located at what they stand for, so a type error in the
                // original call points at the user's receiver or argument.
                let at = |s: Span| Span::mixed_site().located_at(s);
                let v = format_ident!("__nb_v", span = at(recv.span()));
                let params: Vec<_> = m
                    .args
                    .iter()
                    .enumerate()
                    .map(|(k, a)| format_ident!("__nb_a{}", k, span = at(a.span())))
                    .collect();
                let args_then = params.iter();
                *e = parse_quote_spanned! {method.span()=>
                    #p::fastmath::#method(#recv, #(#args,)* |#v #(, #args_then)*| #v.#method(#(#params),*))
                };
            }
            Expr::Call(c) => {
                let Some((ty, name)) = float_path(&c.func) else {
                    return;
                };
                if arity(&name.to_string()).map(|a| a + 1) != Some(c.args.len()) {
                    return;
                }
                let span = c.func.span();
                *c.func = parse_quote_spanned!(span=> #p::fastmath::#ty::#name);
            }
            _ => {}
        }
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        if let Invocation::Known(mut pieces) = classify(m) {
            for piece in &mut pieces {
                match piece {
                    Piece::Expr(e, _) => self.visit_expr_mut(e),
                    Piece::Pat(_) | Piece::Tokens(_) => {}
                }
            }
            m.tokens = pieces.iter().map(ToTokens::to_token_stream).collect();
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `f64::name` (or `std::primitive::f64::name`, `core::primitive::f64::name`), and the same
/// for `f32`: the float type and the function's name.
fn float_path(func: &Expr) -> Option<(syn::Ident, &syn::Ident)> {
    let Expr::Path(p) = crate::parse::peel(func) else {
        return None;
    };
    if p.qself.is_some() || p.path.segments.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let segs: Vec<&syn::Ident> = p.path.segments.iter().map(|s| &s.ident).collect();
    let (ty, name) = match segs.as_slice() {
        [ty, name] if p.path.leading_colon.is_none() => (*ty, *name),
        [krate, prim, ty, name]
            if (*krate == "std" || *krate == "core") && *prim == "primitive" =>
        {
            (*ty, *name)
        }
        _ => return None,
    };
    (ty == "f64" || ty == "f32").then(|| (format_ident!("{}", ty, span = ty.span()), name))
}

/// `src`, a block, rewritten and printed (for the tests).
#[cfg(test)]
fn rewritten(src: &str) -> String {
    let mut block: syn::Block = syn::parse_str(src).unwrap();
    rewrite(&mut block);
    block.to_token_stream().to_string()
}

#[cfg(test)]
mod tests {
    use super::rewritten;

    #[test]
    fn method_and_path_forms() {
        let out = rewritten("{ x.exp().ln() + f64::powi(y, 2) + z.atan2(w) + (a * b).sin() }");
        assert!(out.contains("fastmath :: sin (a * b ,"), "{out}");
        assert!(
            out.contains(":: numbox :: __private :: fastmath :: ln (:: numbox :: __private :: fastmath :: exp (x , | __nb_v | __nb_v . exp ()) , | __nb_v | __nb_v . ln ())"),
            "{out}"
        );
        assert!(
            out.contains(":: numbox :: __private :: fastmath :: f64 :: powi (y , 2)"),
            "{out}"
        );
        assert!(
            out.contains(":: numbox :: __private :: fastmath :: atan2 (z , w , | __nb_v , __nb_a0 | __nb_v . atan2 (__nb_a0))"),
            "{out}"
        );
    }

    #[test]
    fn leaves_other_calls_alone() {
        for src in [
            "{ x.exp(1) }",                                     // not the float method's arity
            "{ x.exp::<f64>() }",                               // turbofish: not the float method
            "{ mymod::exp(x) }",                                // a user's function
            "{ f64::exp(x, y) }",                               // wrong arity
            "{ x.sqrt() + x.abs() }",                           // not in the list
            "{ my_macro!(x.exp()) }",                           // opaque macro
            "{ fn inner(x: f64) -> f64 { x.exp() } inner(x) }", // nested item
        ] {
            assert!(!rewritten(src).contains("fastmath"), "{src}");
        }
    }

    #[test]
    fn standard_macro_arguments_are_rewritten() {
        let out = rewritten("{ assert!(x.exp() > 0.0, \"{}\", y.sin()); vec![z.cos(); 3] }");
        assert_eq!(out.matches("fastmath ::").count(), 3, "{out}");
        assert!(rewritten("{ std::primitive::f32::tanh(x) }").contains("fastmath :: f32 :: tanh"));
    }
}
