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
pub mod gufunc {
    pub use crate::gufunc::{
        CallOutput, Core0, Core1, Core2, Core3, CoreDim, GuArgs, Gufunc, GufuncKernel, InputList,
        Layout, OutArg, OutputList,
    };
}
