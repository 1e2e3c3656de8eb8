//! The kernel body: collects the constant offsets of relative reads, rewrites them into
//! direct loads, and rejects writes to inputs and non-constant offsets without a declared
//! neighbourhood.

use crate::diag::Errors;
use crate::emit::Private;
use proc_macro2::{Literal, Span};
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Expr, Ident, Lit, UnOp};

/// The value of an integer constant expression: literals, `-`, `+ - * / %` and parentheses
/// over them, and casts of them (`1 as isize`).
pub fn const_int(e: &Expr) -> Option<i128> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => i.base10_parse::<i128>().ok(),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => const_int(&u.expr).map(|v| -v),
        Expr::Paren(p) => const_int(&p.expr),
        Expr::Group(g) => const_int(&g.expr),
        Expr::Cast(c) => const_int(&c.expr),
        Expr::Binary(b) => {
            let (l, r) = (const_int(&b.left)?, const_int(&b.right)?);
            match b.op {
                BinOp::Add(_) => l.checked_add(r),
                BinOp::Sub(_) => l.checked_sub(r),
                BinOp::Mul(_) => l.checked_mul(r),
                BinOp::Div(_) => l.checked_div(r),
                BinOp::Rem(_) => l.checked_rem(r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A constant-offset read, kept to infer or check the neighbourhood.
pub struct Read {
    pub offsets: Vec<i128>,
    pub span: Span,
}

/// The pass over a copy of the body.
pub struct BodyPass<'a> {
    /// The relatively indexed parameters.
    pub inputs: &'a [Ident],
    /// Their dimensionality (1, 2 or 3).
    pub ndim: usize,
    /// Whether the attribute declares a neighbourhood (non-constant offsets are then allowed).
    pub declared: bool,
    pub errors: &'a mut Errors,
    pub reads: Vec<Read>,
}

impl BodyPass<'_> {
    fn input_of(&self, e: &Expr) -> Option<Ident> {
        match e {
            Expr::Path(p) if p.qself.is_none() => {
                let id = p.path.get_ident()?;
                self.inputs.iter().find(|i| *i == id).cloned()
            }
            Expr::Paren(p) => self.input_of(&p.expr),
            Expr::Group(g) => self.input_of(&g.expr),
            _ => None,
        }
    }

    /// The input a place expression (`u[..]`, `u[..].x`, `*u`) is rooted at.
    fn place_root(&self, e: &Expr) -> Option<Ident> {
        match e {
            Expr::Index(i) => self.place_root(&i.expr),
            Expr::Field(f) => self.place_root(&f.base),
            Expr::Paren(p) => self.place_root(&p.expr),
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self.place_root(&u.expr),
            _ => self.input_of(e),
        }
    }

    fn check_write(&mut self, place: &Expr) {
        if let Some(input) = self.place_root(place) {
            self.errors.error(
                place,
                format!(
                    "`{input}` is an input of the stencil and cannot be written: inputs are read-only views; \
                     compute the value and return it (the kernel's result is written to the output point)"
                ),
            );
        }
    }

    /// Handles `input[index]`; returns the rewritten expression for a constant offset.
    fn relative_read(&mut self, input: &Ident, index: &Expr, whole: Span) -> Option<Expr> {
        let elems: Vec<&Expr> = match index {
            Expr::Array(a) => a.elems.iter().collect(),
            other if self.ndim == 1 => vec![other],
            other => {
                let example = ["di", "dj", "dk"][..self.ndim].join(", ");
                self.errors.error(
                    other,
                    format!(
                        "`{input}` is a Neighbors{n} input: index it with {n} offsets, `{input}[[{example}]]`",
                        n = self.ndim
                    ),
                );
                return None;
            }
        };
        if elems.len() != self.ndim {
            let example = ["di", "dj", "dk"][..self.ndim].join(", ");
            self.errors.error(
                index,
                format!(
                    "`{input}` is a Neighbors{n} input: index it with {n} offset{s}, `{input}[[{example}]]`, not {m}",
                    n = self.ndim,
                    s = if self.ndim == 1 { "" } else { "s" },
                    m = elems.len()
                ),
            );
            return None;
        }
        let mut offsets = Vec::with_capacity(self.ndim);
        for e in &elems {
            match const_int(e) {
                Some(v) if isize::try_from(v).is_ok() => offsets.push(v),
                Some(v) => {
                    self.errors
                        .error(e, format!("offset {v} does not fit in an `isize`"));
                    return None;
                }
                None if self.declared => return None,
                None => {
                    let example = vec!["[-2, 2]"; self.ndim].join(", ");
                    self.errors.error(
                        e,
                        format!(
                            "this offset is not a constant, so #[stencil] cannot infer the neighbourhood: \
                             declare the box it stays in, one `[lo, hi]` per axis, e.g. \
                             `#[stencil(neighborhood = [{example}])]` (reads outside it panic), \
                             or use constant offsets such as `-1` or `1 + 1`"
                        ),
                    );
                    return None;
                }
            }
        }
        let lits = offsets.iter().map(|&v| Literal::isize_suffixed(v as isize));
        let p = Private;
        let tokens = quote_spanned! {whole=>
            (*#p::stencil::Neighbors::__nb_at(&#input, [#(#lits),*]))
        };
        self.reads.push(Read {
            offsets,
            span: whole,
        });
        Some(syn::parse2(tokens).expect("a rewritten read parses as an expression"))
    }
}

/// `for k in a..=b` with constant bounds becomes `for k in a..b + 1` (same values, same
/// order): `RangeInclusive`'s exhaustion flag keeps LLVM from unrolling the loop, which made
/// the trailing 30-point mean 4.9x slower than a hand loop. Only when `b + 1` fits every
/// integer type `b` could have.
fn exclusive_range(e: &mut Expr) {
    let Expr::Range(r) = e else { return };
    let (Some(start), Some(end), syn::RangeLimits::Closed(dots)) = (&r.start, &r.end, r.limits)
    else {
        return;
    };
    let (Some(_), Some(b)) = (const_int(start), const_int(end)) else {
        return;
    };
    if b + 1 > i8::MAX as i128 {
        return;
    }
    let span = dots.spans[0];
    let next = if b + 1 < 0 {
        let lit = Literal::i128_unsuffixed(-(b + 1));
        quote_spanned!(span=> -#lit)
    } else {
        let lit = Literal::i128_unsuffixed(b + 1);
        quote_spanned!(span=> #lit)
    };
    r.end = Some(Box::new(
        syn::parse2(next).expect("an integer literal parses"),
    ));
    r.limits = syn::RangeLimits::HalfOpen(syn::Token![..](span));
}

impl VisitMut for BodyPass<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::ForLoop(f) = e {
            exclusive_range(&mut f.expr);
        }
        match e {
            Expr::Assign(a) => self.check_write(&a.left),
            Expr::Binary(b) if crate::parse::is_compound_assign(&b.op) => self.check_write(&b.left),
            Expr::Reference(r) if r.mutability.is_some() => self.check_write(&r.expr),
            _ => {}
        }
        visit_mut::visit_expr_mut(self, e);
        if let Expr::Index(ix) = e {
            if let Some(input) = self.input_of(&ix.expr) {
                let span = ix.span();
                if let Some(new) = self.relative_read(&input, &ix.index, span) {
                    *e = new;
                }
            }
        }
    }

    // Items nested in the body have their own scopes: they cannot see the inputs.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Replaces the index of every read of `input` that does not give its `ndim` offsets (an
/// error [`BodyPass`] reports) by offset zero, spanned where the user's index was.
pub fn zero_wrong_rank_reads(block: &mut syn::Block, input: &Ident, ndim: usize) {
    struct Zero<'a> {
        input: &'a Ident,
        ndim: usize,
    }
    impl VisitMut for Zero<'_> {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            visit_mut::visit_expr_mut(self, e);
            let Expr::Index(ix) = e else { return };
            let is_input = matches!(&*ix.expr, Expr::Path(p) if p.qself.is_none()
                && p.path.is_ident(self.input));
            let rank = match &*ix.index {
                Expr::Array(a) => a.elems.len(),
                _ => 1,
            };
            if is_input && rank != self.ndim {
                let span = ix.index.span();
                let zeros = vec![quote_spanned!(span=> 0); self.ndim];
                let zero = if self.ndim == 1 {
                    quote_spanned!(span=> 0)
                } else {
                    quote_spanned!(span=> [#(#zeros),*])
                };
                *ix.index = syn::parse2(zero).expect("offset zero parses");
            }
        }
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    Zero { input, ndim }.visit_block_mut(block);
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use syn::parse_quote;

    #[test]
    fn constant_expressions() {
        let v = |e: Expr| const_int(&e);
        assert_eq!(v(parse_quote!(-1)), Some(-1));
        assert_eq!(v(parse_quote!(-1 + 0)), Some(-1));
        assert_eq!(v(parse_quote!((2 * 3) - 10 as isize)), Some(-4));
        assert_eq!(v(parse_quote!(k)), None);
        assert_eq!(v(parse_quote!(1 / 0)), None);
    }

    #[test]
    fn rewrites_constant_reads_and_collects_offsets() {
        let inputs = [parse_quote!(u)];
        let mut errors = Errors::default();
        let mut body: syn::Block = parse_quote!({ u[[-1, 0]] + u[[1 + 1, 0]] - w[[5, 5]] });
        let mut pass = BodyPass {
            inputs: &inputs,
            ndim: 2,
            declared: false,
            errors: &mut errors,
            reads: Vec::new(),
        };
        pass.visit_block_mut(&mut body);
        let offs: Vec<_> = pass.reads.iter().map(|r| r.offsets.clone()).collect();
        assert_eq!(offs, vec![vec![-1, 0], vec![2, 0]]);
        let text = body.to_token_stream().to_string();
        assert!(text.contains("__nb_at"));
        assert!(text.contains("w [[5 , 5]]"), "{text}");
        assert!(errors.finish().is_ok());
    }

    #[test]
    fn constant_inclusive_loops_become_exclusive() {
        let inputs = [parse_quote!(a)];
        let mut errors = Errors::default();
        let mut body: syn::Block = parse_quote!({
            for k in -29..=0 {}
            for k in -5..=-2 {}
            for k in 0..=127 {}
            for k in 0..=n {}
        });
        let mut pass = BodyPass {
            inputs: &inputs,
            ndim: 1,
            declared: true,
            errors: &mut errors,
            reads: Vec::new(),
        };
        pass.visit_block_mut(&mut body);
        let text = body.to_token_stream().to_string();
        assert!(text.contains("- 29 .. 1"), "{text}");
        assert!(text.contains("- 5 .. - 1"), "{text}");
        assert!(text.contains("0 ..= 127"), "{text}");
        assert!(text.contains("0 ..= n"), "{text}");
    }

    #[test]
    fn rejects_writes_and_loose_offsets() {
        let inputs = [parse_quote!(u)];
        let mut errors = Errors::default();
        let mut body: syn::Block = parse_quote!({
            u[[0, 0]] = 1.0;
            u[[k, 0]]
        });
        let mut pass = BodyPass {
            inputs: &inputs,
            ndim: 2,
            declared: false,
            errors: &mut errors,
            reads: Vec::new(),
        };
        pass.visit_block_mut(&mut body);
        let msg = errors
            .finish()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        assert_eq!(msg.len(), 2);
        assert!(msg[0].contains("cannot be written"));
        assert!(msg[1].contains("not a constant"));
    }
}
