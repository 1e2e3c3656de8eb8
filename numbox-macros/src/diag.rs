//! Spanned errors: accumulate them, report them all at once, and keep the user's item.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Collects every user error found while parsing and validating, so that all are reported
/// in one compilation instead of one per attempt.
#[derive(Default)]
pub struct Errors {
    first: Option<syn::Error>,
}

impl Errors {
    /// How many errors were recorded.
    pub fn count(&self) -> usize {
        self.first.as_ref().map_or(0, |e| e.into_iter().count())
    }

    /// Records an error.
    pub fn push(&mut self, err: syn::Error) {
        match &mut self.first {
            Some(first) => first.combine(err),
            None => self.first = Some(err),
        }
    }

    /// Records an error spanned at `tokens`.
    pub fn error(&mut self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    /// Keeps the value of `res`, recording its error.
    pub fn ok<T>(&mut self, res: syn::Result<T>) -> Option<T> {
        match res {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// `Err` with every recorded error, or `Ok(())` when there were none.
    pub fn finish(self) -> syn::Result<()> {
        match self.first {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The expansion of an attribute that failed: the user's item unchanged (so its uses do not
/// cascade into more errors) followed by the `compile_error!`s.
pub fn item_with_error(item: impl ToTokens, err: syn::Error) -> TokenStream {
    let mut out = item.into_token_stream();
    out.extend(err.to_compile_error());
    out
}
