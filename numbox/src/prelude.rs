//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::stencil::{Neighbors1, Neighbors2, Neighbors3};
pub use crate::{vectorize, DType, DynArray, Error, ErrorKind, Operand, Result, Scalar, Target};
pub use numbox_macros::stencil;
