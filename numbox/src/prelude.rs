//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::guvectorize;
pub use crate::{Error, ErrorKind, Operand, Result, Scalar};
