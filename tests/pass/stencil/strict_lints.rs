//! A public, documented kernel in a crate with strict lints: the expansion adds no warnings,
//! no unsafe code and no undocumented public items.
#![deny(
    missing_docs,
    rust_2018_idioms,
    unused,
    non_camel_case_types,
    clippy::all
)]
#![forbid(unsafe_code)]

/// Kernels.
pub mod kernels {
    use numbox::prelude::*;

    /// The 5-point Laplacian with reflected borders.
    #[stencil(mode = "reflect", target = "parallel")]
    pub fn laplace(u: Neighbors2<'_, f64>, scale: f64) -> f64 {
        scale * (u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]])
    }
}

fn main() {
    let grid = numbox::ndarray::Array2::<f64>::ones((8, 9));
    let out = kernels::laplace::call(&grid, 2.0).unwrap();
    assert!(out.iter().all(|&v| v == 0.0));
    let mut into = numbox::ndarray::Array2::<f64>::zeros((8, 9));
    kernels::laplace::serial()
        .call_into(&grid, 2.0, &mut into)
        .unwrap();
    assert_eq!(into, out);
}
