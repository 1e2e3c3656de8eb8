//! `#[parallel_loop(schedule = "...", chunk = N)]`.

use crate::parse::options::Once;
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{LitInt, LitStr, Token};

mod kw {
    syn::custom_keyword!(schedule);
    syn::custom_keyword!(chunk);
}

/// How iterations are handed to threads (Cython's `schedule=` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Schedule {
    /// rayon's adaptive splitting.
    #[default]
    Adaptive,
    /// One equal piece per thread, or `chunk`-sized pieces dealt round-robin.
    Static,
    /// `chunk`-sized pieces taken by free threads.
    Dynamic,
    /// Shrinking pieces taken by free threads.
    Guided,
}

/// The attribute's options, validated.
#[derive(Default)]
pub struct Options {
    /// `schedule = "..."`.
    pub schedule: Schedule,
    /// `chunk = N`, at least 1.
    pub chunk: Option<usize>,
}

enum Opt {
    Schedule(kw::schedule, LitStr),
    Chunk(kw::chunk, LitInt),
}

impl Parse for Opt {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(kw::schedule) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            Ok(Opt::Schedule(key, input.parse()?))
        } else if look.peek(kw::chunk) {
            let key = input.parse()?;
            input.parse::<Token![=]>()?;
            Ok(Opt::Chunk(key, input.parse()?))
        } else {
            Err(look.error())
        }
    }
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let opts = Punctuated::<Opt, Token![,]>::parse_terminated(input)?;
        let mut schedule = Once::new("schedule");
        let mut chunk = Once::new("chunk");
        let mut errors = crate::diag::Errors::default();
        for opt in opts {
            match opt {
                Opt::Schedule(key, lit) => {
                    let value = match lit.value().as_str() {
                        "static" => Schedule::Static,
                        "dynamic" => Schedule::Dynamic,
                        "guided" => Schedule::Guided,
                        other => {
                            errors.error(
                                &lit,
                                format!(
                                    "unknown schedule \"{other}\": expected \"static\", \"dynamic\" \
                                     or \"guided\" (leave `schedule` out for rayon's adaptive splitting)"
                                ),
                            );
                            continue;
                        }
                    };
                    errors.ok(schedule.set(&key, value));
                }
                Opt::Chunk(key, lit) => match lit.base10_parse::<usize>() {
                    Ok(0) => {
                        errors.error(&lit, "`chunk = 0` hands out empty pieces: give at least 1")
                    }
                    Ok(n) => {
                        errors.ok(chunk.set(&key, n));
                    }
                    Err(_) => errors.error(
                        &lit,
                        "`chunk` is a number of iterations: write e.g. `chunk = 64`",
                    ),
                },
            }
        }
        errors.finish()?;
        Ok(Options {
            schedule: schedule.take().unwrap_or_default(),
            chunk: chunk.take(),
        })
    }
}

impl Options {
    /// The runtime's `Schedule` and `Option<usize>` chunk, as expressions.
    pub fn tokens(&self) -> (TokenStream, TokenStream) {
        let s = match self.schedule {
            Schedule::Adaptive => quote!(Adaptive),
            Schedule::Static => quote!(Static),
            Schedule::Dynamic => quote!(Dynamic),
            Schedule::Guided => quote!(Guided),
        };
        let chunk = match self.chunk {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        (quote!(::numbox::__private::prange::Schedule::#s), chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> syn::Result<Options> {
        syn::parse_str(s)
    }

    #[test]
    fn options() {
        let o = parse(r#"schedule = "dynamic", chunk = 4"#).unwrap();
        assert_eq!((o.schedule, o.chunk), (Schedule::Dynamic, Some(4)));
        assert_eq!(parse("").unwrap().schedule, Schedule::Adaptive);
        let err = |s| parse(s).err().unwrap().to_string();
        assert!(err(r#"schedule = "fast""#).contains("unknown schedule \"fast\""));
        assert!(err("chunk = 0").contains("at least 1"));
        assert!(err("chunk = 1, chunk = 2").contains("duplicate option `chunk`"));
        assert!(err("threads = 2").contains("expected `schedule` or `chunk`"));
    }
}
