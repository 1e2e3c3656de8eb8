//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::parallel_loop::prange;
pub use crate::{Error, ErrorKind, Operand, Result, Scalar};
pub use numbox_macros::parallel_loop;
