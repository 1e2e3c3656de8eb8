//! What macro expansions call. Not part of the public API and not semver-stable.
#![allow(missing_docs)]

pub use crate::broadcast::{Operand, Source};
pub use crate::element::Element;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::target::Target;
pub use crate::threads::install;
pub use crate::ufunc::{
    CallOutput, Kernel, Operands, OutArgs, Ufunc1, Ufunc10, Ufunc11, Ufunc12, Ufunc2, Ufunc3,
    Ufunc4, Ufunc5, Ufunc6, Ufunc7, Ufunc8, Ufunc9,
};
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

/// What the math calls of a `fastmath` kernel become.
pub mod fastmath {
    pub use crate::fastmath::*;
}

/// `#[parallel_loop]`'s driver, disjoint parts and reduction identities.
pub mod prange {
    pub use crate::parallel_loop::expansion::*;
}

pub mod gufunc {
    pub use crate::gufunc::{
        CallOutput, Core0, Core1, Core2, Core3, CoreDim, GuArgs, Gufunc, GufuncKernel, InputList,
        Layout, OutArg, OutputList,
    };
}
