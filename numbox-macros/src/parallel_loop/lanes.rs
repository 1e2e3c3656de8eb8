//! The lockstep path of a prange loop (see `numbox::lanes`): a body of the shape
//!
//! ```text
//! for i in prange(..) {
//!     let (mut z, c, mut n) = (zs[i], cs[i], 0);   // reads at the loop index
//!     while n < maxiter && z.norm_sqr() < 4.0 {    // a data-dependent loop
//!         z = z * z + c;
//!         n += 1;
//!     }
//!     out[i] = n;                                  // one store at the loop index
//! }
//! ```
//!
//! becomes a lane kernel for [`crate::vectorize::lockstep`]: its inputs are the reads
//! (`zs[i]`, `a[[i, j]]` with `j` loop-invariant) and the captured parameters the body uses
//! (`maxiter`), its output the stored value, every type taken from the function's signature.
//! The runtime (`for_each_lanes`) runs groups of `K` consecutive iterations through it and
//! the rest through the scalar body.
//!
//! Like the `#[vectorize]` transform, [`plan`] is conservative: anything it cannot prove
//! fits gives `Err(why)`, and the loop keeps its scalar path (or, under `lanes = N`, the
//! reason becomes the compile error). Reads are taken out of the body only from positions
//! every iteration evaluates (a top-level `let`, assignment or the store, outside `&&`,
//! `||`, `if` and loops), so the lockstep path reads nothing the scalar body would not; the
//! loop variable may appear nowhere else.

use super::ir::Plan;
use super::options::Options;
use super::scan::locals_of;
use crate::parse::peel;
use crate::vectorize::lockstep;
use proc_macro2::{Ident, Span, TokenStream};
use quote::format_ident;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;
use syn::{parse_quote, BinOp, Block, Expr, ExprForLoop, ItemFn, Stmt, Type};

/// What the function around the loops tells the lockstep path: its parameters' types, the
/// names bound anywhere in its body (a parameter rebound there no longer has its signature
/// type) and its generic parameters (an item nested in the function cannot name them).
pub struct FnContext {
    params: HashMap<String, Type>,
    bound: HashSet<String>,
    generics: HashSet<String>,
}

impl FnContext {
    pub fn new(func: &ItemFn) -> Self {
        let mut params = HashMap::new();
        for a in &func.sig.inputs {
            if let syn::FnArg::Typed(pt) = a {
                if let syn::Pat::Ident(pi) = &*pt.pat {
                    if pi.by_ref.is_none() && pi.subpat.is_none() {
                        params.insert(pi.ident.to_string(), (*pt.ty).clone());
                    }
                }
            }
        }
        let mut bound = Bound::default();
        bound.visit_block(&func.block);
        FnContext {
            params,
            bound: bound.0.iter().map(ToString::to_string).collect(),
            generics: func
                .sig
                .generics
                .params
                .iter()
                .filter_map(|g| match g {
                    syn::GenericParam::Type(t) => Some(t.ident.to_string()),
                    syn::GenericParam::Const(c) => Some(c.ident.to_string()),
                    syn::GenericParam::Lifetime(_) => None,
                })
                .collect(),
        }
    }

    /// The signature type of `name`, when it is a parameter never rebound in the body.
    fn param(&self, name: &Ident) -> Option<&Type> {
        let n = name.to_string();
        if self.bound.contains(&n) {
            return None;
        }
        self.params.get(&n)
    }
}

/// The lockstep path of one loop.
pub struct LaneLoop {
    /// `fn __nb_lockstep<const __NB_K: usize>([(inputs..); K]) -> [(output,); K]`.
    pub lockstep: TokenStream,
    /// The kernel's input types: the reads', then the captured parameters'.
    pub inputs: Vec<Type>,
    /// The stored element's type.
    pub output: Type,
    /// Each input of an iteration, as evaluated with the loop variable bound.
    pub reads: Vec<Expr>,
    /// The store's place (`out[i]`), to assign the lane's value to.
    pub place: Expr,
}

/// The lockstep path of loop `l` (classified by `plan`), or why it has none.
pub fn plan(
    l: &ExprForLoop,
    plan: &Plan,
    options: &Options,
    cx: &FnContext,
) -> Result<LaneLoop, String> {
    if options.fastmath {
        return Err("a `fastmath` body keeps the scalar path".into());
    }
    let index = match (&plan.index, plan.aliases.is_empty()) {
        (Some(i), true) => i.clone(),
        _ => return Err("the loop variable must be a plain name, used only as the index".into()),
    };
    if !plan.reductions.is_empty() {
        return Err("the body has a reduction".into());
    }
    let [target] = &plan.targets[..] else {
        return Err("the body must write exactly one container, at the loop index".into());
    };
    let shape = "the body must end with `out[i] = value;` and have a `while` or `loop` \
                 before it, reading containers only as `x[i]` or `a[[i, j]]`";
    let Some((Stmt::Expr(Expr::Assign(store), Some(_)), prefix)) = l.body.stmts.split_last() else {
        return Err(shape.into());
    };
    let locals = locals_of(l);
    let place = (*store.left).clone();
    let Expr::Index(ix) = peel(&place) else {
        return Err(shape.into());
    };
    let out_ty = match peel(&ix.expr) {
        Expr::Path(p) if p.path.is_ident(target) && ix.attrs.is_empty() => cx
            .param(target)
            .and_then(|t| element(t, true))
            .filter(|(_, dims)| at_index(&ix.index, *dims, &index, &locals))
            .map(|(t, _)| t),
        _ => None,
    };
    let Some(out_ty) = out_ty else {
        return Err(format!(
            "`{target}` must be a parameter of slice, `Vec` or ndarray type (1-D or 2-D) \
             written as `{target}[i]` or `{target}[[i, j]]`"
        ));
    };

    // (Only the top-level `let`s before a read can shadow its container: a name bound in
    // a nested block is out of scope there.)
    let mut hoist = Hoist {
        index: &index,
        target,
        bound: HashSet::new(),
        cx,
        inputs: Vec::new(),
    };
    let mut stmts = Vec::new();
    for s in prefix {
        let mut s = s.clone();
        match &mut s {
            Stmt::Local(local) => {
                if let Some(init) = &mut local.init {
                    hoist.expr(&mut init.expr);
                }
                // `let a = a[i];`: later reads of `a` are of the local.
                let mut names = super::scan::Locals::default();
                names.visit_pat(&local.pat);
                hoist.bound.extend(names.0);
            }
            Stmt::Expr(Expr::Assign(a), _) => hoist.expr(&mut a.right),
            Stmt::Expr(Expr::Binary(b), _) if crate::parse::is_compound_assign(&b.op) => {
                hoist.expr(&mut b.right)
            }
            _ => {}
        }
        stmts.push(s);
    }
    let mut value = (*store.right).clone();
    hoist.expr(&mut value);
    stmts.push(Stmt::Expr(value, None));
    let block = Block {
        brace_token: l.body.brace_token,
        stmts,
    };

    // What is left may name the body's locals, the hoisted inputs, constants and captured
    // parameters of a lane type (which become inputs too); nothing else from outside.
    let mut names = Names::default();
    names.visit_block(&block);
    let mut params: Vec<Ident> = hoist.inputs.iter().map(|(id, _, _)| id.clone()).collect();
    let mut inputs: Vec<Type> = hoist.inputs.iter().map(|(_, t, _)| t.clone()).collect();
    let mut reads: Vec<Expr> = hoist.inputs.into_iter().map(|(_, _, e)| e).collect();
    if names.0.contains(&index) {
        return Err(format!(
            "the loop variable `{index}` may only index reads (`x[{index}]`) that every \
             iteration makes (in a top-level `let`, assignment or the store, outside `if`, \
             `&&`, `||` and loops)"
        ));
    }
    let mut seen = HashSet::new();
    for id in names.0 {
        if params.contains(&id) || !seen.insert(id.clone()) {
            continue;
        }
        let lane_param = cx.param(&id).filter(|t| lockstep::is_lane_type(t));
        if locals.contains(&id) {
            // A local of the body; if it shadows a parameter of a lane type, the parameter
            // is an input too, for uses before the shadowing `let`.
            if let Some(t) = lane_param {
                inputs.push(t.clone());
                reads.push(parse_quote!(#id));
                params.push(id);
            }
            continue;
        }
        let name = id.to_string();
        let is_const = name.chars().any(|c| c.is_ascii_uppercase())
            && !name.chars().any(|c| c.is_ascii_lowercase());
        if is_const && !cx.generics.contains(&name) {
            continue;
        }
        match lane_param {
            Some(t) => {
                inputs.push(t.clone());
                reads.push(parse_quote!(#id));
                params.push(id);
            }
            None => {
                return Err(format!(
                    "`{id}` must be a parameter of a number type (f64, u32, Complex64, ..) \
                     to be used in the body"
                ))
            }
        }
    }
    let param_refs: Vec<Option<&Ident>> = params.iter().map(Some).collect();
    let input_refs: Vec<&Type> = inputs.iter().collect();
    let lockstep = lockstep::emit(&param_refs, &input_refs, &out_ty, &block).ok_or_else(|| {
        format!(
            "{shape}; the rest made of the statements and expressions of `#[vectorize]`'s \
             lockstep subset (see `numbox::lanes`)"
        )
    })?;
    Ok(LaneLoop {
        lockstep,
        inputs,
        output: out_ty,
        reads,
        place,
    })
}

/// Replaces the reads at the loop index in positions every iteration evaluates.
struct Hoist<'a> {
    index: &'a Ident,
    target: &'a Ident,
    /// The names bound by the top-level `let`s so far.
    bound: HashSet<Ident>,
    cx: &'a FnContext,
    /// `(name, type, read)` of each input so far.
    inputs: Vec<(Ident, Type, Expr)>,
}

impl Hoist<'_> {
    fn expr(&mut self, e: &mut Expr) {
        if let Some(ty) = self.read(e) {
            let id = format_ident!("__nb_in{}", self.inputs.len(), span = Span::mixed_site());
            let read = std::mem::replace(e, parse_quote!(#id));
            self.inputs.push((id, ty, read));
            return;
        }
        match e {
            Expr::Tuple(t) => t.elems.iter_mut().for_each(|e| self.expr(e)),
            Expr::Binary(b) if !matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                self.expr(&mut b.left);
                self.expr(&mut b.right);
            }
            Expr::Unary(u) => self.expr(&mut u.expr),
            Expr::Paren(p) => self.expr(&mut p.expr),
            Expr::Group(g) => self.expr(&mut g.expr),
            Expr::Cast(c) => self.expr(&mut c.expr),
            Expr::Field(f) => self.expr(&mut f.base),
            Expr::MethodCall(m) => {
                self.expr(&mut m.receiver);
                m.args.iter_mut().for_each(|e| self.expr(e));
            }
            Expr::Call(c) => c.args.iter_mut().for_each(|e| self.expr(e)),
            _ => {}
        }
    }

    /// The element type of `e` when it is a read `x[i]` / `a[[i, j]]` of a parameter.
    fn read(&self, e: &Expr) -> Option<Type> {
        let Expr::Index(ix) = e else { return None };
        let Expr::Path(p) = peel(&ix.expr) else {
            return None;
        };
        let x = p.path.get_ident()?;
        if !ix.attrs.is_empty() || p.qself.is_some() || x == self.target || self.bound.contains(x) {
            return None;
        }
        let (ty, dims) = element(self.cx.param(x)?, false)?;
        at_index(&ix.index, dims, self.index, &self.bound).then_some(ty)
    }
}

/// Whether `idx` addresses a `dims`-dimensional container at the loop index: `i` (or `[i]`)
/// for one dimension, `[i, j]` / `(i, j)` with loop-invariant `j` for two.
fn at_index(idx: &Expr, dims: usize, index: &Ident, locals: &HashSet<Ident>) -> bool {
    let is_i =
        |e: &Expr| matches!(peel(e), Expr::Path(p) if p.qself.is_none() && p.path.is_ident(index));
    let elems: Vec<&Expr> = match peel(idx) {
        Expr::Array(a) => a.elems.iter().collect(),
        Expr::Tuple(t) if dims > 1 => t.elems.iter().collect(),
        e => vec![e],
    };
    elems.len() == dims && is_i(elems[0]) && elems[1..].iter().all(|e| invariant(e, index, locals))
}

/// Whether `e` is built from literals and captured names only (the same on every iteration).
fn invariant(e: &Expr, index: &Ident, locals: &HashSet<Ident>) -> bool {
    match peel(e) {
        Expr::Lit(_) => true,
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|id| id != index && !locals.contains(id) && p.qself.is_none()),
        Expr::Binary(b) => invariant(&b.left, index, locals) && invariant(&b.right, index, locals),
        Expr::Unary(u) => invariant(&u.expr, index, locals),
        Expr::Cast(c) => invariant(&c.expr, index, locals),
        _ => false,
    }
}

/// The element type and number of dimensions of a container type from a signature:
/// `[T]`, `[T; N]`, `Vec<T>` (behind `&`/`&mut` or not), `ArrayView1/2`, `ArrayViewMut1/2`,
/// `Array1/2`. `write`: the container must be writable.
fn element(ty: &Type, write: bool) -> Option<(Type, usize)> {
    let (ty, by_mut_ref) = match ungroup(ty) {
        Type::Reference(r) => (ungroup(&r.elem), Some(r.mutability.is_some())),
        t => (t, None),
    };
    let (elem, dims, writable) = match ty {
        Type::Slice(s) => ((*s.elem).clone(), 1, by_mut_ref == Some(true)),
        Type::Array(a) => ((*a.elem).clone(), 1, by_mut_ref == Some(true)),
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let mut tys = args.args.iter().filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            });
            let (t, rest) = (tys.next()?, tys.next());
            if rest.is_some() {
                return None;
            }
            match last.ident.to_string().as_str() {
                "Vec" => (t, 1, by_mut_ref == Some(true)),
                "ArrayView1" => (t, 1, false),
                "ArrayView2" => (t, 2, false),
                "ArrayViewMut1" => (t, 1, by_mut_ref != Some(false)),
                "ArrayViewMut2" => (t, 2, by_mut_ref != Some(false)),
                "Array1" => (t, 1, by_mut_ref == Some(true)),
                "Array2" => (t, 2, by_mut_ref == Some(true)),
                _ => return None,
            }
        }
        _ => return None,
    };
    (writable || !write).then_some((elem, dims))
}

fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => ungroup(&g.elem),
        Type::Paren(p) => ungroup(&p.elem),
        t => t,
    }
}

/// The names bound in a function body outside its prange loops (whose bodies are scopes of
/// their own).
#[derive(Default)]
struct Bound(HashSet<Ident>);

impl Visit<'_> for Bound {
    fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
        self.0.insert(p.ident.clone());
        syn::visit::visit_pat_ident(self, p);
    }
    fn visit_expr_for_loop(&mut self, l: &ExprForLoop) {
        if super::prange_arg(l).is_none() {
            syn::visit::visit_expr_for_loop(self, l);
        }
    }
    fn visit_macro(&mut self, m: &syn::Macro) {
        // A macro's expansion may bind anything: count every identifier in it.
        for t in m.tokens.clone() {
            collect_idents(t, &mut self.0);
        }
    }
    fn visit_item(&mut self, _: &syn::Item) {}
}

fn collect_idents(t: proc_macro2::TokenTree, out: &mut HashSet<Ident>) {
    match t {
        proc_macro2::TokenTree::Ident(id) => {
            out.insert(id);
        }
        proc_macro2::TokenTree::Group(g) => {
            for t in g.stream() {
                collect_idents(t, out);
            }
        }
        _ => {}
    }
}

/// Every single-name path in a block, in order.
#[derive(Default)]
struct Names(Vec<Ident>);

impl Visit<'_> for Names {
    fn visit_expr_path(&mut self, p: &syn::ExprPath) {
        if let Some(id) = p.path.get_ident().filter(|_| p.qself.is_none()) {
            self.0.push(id.clone());
        }
    }
}
