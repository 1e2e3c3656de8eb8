//! The walk over a prange body: records every use of a captured variable (read, reduction,
//! access at an index, shape query, mutation) and rejects control flow that leaves the loop.

use super::ir::{RedOp, Use};
use super::macros::{classify, inline_args, Invocation, Piece, Role};
use crate::parse::peel;
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::HashSet;
use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Lifetime, Pat};

/// Methods that address the part of a container at an index: `(name, index argument
/// position, needs `Axis(0)` first, mutable)`. For `slice_mut`/`slice` the argument is
/// `s![i, ..]`, whose first element is the index.
pub const AT_INDEX_METHODS: [(&str, usize, bool, bool); 6] = [
    ("row_mut", 0, false, true),
    ("row", 0, false, false),
    ("index_axis_mut", 1, true, true),
    ("index_axis", 1, true, false),
    ("slice_mut", 0, false, true),
    ("slice", 0, false, false),
];

/// Methods that only read a container's shape.
pub const SHAPE_METHODS: [&str; 9] = [
    "len", "is_empty", "shape", "dim", "raw_dim", "ndim", "nrows", "ncols", "len_of",
];

/// Methods known to mutate their receiver (besides every `*_mut`).
const MUTATORS: [&str; 27] = [
    "push",
    "push_str",
    "push_back",
    "push_front",
    "pop",
    "pop_back",
    "pop_front",
    "insert",
    "remove",
    "swap_remove",
    "clear",
    "extend",
    "extend_from_slice",
    "append",
    "truncate",
    "resize",
    "retain",
    "drain",
    "sort",
    "sort_unstable",
    "sort_by",
    "reverse",
    "swap",
    "fill",
    "assign",
    "map_inplace",
    "mapv_inplace",
];

pub fn is_mutator(m: &Ident) -> bool {
    let m = m.to_string();
    m.ends_with("_mut") || MUTATORS.contains(&m.as_str())
}

/// Every identifier bound by the loop pattern or a pattern in the body.
pub fn locals_of(l: &ExprForLoop) -> HashSet<Ident> {
    let mut v = Locals::default();
    v.visit_pat(&l.pat);
    v.visit_block(&l.body);
    v.0
}

/// Every identifier bound by a pattern (let, closure, match arm, nested loop...).
#[derive(Default)]
pub struct Locals(pub HashSet<Ident>);

impl Visit<'_> for Locals {
    fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
        self.0.insert(p.ident.clone());
        syn::visit::visit_pat_ident(self, p);
    }
    fn visit_macro(&mut self, m: &syn::Macro) {
        if let Invocation::Known(pieces) = classify(m) {
            for p in &pieces {
                match p {
                    Piece::Expr(e, _) => self.visit_expr(e),
                    Piece::Pat(p) => self.visit_pat(p),
                    Piece::Tokens(_) => {}
                }
            }
        }
    }
    fn visit_item(&mut self, _: &syn::Item) {}
}

/// The walk over the body.
pub struct Scan<'a> {
    pub locals: &'a HashSet<Ident>,
    pub index: Option<&'a Ident>,
    /// The loop variable's exact copies bound so far (see [`alias_of`]).
    pub aliases: Vec<Ident>,
    /// The operator of the compound assignment whose place is being recorded.
    pub update: Option<String>,
    pub loop_label: Option<&'a Lifetime>,
    /// Labels of loops and blocks nested in the body.
    pub labels: Vec<Lifetime>,
    /// Depth of loops nested in the body.
    pub loops: usize,
    /// Depth of closures and async blocks (their `return`, `?` and `break` stay inside).
    pub closures: usize,
    pub uses: Vec<(Ident, Use)>,
    /// Invocations of macros the check cannot look into (checked once the uses are known).
    pub opaque: Vec<syn::Macro>,
    /// Depth of opaque macros being walked (their uses are not recorded).
    pub opaque_depth: usize,
    pub errors: &'a mut crate::diag::Errors,
}

/// `e` as a captured variable: a one-segment path bound outside the loop.
pub fn captured<'e>(
    e: &'e Expr,
    locals: &HashSet<Ident>,
    index: Option<&Ident>,
) -> Option<&'e Ident> {
    let Expr::Path(p) = peel(e) else { return None };
    let id = p.path.get_ident()?;
    (p.qself.is_none() && !locals.contains(id) && Some(id) != index).then_some(id)
}

/// Whether `e` is the loop variable `index`, one of its `aliases`, or either `as usize`.
///
/// The cast is exact: a loop that writes at its index has a `usize` loop variable (the
/// runtime splits containers by `usize` only), so `i as usize` is `i`.
pub fn is_index(e: &Expr, index: &Ident, aliases: &[Ident]) -> bool {
    match peel(e) {
        Expr::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|id| id == index || aliases.contains(id))
        }
        Expr::Cast(c) => {
            matches!(&*c.ty, syn::Type::Path(t) if t.qself.is_none() && t.path.is_ident("usize"))
                && is_index(&c.expr, index, aliases)
        }
        _ => false,
    }
}

/// Whether `idx` addresses the loop variable's element: `i`, `[i, ..]`, `(i, ..)` or
/// `s![i, ..]`, with `i` the loop variable or an alias of it (see [`is_index`]).
pub fn at_loop_index(idx: &Expr, index: Option<&Ident>, aliases: &[Ident]) -> bool {
    let Some(index) = index else { return false };
    let is_i = |e: &Expr| is_index(e, index, aliases);
    match peel(idx) {
        Expr::Array(a) => a.elems.first().is_some_and(is_i),
        Expr::Tuple(t) => t.elems.first().is_some_and(is_i),
        Expr::Macro(m) => super::macros::slice_first(&m.mac).is_some_and(|e| is_i(&e)),
        e => is_i(e),
    }
}

/// The name `stmt` binds as an exact copy of the loop variable: `let j = i;`,
/// `let j: usize = i;`, `let j = i as usize;` (or of an earlier alias), immutable and by
/// value. The caller checks that the body binds the name nowhere else and that no opaque
/// macro mentions it (its expansion could rebind it).
pub fn alias_of(stmt: &syn::Stmt, index: &Ident, aliases: &[Ident]) -> Option<Ident> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let pat = match &local.pat {
        Pat::Type(t) => &*t.pat,
        p => p,
    };
    let Pat::Ident(p) = pat else { return None };
    let plain = p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none();
    (plain && p.ident != *index && is_index(&init.expr, index, aliases)).then(|| p.ident.clone())
}

/// Every identifier in the tokens of an opaque macro invocation in `block` (see
/// [`super::macros`]): what its expansion does with them is unknown.
pub fn opaque_mentions(block: &syn::Block) -> HashSet<Ident> {
    #[derive(Default)]
    struct Find(HashSet<Ident>);
    fn idents(ts: &TokenStream, out: &mut HashSet<Ident>) {
        for t in ts.clone() {
            match t {
                TokenTree::Ident(i) => {
                    out.insert(i);
                }
                TokenTree::Group(g) => idents(&g.stream(), out),
                _ => {}
            }
        }
    }
    impl Visit<'_> for Find {
        fn visit_macro(&mut self, m: &syn::Macro) {
            match classify(m) {
                Invocation::Known(pieces) => {
                    for p in &pieces {
                        match p {
                            Piece::Expr(e, _) => self.visit_expr(e),
                            Piece::Pat(p) => self.visit_pat(p),
                            Piece::Tokens(_) => {}
                        }
                    }
                }
                Invocation::Inert => {}
                Invocation::Opaque => idents(&m.tokens, &mut self.0),
            }
        }
        fn visit_item(&mut self, _: &syn::Item) {}
    }
    let mut f = Find::default();
    f.visit_block(block);
    f.0
}

/// How many times each identifier is bound by a pattern in `block`.
pub fn binding_counts(block: &syn::Block) -> std::collections::HashMap<Ident, usize> {
    #[derive(Default)]
    struct Count(std::collections::HashMap<Ident, usize>);
    impl Visit<'_> for Count {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            *self.0.entry(p.ident.clone()).or_default() += 1;
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_macro(&mut self, m: &syn::Macro) {
            if let Invocation::Known(pieces) = classify(m) {
                for p in &pieces {
                    match p {
                        Piece::Expr(e, _) => self.visit_expr(e),
                        Piece::Pat(p) => self.visit_pat(p),
                        Piece::Tokens(_) => {}
                    }
                }
            }
        }
        fn visit_item(&mut self, _: &syn::Item) {}
    }
    let mut c = Count::default();
    c.visit_block(block);
    c.0
}

/// Whether `e` is `Axis(0)`.
pub fn is_axis0(e: &Expr) -> bool {
    let Expr::Call(c) = peel(e) else { return false };
    let is_axis = matches!(peel(&c.func), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Axis"));
    is_axis
        && c.args.len() == 1
        && matches!(peel(&c.args[0]), Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. }) if n.base10_digits() == "0")
}

/// The first use of `v` as a path in `e` (any mention in a macro's tokens included).
pub fn mention(e: &Expr, v: &Ident) -> Option<TokenStream> {
    struct Find<'a>(&'a Ident, Option<TokenStream>);
    impl Visit<'_> for Find<'_> {
        fn visit_expr_path(&mut self, p: &syn::ExprPath) {
            if self.1.is_none() && p.path.is_ident(self.0) {
                self.1 = Some(p.to_token_stream());
            }
        }
        fn visit_macro(&mut self, m: &syn::Macro) {
            if self.1.is_none() && tokens_mention(&m.tokens, self.0) {
                self.1 = Some(m.to_token_stream());
            }
        }
    }
    let mut f = Find(v, None);
    f.visit_expr(e);
    f.1
}

/// Whether the identifier `v` occurs in `ts`, at any depth.
pub fn tokens_mention(ts: &TokenStream, v: &Ident) -> bool {
    ts.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => &i == v,
        TokenTree::Group(g) => tokens_mention(&g.stream(), v),
        _ => false,
    })
}

/// The arguments of a macro, when they are comma-separated expressions.
pub fn macro_args(m: &syn::Macro) -> Option<syn::punctuated::Punctuated<Expr, syn::Token![,]>> {
    m.parse_body_with(syn::punctuated::Punctuated::parse_terminated)
        .ok()
}

impl Scan<'_> {
    fn record(&mut self, v: &Ident, u: Use) {
        self.uses.push((v.clone(), u));
    }

    fn captured<'e>(&self, e: &'e Expr) -> Option<&'e Ident> {
        captured(e, self.locals, self.index)
    }

    /// `e` used as a mutable place (`why` says how, for messages).
    fn place(&mut self, e: &Expr, why: &str) {
        if let Some(v) = self.captured(e) {
            let u = Use::Whole {
                span: e.to_token_stream(),
                mutation: Some(why.to_string()),
            };
            return self.record(v, u);
        }
        match peel(e) {
            Expr::Index(ix) => {
                if let Some(v) = self.captured(&ix.expr) {
                    let at_index = at_loop_index(&ix.index, self.index, &self.aliases);
                    let update = self.update.take();
                    self.record(
                        v,
                        Use::AtIndex {
                            span: e.to_token_stream(),
                            at_index,
                            mutable: true,
                            update,
                        },
                    );
                } else {
                    self.place(&ix.expr, why);
                }
                self.visit_expr(&ix.index);
            }
            Expr::Field(f) if self.captured(&f.base).is_some() => {
                let field = f.member.to_token_stream();
                let why = format!("{why} the field `.{field}` of");
                self.place(&f.base, &why);
            }
            Expr::Field(f) => self.place(&f.base, why),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.place(&u.expr, why),
            Expr::MethodCall(m) if self.captured(&m.receiver).is_some() => {
                self.method_call(m, true)
            }
            other => self.visit_expr(other),
        }
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, place: bool) {
        if let Some(v) = self.captured(&m.receiver) {
            let name = m.method.to_string();
            let span = m.to_token_stream();
            if let Some(&(_, pos, axis, mutable)) = AT_INDEX_METHODS.iter().find(|a| a.0 == name) {
                let at_index = m.args.len() == pos + 1
                    && (!axis || is_axis0(&m.args[0]))
                    && at_loop_index(&m.args[pos], self.index, &self.aliases);
                let update = self.update.take();
                self.record(
                    v,
                    Use::AtIndex {
                        span,
                        at_index,
                        mutable: mutable || place,
                        update,
                    },
                );
            } else if name == "column_mut" || name == "column" {
                // Column `k` crosses every row: never one iteration's part.
                let update = self.update.take();
                self.record(
                    v,
                    Use::AtIndex {
                        span,
                        at_index: false,
                        mutable: name == "column_mut" || place,
                        update,
                    },
                );
            } else if SHAPE_METHODS.contains(&name.as_str()) {
                self.record(v, Use::Shape { span });
            } else if is_mutator(&m.method) {
                let why = format!("`.{name}(..)` mutates");
                self.record(
                    v,
                    Use::Whole {
                        span,
                        mutation: Some(why),
                    },
                );
            } else {
                self.record(
                    v,
                    Use::Whole {
                        span,
                        mutation: None,
                    },
                );
            }
        } else if is_mutator(&m.method) || place {
            let why = format!("`.{}(..)` mutates", m.method);
            self.place(&m.receiver, &why);
        } else {
            self.visit_expr(&m.receiver);
        }
        for a in &m.args {
            self.visit_expr(a);
        }
    }

    fn leaves(&mut self, e: &dyn ToTokens, what: &str, fix: &str) {
        self.errors.error(
            e,
            format!("`{what}` would leave the prange loop, whose iterations run in parallel and in no fixed order; {fix}"),
        );
    }

    fn nested_loop(&mut self, label: Option<&syn::Label>, f: impl FnOnce(&mut Self)) {
        self.loops += 1;
        self.labels.extend(label.map(|l| l.name.clone()));
        f(self);
        if label.is_some() {
            self.labels.pop();
        }
        self.loops -= 1;
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_expr(&mut self, e: &'ast Expr) {
        if let Some(v) = self.captured(e) {
            return self.record(
                v,
                Use::Whole {
                    span: e.to_token_stream(),
                    mutation: None,
                },
            );
        }
        match e {
            Expr::Assign(a) => {
                if let (Some(v), Expr::MethodCall(m)) = (self.captured(&a.left), peel(&a.right)) {
                    let op = match m.method.to_string().as_str() {
                        "max" => Some(RedOp::Max),
                        "min" => Some(RedOp::Min),
                        _ => None,
                    };
                    let same = self.captured(&m.receiver) == Some(v);
                    if let (Some(op), true, 1) = (op, same, m.args.len()) {
                        let mentions = mention(&m.args[0], v);
                        let span = e.to_token_stream();
                        self.record(v, Use::Reduction { span, op, mentions });
                        if let Some(arg) = m.args.first() {
                            if mention(arg, v).is_none() {
                                self.visit_expr(arg);
                            }
                        }
                        return;
                    }
                }
                self.place(&a.left, "assigning to");
                self.visit_expr(&a.right);
            }
            Expr::Binary(b) if is_compound(&b.op) => {
                if let Some(v) = self.captured(&b.left) {
                    if let Some(op) = RedOp::from_bin(&b.op) {
                        let mentions = mention(&b.right, v);
                        let span = e.to_token_stream();
                        self.record(v, Use::Reduction { span, op, mentions });
                        if mention(&b.right, v).is_none() {
                            self.visit_expr(&b.right);
                        }
                        return;
                    }
                    let why = format!(
                        "`{}` is not a reduction operator (use `+= -= *= |= &= ^=`, or `.max`/`.min`), and it updates",
                        b.op.to_token_stream()
                    );
                    self.place(&b.left, &why);
                } else {
                    self.update = Some(b.op.to_token_stream().to_string());
                    self.place(&b.left, "updating");
                    self.update = None;
                }
                self.visit_expr(&b.right);
            }
            Expr::Reference(r) if r.mutability.is_some() => {
                self.place(&r.expr, "borrowing mutably")
            }
            Expr::Index(ix) => {
                if let Some(v) = self.captured(&ix.expr) {
                    let at_index = at_loop_index(&ix.index, self.index, &self.aliases);
                    self.record(
                        v,
                        Use::AtIndex {
                            span: e.to_token_stream(),
                            at_index,
                            mutable: false,
                            update: None,
                        },
                    );
                } else {
                    self.visit_expr(&ix.expr);
                }
                self.visit_expr(&ix.index);
            }
            Expr::MethodCall(m) => self.method_call(m, false),
            Expr::Closure(c) => {
                self.closures += 1;
                self.visit_expr(&c.body);
                self.closures -= 1;
            }
            Expr::Async(a) => {
                self.closures += 1;
                self.visit_block(&a.block);
                self.closures -= 1;
            }
            Expr::ForLoop(f) => {
                self.visit_expr(&f.expr);
                self.nested_loop(f.label.as_ref(), |s| s.visit_block(&f.body));
            }
            Expr::While(w) => {
                self.nested_loop(w.label.as_ref(), |s| {
                    s.visit_expr(&w.cond);
                    s.visit_block(&w.body)
                });
            }
            Expr::Loop(lp) => self.nested_loop(lp.label.as_ref(), |s| s.visit_block(&lp.body)),
            Expr::Block(b) => {
                self.labels.extend(b.label.as_ref().map(|l| l.name.clone()));
                self.visit_block(&b.block);
                if b.label.is_some() {
                    self.labels.pop();
                }
            }
            Expr::Break(b) if self.closures == 0 => {
                let inner = match &b.label {
                    Some(l) => self.labels.contains(l),
                    None => self.loops > 0,
                };
                if !inner {
                    self.leaves(b, "break", "to skip the rest of an iteration use `continue`; to search, reduce instead (e.g. `first = first.min(if hit { i } else { usize::MAX })`)");
                }
                if let Some(x) = &b.expr {
                    self.visit_expr(x);
                }
            }
            Expr::Continue(c) if self.closures == 0 => {
                let ok = match &c.label {
                    Some(l) => self.labels.contains(l) || Some(l) == self.loop_label,
                    None => true,
                };
                if !ok {
                    self.leaves(c, "continue", "`continue` may only go to the next iteration of the prange loop or of a loop inside it");
                }
            }
            Expr::Return(r) if self.closures == 0 => {
                self.leaves(r, "return", "keep the per-iteration result in a pre-sized output (`out[i] = ..`) or a reduction, and return after the loop");
                if let Some(x) = &r.expr {
                    self.visit_expr(x);
                }
            }
            Expr::Try(t) if self.closures == 0 => {
                self.leaves(t, "?", "handle the error inside the iteration (e.g. store it in `errors[i]`) and report it after the loop");
                self.visit_expr(&t.expr);
            }
            _ => syn::visit::visit_expr(self, e),
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        match classify(m) {
            Invocation::Known(pieces) => {
                let name = m.path.segments.last().map(|s| s.ident.to_string());
                for p in &pieces {
                    match p {
                        Piece::Expr(e, Role::Writer) => {
                            let why =
                                format!("`{}!` writes into", name.as_deref().unwrap_or("write"));
                            self.place(e, &why);
                        }
                        Piece::Expr(e, Role::Format) => {
                            self.visit_expr(e);
                            for arg in inline_args(e) {
                                self.visit_expr(&arg);
                            }
                        }
                        Piece::Expr(e, Role::Read | Role::Named(..)) => self.visit_expr(e),
                        Piece::Pat(p) => self.visit_pat(p),
                        Piece::Tokens(_) => {}
                    }
                }
            }
            Invocation::Inert => {}
            Invocation::Opaque => {
                if self.opaque_depth == 0 {
                    self.opaque.push(m.clone());
                }
                // What the expansion does with the tokens is unknown, so they record no use
                // (`validate` rejects the invocation if it mentions a tracked variable); control
                // flow that leaves the loop is still reported when they parse as expressions.
                let uses = self.uses.len();
                self.opaque_depth += 1;
                if let Some(args) = macro_args(m) {
                    for a in &args {
                        self.visit_expr(a);
                    }
                }
                self.opaque_depth -= 1;
                self.uses.truncate(uses);
            }
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

use crate::parse::is_compound_assign as is_compound;
