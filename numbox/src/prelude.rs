//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::{vectorize, DType, DynArray, Error, ErrorKind, Operand, Result, Scalar, Target};
