//! `#[parallel_loop]`: finds the `for PAT in prange(RANGE) { BODY }` loops of a function,
//! proves each body race-free ([`scan`] walks it, looking into the standard macros that
//! [`mod@macros`] knows; [`mod@validate`] classifies the captures and rejects the other macros that
//! mention what it tracks) and rewrites the loop into a call of numbox's parallel-for driver
//! ([`mod@expand`]). The rest of the function, and its signature, stay as written.

mod expand;
mod ir;
mod lanes;
pub(crate) mod macros;
mod options;
mod scan;
mod validate;

use crate::diag::{item_with_error, Errors};
use proc_macro2::TokenStream;
use syn::visit_mut::VisitMut;
use syn::{Expr, ExprForLoop, ItemFn};

use crate::parse::peel;
use options::Options;

/// Expands `#[parallel_loop(args)] item`.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err = syn::Error::new_spanned(
                &item,
                "#[parallel_loop] goes on a function containing `for i in prange(..)` loops",
            );
            return item_with_error(item, err);
        }
    };
    let original = func.clone();
    let mut errors = Errors::default();
    let options = Options::parse(args, &mut errors);
    let cx = lanes::FnContext::new(&func);
    let mut finder = Finder {
        options: &options,
        cx: &cx,
        errors: &mut errors,
        found: 0,
    };
    finder.visit_block_mut(&mut func.block);
    if options.fastmath {
        crate::fastmath::rewrite(&mut func.block);
    }
    if finder.found == 0 {
        errors.error(
            &func.sig.ident,
            format!(
                "`{}` has no `for .. in prange(..)` loop for #[parallel_loop] to run in parallel: \
                 write the loop to parallelise as `for i in prange(0..n) {{ .. }}`",
                func.sig.ident
            ),
        );
    }
    match errors.finish() {
        Ok(()) => quote::quote!(#func),
        Err(err) => item_with_error(original, err),
    }
}

/// Rewrites every outermost prange loop; a prange nested in one's body stays a serial loop.
struct Finder<'a> {
    options: &'a Options,
    cx: &'a lanes::FnContext,
    errors: &'a mut Errors,
    found: usize,
}

impl VisitMut for Finder<'_> {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::ForLoop(l) = e {
            if let Some(arg) = prange_arg(l) {
                self.found += 1;
                let arg = arg.clone();
                match validate::validate(l, &arg) {
                    Ok(plan) => match expand::expand(l, &arg, &plan, self.options, self.cx) {
                        Ok(new) => *e = new,
                        Err(err) => self.errors.push(err),
                    },
                    Err(err) => self.errors.push(err),
                }
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, e);
    }

    // Items nested in the function are not part of it.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The argument of `prange(ARG)` when `l` loops over one.
pub(crate) fn prange_arg(l: &ExprForLoop) -> Option<&Expr> {
    let Expr::Call(call) = peel(&l.expr) else {
        return None;
    };
    let Expr::Path(p) = peel(&call.func) else {
        return None;
    };
    let last = p.path.segments.last()?;
    (p.qself.is_none() && last.ident == "prange" && last.arguments.is_none())
        .then(|| call.args.first())
        .flatten()
}
