//! The GPU target's code generation (`target = "gpu"`): the body subset check
//! ([`validate`]) and the device kernels of `#[vectorize]` ([`vectorize`]) and `#[stencil]`
//! ([`stencil`]), all emitted
//! inside `::numbox::__private::gpu_items! { .. }`, which expands them only in a build of
//! numbox with its `gpu` feature.

pub mod stencil;
pub mod validate;
pub mod vectorize;

use syn::Type;

/// The element types the GPU target handles (numbox's `GpuElement`).
pub const ELEMENTS: &[&str] = &["f32", "f64", "i32", "u32"];

/// Whether `ty` is one of [`ELEMENTS`], written bare.
pub fn is_element(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p
            .path
            .get_ident()
            .is_some_and(|id| ELEMENTS.contains(&id.to_string().as_str())),
        Type::Paren(p) => is_element(&p.elem),
        Type::Group(g) => is_element(&g.elem),
        _ => false,
    }
}
