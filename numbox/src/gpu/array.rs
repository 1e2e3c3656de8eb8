//! Arrays resident on a device, and the element types the device holds.

use super::device::Device;
use crate::error::{shape_str, Error, ErrorKind, Result};
use cubecl::prelude::CubeElement;
use cubecl::server::Handle;
use ndarray::{Array, Dimension};

mod sealed {
    pub trait Sealed {}
}

/// An element type the GPU target handles: `f32`, `f64` (where the device supports it),
/// `i32` and `u32`.
///
/// Sealed: kernels read and write device buffers as these types' bytes.
pub trait GpuElement: CubeElement + crate::Element + sealed::Sealed {
    /// `true` for `f64`, which not every device has.
    #[doc(hidden)]
    const IS_F64: bool;
}

macro_rules! gpu_element {
    ($($t:ty => $f64:expr),*) => {$(
        impl sealed::Sealed for $t {}
        impl GpuElement for $t {
            const IS_F64: bool = $f64;
        }
    )*};
}
gpu_element!(f32 => false, f64 => true, i32 => false, u32 => false);

/// An array on a [`Device`], contiguous in C order, of elements `T` and dimensionality `D`:
/// made by [`Device::upload`] or [`Device::zeros`], or returned by a GPU kernel's `call`
/// when an operand is a `DeviceArray`, so that chained kernels keep their data resident.
///
/// ```
/// use numbox::gpu::Device;
/// use numbox::ndarray::Array2;
/// # fn main() -> numbox::Result<()> {
/// let z = Device::default()?.zeros::<f32, _>(numbox::ndarray::Dim([2, 3]))?;
/// assert_eq!(z.shape(), &[2, 3]);
/// assert_eq!(z.download()?, Array2::<f32>::zeros((2, 3)));
/// # Ok(())
/// # }
/// ```
pub struct DeviceArray<T: GpuElement, D: Dimension> {
    device: Device,
    handle: Handle,
    dim: D,
    _elem: std::marker::PhantomData<T>,
}

impl<T: GpuElement, D: Dimension> std::fmt::Debug for DeviceArray<T, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceArray")
            .field("shape", &self.shape())
            .field("device", &self.device.name())
            .finish()
    }
}

impl<T: GpuElement, D: Dimension> DeviceArray<T, D> {
    pub(crate) fn from_parts(device: Device, handle: Handle, dim: D) -> Self {
        DeviceArray {
            device,
            handle,
            dim,
            _elem: std::marker::PhantomData,
        }
    }

    /// The axis lengths.
    pub fn shape(&self) -> &[usize] {
        self.dim.slice()
    }

    /// The shape as a `D`.
    pub fn raw_dim(&self) -> D {
        self.dim.clone()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.dim.size()
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The device holding the array.
    pub fn device(&self) -> &Device {
        &self.device
    }

    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Copies the array back to the host, waiting for the kernels that write it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::GpuOutOfMemory`] when the device could not allocate the array (or a
    /// kernel's output that produced it), [`ErrorKind::Gpu`] for any other device failure
    /// (a kernel that failed to compile or to run), each naming the shape.
    pub fn download(&self) -> Result<Array<T, D>> {
        let n = self.len();
        let bytes = self
            .device
            .client()
            .read_one(self.handle.clone())
            .map_err(|e| {
                device_error(
                    &e,
                    &format!("reading an array of shape {}", shape_str(self.shape())),
                )
            })?;
        let all = T::from_bytes(&bytes);
        let v: Vec<T> = all.get(..n).map(<[T]>::to_vec).ok_or_else(|| {
            Error::new(
                ErrorKind::Gpu,
                format!(
                    "the device returned {} elements for an array of shape {}",
                    all.len(),
                    shape_str(self.shape())
                ),
            )
        })?;
        Array::from_shape_vec(self.dim.clone(), v)
            .map_err(|e| Error::new(ErrorKind::Gpu, e.to_string()))
    }
}

/// A device failure as an `Error`: out of memory, or anything else.
pub(crate) fn device_error(e: &dyn std::fmt::Display, doing: &str) -> Error {
    let text = e.to_string();
    // The cause, without CubeCL's backtraces.
    let first = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Backtrace") && !l.starts_with("disabled backtrace"))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let lower = text.to_ascii_lowercase();
    let kind = if lower.contains("out of device memory")
        || lower.contains("out-of-memory")
        || lower.contains("out of memory")
        || lower.contains("buffer too big")
        || lower.contains("too big")
    {
        ErrorKind::GpuOutOfMemory
    } else {
        ErrorKind::Gpu
    };
    Error::new(kind, format!("GPU device failure {doing}: {first}"))
}
