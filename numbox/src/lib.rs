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

mod broadcast;
mod element;
mod error;
mod executor;
pub mod gufunc;
mod threads;

pub mod prelude;

pub use broadcast::{broadcast_shapes, Operand, Scalar, Source};
pub use element::Element;
pub use error::{Error, ErrorKind, Result};
pub use executor::Target;
pub use threads::{get_num_threads, set_num_threads};

pub use gufunc::Gufunc;
/// Generalized ufuncs: [`numbox::gufunc`](crate::gufunc) has the layout rules, the
/// companion type's methods and the run-time errors.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::{array, ArrayView1};
///
/// #[guvectorize("(n)->()")]
/// fn mean(x: ArrayView1<f64>) -> f64 {
///     x.sum() / x.len() as f64
/// }
///
/// # fn main() -> numbox::Result<()> {
/// assert_eq!(mean(array![1.0, 3.0].view()), 2.0); // the function, untouched
/// assert_eq!(mean::call(&array![[1.0, 3.0], [2.0, 6.0]])?, array![2.0, 4.0]); // over rows
/// # Ok(()) }
/// ```
pub use numbox_macros::guvectorize;

pub use ndarray;
pub use num_complex;
pub use rayon;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
