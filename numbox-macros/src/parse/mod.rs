//! Parsing shared by the macros: option values and the scalar-function IR.

pub mod layout;
pub mod options;
pub mod scalar_fn;
pub mod signatures;
