//! Option values shared by the attribute macros.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::LitStr;

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
        match self {
            Target::Cpu => quote::quote!(::numbox::__private::Target::Serial),
            Target::Parallel => quote::quote!(::numbox::__private::Target::Parallel),
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
