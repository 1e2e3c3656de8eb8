//! `#[guvectorize(...)]` options: signature lists, the layout string, `target` and `fastmath`.

use crate::diag::Errors;
use crate::parse::options::{fastmath, key_value, parse_entries, Once, Target};
use proc_macro2::{Span, TokenStream};
use syn::{LitStr, TypeBareFn};

/// `[fn(..) -> .., ...,] "layout" [, target = "cpu" | "parallel"] [, fastmath]`.
pub(super) struct Args {
    pub(super) signatures: Vec<TypeBareFn>,
    pub(super) layout: LitStr,
    pub(super) target: Once<Target>,
    /// `fastmath`: the body's math calls go to `numbox::math`.
    pub(super) fastmath: bool,
}

impl Args {
    /// Parses the attribute, recording every mistake; `None` when there is no layout.
    pub(super) fn parse(attr: TokenStream, errors: &mut Errors) -> Option<Args> {
        let mut signatures = Vec::new();
        let mut layout = Once::new("layout");
        let mut target = Once::new("target");
        let mut fast = Once::new("fastmath");
        let mut layout_tried = false;
        parse_entries(
            attr,
            &["target", "fn", "fastmath"],
            errors,
            |key, input, errors| {
                match key {
                    // An optional list of signatures for run-time dispatch.
                    Some("fn") => signatures.push(input.parse()?),
                    Some("fastmath") => fastmath(input, errors, &mut fast)?,
                    Some("target") => {
                        let (key, value) = key_value(input)?;
                        if let Some(t) = errors.ok(Target::parse(&value)) {
                            errors.ok(target.set(&key, t));
                        }
                    }
                    _ if input.peek(LitStr) => {
                        layout_tried = true;
                        let lit: LitStr = input.parse()?;
                        errors.ok(layout.set(&lit, lit.clone()));
                    }
                    _ if layout.get().is_none() => {
                        layout_tried = true;
                        return Err(input.error(
                        "expected the layout as a string literal first, e.g. #[guvectorize(\"(n)->()\")]",
                    ));
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            },
        );
        let Some(layout) = layout.take() else {
            if !layout_tried {
                errors.push(syn::Error::new(
                    Span::call_site(),
                    "expected the layout string: write e.g. #[guvectorize(\"(n),()->(n)\")]",
                ));
            }
            return None;
        };
        Some(Args {
            signatures,
            layout,
            target,
            fastmath: fast.take().unwrap_or(false),
        })
    }
}
