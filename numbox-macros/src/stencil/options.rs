//! `#[stencil(...)]` options: `neighborhood`, `mode`, `cval`, `target`, `fastmath`.

use super::body::const_int;
use crate::diag::Errors;
use crate::parse::options::{fastmath, key_value, parse_entries, Once, Target};
use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Expr, LitStr};

/// A boundary mode, as named in the attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Skip,
    Constant,
    Nearest,
    Reflect,
    Mirror,
    Wrap,
}

impl Mode {
    fn parse(lit: &LitStr) -> syn::Result<Self> {
        Ok(match lit.value().as_str() {
            "constant" => Mode::Constant,
            "nearest" => Mode::Nearest,
            "reflect" => Mode::Reflect,
            "mirror" => Mode::Mirror,
            "wrap" => Mode::Wrap,
            other => {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown mode \"{other}\": expected one of \"constant\", \"nearest\", \"reflect\", \"mirror\", \"wrap\" \
                         (scipy.ndimage's modes), or no `mode` for Numba's borders (not computed, hold `cval`)"
                    ),
                ))
            }
        })
    }

    /// The name written in the attribute.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Skip => "skip",
            Mode::Constant => "constant",
            Mode::Nearest => "nearest",
            Mode::Reflect => "reflect",
            Mode::Mirror => "mirror",
            Mode::Wrap => "wrap",
        }
    }

    /// The variant name of the runtime's `Mode`.
    pub fn variant(self) -> &'static str {
        match self {
            Mode::Skip => "Skip",
            Mode::Constant => "Constant",
            Mode::Nearest => "Nearest",
            Mode::Reflect => "Reflect",
            Mode::Mirror => "Mirror",
            Mode::Wrap => "Wrap",
        }
    }
}

/// A declared neighbourhood: one `[lo, hi]` per axis, and the tokens for error spans.
pub struct Neighborhood {
    pub axes: Vec<[i128; 2]>,
    pub span: Span,
}

fn parse_neighborhood(expr: &Expr) -> syn::Result<Neighborhood> {
    const HINT: &str = "write one `[lo, hi]` pair of integer offsets per axis, e.g. `neighborhood = [[-29, 0]]` (1-D) or `[[-1, 1], [-2, 2]]` (2-D)";
    let Expr::Array(outer) = expr else {
        return Err(syn::Error::new_spanned(
            expr,
            format!("`neighborhood` must be an array: {HINT}"),
        ));
    };
    let mut axes = Vec::new();
    for pair in &outer.elems {
        let Expr::Array(p) = pair else {
            return Err(syn::Error::new_spanned(
                pair,
                format!("expected `[lo, hi]`: {HINT}"),
            ));
        };
        if p.elems.len() != 2 {
            return Err(syn::Error::new_spanned(
                pair,
                format!("expected two offsets `[lo, hi]`: {HINT}"),
            ));
        }
        let lo = const_int(&p.elems[0]);
        let hi = const_int(&p.elems[1]);
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return Err(syn::Error::new_spanned(
                pair,
                format!("`neighborhood` offsets must be integer constants: {HINT}"),
            ));
        };
        if lo > hi {
            return Err(syn::Error::new_spanned(
                pair,
                format!("empty range [{lo}, {hi}]: `lo` must not exceed `hi`; write [{hi}, {lo}]"),
            ));
        }
        axes.push([lo, hi]);
    }
    if axes.is_empty() {
        return Err(syn::Error::new_spanned(
            expr,
            format!("empty `neighborhood`: {HINT}"),
        ));
    }
    Ok(Neighborhood {
        axes,
        span: expr.span(),
    })
}

/// The options as written, each given at most once.
pub struct Options {
    pub neighborhood: Once<Neighborhood>,
    pub mode: Once<Mode>,
    pub cval: Once<Expr>,
    pub target: Once<Target>,
    /// `fastmath`: the body's math calls go to `numbox::math`.
    pub fastmath: Once<bool>,
    /// `target = "gpu"` (its span): a device kernel besides the CPU one.
    pub gpu: Option<Span>,
}

impl Options {
    /// Parses the attribute, recording every mistake.
    pub fn parse(attr: TokenStream, errors: &mut Errors) -> Options {
        let mut opts = Options {
            neighborhood: Once::new("neighborhood"),
            mode: Once::new("mode"),
            cval: Once::new("cval"),
            target: Once::new("target"),
            fastmath: Once::new("fastmath"),
            gpu: None,
        };
        let expected = ["neighborhood", "mode", "cval", "target", "fastmath"];
        parse_entries(attr, &expected, errors, |key, input, errors| {
            match key {
                Some("neighborhood") => {
                    let (key, value) = key_value(input)?;
                    if let Some(n) = errors.ok(parse_neighborhood(&value)) {
                        errors.ok(opts.neighborhood.set(&key, n));
                    }
                }
                Some("mode") => {
                    let (key, value) = key_value(input)?;
                    if let Some(m) = errors.ok(Mode::parse(&value)) {
                        errors.ok(opts.mode.set(&key, m));
                    }
                }
                Some("cval") => {
                    let (key, value) = key_value(input)?;
                    errors.ok(opts.cval.set(&key, value));
                }
                Some("target") => {
                    let (key, value): (syn::Ident, LitStr) = key_value(input)?;
                    if value.value() == "gpu" {
                        opts.gpu = Some(value.span());
                        errors.ok(opts.target.set(&key, Target::Cpu));
                    } else if let Some(t) = errors.ok(Target::parse(&value)) {
                        errors.ok(opts.target.set(&key, t));
                    }
                }
                Some("fastmath") => fastmath(input, errors, &mut opts.fastmath)?,
                _ => return Ok(false),
            }
            Ok(true)
        });
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> syn::Result<Options> {
        let mut errors = Errors::default();
        let opts = Options::parse(s.parse().unwrap(), &mut errors);
        errors.finish().map(|()| opts)
    }

    #[test]
    fn reads_every_option() {
        let o = parse(
            r#"neighborhood = [[-29, 0]], mode = "reflect", cval = f64::NAN, target = "parallel""#,
        )
        .unwrap();
        assert_eq!(o.neighborhood.get().unwrap().axes, vec![[-29, 0]]);
        assert_eq!(o.mode.get(), Some(&Mode::Reflect));
        assert!(o.cval.get().is_some());
        assert_eq!(o.target.get(), Some(&Target::Parallel));
    }

    #[test]
    fn rejects_unknown_duplicate_and_bad_values() {
        let msg = |s: &str| parse(s).err().unwrap().to_string();
        assert!(msg("border = 1").contains("expected one of"));
        assert!(msg(r#"mode = "wrap", mode = "wrap""#).contains("duplicate option `mode`"));
        assert!(msg(r#"mode = "periodic""#).contains("unknown mode \"periodic\""));
        assert!(msg("neighborhood = [[1, -1]]").contains("write [-1, 1]"));
        assert!(msg("neighborhood = [[-1, k]]").contains("integer constants"));
        // Every mistake at once, not only the first.
        let all: Vec<String> = parse(r#"mode = "periodic", border = 1, target = "cuda""#)
            .err()
            .unwrap()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(all.len(), 3, "{all:?}");
    }
}
