//! The one check of a kernel function's shape that every attribute shares: no `async`, no
//! `unsafe`, no variadic, no `self`, no const generics (and, where the macro says so, no
//! lifetimes or no generics at all), each with one wording naming the macro and the fix.

use crate::diag::Errors;
use syn::{FnArg, GenericParam, Signature};

/// What a macro allows beyond a plain `fn name(params) -> ret`.
#[derive(Clone, Copy)]
pub struct Allow {
    /// Lifetime parameters (`#[guvectorize]`'s views may borrow).
    pub lifetimes: bool,
    /// Type parameters (generic kernels).
    pub type_params: bool,
}

/// Records every way `sig` is not a kernel `#[macro_name]` can take.
pub fn check(sig: &Signature, macro_name: &str, allow: Allow, errors: &mut Errors) {
    if let Some(a) = &sig.asyncness {
        errors.error(
            a,
            format!(
                "#[{macro_name}] cannot be used on an `async fn`: a kernel runs once per element \
                 and must return its value directly; remove `async`"
            ),
        );
    }
    if let Some(u) = &sig.unsafety {
        errors.error(
            u,
            format!(
                "#[{macro_name}] cannot be used on an `unsafe fn`: the array kernel would call it on \
                 every element with no way to uphold its contract; make the function safe and put \
                 the `unsafe` block inside it"
            ),
        );
    }
    if let Some(v) = &sig.variadic {
        errors.error(
            v,
            format!(
                "#[{macro_name}] cannot be used on a variadic function: declare each parameter"
            ),
        );
    }
    for arg in &sig.inputs {
        if let FnArg::Receiver(r) = arg {
            errors.error(
                r,
                format!(
                    "#[{macro_name}] needs a free function, not a method: remove `self` and pass \
                     every value as a parameter"
                ),
            );
        }
    }
    for g in &sig.generics.params {
        match g {
            GenericParam::Const(c) => errors.error(
                c,
                format!(
                    "#[{macro_name}] kernels cannot have const generic parameters: use a type \
                     parameter, or a constant inside the body"
                ),
            ),
            GenericParam::Lifetime(l) if !allow.lifetimes => errors.error(
                l,
                format!(
                    "#[{macro_name}] kernels cannot have lifetime parameters: their elements are \
                     `Copy` values; remove the lifetime"
                ),
            ),
            GenericParam::Type(t) if !allow.type_params => errors.error(
                t,
                format!(
                    "#[{macro_name}] kernels cannot be generic: write the kernel for concrete \
                     element types"
                ),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn messages(sig: Signature, allow: Allow) -> Vec<String> {
        let mut errors = Errors::default();
        check(&sig, "m", allow, &mut errors);
        errors
            .finish()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn reports_every_problem_in_one_wording() {
        let all = Allow {
            lifetimes: true,
            type_params: true,
        };
        let m = messages(
            parse_quote!(async unsafe fn f<const N: usize>(&self, x: f64) -> f64),
            all,
        );
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m[0].starts_with("#[m] cannot be used on an `async fn`"));
        assert!(m[1].starts_with("#[m] cannot be used on an `unsafe fn`"));
        assert!(m[2].starts_with("#[m] needs a free function"));
        assert!(m[3].starts_with("#[m] kernels cannot have const generic"));
        assert!(messages(parse_quote!(fn f<'a, T>(x: &'a T) -> T), all).is_empty());
        let none = Allow {
            lifetimes: false,
            type_params: false,
        };
        let m = messages(parse_quote!(fn f<'a, T>(x: &'a T) -> T), none);
        assert!(
            m[0].contains("lifetime") && m[1].contains("cannot be generic"),
            "{m:?}"
        );
    }
}
