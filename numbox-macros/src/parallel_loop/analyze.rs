//! The race analysis of a prange body: classifies every captured variable as read-only,
//! reduction or disjoint target, and rejects, with a spanned error saying why and what to
//! write instead, every use that could race.
//!
//! Soundness never rests on this pass: the body becomes a `Fn + Sync` closure, and disjoint
//! parts are handed out by the runtime per index. The pass exists to classify, and to turn
//! what would be a confusing borrow error (or a silently serial-looking race) into a message.

use super::peel;
use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use std::collections::{BTreeMap, HashSet};
use syn::visit::Visit;
use syn::{BinOp, Expr, ExprForLoop, Lifetime, Pat};

/// A reduction operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedOp {
    Add,
    Sub,
    Mul,
    Or,
    And,
    Xor,
    Max,
    Min,
}

impl RedOp {
    fn from_bin(op: &BinOp) -> Option<Self> {
        Some(match op {
            BinOp::AddAssign(_) => RedOp::Add,
            BinOp::SubAssign(_) => RedOp::Sub,
            BinOp::MulAssign(_) => RedOp::Mul,
            BinOp::BitOrAssign(_) => RedOp::Or,
            BinOp::BitAndAssign(_) => RedOp::And,
            BinOp::BitXorAssign(_) => RedOp::Xor,
            _ => return None,
        })
    }

    /// How the user wrote it, for messages.
    pub fn written(self, v: &Ident) -> String {
        match self {
            RedOp::Add => format!("{v} += .."),
            RedOp::Sub => format!("{v} -= .."),
            RedOp::Mul => format!("{v} *= .."),
            RedOp::Or => format!("{v} |= .."),
            RedOp::And => format!("{v} &= .."),
            RedOp::Xor => format!("{v} ^= .."),
            RedOp::Max => format!("{v} = {v}.max(..)"),
            RedOp::Min => format!("{v} = {v}.min(..)"),
        }
    }
}

/// A variable declared before the loop and reduced in it.
pub struct Reduction {
    pub var: Ident,
    pub op: RedOp,
}

/// What the expansion needs to know about one loop.
pub struct Plan {
    /// The loop variable, when the pattern is a plain identifier.
    pub index: Option<Ident>,
    /// The loop's label, if any (`continue 'label` leaves the iteration).
    pub label: Option<Lifetime>,
    /// Reductions, in order of first use.
    pub reductions: Vec<Reduction>,
    /// Containers written at the loop index, in order of first use.
    pub targets: Vec<Ident>,
}

/// Methods that address the part of a container at an index: `(name, index argument
/// position, needs `Axis(0)` first, mutable)`.
pub const AT_INDEX_METHODS: [(&str, usize, bool, bool); 4] = [
    ("row_mut", 0, false, true),
    ("row", 0, false, false),
    ("index_axis_mut", 1, true, true),
    ("index_axis", 1, true, false),
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

fn is_mutator(m: &Ident) -> bool {
    let m = m.to_string();
    m.ends_with("_mut") || MUTATORS.contains(&m.as_str())
}

/// Classifies the captured variables of `l`'s body; `Err` carries every problem found.
pub fn analyze(l: &ExprForLoop, arg: &Expr) -> syn::Result<Plan> {
    let mut errors = crate::diag::Errors::default();
    check_range(arg, &mut errors);

    let (index, index_mut) = match &*l.pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
            (Some(p.ident.clone()), p.mutability.is_some())
        }
        _ => (None, false),
    };
    let mut locals = Locals::default();
    locals.visit_pat(&l.pat);
    let mut body_locals = Locals::default();
    body_locals.visit_block(&l.body);
    locals.0.extend(body_locals.0.iter().cloned());

    let mut scan = Scan {
        locals: &locals.0,
        index: index.as_ref(),
        loop_label: l.label.as_ref().map(|l| &l.name),
        labels: Vec::new(),
        loops: 0,
        closures: 0,
        uses: Vec::new(),
        errors: &mut errors,
    };
    scan.visit_block(&l.body);
    let uses = std::mem::take(&mut scan.uses);

    // Group uses by variable, in order of first use.
    let mut order: Vec<Ident> = Vec::new();
    let mut by_var: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    for (v, u) in uses {
        let key = v.to_string();
        if !by_var.contains_key(&key) {
            order.push(v.clone());
        }
        by_var.entry(key).or_default().push(u);
    }

    let index_ok = index
        .as_ref()
        .filter(|i| !index_mut && !body_locals.0.contains(*i));
    let mut plan = Plan {
        index: index.clone(),
        label: l.label.as_ref().map(|l| l.name.clone()),
        reductions: Vec::new(),
        targets: Vec::new(),
    };
    for v in order {
        let uses = &by_var[&v.to_string()];
        if let Some(op) = classify_reduction(&v, uses, &mut errors) {
            plan.reductions.push(Reduction { var: v, op });
        } else if classify_target(&v, uses, index.as_ref(), index_ok.is_some(), &mut errors) {
            plan.targets.push(v);
        }
    }
    errors.finish().map(|()| plan)
}

/// Rejects ranges the driver cannot split.
fn check_range(arg: &Expr, errors: &mut crate::diag::Errors) {
    const ADAPTORS: [&str; 14] = [
        "step_by",
        "rev",
        "skip",
        "take",
        "map",
        "filter",
        "chain",
        "zip",
        "enumerate",
        "into_iter",
        "iter",
        "cycle",
        "skip_while",
        "take_while",
    ];
    if let Expr::MethodCall(m) = peel(arg) {
        let name = m.method.to_string();
        if !ADAPTORS.contains(&name.as_str()) {
            return;
        }
        let fix = match name.as_str() {
            "step_by" => "prange has no step: loop over `prange(0..count)` and compute \
                          `let i = start + step * k;` in the body"
                .to_string(),
            _ => format!(
                "prange takes a plain range `a..b`, `a..=b` or a count `n`, not an iterator \
                 adaptor (`.{name}(..)`): compute the index from the loop variable in the body"
            ),
        };
        errors.error(m, fix);
    }
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
struct Locals(HashSet<Ident>);

impl Visit<'_> for Locals {
    fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
        self.0.insert(p.ident.clone());
        syn::visit::visit_pat_ident(self, p);
    }
    fn visit_item(&mut self, _: &syn::Item) {}
}

/// One use of a captured variable.
enum Use {
    /// The variable itself: read (`mutation: None`) or mutated (`Some(why)`).
    Whole {
        span: TokenStream,
        mutation: Option<String>,
    },
    /// `v op= e` or `v = v.max(e)`; `mentions` is a use of `v` inside `e`.
    Reduction {
        span: TokenStream,
        op: RedOp,
        mentions: Option<TokenStream>,
    },
    /// `v[idx]`, `v.row_mut(idx)`...: `at_index` when idx is the loop variable first.
    AtIndex {
        span: TokenStream,
        at_index: bool,
        mutable: bool,
    },
    /// `v.len()`, `v.shape()`...
    Shape { span: TokenStream },
}

impl Use {
    fn span(&self) -> &TokenStream {
        match self {
            Use::Whole { span, .. }
            | Use::Reduction { span, .. }
            | Use::AtIndex { span, .. }
            | Use::Shape { span } => span,
        }
    }
}

fn classify_reduction(v: &Ident, uses: &[Use], errors: &mut crate::diag::Errors) -> Option<RedOp> {
    let first_op = uses.iter().find_map(|u| match u {
        Use::Reduction { op, .. } => Some(*op),
        _ => None,
    })?;
    let first = first_op.written(v);
    for u in uses {
        match u {
            Use::Reduction { op, span, mentions } => {
                if *op != first_op {
                    errors.error(
                        span,
                        format!(
                            "`{v}` is reduced with both `{first}` and `{}`: partial results of one \
                             operator cannot be combined with another; use one operator per \
                             variable (e.g. `{}` with the value negated or inverted), or two \
                             variables combined after the loop",
                            op.written(v),
                            first
                        ),
                    );
                }
                if let Some(m) = mentions {
                    errors.error(
                        m,
                        format!(
                            "the value reduced into `{v}` reads `{v}` itself: inside the loop each \
                             thread holds only a partial `{v}`; reduce a value that does not \
                             depend on `{v}`"
                        ),
                    );
                }
            }
            other => errors.error(
                other.span(),
                format!(
                    "`{v}` is a reduction (`{first}`), so the loop body cannot otherwise use it: \
                     each thread holds only its own partial `{v}` until the loop ends; read `{v}` \
                     after the loop, or keep the per-iteration value in a local variable"
                ),
            ),
        }
    }
    Some(first_op)
}

fn classify_target(
    v: &Ident,
    uses: &[Use],
    index: Option<&Ident>,
    index_ok: bool,
    errors: &mut crate::diag::Errors,
) -> bool {
    let writes_at_index = uses
        .iter()
        .any(|u| matches!(u, Use::AtIndex { mutable: true, .. }));
    let i = index.map_or_else(|| "i".to_string(), Ident::to_string);
    let mut target = writes_at_index;
    for u in uses {
        match u {
            Use::Whole {
                span,
                mutation: Some(why),
            } => {
                target = false;
                let fix = if let Some(field) = why.split("the field `.").nth(1) {
                    let field = field.split('`').next().unwrap_or_default();
                    format!(
                        "to write its elements at the loop index, bind the field before the loop \
                         (`let {field} = &mut {v}.{field};`) and write `{field}[{i}]` in the body"
                    )
                } else if why.starts_with("`.") {
                    format!(
                        "give each iteration its own slot of a pre-sized output (`{v}[{i}] = ..`), \
                         or build `{v}` after the loop"
                    )
                } else {
                    format!(
                        "declare it inside the loop if it is per-iteration, or, if it combines all \
                         iterations, make it a reduction (`{v} += ..`, `{v} = {v}.max(..)`)"
                    )
                };
                errors.error(
                    span,
                    format!(
                        "{why} `{v}`, which is declared outside the prange loop: iterations run in \
                         parallel and would race on it; {fix}"
                    ),
                );
            }
            Use::AtIndex {
                span,
                at_index: false,
                mutable,
            } if *mutable || writes_at_index => {
                target = false;
                let what = if *mutable {
                    "written"
                } else {
                    "read while iterations write it"
                };
                errors.error(
                    span,
                    format!(
                        "`{v}` is {what} at an index other than the loop variable `{i}`: another \
                         iteration may be writing that element at the same time; each iteration may \
                         only touch `{v}[{i}]` (`{v}[[{i}, ..]]`, `{v}.row_mut({i})`, \
                         `{v}.index_axis_mut(Axis(0), {i})`); compute other elements in their own \
                         iteration, or write into a second array"
                    ),
                );
            }
            Use::Whole {
                span,
                mutation: None,
            } if writes_at_index => {
                target = false;
                errors.error(
                    span,
                    format!(
                        "`{v}` is written at the loop index, so the body may only use `{v}[{i}]`, \
                         `{v}.row_mut({i})`, `{v}.index_axis_mut(Axis(0), {i})` and shape queries \
                         (`{v}.len()`, `{v}.shape()`, `{v}.dim()`); here `{v}` is used as a whole, \
                         which would race with the other iterations' writes"
                    ),
                );
            }
            _ => {}
        }
    }
    if target && !index_ok {
        let first = uses
            .iter()
            .find(|u| matches!(u, Use::AtIndex { mutable: true, .. }));
        let span = first.map(|u| u.span().clone()).unwrap_or_default();
        errors.error(
            span,
            format!(
                "`{v}` is written at the loop index, which needs a loop variable bound once per \
                 iteration: write the loop as `for {i} in prange(..)` with `{i}` neither `mut` nor \
                 shadowed in the body"
            ),
        );
        target = false;
    }
    target
}

/// The walk over the body.
struct Scan<'a> {
    locals: &'a HashSet<Ident>,
    index: Option<&'a Ident>,
    loop_label: Option<&'a Lifetime>,
    /// Labels of loops and blocks nested in the body.
    labels: Vec<Lifetime>,
    /// Depth of loops nested in the body.
    loops: usize,
    /// Depth of closures and async blocks (their `return`, `?` and `break` stay inside).
    closures: usize,
    uses: Vec<(Ident, Use)>,
    errors: &'a mut crate::diag::Errors,
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

/// Whether `idx` addresses the loop variable's element: `i`, `[i, ..]` or `(i, ..)`.
pub fn at_loop_index(idx: &Expr, index: Option<&Ident>) -> bool {
    let Some(index) = index else { return false };
    let is_i = |e: &Expr| matches!(peel(e), Expr::Path(p) if p.path.is_ident(index));
    match peel(idx) {
        Expr::Array(a) => a.elems.first().is_some_and(is_i),
        Expr::Tuple(t) => t.elems.first().is_some_and(is_i),
        e => is_i(e),
    }
}

/// Whether `e` is `Axis(0)`.
pub fn is_axis0(e: &Expr) -> bool {
    let Expr::Call(c) = peel(e) else { return false };
    let is_axis = matches!(peel(&c.func), Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Axis"));
    is_axis
        && c.args.len() == 1
        && matches!(peel(&c.args[0]), Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(n), .. }) if n.base10_digits() == "0")
}

/// The first use of `v` as a path in `e` (macro arguments included).
fn mention(e: &Expr, v: &Ident) -> Option<TokenStream> {
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

fn tokens_mention(ts: &TokenStream, v: &Ident) -> bool {
    ts.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => &i == v,
        TokenTree::Group(g) => tokens_mention(&g.stream(), v),
        _ => false,
    })
}

/// The arguments of a function-like macro, when they are comma-separated expressions.
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
                    let at_index = at_loop_index(&ix.index, self.index);
                    self.record(
                        v,
                        Use::AtIndex {
                            span: e.to_token_stream(),
                            at_index,
                            mutable: true,
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
                    && at_loop_index(&m.args[pos], self.index);
                self.record(
                    v,
                    Use::AtIndex {
                        span,
                        at_index,
                        mutable: mutable || place,
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
                    self.place(&b.left, "updating");
                }
                self.visit_expr(&b.right);
            }
            Expr::Reference(r) if r.mutability.is_some() => {
                self.place(&r.expr, "borrowing mutably")
            }
            Expr::Index(ix) => {
                if let Some(v) = self.captured(&ix.expr) {
                    let at_index = at_loop_index(&ix.index, self.index);
                    self.record(
                        v,
                        Use::AtIndex {
                            span: e.to_token_stream(),
                            at_index,
                            mutable: false,
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
        if let Some(args) = macro_args(m) {
            for a in &args {
                self.visit_expr(a);
            }
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether `op` is a compound assignment (`+=`, `<<=`...).
pub fn is_compound(op: &BinOp) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn plan(l: ExprForLoop) -> syn::Result<Plan> {
        let Expr::Call(c) = &*l.expr else { panic!() };
        analyze(&l, &c.args[0])
    }

    fn err(l: ExprForLoop) -> String {
        plan(l).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn classifies_captures() {
        let p = plan(parse_quote! {
            for i in prange(0..n) {
                let t = x[i] * w;
                if t < 0.0 { continue; }
                s += t;
                m = m.max(t);
                out[i] = t;
                rows.row_mut(i).fill(t);
                grid[[i, 0]] += t + out.len() as f64;
                for j in 0..3 { if j == 1 { break; } }
            }
        })
        .unwrap();
        let r: Vec<_> = p
            .reductions
            .iter()
            .map(|r| (r.var.to_string(), r.op))
            .collect();
        assert_eq!(
            r,
            [("s".to_string(), RedOp::Add), ("m".to_string(), RedOp::Max)]
        );
        let t: Vec<_> = p.targets.iter().map(Ident::to_string).collect();
        assert_eq!(t, ["out", "rows", "grid"]);
    }

    #[test]
    fn rejects_races() {
        assert!(err(parse_quote!(for i in prange(0..n) {
            out[i + 1] = 1.0;
        }))
        .contains("at an index other than the loop variable `i`"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            out[j] = 1.0;
        }))
        .contains("at an index other than the loop variable `i`"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            v.push(i);
        }))
        .contains("`.push(..)` mutates `v`"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += x[i];
            y[i] = s;
        }))
        .contains("`s` is a reduction"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += 1;
            s *= 2;
        }))
        .contains("reduced with both"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += s * 2.0;
        }))
        .contains("reads `s` itself"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            break;
        }))
        .contains("`break` would leave"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            return;
        }))
        .contains("`return` would leave"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            f(i)?;
        }))
        .contains("`?` would leave"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            x = i;
        }))
        .contains("assigning to `x`"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            self.out[i] = 1.0;
        }))
        .contains("bind the field before the loop (`let out = &mut self.out;`)"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            x /= 2;
        }))
        .contains("not a reduction operator"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            let i = i + 1;
            out[i] = 0;
        }))
        .contains("neither `mut` nor shadowed"));
        assert!(
            err(parse_quote!(for i in prange((0..n).step_by(2)) {})).contains("prange has no step")
        );
        assert!(err(parse_quote!(for i in prange(0..n) {
            out[i] = out[i - 1];
        }))
        .contains("`out` is read while iterations write it at an index other"));
    }

    #[test]
    fn allows_what_cannot_race() {
        assert!(plan(parse_quote!(for i in prange(0..n) {
            let v = vec![i];
            let f = |x: usize| {
                if x > 0 {
                    return 1;
                }
                0
            };
            out[i] = f(v[0]);
        }))
        .is_ok());
        assert!(plan(parse_quote!('outer: for i in prange(0..n) {
            for j in 0..m {
                if j > i {
                    continue 'outer;
                }
                out[[i, j]] = 1;
            }
        }))
        .is_ok());
        assert!(plan(parse_quote!(for i in prange(0..n) {
            for j in prange(0..m) {
                out[[i, j]] = x[j];
                s += 1;
            }
        }))
        .is_ok());
    }
}
