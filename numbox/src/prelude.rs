//! `use numbox::prelude::*;` brings the macros, the operand helpers and the error type.

pub use crate::{vectorize, Error, ErrorKind, Operand, Result, Scalar, Target};
