//! Emits one prange loop as a call of the runtime driver (`::numbox::__private::parallel_loop`).
//!
//! ```text
//! {
//!     let __nb_range = prange(RANGE);
//!     let __nb_parts = (out.__nb_disjoint(), ());          // containers written at `i`
//!     let __nb_total = reduce(__nb_range, SCHEDULE, CHUNK, &__nb_parts,
//!         || (zero_like(&s),),                            // each block starts from identities
//!         |i, (mut __nb_lz_out, ()), __nb_acc| { let (s,) = __nb_acc; BODY' },
//!         |__nb_a, __nb_b| { __nb_a.0 += __nb_b.0; },     // blocks combine in order
//!         |__nb_a, __nb_w| { wire(&mut __nb_a.0, "s", __nb_w); }); // ranks (dist::on_rows)
//!     s += __nb_total.0;                                  // the initial value, applied once
//! }
//! ```
//! `BODY'` is the body with `s += e` as `*s += e`, `out[i]` as `__nb_lz_out.get()[0]`,
//! `out.len()` as `__nb_lz_out.whole().len()` and `continue` as `return`.
//!
//! A body with a lockstep path ([`super::lanes`]) runs through `for_each_lanes` instead:
//!
//! ```text
//! {
//!     HEAD
//!     fn __nb_lockstep<const __NB_K: usize>(..) -> .. { .. }   // the lane kernel
//!     struct __NbLock;                                          // ... as a `Lockstep`
//!     impl Lockstep<(IN..), (OUT,)> for __NbLock { const LANES = N; .. }
//!     for_each_lanes(__nb_range, SCHEDULE, CHUNK, &mut __nb_parts, __NbLock,
//!         |i, (mut __nb_lz_out, ())| BODY',                     // the tail, scalar
//!         |i| (zs[i], cs[i], maxiter),                          // one iteration's inputs
//!         |i, (mut __nb_lz_out, ()), (v,)| { __nb_lz_out.get()[0] = v; });
//! }
//! ```

use super::ir::{Plan, RedOp};
use super::lanes::{self, FnContext, LaneLoop};
use super::macros::{classify, Invocation, Piece};
use super::options::Options;
use super::scan::{
    at_loop_index, captured, is_axis0, locals_of, macro_args, AT_INDEX_METHODS, SHAPE_METHODS,
};
use crate::emit::Private;
use proc_macro2::{Ident, Span};
use quote::{format_ident, quote, ToTokens};
use std::collections::HashSet;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Expr, ExprForLoop};

/// The replacement of loop `l` (over `prange(arg)`), whose body `plan` classified; an error
/// when `lanes = N` asks for a lockstep path the body cannot have.
pub fn expand(
    l: &ExprForLoop,
    arg: &Expr,
    plan: &Plan,
    options: &Options,
    cx: &FnContext,
) -> syn::Result<Expr> {
    let lane_loop = match &options.lanes {
        Some((1, _)) => None,
        forced => match lanes::plan(l, plan, options, cx) {
            Ok(lane_loop) => Some(lane_loop),
            Err(why) => match forced {
                Some((n, lit)) => {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!("`lanes = {n}`: this prange loop has no lockstep path: {why}"),
                    ))
                }
                None => None,
            },
        },
    };
    let mut body = l.body.clone();
    let locals = locals_of(l);
    let mut rw = Rewrite {
        plan,
        locals: &locals,
        reductions: plan
            .reductions
            .iter()
            .map(|r| (r.var.clone(), r.op))
            .collect(),
        targets: plan.targets.iter().cloned().collect(),
        loops: 0,
        closures: 0,
        labels: Vec::new(),
    };
    rw.visit_block_mut(&mut body);

    let p = Private;
    let pr = quote!(#p::parallel_loop);
    let (schedule, chunk) = options.tokens();
    let pat = &l.pat;
    let lazy = |v: &Ident| format_ident!("__nb_lz_{}", v, span = Span::mixed_site());
    let parts = plan
        .targets
        .iter()
        .rev()
        .fold(quote!(()), |rest, v| quote!((#v.__nb_disjoint(), #rest)));
    let lazies = plan.targets.iter().rev().fold(quote!(()), |rest, v| {
        let lz = lazy(v);
        quote!((mut #lz, #rest))
    });
    let range = format_ident!("__nb_range", span = Span::mixed_site());
    let parts_id = format_ident!("__nb_parts", span = Span::mixed_site());
    let head = quote! {
        let #range = #pr::prange(#arg);
        #[allow(unused_imports)]
        use #pr::DisjointExt as _;
        let mut #parts_id = #parts;
    };
    if let Some(LaneLoop {
        lockstep,
        inputs,
        output,
        reads,
        place,
    }) = lane_loop
    {
        let v = format_ident!("__nb_v", span = Span::mixed_site());
        let mut store: syn::Block = parse_quote!({ #place = #v; });
        rw.visit_block_mut(&mut store);
        let k = options.lanes.as_ref().map_or(0, |l| l.0);
        let lock = format_ident!("__NbLock", span = Span::mixed_site());
        return Ok(parse_quote! {{
            #head
            #lockstep
            #[allow(non_camel_case_types)]
            struct #lock;
            impl #pr::Lockstep<(#(#inputs,)*), (#output,)> for #lock {
                const LANES: usize = #k;
                #[inline(always)]
                fn group<const __NB_K: usize>(
                    __nb_args: [(#(#inputs,)*); __NB_K],
                ) -> [(#output,); __NB_K] {
                    __nb_lockstep::<__NB_K>(__nb_args)
                }
            }
            #pr::for_each_lanes(
                #range, #schedule, #chunk, &mut #parts_id, #lock,
                #[inline(always)] |#pat, #lazies| #body,
                #[inline(always)] |#pat| (#(#reads,)*),
                #[inline(always)]
                #[allow(unused_variables)]
                |#pat, #lazies, (#v,)| #store,
            );
        }});
    }
    if plan.reductions.is_empty() {
        return Ok(parse_quote! {{
            #head
            #pr::for_each(#range, #schedule, #chunk, &mut #parts_id, #[inline(always)] |#pat, #lazies| #body);
        }});
    }

    let acc = format_ident!("__nb_acc", span = Span::mixed_site());
    let (a, b, total) = (
        format_ident!("__nb_a", span = Span::mixed_site()),
        format_ident!("__nb_b", span = Span::mixed_site()),
        format_ident!("__nb_total", span = Span::mixed_site()),
    );
    let vars: Vec<&Ident> = plan.reductions.iter().map(|r| &r.var).collect();
    let mut identities = Vec::new();
    let mut combines = Vec::new();
    let mut finals = Vec::new();
    let mut wires = Vec::new();
    let wire_id = format_ident!("__nb_w", span = Span::mixed_site());
    for (k, r) in plan.reductions.iter().enumerate() {
        let k = syn::Index::from(k);
        let v = &r.var;
        let name = v.to_string();
        wires.push(quote!(#pr::wire(&mut #a.#k, #name, #wire_id)));
        identities.push(match r.op {
            RedOp::Add | RedOp::Sub | RedOp::Or | RedOp::Xor => quote!(#pr::zero_like(&#v)),
            RedOp::Mul => quote!(#pr::one_like(&#v)),
            RedOp::And => quote!(#pr::all_ones_like(&#v)),
            RedOp::Max | RedOp::Min => quote!(::core::clone::Clone::clone(&#v)),
        });
        let (comb, fin) = match r.op {
            // `-=` blocks sum the subtracted values; the total is subtracted once.
            RedOp::Add | RedOp::Sub => (quote!(#a.#k += #b.#k), quote!(+=)),
            RedOp::Mul => (quote!(#a.#k *= #b.#k), quote!(*=)),
            RedOp::Or => (quote!(#a.#k |= #b.#k), quote!(|=)),
            RedOp::And => (quote!(#a.#k &= #b.#k), quote!(&=)),
            RedOp::Xor => (quote!(#a.#k ^= #b.#k), quote!(^=)),
            RedOp::Max => (quote!(#a.#k = #a.#k.max(#b.#k)), quote!()),
            RedOp::Min => (quote!(#a.#k = #a.#k.min(#b.#k)), quote!()),
        };
        combines.push(comb);
        finals.push(match r.op {
            RedOp::Sub => quote!(#v -= #total.#k;),
            RedOp::Max => quote!(#v = #v.max(#total.#k);),
            RedOp::Min => quote!(#v = #v.min(#total.#k);),
            _ => quote!(#v #fin #total.#k;),
        });
    }
    // Under `fastmath`, each block accumulates on the runtime's lane grid.
    let reduce = format_ident!(
        "{}",
        if options.fastmath {
            "reduce_lanes"
        } else {
            "reduce"
        }
    );
    Ok(parse_quote! {{
        #head
        let #total = #pr::#reduce(
            #range, #schedule, #chunk, &mut #parts_id,
            || (#(#identities,)*),
            #[inline(always)]
            |#pat, #lazies, #acc| {
                let (#(#vars,)*) = #acc;
                #body
            },
            |#a, #b| { #(#combines;)* },
            |#a, #wire_id| { #(#wires;)* },
        );
        #(#finals)*
    }})
}

/// Rewrites the body for the closure (see the module docs).
struct Rewrite<'a> {
    plan: &'a Plan,
    locals: &'a HashSet<Ident>,
    reductions: Vec<(Ident, RedOp)>,
    targets: HashSet<Ident>,
    loops: usize,
    closures: usize,
    labels: Vec<syn::Lifetime>,
}

impl Rewrite<'_> {
    fn captured<'e>(&self, e: &'e Expr) -> Option<&'e Ident> {
        captured(e, self.locals, self.plan.index.as_ref())
    }

    fn reduction(&self, e: &Expr) -> Option<RedOp> {
        let v = self.captured(e)?;
        self.reductions
            .iter()
            .find(|(r, _)| r == v)
            .map(|(_, op)| *op)
    }

    fn target(&self, e: &Expr) -> Option<Ident> {
        self.captured(e)
            .filter(|v| self.targets.contains(*v))
            .map(|v| format_ident!("__nb_lz_{}", v, span = Span::mixed_site()))
    }
}

/// `[i, j]` -> `[0, j]`, `(i, j)` -> `(0, j)`, `s![i, ..]` -> `s![0, ..]`, `i` -> `0`.
fn zero_first(idx: &mut Expr) {
    let zero: Expr = parse_quote!(0);
    match idx {
        Expr::Array(a) => a.elems[0] = zero,
        Expr::Tuple(t) => t.elems[0] = zero,
        Expr::Paren(p) => zero_first(&mut p.expr),
        Expr::Group(g) => zero_first(&mut g.expr),
        Expr::Macro(m) => super::macros::zero_slice_first(&mut m.mac),
        e => *e = zero,
    }
}

fn deref(e: &Expr) -> Expr {
    parse_quote!((*#e))
}

impl VisitMut for Rewrite<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        match e {
            Expr::Binary(b) if self.reduction(&b.left).is_some() => {
                if let syn::BinOp::SubAssign(t) = b.op {
                    b.op = syn::BinOp::AddAssign(syn::Token![+=](t.spans[0]));
                }
                *b.left = deref(&b.left);
                self.visit_expr_mut(&mut b.right);
            }
            Expr::Assign(a) if self.reduction(&a.left).is_some() => {
                *a.left = deref(&a.left);
                if let Expr::MethodCall(m) = peel_mut(&mut a.right) {
                    *m.receiver = deref(&m.receiver);
                    for arg in &mut m.args {
                        self.visit_expr_mut(arg);
                    }
                }
            }
            Expr::Index(ix) if self.target(&ix.expr).is_some() => {
                let lz = self.target(&ix.expr).unwrap();
                self.visit_expr_mut(&mut ix.index);
                *ix.expr = parse_quote!(#lz.get());
                zero_first(&mut ix.index);
            }
            Expr::MethodCall(m) if self.target(&m.receiver).is_some() => {
                let lz = self.target(&m.receiver).unwrap();
                for arg in &mut m.args {
                    self.visit_expr_mut(arg);
                }
                let name = m.method.to_string();
                if let Some(&(_, pos, _, _)) = AT_INDEX_METHODS.iter().find(|a| a.0 == name) {
                    *m.receiver = parse_quote!(#lz.get());
                    debug_assert!(pos == 0 || is_axis0(&m.args[0]));
                    let (index, aliases) = (self.plan.index.as_ref(), &self.plan.aliases);
                    debug_assert!(at_loop_index(&m.args[pos], index, aliases));
                    zero_first(&mut m.args[pos]);
                } else if SHAPE_METHODS.contains(&name.as_str()) {
                    *m.receiver = parse_quote!(#lz.whole());
                }
            }
            Expr::Continue(c) if self.closures == 0 => {
                let ours = match &c.label {
                    None => self.loops == 0,
                    Some(l) => !self.labels.contains(l) && Some(l) == self.plan.label.as_ref(),
                };
                if ours {
                    *e = parse_quote!(return);
                }
            }
            Expr::Closure(_) | Expr::Async(_) => {
                self.closures += 1;
                syn::visit_mut::visit_expr_mut(self, e);
                self.closures -= 1;
            }
            Expr::ForLoop(_) | Expr::While(_) | Expr::Loop(_) => {
                let label = match e {
                    Expr::ForLoop(f) => f.label.clone(),
                    Expr::While(w) => w.label.clone(),
                    Expr::Loop(l) => l.label.clone(),
                    _ => None,
                };
                self.loops += 1;
                self.labels.extend(label.as_ref().map(|l| l.name.clone()));
                syn::visit_mut::visit_expr_mut(self, e);
                if label.is_some() {
                    self.labels.pop();
                }
                self.loops -= 1;
            }
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        match classify(m) {
            Invocation::Known(mut pieces) => {
                for p in &mut pieces {
                    match p {
                        Piece::Expr(e, _) => self.visit_expr_mut(e),
                        Piece::Pat(p) => self.visit_pat_mut(p),
                        Piece::Tokens(_) => {}
                    }
                }
                m.tokens = pieces.iter().map(ToTokens::to_token_stream).collect();
            }
            Invocation::Inert => {}
            // The analysis rejected any mention of a reduction or target; only `continue`
            // still needs its rewrite.
            Invocation::Opaque => {
                if let Some(mut args) = macro_args(m) {
                    for a in args.iter_mut() {
                        self.visit_expr_mut(a);
                    }
                    m.tokens = args.into_token_stream();
                }
            }
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

fn peel_mut(mut e: &mut Expr) -> &mut Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &mut p.expr,
            Expr::Group(g) => e = &mut g.expr,
            _ => return e,
        }
    }
}
