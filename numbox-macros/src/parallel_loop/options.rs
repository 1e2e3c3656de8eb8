//! `#[parallel_loop(schedule = "...", chunk = N, fastmath, lanes = N)]`.

use crate::diag::Errors;
use crate::emit::Private;
use crate::parse::options::{fastmath, key_value, parse_entries, Once};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{LitInt, LitStr};

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
    /// `fastmath`: math calls go to `numbox::math`, reductions run on the lane grid.
    pub fastmath: bool,
    /// `lanes = N`: 1 keeps every loop on the scalar path; a power of two from 2 to 64
    /// requires the lockstep path with `N` lanes (the literal, for errors).
    pub lanes: Option<(usize, LitInt)>,
}

impl Options {
    /// Parses the attribute, recording every mistake.
    pub fn parse(attr: TokenStream, errors: &mut Errors) -> Options {
        let mut schedule = Once::new("schedule");
        let mut chunk = Once::new("chunk");
        let mut fast = Once::new("fastmath");
        let mut lanes = Once::new("lanes");
        parse_entries(
            attr,
            &["schedule", "chunk", "fastmath", "lanes"],
            errors,
            |key, input, errors| {
                match key {
                    Some("schedule") => {
                        let (key, lit): (_, LitStr) = key_value(input)?;
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
                                return Ok(true);
                            }
                        };
                        errors.ok(schedule.set(&key, value));
                    }
                    Some("chunk") => {
                        let (key, lit): (_, LitInt) = key_value(input)?;
                        match lit.base10_parse::<usize>() {
                            Ok(0) => errors
                                .error(&lit, "`chunk = 0` hands out empty pieces: give at least 1"),
                            Ok(n) => {
                                errors.ok(chunk.set(&key, n));
                            }
                            Err(_) => errors.error(
                                &lit,
                                "`chunk` is a number of iterations: write e.g. `chunk = 64`",
                            ),
                        }
                    }
                    Some("fastmath") => fastmath(input, errors, &mut fast)?,
                    Some("lanes") => {
                        let (key, lit): (_, LitInt) = key_value(input)?;
                        match lit.base10_parse::<usize>() {
                            Ok(n) if n == 1 || (n.is_power_of_two() && (2..=64).contains(&n)) => {
                                errors.ok(lanes.set(&key, (n, lit)));
                            }
                            _ => errors.error(
                                &lit,
                                format!(
                                    "expected `lanes = N` with N = 1 (no lockstep path) or a \
                                     power of two from 2 to 64, not {lit}"
                                ),
                            ),
                        }
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            },
        );
        Options {
            schedule: schedule.take().unwrap_or_default(),
            chunk: chunk.take(),
            fastmath: fast.take().unwrap_or(false),
            lanes: lanes.take(),
        }
    }

    /// The runtime's `Schedule` and `Option<usize>` chunk, as expressions.
    pub fn tokens(&self) -> (TokenStream, TokenStream) {
        let s = match self.schedule {
            Schedule::Adaptive => quote!(Adaptive),
            Schedule::Static => quote!(Static),
            Schedule::Dynamic => quote!(Dynamic),
            Schedule::Guided => quote!(Guided),
        };
        let p = Private;
        let chunk = match self.chunk {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        (quote!(#p::parallel_loop::Schedule::#s), chunk)
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
    fn options() {
        let o = parse(r#"schedule = "dynamic", chunk = 4"#).unwrap();
        assert_eq!((o.schedule, o.chunk), (Schedule::Dynamic, Some(4)));
        assert_eq!(parse("").unwrap().schedule, Schedule::Adaptive);
        let err = |s| parse(s).err().unwrap().to_string();
        assert!(err(r#"schedule = "fast""#).contains("unknown schedule \"fast\""));
        assert!(err("chunk = 0").contains("at least 1"));
        assert!(err("chunk = 1, chunk = 2").contains("duplicate option `chunk`"));
        assert_eq!(parse("lanes = 4").unwrap().lanes.map(|l| l.0), Some(4));
        assert!(err("lanes = 3").contains("power of two from 2 to 64, not 3"));
        assert!(err("lanes = 128").contains("not 128"));
        assert!(err("threads = 2").contains("expected one of: `schedule`, `chunk`"));
    }
}
