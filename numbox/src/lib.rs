//! # numbox — Numba's one-line speed-ups, the Rust way
//!
//! Write a plain scalar function, add one attribute, and get a fast broadcasting, windowed
//! or parallel array kernel over [`ndarray`], checked at compile time, with no run-time
//! compiler.
//!
//! ```
//! use numbox::prelude::*;
//! use numbox::ndarray::array;
//!
//! #[vectorize]
//! fn rel_diff(x: f64, y: f64) -> f64 {
//!     (x - y).abs() / (x.abs() + y.abs())
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! assert_eq!(rel_diff(3.0, 1.0), 0.5);                 // the scalar function, untouched
//! let a = array![[1.0, 2.0], [3.0, 4.0]];
//! let z = rel_diff::call(&a, 1.0)?;                    // the array kernel, broadcasting
//! assert_eq!(z, array![[0.0, 1.0 / 3.0], [0.5, 0.6]]);
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alloc;
mod broadcast;
pub mod dispatch;
mod dtype;
mod dyn_array;
mod element;
mod error;
mod executor;
pub mod math;
mod npy;
mod small;
mod threads;
pub mod ufunc;

mod private_seal {
    /// Keeps the executor's tuple traits closed to other crates.
    pub trait Sealed {}
}

pub mod parallel_loop;

pub mod prelude;
pub mod stencil;

pub use broadcast::{broadcast_shapes, Operand, Scalar, Source};
pub use dispatch::{DynUfunc, Registry, Signature};
pub use dtype::{DType, NativeType};
pub use dyn_array::DynArray;
pub use element::Element;
pub use error::{Error, ErrorKind, Result};
pub use executor::Target;
pub use threads::{get_num_threads, set_num_threads};

pub use numbox_macros::parallel_loop;
pub use numbox_macros::stencil;
pub use parallel_loop::prange;

pub use ndarray;
pub use num_complex;
pub use rayon;

pub use numbox_macros::vectorize;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
