//! The option grammar shared by the attribute macros: one entry parser that reports every
//! mistake at once, `Once` for duplicates, and the option values more than one macro takes.

use crate::diag::Errors;
use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Token};

/// Where a kernel runs by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Target {
    /// On the calling thread (`target = "cpu"`, the default).
    #[default]
    Cpu,
    /// Split across the caller's rayon pool (`target = "parallel"`).
    Parallel,
}

impl Target {
    /// Parses the string of `target = "..."`.
    pub fn parse(lit: &LitStr) -> syn::Result<Self> {
        match lit.value().as_str() {
            "cpu" => Ok(Target::Cpu),
            "parallel" => Ok(Target::Parallel),
            other => Err(syn::Error::new(
                lit.span(),
                format!(
                    "unknown target \"{other}\": expected \"cpu\" (serial, the default) or \"parallel\" (rayon)"
                ),
            )),
        }
    }

    /// The runtime's `Target` value for this choice.
    pub fn tokens(self) -> proc_macro2::TokenStream {
        let p = crate::emit::Private;
        match self {
            Target::Cpu => quote::quote!(#p::Target::Serial),
            Target::Parallel => quote::quote!(#p::Target::Parallel),
        }
    }
}

/// An option that may be given at most once; a second occurrence is an error at the second.
pub struct Once<T> {
    name: &'static str,
    value: Option<(T, Span)>,
}

impl<T> Once<T> {
    /// An option named `name` (used in the duplicate message).
    pub fn new(name: &'static str) -> Self {
        Once { name, value: None }
    }

    /// Sets the value, or fails if it was already set.
    pub fn set(&mut self, key: &impl Spanned, value: T) -> syn::Result<()> {
        if self.value.is_some() {
            return Err(syn::Error::new(
                key.span(),
                format!("duplicate option `{}`: give it once", self.name),
            ));
        }
        self.value = Some((value, key.span()));
        Ok(())
    }

    /// The value, if set.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(v, _)| v)
    }

    /// The span of the key, if set.
    pub fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(_, s)| *s)
    }

    /// The value, if set.
    pub fn take(self) -> Option<T> {
        self.value.map(|(v, _)| v)
    }
}

/// Parses an attribute's comma-separated entries with one grammar for every macro: each entry
/// is `key = value`, a bare `key`, or a positional value (a signature, a layout string).
///
/// `entry` sees the stream at the start of each entry and the entry's first identifier (a
/// keyword such as `fn` included), not yet consumed; it parses the entry and returns
/// `Ok(true)`, or `Ok(false)` when the entry is none of its, which is reported as
/// "expected one of: `expected`..". An error in one entry is recorded and parsing resumes at
/// the next comma, so every mistake in the attribute is reported at once.
pub fn parse_entries(
    attr: TokenStream,
    expected: &[&str],
    errors: &mut Errors,
    mut entry: impl FnMut(Option<&str>, ParseStream<'_>, &mut Errors) -> syn::Result<bool>,
) {
    let parser = |input: ParseStream<'_>| -> syn::Result<()> {
        while !input.is_empty() {
            let key = input
                .fork()
                .call(Ident::parse_any)
                .ok()
                .map(|k| k.to_string());
            let start = input.span();
            let result = match entry(key.as_deref(), input, errors) {
                Ok(true) if input.is_empty() || input.peek(Token![,]) => Ok(()),
                Ok(true) => Err(input.error("expected `,` between options")),
                Ok(false) => Err(syn::Error::new(
                    start,
                    expected_one_of(expected, key.as_deref()),
                )),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                errors.push(e);
                skip_to_comma(input)?;
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(())
    };
    // The parser consumes every token, so it cannot fail.
    let _ = parser.parse2(attr);
}

/// `expected one of: `a`, `b``, as syn's `lookahead1` words it, and `: did you mean `b`?`
/// when the unknown key is a near miss of one of them.
fn expected_one_of(expected: &[&str], key: Option<&str>) -> String {
    let list = expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let msg = match expected {
        [_] => format!("expected {list}"),
        _ => format!("expected one of: {list}"),
    };
    match key.and_then(|k| near_miss(k, expected)) {
        Some(m) => format!("{msg}; did you mean `{m}`?"),
        None => msg,
    }
}

/// The expected key that `key` misspells: the same up to case and `_`/`-`, or within two
/// edits of a key of at least five letters.
fn near_miss<'a>(key: &str, expected: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let k = norm(key);
    expected
        .iter()
        .copied()
        .filter(|e| *e != key)
        .find(|e| norm(e) == k || (e.len() >= 5 && edit_distance(&norm(e), &k) <= 2))
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Skips the rest of a malformed entry (a comma inside brackets or a group is not its end).
fn skip_to_comma(input: ParseStream<'_>) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, proc_macro2::TokenTree::Punct(p) if p.as_char() == ',') {
                return Ok(((), rest));
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

/// Parses `key = value`, returning the key (for spans) and the value.
pub fn key_value<T: Parse>(input: ParseStream<'_>) -> syn::Result<(Ident, T)> {
    let key = input.call(Ident::parse_any)?;
    input.parse::<Token![=]>()?;
    Ok((key, input.parse()?))
}

/// Parses a bare `key` or `key = true|false` (a flag).
pub fn flag(input: ParseStream<'_>) -> syn::Result<(Ident, bool)> {
    let key = input.call(Ident::parse_any)?;
    if input.parse::<Option<Token![=]>>()?.is_none() {
        return Ok((key, true));
    }
    match input.parse::<Expr>()? {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(b),
            ..
        }) => Ok((key, b.value)),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected `true` or `false`: `{key} = true` (or just `{key}`)"),
        )),
    }
}

/// The `fastmath` flag, which every attribute takes: bare, `fastmath = true` or
/// `fastmath = false` (Numba's `fastmath=True`); `input` is at the key.
pub fn fastmath(
    input: ParseStream<'_>,
    errors: &mut Errors,
    slot: &mut Once<bool>,
) -> syn::Result<()> {
    let (key, value) = flag(input)?;
    errors.ok(slot.set(&key, value));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::LitInt;

    /// Parses `a = "..", b = 1` style options; returns the values and every error message.
    fn run(attr: TokenStream) -> (Vec<String>, Vec<String>) {
        let mut errors = Errors::default();
        let mut a = Once::new("a");
        let mut seen = Vec::new();
        parse_entries(attr, &["a", "b"], &mut errors, |key, input, errors| {
            match key {
                Some("a") => {
                    let (k, v): (_, LitStr) = key_value(input)?;
                    errors.ok(a.set(&k, ()));
                    seen.push(v.value());
                }
                Some("b") => {
                    let (_, v): (_, LitInt) = key_value(input)?;
                    seen.push(v.to_string());
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        let msgs = errors
            .finish()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default();
        (seen, msgs)
    }

    #[test]
    fn reads_entries_and_a_trailing_comma() {
        assert_eq!(
            run(quote!(a = "x", b = 2,)),
            (vec!["x".into(), "2".into()], vec![])
        );
        assert_eq!(run(quote!()), (vec![], vec![]));
    }

    #[test]
    fn reports_every_bad_entry_and_goes_on() {
        let (seen, msgs) = run(quote!(c = [1, 2], a = 3, b = 4 5, a = "y", a = "z", b = 6));
        assert_eq!(
            seen,
            vec!["4".to_string(), "y".into(), "z".into(), "6".into()]
        );
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert_eq!(msgs[0], "expected one of: `a`, `b`");
        assert!(msgs[1].contains("expected string literal"), "{msgs:?}");
        assert!(msgs[2].contains("expected `,`"), "{msgs:?}");
        assert_eq!(msgs[3], "duplicate option `a`: give it once");
    }

    #[test]
    fn suggests_the_key_a_typo_misses() {
        let expected = ["target", "fastmath", "fn"];
        let msg = |k| expected_one_of(&expected, Some(k));
        assert!(msg("fast_math").ends_with("; did you mean `fastmath`?"));
        assert!(msg("FastMath").ends_with("; did you mean `fastmath`?"));
        assert!(msg("fastmaht").ends_with("; did you mean `fastmath`?"));
        assert!(msg("targte").ends_with("; did you mean `target`?"));
        assert_eq!(
            msg("threads"),
            "expected one of: `target`, `fastmath`, `fn`"
        );
        // Short keys need an exact match up to case and `_`.
        assert!(!msg("fx").contains("did you mean"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn fastmath_flag_values() {
        let parse = |attr: TokenStream| {
            let mut errors = Errors::default();
            let mut slot = Once::new("fastmath");
            parse_entries(attr, &["fastmath"], &mut errors, |key, input, errors| {
                match key {
                    Some("fastmath") => fastmath(input, errors, &mut slot)?,
                    _ => return Ok(false),
                }
                Ok(true)
            });
            errors
                .finish()
                .map(|()| slot.take())
                .map_err(|e| e.to_string())
        };
        assert_eq!(parse(quote!(fastmath)), Ok(Some(true)));
        assert_eq!(parse(quote!(fastmath = false)), Ok(Some(false)));
        assert_eq!(parse(quote!()), Ok(None));
        assert!(parse(quote!(fastmath = 3))
            .unwrap_err()
            .contains("expected `true` or `false`"));
        assert!(parse(quote!(fastmath, fastmath = true))
            .unwrap_err()
            .contains("duplicate option `fastmath`"));
    }
}
