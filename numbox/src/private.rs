//! What macro expansions call. Not part of the public API and not semver-stable.
#![allow(missing_docs)]

pub use crate::broadcast::{Operand, Source};
pub use crate::element::Element;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::target::Target;
pub use crate::threads::install;
pub use crate::ufunc::{Kernel, Operands, OutArgs, Ufunc, UfuncOutput};
pub use ::core;
pub use ::ndarray;
pub use ::rayon;
pub mod dispatch {
    pub use crate::dispatch::{call_dyn, select_loop, Loop, LoopFn};
    pub use crate::ufunc::dyn_loop;
    pub use crate::{DType, DynArray, DynUfunc, NativeType, Signature};
}

pub mod stencil {
    pub use crate::stencil::__expansion::*;
    pub use crate::stencil::{
        AsArrayMut, Field, FieldSet, Handle, HasHandle, Mode, Neighbors, StencilKernel,
    };
}

/// `#[parallel_loop]`'s driver, disjoint parts and reduction identities.
pub mod prange {
    pub use crate::parallel_loop::expansion::*;
}

pub mod gufunc {
    pub use crate::gufunc::{
        Core0, Core1, Core2, Core3, CoreDim, GuArgs, Gufunc, GufuncKernel, GufuncOutput, InputList,
        Layout, OutArg, OutputList,
    };
}
