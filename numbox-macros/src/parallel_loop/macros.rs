//! Macro invocations in a prange body. A macro's expansion is invisible to a proc macro, so
//! the race check looks into the standard macros whose arguments it knows (`println!`,
//! `assert!`, `write!`, `vec!`, `matches!`, ..): their arguments are parsed as what they are
//! (expressions, a format string, a writer, a pattern) and scanned and rewritten like the
//! same code written without the macro. Any other macro is opaque: the analysis rejects it
//! when its tokens mention what the check tracks (see `validate::check_opaque`).

use proc_macro2::{Ident, TokenStream};
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Pat, Token};

/// What a known macro's argument is.
pub enum Role {
    /// An expression the expansion evaluates (and may move or borrow, never mutably).
    Read,
    /// The format string: an expression, and, when a literal, inline arguments (`{x}`).
    Format,
    /// `write!`'s destination, called as `dest.write_fmt(..)`: borrowed mutably.
    Writer,
    /// `name = value` of a format macro: `name` is not a variable.
    Named(Ident, Token![=]),
}

/// One part of a known macro's arguments, kept in order so the rewritten arguments can be
/// emitted again with the user's separators and spans.
// `Expr`'s size depends on the syn features that other crates in the build switch on (the
// `gpu` and `mpi` features pull in syn with more of them); a few pieces per macro call.
#[allow(clippy::large_enum_variant)]
pub enum Piece {
    Expr(Expr, Role),
    /// `matches!`'s pattern, which binds names for its guard.
    Pat(Box<Pat>),
    /// Separators (`,`, `;`, `if`), kept as written.
    Tokens(TokenStream),
}

impl ToTokens for Piece {
    fn to_tokens(&self, out: &mut TokenStream) {
        match self {
            Piece::Expr(e, Role::Named(name, eq)) => {
                name.to_tokens(out);
                eq.to_tokens(out);
                e.to_tokens(out);
            }
            Piece::Expr(e, _) => e.to_tokens(out),
            Piece::Pat(p) => p.to_tokens(out),
            Piece::Tokens(t) => t.to_tokens(out),
        }
    }
}

/// A macro invocation as the race check sees it.
pub enum Invocation {
    /// A standard macro whose arguments were parsed.
    Known(Vec<Piece>),
    /// A standard macro that evaluates nothing at run time (`stringify!`, `cfg!`, `line!`..).
    Inert,
    /// Any other macro, or a standard name whose tokens are not its standard arguments
    /// (e.g. a local `macro_rules! vec` with its own syntax).
    Opaque,
}

/// The argument grammar of a standard macro.
#[derive(Clone, Copy)]
enum Grammar {
    /// `a, b, ..`
    Exprs,
    /// `vec![a, b, ..]` or `vec![elem; n]`
    Vec,
    /// `"fmt", args..`, all optional
    Format,
    /// `cond` then an optional message
    Assert,
    /// `left, right` then an optional message
    AssertCmp,
    /// `dest` then an optional format
    Write,
    /// `expr, pattern` with an optional `if guard`
    Matches,
    /// ndarray's `s![a, b..c;step, ..]`: elements separated by `,`, each `expr` or `expr;step`
    Slice,
    Inert,
}

/// The standard macros the check looks into, by name.
const KNOWN: &[(&str, Grammar)] = &[
    ("print", Grammar::Format),
    ("println", Grammar::Format),
    ("eprint", Grammar::Format),
    ("eprintln", Grammar::Format),
    ("format", Grammar::Format),
    ("format_args", Grammar::Format),
    ("panic", Grammar::Format),
    ("unreachable", Grammar::Format),
    ("todo", Grammar::Format),
    ("unimplemented", Grammar::Format),
    ("assert", Grammar::Assert),
    ("debug_assert", Grammar::Assert),
    ("assert_eq", Grammar::AssertCmp),
    ("assert_ne", Grammar::AssertCmp),
    ("debug_assert_eq", Grammar::AssertCmp),
    ("debug_assert_ne", Grammar::AssertCmp),
    ("write", Grammar::Write),
    ("writeln", Grammar::Write),
    ("vec", Grammar::Vec),
    ("matches", Grammar::Matches),
    ("s", Grammar::Slice),
    ("dbg", Grammar::Exprs),
    ("concat", Grammar::Exprs),
    ("stringify", Grammar::Inert),
    ("line", Grammar::Inert),
    ("column", Grammar::Inert),
    ("file", Grammar::Inert),
    ("module_path", Grammar::Inert),
    ("cfg", Grammar::Inert),
    ("env", Grammar::Inert),
    ("option_env", Grammar::Inert),
    ("include_str", Grammar::Inert),
    ("include_bytes", Grammar::Inert),
    ("compile_error", Grammar::Inert),
];

/// The names of the macros the check looks into, for messages.
pub const KNOWN_FOR_MESSAGES: &str = "`println!`, `format!`, `write!`, `assert!`, `assert_eq!`, \
    `debug_assert!`, `panic!`, `vec!`, `matches!`, `dbg!`..";

/// The standard macro `path` names: `name!`, `std::name!`, `core::name!`, `alloc::name!`,
/// with or without a leading `::` on the crate.
fn grammar(path: &syn::Path) -> Option<Grammar> {
    let segs: Vec<_> = path.segments.iter().collect();
    if segs.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let name = match segs.as_slice() {
        [nd, name] if nd.ident == "ndarray" && name.ident == "s" => return Some(Grammar::Slice),
        [nb, nd, name] if nb.ident == "numbox" && nd.ident == "ndarray" && name.ident == "s" => {
            return Some(Grammar::Slice)
        }
        [name] if path.leading_colon.is_none() => &name.ident,
        [krate, name] if ["std", "core", "alloc"].iter().any(|k| krate.ident == k) => &name.ident,
        _ => return None,
    };
    KNOWN.iter().find(|(n, _)| name == n).map(|&(_, g)| g)
}

/// How the race check treats the invocation `m`.
pub fn classify(m: &syn::Macro) -> Invocation {
    let Some(g) = grammar(&m.path) else {
        return Invocation::Opaque;
    };
    if let Grammar::Inert = g {
        return Invocation::Inert;
    }
    let parser = |input: ParseStream<'_>| {
        let mut out = Vec::new();
        match g {
            Grammar::Exprs => exprs(input, &mut out)?,
            Grammar::Vec => {
                if !input.is_empty() {
                    out.push(Piece::Expr(input.parse()?, Role::Read));
                    if input.peek(Token![;]) {
                        sep::<Token![;]>(input, &mut out)?;
                        out.push(Piece::Expr(input.parse()?, Role::Read));
                    } else if !input.is_empty() {
                        sep::<Token![,]>(input, &mut out)?;
                        exprs(input, &mut out)?;
                    }
                }
            }
            Grammar::Format => format(input, &mut out)?,
            Grammar::Assert | Grammar::AssertCmp | Grammar::Write => {
                let role = if let Grammar::Write = g {
                    Role::Writer
                } else {
                    Role::Read
                };
                out.push(Piece::Expr(input.parse()?, role));
                if let Grammar::AssertCmp = g {
                    sep::<Token![,]>(input, &mut out)?;
                    out.push(Piece::Expr(input.parse()?, Role::Read));
                }
                if !input.is_empty() {
                    sep::<Token![,]>(input, &mut out)?;
                    format(input, &mut out)?;
                }
            }
            Grammar::Matches => {
                out.push(Piece::Expr(input.parse()?, Role::Read));
                sep::<Token![,]>(input, &mut out)?;
                out.push(Piece::Pat(Box::new(Pat::parse_multi_with_leading_vert(
                    input,
                )?)));
                if input.peek(Token![if]) {
                    sep::<Token![if]>(input, &mut out)?;
                    out.push(Piece::Expr(input.parse()?, Role::Read));
                }
                if !input.is_empty() {
                    sep::<Token![,]>(input, &mut out)?;
                }
            }
            Grammar::Slice => {
                while !input.is_empty() {
                    out.push(Piece::Expr(input.parse()?, Role::Read));
                    if input.peek(Token![;]) {
                        sep::<Token![;]>(input, &mut out)?;
                        out.push(Piece::Expr(input.parse()?, Role::Read));
                    }
                    if input.is_empty() {
                        break;
                    }
                    sep::<Token![,]>(input, &mut out)?;
                }
            }
            Grammar::Inert => {}
        }
        Ok(out)
    };
    match parser.parse2(m.tokens.clone()) {
        Ok(pieces) => Invocation::Known(pieces),
        Err(_) => Invocation::Opaque,
    }
}

/// The first element of ndarray's `s![..]` when it is an index (an expression with no step
/// after it): `i` in `s![i, ..]`.
pub fn slice_first(m: &syn::Macro) -> Option<Expr> {
    if !matches!(grammar(&m.path), Some(Grammar::Slice)) {
        return None;
    }
    let Invocation::Known(pieces) = classify(m) else {
        return None;
    };
    let stepped = matches!(pieces.get(1), Some(Piece::Tokens(t)) if t.to_string() == ";");
    match pieces.first() {
        Some(Piece::Expr(e, _)) if !stepped => Some(e.clone()),
        _ => None,
    }
}

/// Replaces the first element of `s![..]` (see [`slice_first`]) by `0`.
pub fn zero_slice_first(m: &mut syn::Macro) {
    if slice_first(m).is_none() {
        return;
    }
    if let Invocation::Known(mut pieces) = classify(m) {
        if let Some(Piece::Expr(e, _)) = pieces.first_mut() {
            *e = syn::parse_quote!(0);
        }
        m.tokens = pieces.iter().map(ToTokens::to_token_stream).collect();
    }
}

/// Parses the separator `T` into `out`.
fn sep<T: syn::parse::Parse + ToTokens>(
    input: ParseStream<'_>,
    out: &mut Vec<Piece>,
) -> syn::Result<()> {
    out.push(Piece::Tokens(input.parse::<T>()?.into_token_stream()));
    Ok(())
}

/// `a, b, ..` with an optional trailing comma.
fn exprs(input: ParseStream<'_>, out: &mut Vec<Piece>) -> syn::Result<()> {
    while !input.is_empty() {
        out.push(Piece::Expr(input.parse()?, Role::Read));
        if input.is_empty() {
            break;
        }
        sep::<Token![,]>(input, out)?;
    }
    Ok(())
}

/// `"fmt", positional.., name = value..` (everything optional, trailing comma allowed).
fn format(input: ParseStream<'_>, out: &mut Vec<Piece>) -> syn::Result<()> {
    if input.is_empty() {
        return Ok(());
    }
    out.push(Piece::Expr(input.parse()?, Role::Format));
    while !input.is_empty() {
        sep::<Token![,]>(input, out)?;
        if input.is_empty() {
            break;
        }
        let named = input.peek(syn::Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]);
        if named {
            let name: Ident = input.parse()?;
            let eq: Token![=] = input.parse()?;
            out.push(Piece::Expr(input.parse()?, Role::Named(name, eq)));
        } else {
            out.push(Piece::Expr(input.parse()?, Role::Read));
        }
    }
    Ok(())
}

/// The variables a literal format string reads inline (`{x}`, `{x:?}`, `{:w$}`, `{:.p$}`),
/// spanned at the literal.
pub fn inline_args(fmt: &Expr) -> Vec<Expr> {
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(lit),
        ..
    }) = crate::parse::peel(fmt)
    else {
        return Vec::new();
    };
    let s = lit.value();
    let mut names = Vec::new();
    let mut rest = s.as_str();
    while let Some(open) = rest.find(['{', '}']) {
        let after = &rest[open + 1..];
        if after.starts_with(&rest[open..=open]) {
            rest = &after[1..]; // `{{` or `}}`
            continue;
        }
        if rest.as_bytes()[open] == b'}' {
            rest = after;
            continue;
        }
        let Some(close) = after.find('}') else { break };
        let spec = &after[..close];
        let (arg, options) = spec.split_once(':').unwrap_or((spec, ""));
        names.push(arg.trim());
        // `name$` in the options is a width or precision read from a variable.
        let before_dollars: Vec<&str> = options.split('$').collect();
        for p in &before_dollars[..before_dollars.len() - 1] {
            let start = p
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(0, |k| k + 1);
            names.push(&p[start..]);
        }
        rest = &after[close + 1..];
    }
    names
        .into_iter()
        .filter(|n| n.starts_with(|c: char| c.is_alphabetic() || c == '_') && *n != "_")
        .filter_map(|n| syn::parse_str::<Ident>(n).ok())
        .map(|mut id| {
            id.set_span(lit.span());
            Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: id.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn names(fmt: Expr) -> Vec<String> {
        inline_args(&fmt)
            .iter()
            .map(|e| e.to_token_stream().to_string())
            .collect()
    }

    #[test]
    fn inline_format_arguments() {
        assert_eq!(
            names(parse_quote!(
                "{a} {b:?} {{c}} {:w$} {:.p$} {0} {} {:>1$} {d:>e$.f$} }} {_x}"
            )),
            ["a", "b", "w", "p", "d", "e", "f", "_x"]
        );
        assert!(names(parse_quote!(concat!("{a}"))).is_empty());
        assert!(names(parse_quote!("{:.*}")).is_empty());
    }

    #[test]
    fn standard_paths_and_arguments() {
        let kind = |m: syn::Macro| match classify(&m) {
            Invocation::Known(p) => format!("known {}", p.len()),
            Invocation::Inert => "inert".into(),
            Invocation::Opaque => "opaque".into(),
        };
        assert_eq!(kind(parse_quote!(println!())), "known 0");
        assert_eq!(kind(parse_quote!(std::println!("{}", x,))), "known 4");
        assert_eq!(
            kind(parse_quote!(::core::assert_eq!(a, b, "{}", c))),
            "known 7"
        );
        assert_eq!(kind(parse_quote!(alloc::vec![x; n])), "known 3");
        assert_eq!(kind(parse_quote!(vec![])), "known 0");
        assert_eq!(
            kind(parse_quote!(matches!(x, Some(1) | None if y,))),
            "known 6"
        );
        assert_eq!(kind(parse_quote!(writeln!(w))), "known 1");
        assert_eq!(kind(parse_quote!(format!("{x}", x = a == b))), "known 3");
        assert_eq!(kind(parse_quote!(stringify!(let i = 0))), "inert");
        assert_eq!(kind(parse_quote!(vec!(let i))), "opaque");
        assert_eq!(kind(parse_quote!(assert!())), "opaque");
        assert_eq!(kind(parse_quote!(::println!("x"))), "opaque");
        assert_eq!(kind(parse_quote!(my::assert!(x))), "opaque");
        assert_eq!(kind(parse_quote!(rebind!(i))), "opaque");
        assert_eq!(kind(parse_quote!(s![i, .., 1..n;2, ..;-1])), "known 11");
        assert_eq!(kind(parse_quote!(ndarray::s![i])), "known 1");
        assert_eq!(kind(parse_quote!(numbox::ndarray::s![i, ..])), "known 3");
        assert_eq!(kind(parse_quote!(other::s![i, ..])), "opaque");
    }

    #[test]
    fn first_element_of_a_slice() {
        let first = |m: syn::Macro| slice_first(&m).map(|e| e.to_token_stream().to_string());
        assert_eq!(first(parse_quote!(s![i, ..])).as_deref(), Some("i"));
        assert_eq!(first(parse_quote!(s![i])).as_deref(), Some("i"));
        assert_eq!(first(parse_quote!(s![i..;2, ..])), None);
        assert_eq!(first(parse_quote!(vec![i, 0])), None);
        let mut m: syn::Macro = parse_quote!(s![i, 1..n;2]);
        zero_slice_first(&mut m);
        assert_eq!(m.tokens.to_string(), "0 , 1 .. n ; 2");
    }
}
