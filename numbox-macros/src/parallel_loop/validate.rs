//! The race analysis of a prange body: classifies every captured variable as read-only,
//! reduction or disjoint target, and rejects, with a spanned error saying why and what to
//! write instead, every use that could race.
//!
//! Soundness never rests on this pass: the body becomes a `Fn + Sync` closure, and disjoint
//! parts are handed out by the runtime per index. The pass exists to classify, and to turn
//! what would be a confusing borrow error (or a silently serial-looking race) into a message.

use super::ir::{Plan, RedOp, Reduction, Use};
use super::macros::KNOWN_FOR_MESSAGES;
use super::scan::{alias_of, binding_counts, opaque_mentions, tokens_mention, Locals, Scan};
use crate::parse::peel;
use proc_macro2::Ident;
use quote::ToTokens;
use std::collections::{BTreeMap, HashSet};
use syn::visit::Visit;
use syn::{Expr, ExprForLoop, Pat};

/// Classifies the captured variables of `l`'s body; `Err` carries every problem found.
pub fn validate(l: &ExprForLoop, arg: &Expr) -> syn::Result<Plan> {
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
        aliases: Vec::new(),
        update: None,
        loop_label: l.label.as_ref().map(|l| &l.name),
        labels: Vec::new(),
        loops: 0,
        closures: 0,
        uses: Vec::new(),
        opaque: Vec::new(),
        opaque_depth: 0,
        errors: &mut errors,
    };
    // Statement by statement: an alias (`let j = i;`) counts from its own statement on, and
    // only when the body binds its name nowhere else (no shadowing, no other scope) and no
    // macro the check cannot look into mentions it.
    let counts = binding_counts(&l.body);
    let hidden = opaque_mentions(&l.body);
    for stmt in &l.body.stmts {
        scan.visit_stmt(stmt);
        if let Some(i) = index.as_ref().filter(|_| !index_mut) {
            if let Some(j) = alias_of(stmt, i, &scan.aliases)
                .filter(|j| counts.get(j) == Some(&1) && !hidden.contains(j))
            {
                scan.aliases.push(j);
            }
        }
    }
    let aliases = std::mem::take(&mut scan.aliases);
    let uses = std::mem::take(&mut scan.uses);
    let opaque = std::mem::take(&mut scan.opaque);

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

    let mut loop_vars = Locals::default();
    loop_vars.visit_pat(&l.pat);
    check_opaque(&opaque, &loop_vars.0, &order, &by_var, &mut errors);

    let index_ok = index
        .as_ref()
        .filter(|i| !index_mut && !body_locals.0.contains(*i));
    let mut plan = Plan {
        index: index.clone(),
        aliases,
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

/// Rejects each opaque macro invocation (see [`super::macros`]) whose tokens mention a loop
/// variable, a container the body indexes or writes, or a reduction: what its expansion does
/// with them is invisible here, so it could rebind the loop variable, write another
/// iteration's element or read a partial reduction without the check seeing it.
fn check_opaque(
    opaque: &[syn::Macro],
    loop_vars: &HashSet<Ident>,
    order: &[Ident],
    by_var: &BTreeMap<String, Vec<Use>>,
    errors: &mut crate::diag::Errors,
) {
    enum Kind {
        LoopVar,
        Container { written: bool },
        Reduction(RedOp),
    }
    let mut tracked: Vec<(&Ident, Kind)> = Vec::new();
    let mut loop_vars: Vec<&Ident> = loop_vars.iter().collect();
    loop_vars.sort();
    tracked.extend(loop_vars.into_iter().map(|v| (v, Kind::LoopVar)));
    for v in order {
        let uses = &by_var[&v.to_string()];
        let reduction = uses.iter().find_map(|u| match u {
            Use::Reduction { op, .. } => Some(*op),
            _ => None,
        });
        let written = uses.iter().any(|u| {
            matches!(
                u,
                Use::AtIndex { mutable: true, .. }
                    | Use::Whole {
                        mutation: Some(_),
                        ..
                    }
            )
        });
        if let Some(op) = reduction {
            tracked.push((v, Kind::Reduction(op)));
        } else if written || uses.iter().any(|u| matches!(u, Use::AtIndex { .. })) {
            tracked.push((v, Kind::Container { written }));
        }
    }
    let i = match tracked.first() {
        Some((v, Kind::LoopVar)) => v.to_string(),
        _ => "i".to_string(),
    };
    for m in opaque {
        let hits: Vec<_> = tracked
            .iter()
            .filter(|(v, _)| tokens_mention(&m.tokens, v))
            .collect();
        // The fix names the mention that matters most: a reduction, then a written container.
        let rank = |k: &Kind| match k {
            Kind::Reduction(_) => 0,
            Kind::Container { written: true } => 1,
            Kind::LoopVar => 2,
            Kind::Container { written: false } => 3,
        };
        let Some((first, kind)) = hits.iter().min_by_key(|(_, k)| rank(k)) else {
            continue;
        };
        let local = if *first == "v" { "w" } else { "v" };
        let name = m.path.to_token_stream().to_string().replace(' ', "");
        let list = hits
            .iter()
            .map(|(v, kind)| match kind {
                Kind::LoopVar => format!("`{v}`, the prange loop variable"),
                Kind::Container { written: true } => format!("`{v}`, which the loop writes"),
                Kind::Container { written: false } => format!("`{v}`, which the loop indexes"),
                Kind::Reduction(op) => format!("`{v}`, a reduction (`{}`)", op.written(v)),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let fix = match kind {
            Kind::LoopVar => {
                format!("pass the macro a copy in a plain local (`let {local} = {first}; {name}!({local});`)")
            }
            Kind::Container { .. } => format!(
                "pass the macro the element in a plain local \
                 (`let {local} = {first}[{i}]; {name}!({local});`) \
                 and write `{first}[{i}] = ..` in the loop body itself"
            ),
            Kind::Reduction(op) => format!(
                "let the macro compute a value without `{first}` and reduce that in the loop body \
                 (`let {local} = {name}!(..); {};`)",
                op.written(first).replace("..", local)
            ),
        };
        let them = if hits.len() == 1 { "it" } else { "them" };
        errors.error(
            m,
            format!(
                "`{name}!` mentions {list}: the race check of #[parallel_loop] cannot see what a \
                 macro's expansion does with {them} (it could rebind, write or read {them}, and \
                 the parallel loop would then compute something else than the serial one); only \
                 the standard macros {KNOWN_FOR_MESSAGES} are looked into. Call a function \
                 instead, or {fix}"
            ),
        );
    }
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
                } else if why.ends_with("!` writes into") {
                    format!(
                        "write into a `String` declared inside the loop and keep it in a \
                         pre-sized output at the loop index (`texts[{i}] = text`), or write into \
                         the iteration's own element (`write!(texts[{i}], ..)` with \
                         `texts: &mut [String]`)"
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
                mutable: true,
                update: Some(op),
            } => {
                target = false;
                errors.error(
                    span,
                    format!(
                        "`{v}` is updated (`{op}`) at an index computed in the iteration, not at \
                         the loop variable `{i}`: two iterations that compute the same index would \
                         each read that element of `{v}`, update it and write it back at the same \
                         time, and one of the updates would be lost (a histogram or scatter-add \
                         race). Race-free forms: run the loop over the elements of `{v}` instead \
                         (`for b in prange(0..{v}.len())`, each iteration computing the whole \
                         value of `{v}[b]`, e.g. counting the items that fall in bin `b`), or give \
                         each chunk of the work its own partial result, a row of a 2-D array \
                         written at the loop index (`for c in prange(0..chunks) {{ for k in \
                         chunk c {{ partial[[c, bin(k)]] += 1; }} }}`), and add the rows after the \
                         loop (`partial.sum_axis(Axis(0))`)"
                    ),
                );
            }
            Use::AtIndex {
                span,
                at_index: false,
                mutable,
                ..
            } if *mutable || writes_at_index => {
                target = false;
                let what = if *mutable {
                    "written"
                } else {
                    "read while iterations write it"
                };
                // A column (or a slice along another axis) crosses every iteration's row.
                let text = span.to_string();
                let across = if ["column", "slice"].iter().any(|m| text.contains(m)) {
                    format!(
                        "; to give each iteration a column, loop over the rows of a transposed \
                         view: `let mut t = {v}.view_mut().reversed_axes();` before the loop and \
                         `t.row_mut({i})` (or `t.slice_mut(s![{i}, ..])`) in it"
                    )
                } else {
                    String::new()
                };
                errors.error(
                    span,
                    format!(
                        "`{v}` is {what} at an index other than the loop variable `{i}`: another \
                         iteration may be writing that element at the same time; each iteration may \
                         only touch `{v}[{i}]` (`{v}[[{i}, ..]]`, `{v}.row_mut({i})`, \
                         `{v}.slice_mut(s![{i}, ..])`, `{v}.index_axis_mut(Axis(0), {i})`); \
                         compute other elements in their own iteration, or write into a second \
                         array{across}"
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
                         `{v}.row_mut({i})`, `{v}.slice_mut(s![{i}, ..])`, \
                         `{v}.index_axis_mut(Axis(0), {i})` and shape queries \
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

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn plan(l: ExprForLoop) -> syn::Result<Plan> {
        let Expr::Call(c) = &*l.expr else { panic!() };
        validate(&l, &c.args[0])
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
    #[test]
    fn exact_aliases_of_the_index_and_row_slices_are_the_index() {
        let p = plan(parse_quote!(for i in prange(0..n) {
            let j = i;
            let k: usize = j as usize;
            out[j] = x[k];
            grid.slice_mut(s![k, ..]).fill(1.0);
            cube.slice_mut(ndarray::s![i, .., 1..3;2]).assign(&y);
            m[[i as usize, 0]] = w.slice(s![i, ..]).sum();
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let t: Vec<_> = p.targets.iter().map(Ident::to_string).collect();
        assert_eq!(t, ["out", "grid", "cube", "m"]);
        let a: Vec<_> = p.aliases.iter().map(Ident::to_string).collect();
        assert_eq!(a, ["j", "k"]);
        // Not exact copies, or not the same binding everywhere: still other indices.
        for l in [
            parse_quote!(for i in prange(0..n) {
                let j = i + 1;
                out[j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                let mut j = i;
                j += 1;
                out[j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                let j = i;
                {
                    let j = 0;
                    out[j] = 0;
                }
            }),
            parse_quote!(for i in prange(0..n) {
                out[j] = 0;
                let j = i;
            }),
            parse_quote!(for i in prange(0..n) {
                {
                    let j = i;
                }
                out[j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                let j = i as u32;
                out[j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                let j = &i;
                out[*j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                let j = i;
                let f = |j: usize| out[j] = 0;
            }),
            parse_quote!(for i in prange(0..n) {
                out.slice_mut(s![.., i]).fill(0);
            }),
            parse_quote!(for i in prange(0..n) {
                out.slice_mut(s![i..i + 1, ..]).fill(0);
            }),
            parse_quote!(for i in prange(0..n) {
                out.slice_mut(s![i;2, ..]).fill(0);
            }),
        ] {
            let e = err(l);
            assert!(e.contains("index other than the loop variable"), "{e}");
        }
        let e = err(parse_quote!(for i in prange(0..n) {
            out.column_mut(i).fill(0.0);
        }));
        assert!(e.contains("index other than the loop variable"), "{e}");
        assert!(
            e.contains("let mut t = out.view_mut().reversed_axes();"),
            "{e}"
        );
        // A copy handed to a macro the check cannot look into is not an alias: the macro
        // could rebind it.
        let e = err(parse_quote!(for i in prange(0..n) {
            let j = i;
            rebind!(j);
            out[j] = 0;
        }));
        assert!(e.contains("index other than the loop variable"), "{e}");
        assert!(!e.contains("`rebind!` mentions"), "{e}");
    }

    #[test]
    fn a_histogram_says_what_races_and_what_to_write() {
        let e = err(parse_quote!(for k in prange(0..x.len()) {
            let b = (x[k] * 10.0) as usize;
            counts[b] += 1;
        }));
        assert!(e.starts_with("`counts` is updated (`+=`) at an index computed in the iteration, not at the loop variable `k`"), "{e}");
        assert!(e.contains("one of the updates would be lost"), "{e}");
        assert!(e.contains("for b in prange(0..counts.len())"), "{e}");
        assert!(e.contains("partial.sum_axis(Axis(0))"), "{e}");
    }

    #[test]
    fn opaque_macros_may_not_mention_tracked_variables() {
        // The reproducer: the loop variable is handed to a user macro.
        let e = err(parse_quote!(for i in prange(0..out.len()) {
            rebind!(i);
            out[i] += 1;
        }));
        assert!(
            e.contains("`rebind!` mentions `i`, the prange loop variable"),
            "{e}"
        );
        assert!(e.contains("let v = i; rebind!(v);"), "{e}");
        // Expression position, nested in a closure in a block in `println!`'s arguments.
        let e = err(parse_quote!(for i in prange(0..n) {
            {
                let f = |k: usize| println!("{}", at!(out, k));
                f(0);
            }
            out[i] = 1.0;
        }));
        assert!(
            e.contains("`at!` mentions `out`, which the loop writes"),
            "{e}"
        );
        assert!(e.contains("let v = out[i]; at!(v);"), "{e}");
        let e = err(parse_quote!(for j in prange(0..n) {
            s = s.max(x[j]);
            bump!(s);
        }));
        assert!(e.contains("`s`, a reduction (`s = s.max(..)`)"), "{e}");
        assert!(e.contains("s = s.max(v)"), "{e}");
        // Read-only inputs that are indexed count too; every mention is listed, once per macro.
        let e = err(parse_quote!(for i in prange(0..n) {
            out[i] = x[i] + my::pick!(x, i, outer!(i));
        }));
        assert!(
            e.contains(
                "`my::pick!` mentions `i`, the prange loop variable; `x`, which the loop indexes:"
            ),
            "{e}"
        );
        assert!(!e.contains("`outer!`"), "{e}");
        // A standard name with other arguments is not the standard macro.
        assert!(err(parse_quote!(for i in prange(0..n) {
            vec!(let i);
            out[i] = 0;
        }))
        .contains("`vec!` mentions `i`"));
        // Paths that are not std/core/alloc are opaque.
        assert!(err(parse_quote!(for i in prange(0..n) {
            mycrate::println!("{}", i);
        }))
        .contains("`mycrate::println!` mentions `i`"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = plan(parse_quote!(for i in prange(0..n) {
            rebind!(i);
            out[i + 1] = 0;
            show!(s);
            s += 1;
            assert!({
                out[0] = 1;
                true
            });
        }))
        .err()
        .unwrap();
        let msgs: Vec<_> = e.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:#?}");
        assert!(msgs[0].starts_with("`rebind!` mentions `i`"));
        assert!(msgs[1].starts_with("`show!` mentions `s`, a reduction"));
        assert!(msgs[2..].iter().all(|m| m.contains("index other than")));
    }

    #[test]
    fn standard_macro_arguments_are_checked_like_plain_code() {
        assert!(err(parse_quote!(for i in prange(0..n) {
            assert!(
                {
                    out[0] = 1.0;
                    true
                },
                "{}",
                x[i]
            );
            out[i] = x[i];
        }))
        .contains("`out` is written at an index other than the loop variable `i`"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += x[i];
            println!("{i}: {s:>w$}", w = 3);
        }))
        .contains("`s` is a reduction"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += x[i];
            println!("{:>1$}", i, s);
        }))
        .contains("`s` is a reduction"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            s += x[i];
            println!("{:.*}", 2, i);
            let _ = format!("{:.p$}", 1.0, p = s);
        }))
        .contains("`s` is a reduction"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            std::writeln!(log, "{}", x[i]).unwrap();
        }))
        .contains(
            "`writeln!` writes into `log`, which is declared outside the prange loop: iterations \
             run in parallel and would race on it; write into a `String` declared inside the loop"
        ));
        assert!(err(parse_quote!(for i in prange(0..n) {
            out[i] = vec![out[i + 1]; 2][0];
        }))
        .contains("`out` is read while iterations write it at an index other"));
        assert!(err(parse_quote!(for i in prange(0..n) {
            out[i] = ::core::matches!(x[i], t if t > out[0]);
        }))
        .contains("`out` is read while iterations write it at an index other"));
    }

    #[test]
    fn allows_standard_macros_and_macros_without_tracked_variables() {
        let p = plan(parse_quote!(for i in prange(0..n) {
            let v = vec![x[i]; 3];
            let h = x[i];
            out[i] = v[0] + half!(h) + half!(w);
            assert!(
                out[i] > 0.0,
                "{i} {} {w} {:>width$}",
                out[i],
                1.0,
                width = 8
            );
            core::assert_eq!(v.len(), 3);
            ::std::debug_assert_ne!(out[i], -1.0, "{}", x.len());
            write!(labels[i], "{i}:{}", out[i]).unwrap();
            s += format!("{name}", name = i).len();
            c += matches!(x[i].partial_cmp(&0.0), Some(o) if o.is_gt()) as u32;
            let _ = stringify!(out, s, i);
            let _ = (line!(), file!(), cfg!(test));
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let t: Vec<_> = p.targets.iter().map(Ident::to_string).collect();
        assert_eq!(t, ["out", "labels"]);
        let r: Vec<_> = p.reductions.iter().map(|r| r.var.to_string()).collect();
        assert_eq!(r, ["s", "c"]);
    }
}
