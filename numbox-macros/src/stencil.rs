//! `#[stencil]`: [`options`] -> [`validate`] (the kernel's signature; [`body`] rewrites
//! constant-offset reads, then the neighbourhood is inferred or checked) -> [`mod@expand`]
//! (the companion type implementing the runtime's `StencilKernel`).

mod body;
mod expand;
mod options;
mod validate;

use crate::diag::{item_with_error, Errors};
use crate::emit;
use options::Options;
use proc_macro2::TokenStream;
use syn::ItemFn;

/// Entry point: the user's function unchanged plus the companion type, or the function
/// plus every error found.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = syn::Error::new(
                e.span(),
                "#[stencil] applies to a `fn` taking `Neighbors1/2/3<T>` inputs",
            );
            return item_with_error(item, e);
        }
    };
    match build(attr, &func) {
        Ok(tokens) => tokens,
        Err(e) => emit::failed(&validate::repaired(&func), e, func.sig.inputs.len(), 1),
    }
}

fn build(attr: TokenStream, func: &ItemFn) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let opts = Options::parse(attr, &mut errors);
    let fastmath = opts.fastmath.get() == Some(&true);
    let kernel = validate::validate(func, Some(opts), &mut errors);
    errors.finish()?;
    let mut kernel = kernel.expect("no errors means a kernel");
    if fastmath {
        crate::fastmath::rewrite(&mut kernel.body);
    }
    Ok(expand::expand_kernel(&kernel))
}
