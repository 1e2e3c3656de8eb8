//! The lockstep version of a `#[vectorize]` body (see `numbox::lanes`): every local a
//! `Lanes<T, K>`, every branch a `Mask<K>`, every data-dependent loop running while any lane
//! is still in it.
//!
//! `#[parallel_loop]` reuses [`emit`] for prange bodies (see `parallel_loop::lanes`), with
//! the body's reads and captured parameters as the kernel's parameters.
//!
//! The transform is syntactic and conservative: [`emit`] returns `None` (the kernel keeps only
//! its scalar path, exactly as before) for anything outside the subset below, so it never
//! makes a kernel that compiles without it fail to compile.
//!
//! - The kernel: no type parameters, one output, every parameter and the result a primitive
//!   number (`f32`, `f64`, the integers) or `Complex32`/`Complex64`/`Complex<f32|f64>`; the
//!   parameters plain names.
//! - Statements: `let` of a name (with a primitive type or none) or of a tuple of names from a
//!   tuple expression; `x = e` and `x op= e` on a local; `if`/`else` (chains too); `while`,
//!   `loop`, and `for v in a..b` / `a..=b` whose bounds are the same for every element
//!   (literals, constants and arithmetic on them), all without labels; `break` without a
//!   value; `continue`; `return e`; blocks.
//! - Expressions: locals; literals; paths to other items (constants: splat); `+ - * / %`,
//!   `& | ^`, comparisons, `&&`, `||`, `!`, unary `-`; `if`/`else` and blocks of `let`s with a
//!   value; `as` casts to primitives; `.re`/`.im`; method calls from the lists below (also as
//!   `f64::sqrt(x)`); `Complex64::new(re, im)`.
//!
//! The body must also contain a `while` or `loop`: without one, LLVM if-converts the
//! branches of the scalar loop and vectorizes it already. Masked-off lanes compute only what cannot panic: methods that might
//! (`abs` of an integer, `pow`, ...) and integer `/`, `%` run only on active lanes.

use crate::emit::Private;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashMap;
use syn::{BinOp, Block, Expr, Ident, Lit, Pat, Stmt, Type, UnOp};

/// Methods that cannot panic on any value of the types above: every lane calls them.
const PURE: &[&str] = &[
    "norm_sqr",
    "norm",
    "l1_norm",
    "sqrt",
    "cbrt",
    "exp",
    "exp2",
    "exp_m1",
    "ln",
    "log2",
    "log10",
    "ln_1p",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
    "atan2",
    "asinh",
    "acosh",
    "atanh",
    "hypot",
    "powf",
    "powi",
    "floor",
    "ceil",
    "round",
    "round_ties_even",
    "trunc",
    "fract",
    "mul_add",
    "min",
    "max",
    "conj",
    "recip",
    "signum",
    "copysign",
    "to_degrees",
    "to_radians",
    "arg",
    "inv",
    "scale",
    "unscale",
    "finv",
    "count_ones",
    "count_zeros",
    "leading_zeros",
    "trailing_zeros",
    "rotate_left",
    "rotate_right",
    "swap_bytes",
    "reverse_bits",
    "wrapping_add",
    "wrapping_sub",
    "wrapping_mul",
    "wrapping_neg",
    "wrapping_abs",
    "saturating_add",
    "saturating_sub",
    "saturating_mul",
    "abs_sub",
];

/// Methods that may panic (or are not known not to): only active lanes call them.
const GUARDED: &[&str] = &[
    "abs",
    "pow",
    "clamp",
    "rem_euclid",
    "div_euclid",
    "abs_diff",
    "isqrt",
    "ilog2",
    "ilog10",
    "midpoint",
];

/// Methods returning `bool`: they become masks.
const TESTS: &[&str] = &[
    "is_nan",
    "is_finite",
    "is_infinite",
    "is_normal",
    "is_subnormal",
    "is_sign_positive",
    "is_sign_negative",
    "is_positive",
    "is_negative",
    "is_power_of_two",
];

const PRIMS: &[&str] = &[
    "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128",
    "usize",
];

/// `ty` without the invisible groups of `macro_rules!` fragments and parentheses.
fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => ungroup(&g.elem),
        Type::Paren(p) => ungroup(&p.elem),
        t => t,
    }
}

/// Whether `ty` is a primitive number.
fn is_prim(ty: &Type) -> bool {
    let ty = ungroup(ty);
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.get_ident().is_some_and(|i| PRIMS.contains(&i.to_string().as_str())))
}

/// Whether `ty` is a type the lanes implement arithmetic for.
pub(crate) fn is_lane_type(ty: &Type) -> bool {
    let ty = ungroup(ty);
    if is_prim(ty) {
        return true;
    }
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    match last.ident.to_string().as_str() {
        "Complex32" | "Complex64" => last.arguments.is_none(),
        "Complex" => match &last.arguments {
            syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => {
                matches!(&a.args[0], syn::GenericArgument::Type(t) if is_prim(t) && matches!(quote!(#t).to_string().as_str(), "f32" | "f64"))
            }
            _ => false,
        },
        _ => false,
    }
}

/// The hidden lockstep function of a kernel `fn(params: inputs) -> output`, or `None` when
/// the body is outside the subset or has no data-dependent control flow.
pub(crate) fn emit(
    params: &[Option<&Ident>],
    inputs: &[&Type],
    output: &Type,
    block: &Block,
) -> Option<TokenStream> {
    if !inputs.iter().all(|t| is_lane_type(t)) || !is_lane_type(output) {
        return None;
    }
    let mut tx = Tx::default();
    let mut scope = HashMap::new();
    let l = tx.l();
    let mut prelude = TokenStream::new();
    for (i, (name, ty)) in params.iter().zip(inputs).enumerate() {
        if let Some(name) = name {
            let i = syn::Index::from(i);
            prelude.extend(quote! {
                let mut #name = #l::Lanes::<#ty, __NB_K>::from_fn(|__nb_k| __nb_args[__nb_k].#i);
            });
            scope.insert(name.to_string(), false);
        }
    }
    tx.scopes.push(scope);
    let m = format_ident!("__nb_m0");
    let body = tx.stmts(&block.stmts, &m, true)?;
    if !tx.control_flow {
        return None;
    }
    Some(quote! {
        #[inline(always)]
        #[allow(unused_mut, unused_variables, unused_assignments, unused_parens, unused_braces,
                non_snake_case, unreachable_code, clippy::all, clippy::pedantic)]
        fn __nb_lockstep<const __NB_K: usize>(
            __nb_args: [(#(#inputs,)*); __NB_K],
        ) -> [(#output,); __NB_K] {
            #prelude
            let mut __nb_live = #l::Mask::<__NB_K>::splat(true);
            let mut __nb_ret = #l::Lanes::<#output, __NB_K>::splat(
                <#output as ::core::default::Default>::default(),
            );
            let mut #m = __nb_live;
            {
                #body
            }
            let __nb_ret = __nb_ret.to_array();
            ::core::array::from_fn(|__nb_k| (__nb_ret[__nb_k],))
        }
    })
}

/// The translation state.
#[derive(Default)]
struct Tx {
    /// The locals in scope, innermost last, each with whether it is a `bool` (a mask).
    scopes: Vec<HashMap<String, bool>>,
    /// For each enclosing loop, innermost last: the mask of the lanes still in the loop, and
    /// the mask of those still in this iteration (without the lanes that `continue`d).
    loops: Vec<(Ident, Ident)>,
    /// Fresh names.
    next: usize,
    /// Whether a `while` or `loop` was seen: without one, LLVM if-converts the branches of
    /// the scalar loop and vectorizes it already (measured: a lockstep version of a
    /// branches-only kernel ran at 0.55x).
    control_flow: bool,
}

impl Tx {
    fn l(&self) -> TokenStream {
        let p = Private;
        quote!(#p::lanes)
    }

    fn fresh(&mut self, what: &str) -> Ident {
        self.next += 1;
        format_ident!("__nb_{}{}", what, self.next)
    }

    /// Whether `name` is a local, and if so whether it is a `bool`.
    fn lookup(&self, name: &Ident) -> Option<bool> {
        let n = name.to_string();
        self.scopes.iter().rev().find_map(|s| s.get(&n).copied())
    }

    fn is_local(&self, name: &Ident) -> bool {
        self.lookup(name).is_some()
    }

    fn declare(&mut self, name: &Ident, is_bool: bool) {
        self.scopes
            .last_mut()
            .expect("a scope")
            .insert(name.to_string(), is_bool);
    }

    /// Whether `e` is a `bool` (its lane form is a mask, not lanes): a comparison, a logical
    /// operator, a `bool` literal, a test method or a local bound to one of them.
    fn is_boolish(&self, e: &Expr) -> bool {
        match e {
            Expr::Path(p) => p
                .path
                .get_ident()
                .is_some_and(|id| self.lookup(id) == Some(true)),
            Expr::Paren(p) => self.is_boolish(&p.expr),
            Expr::Group(g) => self.is_boolish(&g.expr),
            Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => true,
            Expr::Binary(b)
                if matches!(b.op, BinOp::BitAnd(_) | BinOp::BitOr(_) | BinOp::BitXor(_)) =>
            {
                self.is_boolish(&b.left) || self.is_boolish(&b.right)
            }
            Expr::If(i) => self.block_is_boolish(&i.then_branch),
            Expr::Block(b) => self.block_is_boolish(&b.block),
            e => is_boolish(e),
        }
    }

    fn block_is_boolish(&self, b: &Block) -> bool {
        matches!(b.stmts.last(), Some(Stmt::Expr(e, None)) if self.is_boolish(e))
    }

    /// `m &= live & (innermost iteration)`: after a statement that may `return`, `break` or
    /// `continue`.
    fn refresh(&self, m: &Ident) -> TokenStream {
        match self.loops.last() {
            Some((_, it)) => quote!(#m = #m & __nb_live & #it;),
            None => quote!(#m = #m & __nb_live;),
        }
    }

    /// The statements of a block under mask `m`; `ret`: the block's value is the function's.
    fn stmts(&mut self, stmts: &[Stmt], m: &Ident, ret: bool) -> Option<TokenStream> {
        let mut out = TokenStream::new();
        let n = stmts.len();
        for (i, s) in stmts.iter().enumerate() {
            let last = i + 1 == n;
            let t = match s {
                Stmt::Local(local) => self.local(local, m)?,
                Stmt::Expr(e, semi) => {
                    if last && semi.is_none() && ret {
                        self.tail(e, m)?
                    } else if semi.is_none() && !is_unit_flow(e) {
                        return None;
                    } else {
                        self.stmt(e, m)?
                    }
                }
                Stmt::Item(_) | Stmt::Macro(_) => return None,
            };
            out.extend(t);
            if diverges(s) {
                out.extend(self.refresh(m));
            }
        }
        Some(out)
    }

    /// The function's value `e` under mask `m`.
    fn tail(&mut self, e: &Expr, m: &Ident) -> Option<TokenStream> {
        match e {
            Expr::If(_) | Expr::Loop(_) => self.stmt_ret(e, m, true),
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                self.block(&b.block, m, true)
            }
            Expr::Paren(p) => self.tail(&p.expr, m),
            _ => self.ret(e, m),
        }
    }

    /// `return e` under mask `m`.
    fn ret(&mut self, e: &Expr, m: &Ident) -> Option<TokenStream> {
        let v = self.expr(e, m)?;
        Some(quote! {
            __nb_ret.set_where(#m, #v);
            __nb_live = __nb_live & !#m;
        })
    }

    fn block(&mut self, b: &Block, m: &Ident, ret: bool) -> Option<TokenStream> {
        self.scopes.push(HashMap::new());
        let body = self.stmts(&b.stmts, m, ret);
        self.scopes.pop();
        let body = body?;
        Some(quote!({ #body }))
    }

    fn local(&mut self, local: &syn::Local, m: &Ident) -> Option<TokenStream> {
        if !local.attrs.is_empty() {
            return None;
        }
        let init = local.init.as_ref()?;
        if init.diverge.is_some() {
            return None;
        }
        let l = self.l();
        match &local.pat {
            Pat::Tuple(pt) => {
                let Expr::Tuple(et) = &*init.expr else {
                    return None;
                };
                if pt.elems.len() != et.elems.len() {
                    return None;
                }
                let mut names = Vec::new();
                let mut values = Vec::new();
                for (p, e) in pt.elems.iter().zip(&et.elems) {
                    names.push((plain_name(p)?, self.is_boolish(e)));
                    values.push(self.expr(e, m)?);
                }
                for (n, b) in &names {
                    self.declare(n, *b);
                }
                let names = names.iter().map(|(n, _)| n);
                Some(quote!(let (#(mut #names,)*) = (#(#values,)*);))
            }
            Pat::Type(pt) => {
                let name = plain_name(&pt.pat)?;
                let ty = &*pt.ty;
                if !is_prim(ty) {
                    return None;
                }
                let v = self.expr(&init.expr, m)?;
                self.declare(name, false);
                Some(quote!(let mut #name: #l::Lanes<#ty, __NB_K> = #v;))
            }
            p => {
                let name = plain_name(p)?;
                let v = self.expr(&init.expr, m)?;
                self.declare(name, self.is_boolish(&init.expr));
                Some(quote!(let mut #name = #v;))
            }
        }
    }

    fn stmt(&mut self, e: &Expr, m: &Ident) -> Option<TokenStream> {
        self.stmt_ret(e, m, false)
    }

    /// A statement under mask `m` (`ret`: its branches' values are the function's).
    fn stmt_ret(&mut self, e: &Expr, m: &Ident, ret: bool) -> Option<TokenStream> {
        if !attrs_empty(e) {
            return None;
        }
        match e {
            Expr::Assign(a) => {
                let x = self.local_name(&a.left)?;
                let v = self.expr(&a.right, m)?;
                Some(quote!(#x.set_where(#m, #v);))
            }
            Expr::Binary(b) if compound(&b.op).is_some() => {
                let x = self.local_name(&b.left)?;
                let r = self.expr(&b.right, m)?;
                let v = self.binary(compound(&b.op)?, quote!(#x), r, m)?;
                Some(quote!(#x.set_where(#m, #v);))
            }
            Expr::If(i) => {
                let l = self.l();
                let c = self.expr(&i.cond, m)?;
                let (cn, tn, en) = (self.fresh("c"), self.fresh("t"), self.fresh("e"));
                let then = self.block(&i.then_branch, &tn, ret)?;
                let els = match &i.else_branch {
                    None if ret => return None,
                    None => TokenStream::new(),
                    Some((_, e)) => {
                        let body = match &**e {
                            Expr::Block(b) if b.label.is_none() => {
                                self.block(&b.block, &en, ret)?
                            }
                            Expr::If(_) => self.stmt_ret(e, &en, ret)?,
                            _ => return None,
                        };
                        quote! {
                            let mut #en = #m & !#cn;
                            if #en.any() #body
                        }
                    }
                };
                let els = if i.else_branch.is_some() {
                    quote!({ #els })
                } else {
                    els
                };
                Some(quote! {{
                    let #cn = #l::mask(#c);
                    let mut #tn = #m & #cn;
                    if #tn.any() #then
                    #els
                }})
            }
            Expr::While(w) if w.label.is_none() => {
                self.control_flow = true;
                let l = self.l();
                let b = self.fresh("b");
                let c = self.expr(&w.cond, &b)?;
                let body = self.loop_body(&w.body, &b)?;
                Some(quote! {{
                    let mut #b = #m;
                    loop {
                        #b = #b & __nb_live;
                        #b = #b & #l::mask(#c);
                        if !#b.any() {
                            break;
                        }
                        #body
                    }
                }})
            }
            Expr::Loop(lp) if lp.label.is_none() => {
                self.control_flow = true;
                let b = self.fresh("b");
                let body = self.loop_body(&lp.body, &b)?;
                Some(quote! {{
                    let mut #b = #m;
                    loop {
                        #b = #b & __nb_live;
                        if !#b.any() {
                            break;
                        }
                        #body
                    }
                }})
            }
            Expr::ForLoop(f) if f.label.is_none() => self.for_loop(f, m),
            Expr::Break(br) if br.label.is_none() && br.expr.is_none() => {
                let (b, it) = self.loops.last()?;
                Some(quote!(#b = #b & !#m; #it = #it & !#m;))
            }
            Expr::Continue(c) if c.label.is_none() => {
                let (_, it) = self.loops.last()?;
                Some(quote!(#it = #it & !#m;))
            }
            Expr::Return(r) => self.ret(r.expr.as_deref()?, m),
            Expr::Block(b) if b.label.is_none() => self.block(&b.block, m, ret),
            Expr::Paren(p) => self.stmt_ret(&p.expr, m, ret),
            _ => None,
        }
    }

    /// `for v in a..b` (or `a..=b`) with bounds that are the same for every element: the range
    /// is evaluated once, as the scalar loop evaluates it, and the counter is one scalar
    /// shared by the lanes still in the loop.
    fn for_loop(&mut self, f: &syn::ExprForLoop, m: &Ident) -> Option<TokenStream> {
        let Expr::Range(r) = &*f.expr else {
            return None;
        };
        let (lo, hi) = (r.start.as_deref()?, r.end.as_deref()?);
        if !r.attrs.is_empty() || !self.is_uniform(lo) || !self.is_uniform(hi) {
            return None;
        }
        let v = plain_name(&f.pat)?;
        self.control_flow = true;
        let l = self.l();
        let b = self.fresh("b");
        let n = self.fresh("n");
        let limits = &r.limits;
        self.scopes.push(HashMap::new());
        self.declare(v, false);
        let body = self.loop_body(&f.body, &b);
        self.scopes.pop();
        let body = body?;
        Some(quote! {{
            let mut #b = #m;
            for #n in (#lo) #limits (#hi) {
                #b = #b & __nb_live;
                if !#b.any() {
                    break;
                }
                let mut #v = #l::Lanes::<_, __NB_K>::splat(#n);
                #body
            }
        }})
    }

    /// Whether `e` has the same value for every element and no effects: literals, paths to
    /// items (not locals), and arithmetic, casts and parentheses over them.
    fn is_uniform(&self, e: &Expr) -> bool {
        match e {
            Expr::Lit(l) => l.attrs.is_empty() && matches!(l.lit, Lit::Int(_) | Lit::Float(_)),
            Expr::Path(p) => {
                p.attrs.is_empty()
                    && p.qself.is_none()
                    && p.path.get_ident().is_none_or(|id| !self.is_local(id))
            }
            Expr::Binary(b) => {
                b.attrs.is_empty()
                    && compound(&b.op).is_none()
                    && self.is_uniform(&b.left)
                    && self.is_uniform(&b.right)
            }
            Expr::Unary(u) => u.attrs.is_empty() && self.is_uniform(&u.expr),
            Expr::Paren(p) => p.attrs.is_empty() && self.is_uniform(&p.expr),
            Expr::Group(g) => self.is_uniform(&g.expr),
            Expr::Cast(c) => c.attrs.is_empty() && self.is_uniform(&c.expr),
            _ => false,
        }
    }

    /// A loop body under a fresh mask copied from the loop's mask `b`.
    fn loop_body(&mut self, body: &Block, b: &Ident) -> Option<TokenStream> {
        let mb = self.fresh("m");
        self.loops.push((b.clone(), mb.clone()));
        let inner = self.block(body, &mb, false);
        self.loops.pop();
        let inner = inner?;
        Some(quote! {
            let mut #mb = #b;
            #inner
        })
    }

    /// The local that an assignment's left side names.
    fn local_name<'e>(&self, e: &'e Expr) -> Option<&'e Ident> {
        match e {
            Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => {
                let id = p.path.get_ident()?;
                self.is_local(id).then_some(id)
            }
            _ => None,
        }
    }

    /// `a op b` on lanes, under mask `m` (for the operators that may panic).
    fn binary(&self, op: Op, a: TokenStream, b: TokenStream, m: &Ident) -> Option<TokenStream> {
        let l = self.l();
        Some(match op {
            Op::Add => quote!((#a + #b)),
            Op::Sub => quote!((#a - #b)),
            Op::Mul => quote!((#a * #b)),
            Op::Div => quote!(#l::Lanes::div_where(#a, #m, #b)),
            Op::Rem => quote!(#l::Lanes::rem_where(#a, #m, #b)),
            Op::And => quote!((#a & #b)),
            Op::Or => quote!((#a | #b)),
            Op::Xor => quote!((#a ^ #b)),
        })
    }

    /// The lane value of `e` under mask `m`.
    fn expr(&mut self, e: &Expr, m: &Ident) -> Option<TokenStream> {
        if !attrs_empty(e) {
            return None;
        }
        let l = self.l();
        match e {
            Expr::Group(g) => self.expr(&g.expr, m),
            Expr::Lit(lit) => match &lit.lit {
                Lit::Bool(b) => Some(quote!(#l::Mask::<__NB_K>::splat(#b))),
                Lit::Int(_) | Lit::Float(_) => Some(quote!(#l::Lanes::<_, __NB_K>::splat(#lit))),
                _ => None,
            },
            Expr::Path(p) => {
                if let Some(id) = p.path.get_ident().filter(|_| p.qself.is_none()) {
                    if self.is_local(id) {
                        return Some(quote!(#id));
                    }
                }
                Some(quote!(#l::Lanes::<_, __NB_K>::splat(#p)))
            }
            Expr::Paren(p) => {
                let v = self.expr(&p.expr, m)?;
                Some(quote!((#v)))
            }
            Expr::Unary(u) => {
                if let (UnOp::Neg(_), Expr::Lit(lit)) = (u.op, &*u.expr) {
                    if matches!(lit.lit, Lit::Int(_) | Lit::Float(_)) {
                        // `-128i8` is a literal only with its sign.
                        return Some(quote!(#l::Lanes::<_, __NB_K>::splat(-#lit)));
                    }
                }
                let v = self.expr(&u.expr, m)?;
                match u.op {
                    UnOp::Neg(_) => Some(quote!((-#v))),
                    UnOp::Not(_) => Some(quote!((!#v))),
                    _ => None,
                }
            }
            Expr::Binary(b) => self.expr_binary(b, m),
            Expr::MethodCall(mc) => {
                if mc.turbofish.is_some() || mc.args.len() > 2 {
                    return None;
                }
                let name = mc.method.to_string();
                let method = &mc.method;
                let mut vals = vec![self.expr(&mc.receiver, m)?];
                for a in &mc.args {
                    vals.push(self.expr(a, m)?);
                }
                let ids: Vec<Ident> = (0..vals.len())
                    .map(|i| format_ident!("__nb_v{}", i))
                    .collect();
                let (r, rest) = (&ids[0], &ids[1..]);
                let call = quote!(#r.#method(#(#rest),*));
                self.apply(&name, &vals, &ids, call, m)
            }
            Expr::Call(c) => {
                let Expr::Path(fp) = &*c.func else {
                    return None;
                };
                if fp.qself.is_some() || c.args.is_empty() || c.args.len() > 3 {
                    return None;
                }
                let segs: Vec<String> = fp
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segs.len() < 2 || fp.path.segments.iter().any(|s| !s.arguments.is_none()) {
                    return None;
                }
                let (ty, f) = (&segs[segs.len() - 2], &segs[segs.len() - 1]);
                let is_new = matches!(ty.as_str(), "Complex64" | "Complex32" | "Complex")
                    && f == "new"
                    && c.args.len() == 2;
                let is_prim_method = segs.len() == 2 && PRIMS.contains(&ty.as_str());
                if !is_new && !is_prim_method {
                    return None;
                }
                let mut vals = Vec::new();
                for a in &c.args {
                    vals.push(self.expr(a, m)?);
                }
                let ids: Vec<Ident> = (0..vals.len())
                    .map(|i| format_ident!("__nb_v{}", i))
                    .collect();
                let path = &fp.path;
                let call = quote!(#path(#(#ids),*));
                let name = if is_new { "new".to_string() } else { f.clone() };
                if is_new {
                    return self.map(&vals, &ids, call, None);
                }
                self.apply(&name, &vals, &ids, call, m)
            }
            Expr::Cast(c) => {
                if !is_prim(&c.ty) || self.is_boolish(&c.expr) {
                    return None;
                }
                let v = self.expr(&c.expr, m)?;
                let ty = &c.ty;
                Some(quote!(#l::Lanes::map(#v, |__nb_v| __nb_v as #ty)))
            }
            Expr::Field(f) => {
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                if name != "re" && name != "im" {
                    return None;
                }
                let v = self.expr(&f.base, m)?;
                Some(quote!(#l::Lanes::map(#v, |__nb_v| __nb_v.#name)))
            }
            Expr::If(i) => self.expr_if(i, m),
            Expr::Block(b) if b.label.is_none() => self.value_block(&b.block, m),
            _ => None,
        }
    }

    /// A method or associated-function call `call` on lane values `vals` bound to `ids`.
    fn apply(
        &self,
        name: &str,
        vals: &[TokenStream],
        ids: &[Ident],
        call: TokenStream,
        m: &Ident,
    ) -> Option<TokenStream> {
        let l = self.l();
        if PURE.contains(&name) {
            self.map(vals, ids, call, None)
        } else if GUARDED.contains(&name) {
            self.map(vals, ids, call, Some(m))
        } else if TESTS.contains(&name) && vals.len() == 1 {
            let (v, id) = (&vals[0], &ids[0]);
            Some(quote!(#l::Lanes::test(#v, |#id| #call)))
        } else {
            None
        }
    }

    /// `call` on every lane (or only on `guard`'s lanes) of `vals`.
    fn map(
        &self,
        vals: &[TokenStream],
        ids: &[Ident],
        call: TokenStream,
        guard: Option<&Ident>,
    ) -> Option<TokenStream> {
        let l = self.l();
        Some(match (vals, guard) {
            ([a], None) => quote!(#l::Lanes::map(#a, |#(#ids),*| #call)),
            ([a], Some(m)) => quote!(#l::Lanes::map_where(#a, #m, |#(#ids),*| #call)),
            ([a, b], None) => quote!(#l::map2(#a, #b, |#(#ids),*| #call)),
            ([a, b], Some(m)) => quote!(#l::map2_where(#m, #a, #b, |#(#ids),*| #call)),
            ([a, b, c], None) => quote!(#l::map3(#a, #b, #c, |#(#ids),*| #call)),
            ([a, b, c], Some(m)) => quote!(#l::map3_where(#m, #a, #b, #c, |#(#ids),*| #call)),
            _ => return None,
        })
    }

    fn expr_binary(&mut self, b: &syn::ExprBinary, m: &Ident) -> Option<TokenStream> {
        let l = self.l();
        match b.op {
            BinOp::And(_) | BinOp::Or(_) => {
                let a = self.expr(&b.left, m)?;
                let (an, mn) = (self.fresh("a"), self.fresh("m"));
                let rhs = self.expr(&b.right, &mn)?;
                let (narrow, join) = if matches!(b.op, BinOp::And(_)) {
                    (quote!(#m & #an), quote!(#an & #l::mask(#rhs)))
                } else {
                    (quote!(#m & !#an), quote!(#an | #l::mask(#rhs)))
                };
                Some(quote!({
                    let #an = #l::mask(#a);
                    let #mn = #narrow;
                    #join
                }))
            }
            BinOp::Lt(_)
            | BinOp::Le(_)
            | BinOp::Gt(_)
            | BinOp::Ge(_)
            | BinOp::Eq(_)
            | BinOp::Ne(_) => {
                if self.is_boolish(&b.left) || self.is_boolish(&b.right) {
                    return None;
                }
                let f = match b.op {
                    BinOp::Lt(_) => "lt",
                    BinOp::Le(_) => "le",
                    BinOp::Gt(_) => "gt",
                    BinOp::Ge(_) => "ge",
                    BinOp::Eq(_) => "eq_",
                    _ => "ne_",
                };
                let f = Ident::new(f, Span::call_site());
                let (x, y) = (self.expr(&b.left, m)?, self.expr(&b.right, m)?);
                Some(quote!(#l::Lanes::#f(#x, #y)))
            }
            op => {
                let op = plain(&op)?;
                let (x, y) = (self.expr(&b.left, m)?, self.expr(&b.right, m)?);
                self.binary(op, x, y, m)
            }
        }
    }

    /// `if c { a } else { b }` as a value: both sides under their masks, then a select.
    fn expr_if(&mut self, i: &syn::ExprIf, m: &Ident) -> Option<TokenStream> {
        let l = self.l();
        let (_, els) = i.else_branch.as_ref()?;
        if self.block_is_boolish(&i.then_branch) {
            return None;
        }
        let c = self.expr(&i.cond, m)?;
        let (cn, tn, en) = (self.fresh("c"), self.fresh("t"), self.fresh("e"));
        let a = self.value_block(&i.then_branch, &tn)?;
        let b = match &**els {
            Expr::Block(b) if b.label.is_none() => self.value_block(&b.block, &en)?,
            Expr::If(ei) => self.expr_if(ei, &en)?,
            _ => return None,
        };
        Some(quote!({
            let #cn = #l::mask(#c);
            let #tn = #m & #cn;
            let #en = #m & !#cn;
            #l::Lanes::select(#cn, #a, #b)
        }))
    }

    /// A block of `let`s ending in a value.
    fn value_block(&mut self, b: &Block, m: &Ident) -> Option<TokenStream> {
        let (last, init) = b.stmts.split_last()?;
        let Stmt::Expr(tail, None) = last else {
            return None;
        };
        self.scopes.push(HashMap::new());
        let r = (|| {
            let mut out = TokenStream::new();
            for s in init {
                let Stmt::Local(local) = s else { return None };
                out.extend(self.local(local, m)?);
            }
            let v = self.expr(tail, m)?;
            Some(quote!({ #out #v }))
        })();
        self.scopes.pop();
        r
    }
}

/// The binary operators with a lane form.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
}

fn plain(op: &BinOp) -> Option<Op> {
    Some(match op {
        BinOp::Add(_) => Op::Add,
        BinOp::Sub(_) => Op::Sub,
        BinOp::Mul(_) => Op::Mul,
        BinOp::Div(_) => Op::Div,
        BinOp::Rem(_) => Op::Rem,
        BinOp::BitAnd(_) => Op::And,
        BinOp::BitOr(_) => Op::Or,
        BinOp::BitXor(_) => Op::Xor,
        _ => return None,
    })
}

fn compound(op: &BinOp) -> Option<Op> {
    Some(match op {
        BinOp::AddAssign(_) => Op::Add,
        BinOp::SubAssign(_) => Op::Sub,
        BinOp::MulAssign(_) => Op::Mul,
        BinOp::DivAssign(_) => Op::Div,
        BinOp::RemAssign(_) => Op::Rem,
        BinOp::BitAndAssign(_) => Op::And,
        BinOp::BitOrAssign(_) => Op::Or,
        BinOp::BitXorAssign(_) => Op::Xor,
        _ => return None,
    })
}

/// A plain binding `x` or `mut x`.
fn plain_name(p: &Pat) -> Option<&Ident> {
    match p {
        Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() && pi.attrs.is_empty() => {
            Some(&pi.ident)
        }
        _ => None,
    }
}

fn attrs_empty(e: &Expr) -> bool {
    match e {
        Expr::Assign(x) => x.attrs.is_empty(),
        Expr::Binary(x) => x.attrs.is_empty(),
        Expr::If(x) => x.attrs.is_empty(),
        Expr::While(x) => x.attrs.is_empty(),
        Expr::Loop(x) => x.attrs.is_empty(),
        Expr::Block(x) => x.attrs.is_empty(),
        Expr::Lit(x) => x.attrs.is_empty(),
        Expr::Path(x) => x.attrs.is_empty(),
        Expr::MethodCall(x) => x.attrs.is_empty(),
        Expr::Call(x) => x.attrs.is_empty(),
        Expr::Unary(x) => x.attrs.is_empty(),
        Expr::Paren(x) => x.attrs.is_empty(),
        Expr::Cast(x) => x.attrs.is_empty(),
        Expr::Field(x) => x.attrs.is_empty(),
        Expr::Group(x) => x.attrs.is_empty(),
        Expr::Return(x) => x.attrs.is_empty(),
        Expr::Break(x) => x.attrs.is_empty(),
        Expr::Continue(x) => x.attrs.is_empty(),
        Expr::ForLoop(x) => x.attrs.is_empty(),
        _ => false,
    }
}

/// Whether `e` is syntactically a `bool` (its lane form is a mask, not lanes).
fn is_boolish(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(l.lit, Lit::Bool(_)),
        Expr::Binary(b) => matches!(
            b.op,
            BinOp::And(_)
                | BinOp::Or(_)
                | BinOp::Lt(_)
                | BinOp::Le(_)
                | BinOp::Gt(_)
                | BinOp::Ge(_)
                | BinOp::Eq(_)
                | BinOp::Ne(_)
        ),
        Expr::Unary(u) => matches!(u.op, UnOp::Not(_)),
        Expr::Paren(p) => is_boolish(&p.expr),
        Expr::MethodCall(mc) => TESTS.contains(&mc.method.to_string().as_str()),
        _ => false,
    }
}

/// Whether a statement without `;` is control flow of type `()`.
fn is_unit_flow(e: &Expr) -> bool {
    matches!(
        e,
        Expr::If(_) | Expr::While(_) | Expr::Loop(_) | Expr::ForLoop(_) | Expr::Block(_)
    )
}

/// Whether a statement may `return`, `break` or `continue` (so the region's mask must be
/// refreshed).
fn diverges(s: &Stmt) -> bool {
    struct V(bool);
    impl<'a> syn::visit::Visit<'a> for V {
        fn visit_expr_return(&mut self, _: &'a syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_expr_break(&mut self, _: &'a syn::ExprBreak) {
            self.0 = true;
        }
        fn visit_expr_continue(&mut self, _: &'a syn::ExprContinue) {
            self.0 = true;
        }
    }
    let mut v = V(false);
    syn::visit::Visit::visit_stmt(&mut v, s);
    v.0
}
