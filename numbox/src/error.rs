//! The one error type of numbox.

use std::fmt;

/// What went wrong, for callers that want to branch on it.
///
/// The enum is `#[non_exhaustive]`: new kinds may appear in minor releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Operand shapes do not broadcast together (NumPy's rules).
    Broadcast,
    /// An output array given to a `call_into` has the wrong shape.
    OutputShape,
    /// Operands that must share a shape do not.
    ShapeMismatch,
    /// An axis index is out of range for the array.
    AxisOutOfBounds,
    /// A reduction over zero elements of a kernel that has no identity.
    EmptyReduction,
    /// A generalized-ufunc core dimension is missing, bound to two sizes, or of the wrong fixed size.
    CoreDimension,
    /// An element type (dtype) problem: a failed cast, or a value of another dtype.
    DType,
    /// No compiled signature accepts the given input dtypes.
    NoMatchingSignature,
    /// The wrong number of operands.
    Arity,
    /// A name that is not registered.
    UnknownName,
    /// A malformed file (for example a `.npy` file).
    Format,
    /// An I/O error.
    Io,
    /// A parameter value out of its valid range.
    InvalidArgument,
    /// No GPU device: no Vulkan adapter could be opened (feature `gpu`).
    GpuUnavailable,
    /// `f64` data or kernels on a GPU device without 64-bit floats (feature `gpu`).
    GpuF64Unsupported,
    /// The GPU device ran out of memory, or a buffer exceeds what it binds (feature `gpu`).
    GpuOutOfMemory,
    /// Any other GPU device failure: a kernel that failed to compile or to run (feature `gpu`).
    Gpu,
    /// An MPI call of numbox's distributed communication failed (feature `mpi`): the message
    /// has MPI's error text, the operation and the rank.
    Mpi,
}

/// The error returned by every array-facing call of numbox.
///
/// Its message names the operands and shapes involved, for example
/// `rel_diff: operands could not be broadcast together: operand 0 has shape [3, 4], operand 1 has shape [5]`.
///
/// ```
/// use numbox::{Error, ErrorKind};
/// let e = Error::new(ErrorKind::Broadcast, "shapes [2] and [3] do not broadcast");
/// assert_eq!(e.kind(), ErrorKind::Broadcast);
/// assert!(e.to_string().contains("[2]"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// An error of the given kind with a complete, human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `context: ` put in front of its message (typically the kernel's name).
    pub fn context(mut self, context: &str) -> Self {
        if !context.is_empty() {
            self.message = format!("{context}: {}", self.message);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, e.to_string())
    }
}

/// `Result<T, numbox::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Formats a shape as NumPy-like `[2, 3]`, used in every shape message.
pub(crate) fn shape_str(shape: &[usize]) -> String {
    format!("{shape:?}")
}
