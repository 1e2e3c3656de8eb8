//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::{DType, DynArray};
pub use crate::{Error, ErrorKind, Operand, Result, Scalar};
