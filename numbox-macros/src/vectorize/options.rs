//! `#[vectorize(...)]` options: `target`, `identity`, `associative`, `fastmath`, `lanes` and
//! signature lists.

use crate::diag::Errors;
use crate::parse::options::{fastmath, flag, key_value, parse_entries, Once, Target};
use proc_macro2::TokenStream;
use syn::{Expr, Ident, TypeBareFn};

/// The options, with duplicates rejected and values checked.
pub(super) struct Options {
    pub(super) target: Target,
    /// The `identity` key (for its span) and its value.
    pub(super) identity: Option<(Ident, Expr)>,
    /// The `associative` key (for its span) and its value.
    pub(super) associative: Option<(Ident, bool)>,
    pub(super) signatures: Vec<TypeBareFn>,
    /// `fastmath`: the body's math calls go to `numbox::math`.
    pub(super) fastmath: bool,
    /// `lanes = N`: the lockstep version's lanes per group (1: no lockstep version).
    pub(super) lanes: Option<usize>,
    /// `target = "gpu"` (its span): a device kernel besides the CPU one.
    pub(super) gpu: Option<proc_macro2::Span>,
}

/// Parses the value of `lanes = N`: 1, or a power of two from 2 to 64.
fn lanes_value(value: &Expr) -> syn::Result<usize> {
    let msg =
        "expected `lanes = N` with N = 1 (no lockstep version) or a power of two from 2 to 64";
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => match i.base10_parse::<usize>() {
            Ok(n) if n == 1 || (n.is_power_of_two() && (2..=64).contains(&n)) => Ok(n),
            _ => Err(syn::Error::new(i.span(), format!("{msg}, not {i}"))),
        },
        other => Err(syn::Error::new_spanned(other, msg)),
    }
}

impl Options {
    pub(super) fn parse(attr: TokenStream, errors: &mut Errors) -> Options {
        let mut target = Once::new("target");
        let mut identity = Once::new("identity");
        let mut associative = Once::new("associative");
        let mut fast = Once::new("fastmath");
        let mut lanes = Once::new("lanes");
        let mut signatures = Vec::new();
        let mut gpu = None;
        let expected = [
            "target",
            "identity",
            "associative",
            "fn",
            "fastmath",
            "lanes",
        ];
        parse_entries(attr, &expected, errors, |key, input, errors| {
            match key {
                Some("target") => {
                    let (key, lit): (Ident, syn::LitStr) = key_value(input)?;
                    if lit.value() == "gpu" {
                        gpu = Some(lit.span());
                        errors.ok(target.set(&key, Target::Cpu));
                    } else if let Some(t) = errors.ok(Target::parse(&lit)) {
                        errors.ok(target.set(&key, t));
                    }
                }
                Some("identity") => {
                    let (key, expr): (Ident, Expr) = key_value(input)?;
                    errors.ok(identity.set(&key, (key.clone(), expr)));
                }
                Some("associative") => {
                    let (key, value) = flag(input).map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "expected `true` or `false`: `associative = true` (or just `associative`) \
                             promises that the kernel is associative",
                        )
                    })?;
                    errors.ok(associative.set(&key, (key.clone(), value)));
                }
                Some("fastmath") => fastmath(input, errors, &mut fast)?,
                Some("lanes") => {
                    let (key, value): (Ident, Expr) = key_value(input)?;
                    if let Some(n) = errors.ok(lanes_value(&value)) {
                        errors.ok(lanes.set(&key, n));
                    }
                }
                Some("fn") => signatures.push(input.parse()?),
                _ => return Ok(false),
            }
            Ok(true)
        });
        Options {
            target: target.take().unwrap_or_default(),
            identity: identity.take(),
            associative: associative.take(),
            signatures,
            fastmath: fast.take().unwrap_or(false),
            lanes: lanes.take(),
            gpu,
        }
    }
}
