//! The subset of Rust a GPU kernel body may use, checked here (with or without numbox's
//! `gpu` feature) so that a construct CubeCL cannot compile is a compile error at the
//! construct, naming it, rather than a failure inside CubeCL's expansion.
//!
//! Accepted: literals, the parameters and `let` bindings (plain names, optionally typed or
//! `mut`), assignment (`=`, `+=`, ...) to them, arithmetic, comparisons, `&&`/`||`/`!`,
//! parentheses, blocks, `if`/`else` (as statements or expressions) and the float methods in
//! [`METHODS`].

use crate::diag::Errors;
use std::collections::HashSet;
use syn::spanned::Spanned;
use syn::{BinOp, Block, Expr, Ident, Lit, Pat, Stmt, UnOp};

/// The methods a GPU body may call: CubeCL's float functions whose name and meaning are
/// those of `f32`/`f64`'s own.
pub const METHODS: &[&str] = &[
    "abs",
    "sqrt",
    "exp",
    "exp_m1",
    "ln",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
    "asinh",
    "acosh",
    "atanh",
    "atan2",
    "powf",
    "powi",
    "hypot",
    "floor",
    "ceil",
    "trunc",
    "recip",
    "min",
    "max",
    "clamp",
    "to_degrees",
    "to_radians",
];

const ACCEPTED: &str = "a GPU kernel body may use literals, its parameters, `let` bindings, \
                        assignment, arithmetic, comparisons, `&&`, `||`, `!`, `if`/`else` and \
                        CubeCL's float methods";

/// Records an error for every construct of `block` outside the subset; `params` are the
/// kernel's parameter names.
pub fn body(block: &Block, params: &[&Ident], errors: &mut Errors) {
    let mut v = Validator {
        scopes: vec![params.iter().map(|p| p.to_string()).collect()],
        errors,
    };
    v.block(block);
}

struct Validator<'e> {
    /// The names in scope, innermost last.
    scopes: Vec<HashSet<String>>,
    errors: &'e mut Errors,
}

fn methods_list() -> String {
    METHODS.join("`, `")
}

impl Validator<'_> {
    fn reject(&mut self, at: impl Spanned, construct: &str) {
        self.errors.push(syn::Error::new(
            at.span(),
            format!("{construct} is not supported in a `target = \"gpu\"` kernel: {ACCEPTED}"),
        ));
    }

    fn known(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains(name))
    }

    fn block(&mut self, block: &Block) {
        self.scopes.push(HashSet::new());
        for stmt in &block.stmts {
            match stmt {
                Stmt::Local(local) => {
                    if let Some(init) = &local.init {
                        self.expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.reject(diverge, "`let ... else`");
                        }
                    }
                    self.pattern(&local.pat);
                }
                Stmt::Expr(e, _) => self.expr(e),
                Stmt::Item(item) => self.reject(item, "an item (fn, const, struct, use, ...)"),
                Stmt::Macro(m) => self.reject(&m.mac, "a macro call"),
            }
        }
        self.scopes.pop();
    }

    fn pattern(&mut self, pat: &Pat) {
        match pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                if let Some(s) = self.scopes.last_mut() {
                    s.insert(pi.ident.to_string());
                }
            }
            Pat::Type(pt) => self.pattern(&pt.pat),
            other => self.reject(other, "a destructuring pattern"),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(_) | Lit::Float(_) | Lit::Bool(_) => {}
                other => self.reject(other, "a string, byte or char literal"),
            },
            Expr::Path(p) => match p.path.get_ident() {
                Some(id) if p.qself.is_none() && self.known(&id.to_string()) => {}
                _ => self.reject(
                    p,
                    &format!(
                        "the path `{}` (a constant, function or item outside the kernel)",
                        quote::quote!(#p).to_string().replace(' ', "")
                    ),
                ),
            },
            Expr::Binary(b) => {
                if let BinOp::Shl(_) | BinOp::Shr(_) | BinOp::ShlAssign(_) | BinOp::ShrAssign(_) =
                    b.op
                {
                    self.reject(b.op, "a shift");
                }
                if is_assign(&b.op) {
                    self.place(&b.left);
                } else {
                    self.expr(&b.left);
                }
                self.expr(&b.right);
            }
            Expr::Assign(a) => {
                self.place(&a.left);
                self.expr(&a.right);
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) | UnOp::Not(_) => self.expr(&u.expr),
                _ => self.reject(u.op, "a dereference"),
            },
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Block(b) if b.label.is_none() => self.block(&b.block),
            Expr::If(i) => {
                if let Expr::Let(l) = &*i.cond {
                    self.reject(l, "`if let`");
                } else {
                    self.expr(&i.cond);
                }
                self.block(&i.then_branch);
                if let Some((_, els)) = &i.else_branch {
                    self.expr(els);
                }
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if !METHODS.contains(&name.as_str()) {
                    self.errors.push(syn::Error::new(
                        m.method.span(),
                        format!(
                            "the method `{name}` is not supported in a `target = \"gpu\"` kernel: \
                             the float methods it may call are CubeCL's, `{}`",
                            methods_list()
                        ),
                    ));
                }
                if m.turbofish.is_some() {
                    self.reject(&m.turbofish, "a turbofish");
                }
                self.expr(&m.receiver);
                for a in &m.args {
                    self.expr(a);
                }
            }
            other => {
                let what = construct(other);
                self.reject(other, &what);
            }
        }
    }

    /// The left side of an assignment: a name in scope.
    fn place(&mut self, e: &Expr) {
        match e {
            Expr::Path(p) if p.path.get_ident().is_some() => self.expr(e),
            other => self.reject(other, "assigning to anything but a local name"),
        }
    }
}

fn is_assign(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// The name of an expression kind the subset leaves out.
fn construct(e: &Expr) -> String {
    match e {
        Expr::Call(_) => "a function call".into(),
        Expr::Cast(_) => "an `as` cast".into(),
        Expr::ForLoop(_) => "a `for` loop".into(),
        Expr::While(_) => "a `while` loop".into(),
        Expr::Loop(_) => "a `loop`".into(),
        Expr::Return(_) => "`return`".into(),
        Expr::Break(_) => "`break`".into(),
        Expr::Continue(_) => "`continue`".into(),
        Expr::Match(_) => "a `match`".into(),
        Expr::Closure(_) => "a closure".into(),
        Expr::Macro(_) => "a macro call".into(),
        Expr::Index(_) => "indexing".into(),
        Expr::Field(_) => "a field access".into(),
        Expr::Tuple(_) => "a tuple".into(),
        Expr::Array(_) | Expr::Repeat(_) => "an array".into(),
        Expr::Reference(_) => "a reference".into(),
        Expr::Struct(_) => "a struct literal".into(),
        Expr::Range(_) => "a range".into(),
        Expr::Try(_) => "the `?` operator".into(),
        Expr::Unsafe(_) => "an `unsafe` block".into(),
        Expr::Async(_) | Expr::Await(_) => "async code".into(),
        Expr::Block(_) => "a labeled block".into(),
        _ => "this expression".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str) -> Vec<String> {
        let f: syn::ItemFn = syn::parse_str(src).unwrap();
        let params: Vec<&Ident> = f
            .sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(pi) => Some(&pi.ident),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let mut errors = Errors::default();
        body(&f.block, &params, &mut errors);
        match errors.finish() {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn the_subset_passes() {
        let ok = "fn f(a: f32, x: f32) -> f32 {
            let mut t: f32 = a * x + 1.0;
            t += 2.0;
            if t > 0.0 && !(x < 1.0) { t.exp().max(x) } else { -t }
        }";
        assert_eq!(check(ok), Vec::<String>::new());
    }

    #[test]
    fn each_construct_is_named() {
        let cases = [
            ("fn f(x: f32) -> f32 { g(x) }", "a function call"),
            ("fn f(x: f32) -> f32 { x as f32 }", "an `as` cast"),
            ("fn f(x: f32) -> f32 { for i in 0..3 {} x }", "a `for` loop"),
            ("fn f(x: f32) -> f32 { x.signum() }", "the method `signum`"),
            ("fn f(x: f32) -> f32 { x * K }", "the path `K`"),
            ("fn f(x: f32) -> f32 { match x { _ => x } }", "a `match`"),
            ("fn f(x: f32) -> f32 { return x; }", "`return`"),
        ];
        for (src, what) in cases {
            let errs = check(src);
            assert_eq!(errs.len(), 1, "{src}: {errs:?}");
            assert!(errs[0].starts_with(what), "{src}: {}", errs[0]);
        }
    }

    #[test]
    fn let_scopes_end_with_their_block() {
        let errs = check("fn f(x: f32) -> f32 { { let y = x; } y }");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("the path `y`"), "{}", errs[0]);
    }
}
