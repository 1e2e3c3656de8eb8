//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::guvectorize;
pub use crate::parallel_loop::prange;
pub use crate::stencil::{Neighbors1, Neighbors2, Neighbors3};
pub use crate::{vectorize, DType, DynArray, Error, ErrorKind, Operand, Result, Scalar, Target};
pub use numbox_macros::parallel_loop;
pub use numbox_macros::stencil;
