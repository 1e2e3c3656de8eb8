//! What macro expansions call. Not part of the public API and not semver-stable.
#![allow(missing_docs)]

pub use crate::broadcast::{Operand, Source};
pub use crate::element::Element;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::executor::Target;
pub use crate::threads::install;
pub use ::core;
pub use ::ndarray;
pub use ::rayon;

/// `#[parallel_loop]`'s driver, disjoint parts and reduction identities.
pub mod prange {
    pub use crate::parallel_loop::expansion::*;
}
