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

pub(crate) use body::const_int as body_const_int;

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
    let gpu_at = opts.gpu;
    let kernel = validate::validate(func, Some(opts), &mut errors);
    if let (Some(k), Some(at)) = (&kernel, gpu_at) {
        crate::gpu::stencil::check(&gpu_view(k), at, fastmath, &mut errors);
    }
    errors.finish()?;
    let mut kernel = kernel.expect("no errors means a kernel");
    if fastmath {
        crate::fastmath::rewrite(&mut kernel.body);
    }
    let mut out = expand::expand_kernel(&kernel);
    if gpu_at.is_some() {
        out.extend(crate::gpu::stencil::emit(&gpu_view(&kernel)));
    }
    Ok(out)
}

/// What the GPU target reads of a validated kernel.
fn gpu_view<'a>(k: &'a validate::Kernel<'a>) -> crate::gpu::stencil::StencilView<'a> {
    use validate::Param;
    crate::gpu::stencil::StencilView {
        func: k.func,
        ndim: k.ndim,
        inputs: k
            .params
            .iter()
            .filter_map(|p| match p {
                Param::Input { name, elem, .. } => Some((name, *elem)),
                Param::Scalar { .. } => None,
            })
            .collect(),
        scalars: k
            .params
            .iter()
            .filter_map(|p| match p {
                Param::Scalar { name, .. } => Some(name),
                Param::Input { .. } => None,
            })
            .collect(),
        ret: k.ret,
        neighborhood: &k.neighborhood,
        mode: k.mode.variant(),
        cval: k.cval.as_ref(),
    }
}
