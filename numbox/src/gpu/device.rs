//! The device: a CubeCL client on a Vulkan adapter, created once per process.

use super::array::{DeviceArray, GpuElement};
use crate::error::{shape_str, Error, ErrorKind, Result};
use cubecl::client::Client;
use cubecl::prelude::ElemType;
use cubecl::wgpu::{
    try_init_setup, AutoGraphicsApi, RuntimeOptions, WgpuBackend, WgpuDevice, WgpuDeviceKind,
};
use ndarray::{ArrayBase, Data, Dimension};
use std::sync::{Arc, OnceLock};

/// A GPU (or software Vulkan) device with its compute client.
///
/// Cheap to clone: clones share the device. [`Device::default`] is the device every
/// `name::gpu()` call without a [`DeviceArray`] operand uses.
///
/// ```
/// use numbox::gpu::Device;
/// # fn main() -> numbox::Result<()> {
/// let device = Device::default()?;
/// println!("{} (f64: {})", device.name(), device.supports_f64());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Device {
    inner: Arc<Inner>,
    /// Whether kernels and arrays of `f64` are allowed (the adapter's answer, or `false`
    /// when narrowed by `without_f64`).
    f64: bool,
}

struct Inner {
    client: Client,
    name: String,
    /// The largest buffer the device binds, in bytes.
    max_buffer: u64,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("name", &self.inner.name)
            .field("f64", &self.f64)
            .finish()
    }
}

static DEFAULT: OnceLock<Result<Device>> = OnceLock::new();

impl Device {
    /// The process's device: the best Vulkan adapter (a discrete or integrated GPU, else a
    /// software one such as lavapipe), created on first use and shared afterwards.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::GpuUnavailable`] when no Vulkan adapter can be opened (no driver, no
    /// device, or a driver that refuses to create one). Never panics.
    #[allow(clippy::should_implement_trait)]
    pub fn default() -> Result<Device> {
        DEFAULT.get_or_init(open_default).clone()
    }

    /// The adapter's name, as the driver reports it (e.g. `llvmpipe (LLVM 19.1.7, 256 bits)`).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Whether the device runs `f64` kernels and holds `f64` arrays (Vulkan's
    /// `shaderFloat64`). Without it, `f64` uploads and launches are
    /// [`ErrorKind::GpuF64Unsupported`] errors.
    pub fn supports_f64(&self) -> bool {
        self.f64
    }

    /// This device as if it had no 64-bit floats: what a device without `shaderFloat64`
    /// answers. For testing the refusal on a device that has them.
    #[doc(hidden)]
    pub fn without_f64(&self) -> Device {
        Device {
            inner: Arc::clone(&self.inner),
            f64: false,
        }
    }

    /// Whether two handles are the same device.
    pub fn same(&self, other: &Device) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Waits until every kernel launched on the device so far has finished.
    ///
    /// # Errors
    ///
    /// A device fault, as [`ErrorKind::Gpu`] (or [`ErrorKind::GpuOutOfMemory`]).
    pub fn synchronize(&self) -> Result<()> {
        cubecl::future::block_on(self.client().sync())
            .map_err(|e| super::array::device_error(&e, "waiting for the device"))
    }

    pub(crate) fn client(&self) -> &Client {
        &self.inner.client
    }

    /// `Ok` when elements of `T` may live on this device.
    pub(crate) fn check_elem<T: GpuElement>(&self) -> Result<()> {
        check_f64(T::IS_F64, self.f64, self.name())
    }

    /// `Ok` when a buffer of `bytes` can be bound on this device.
    pub(crate) fn check_size(&self, bytes: u64, what: &str) -> Result<()> {
        check_size(bytes, self.inner.max_buffer, what, self.name())
    }

    /// Copies `a` to the device: any storage, any layout (a non-contiguous array or view is
    /// copied in logical C order, so the device array is always contiguous), shape kept.
    ///
    /// ```
    /// use numbox::gpu::Device;
    /// use numbox::ndarray::{array, s};
    /// # fn main() -> numbox::Result<()> {
    /// let a = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// let d = Device::default()?.upload(&a.slice(s![.., ..;2]))?;
    /// assert_eq!(d.download()?, array![[1.0f32, 3.0], [4.0, 6.0]]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ErrorKind::GpuF64Unsupported`] for `f64` on a device without it,
    /// [`ErrorKind::GpuOutOfMemory`] for an array larger than the device binds.
    pub fn upload<T, S, D>(&self, a: &ArrayBase<S, D>) -> Result<DeviceArray<T, D>>
    where
        T: GpuElement,
        S: Data<Elem = T>,
        D: Dimension,
    {
        self.check_elem::<T>()?;
        let what = format!("an array of shape {}", shape_str(a.shape()));
        self.check_size(bytes_of::<T>(a.len()), &what)?;
        let handle = match a.as_slice() {
            Some(s) => self.client().create_from_slice(T::as_bytes(s)),
            None => {
                let v: Vec<T> = a.iter().copied().collect();
                self.client().create_from_slice(T::as_bytes(&v))
            }
        };
        Ok(DeviceArray::from_parts(self.clone(), handle, a.raw_dim()))
    }

    /// A device array of `shape` filled with zeros.
    ///
    /// # Errors
    ///
    /// As [`Device::upload`].
    pub fn zeros<T: GpuElement, D: Dimension>(&self, shape: D) -> Result<DeviceArray<T, D>> {
        self.check_elem::<T>()?;
        let len = shape.size();
        let what = format!("an array of shape {}", shape_str(shape.slice()));
        self.check_size(bytes_of::<T>(len), &what)?;
        let zeros = vec![0u8; len * std::mem::size_of::<T>()];
        let handle = self.client().create_from_slice(&zeros);
        Ok(DeviceArray::from_parts(self.clone(), handle, shape))
    }

    /// A device array of `shape` whose contents are unspecified: for outputs that a kernel
    /// writes in full before anything reads them.
    pub(crate) fn uninit<T: GpuElement, D: Dimension>(
        &self,
        shape: D,
    ) -> Result<DeviceArray<T, D>> {
        self.check_elem::<T>()?;
        let len = shape.size();
        let what = format!("an output of shape {}", shape_str(shape.slice()));
        self.check_size(bytes_of::<T>(len), &what)?;
        // A zero-byte buffer is not bindable: keep one element's worth.
        let handle = self.client().empty(bytes_of::<T>(len.max(1)) as usize);
        Ok(DeviceArray::from_parts(self.clone(), handle, shape))
    }
}

pub(crate) fn bytes_of<T>(len: usize) -> u64 {
    (len as u64).saturating_mul(std::mem::size_of::<T>() as u64)
}

/// The f64 check, apart from any device (unit-tested without a GPU).
pub(crate) fn check_f64(is_f64: bool, supported: bool, device: &str) -> Result<()> {
    if is_f64 && !supported {
        return Err(Error::new(
            ErrorKind::GpuF64Unsupported,
            format!(
                "the GPU device `{device}` has no 64-bit floats (Vulkan `shaderFloat64`): \
                 use f32 arrays or the CPU path"
            ),
        ));
    }
    Ok(())
}

/// The size check, apart from any device (unit-tested without a GPU).
pub(crate) fn check_size(bytes: u64, max: u64, what: &str, device: &str) -> Result<()> {
    if bytes > max {
        return Err(Error::new(
            ErrorKind::GpuOutOfMemory,
            format!(
                "{what} needs {bytes} bytes, more than the {max} bytes one buffer may hold on \
                 the GPU device `{device}`"
            ),
        ));
    }
    Ok(())
}

/// Opens the default device, turning every failure (a panic inside the driver stack
/// included) into an `Err`.
fn open_default() -> Result<Device> {
    cubecl::environment::set_root(super::cache::cache_dir());
    std::panic::catch_unwind(open_vulkan).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic without a message");
        Err(unavailable(why))
    })
}

fn unavailable(why: &str) -> Error {
    Error::new(
        ErrorKind::GpuUnavailable,
        format!(
            "no GPU device: no Vulkan adapter could be opened ({why}); install a Vulkan driver \
             (for a software one, Debian's `mesa-vulkan-drivers`)"
        ),
    )
}

fn open_vulkan() -> Result<Device> {
    let mut last = String::from("no adapter");
    // The best adapter first; a software one (lavapipe) when it is all there is.
    for kind in [WgpuDeviceKind::DefaultDevice, WgpuDeviceKind::Cpu] {
        let options = RuntimeOptions::try_default().map_err(|e| unavailable(&e.to_string()))?;
        let device = WgpuDevice::new(kind).on(WgpuBackend::Vulkan);
        match try_init_setup::<AutoGraphicsApi>(&device, options) {
            Ok(setup) => {
                let info = setup.adapter.get_info();
                let limits = setup.device.limits();
                let max_buffer = limits
                    .max_storage_buffer_binding_size
                    .min(limits.max_buffer_size);
                let client = cubecl::Device::Wgpu(device.clone()).client();
                let f64 = client
                    .properties()
                    .supports_type(ElemType::Float(cubecl::ir::FloatKind::F64));
                return Ok(Device {
                    inner: Arc::new(Inner {
                        client,
                        name: info.name,
                        max_buffer,
                    }),
                    f64,
                });
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(unavailable(&last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f64_refused_only_where_unsupported() {
        assert!(check_f64(false, false, "d").is_ok());
        assert!(check_f64(true, true, "d").is_ok());
        let e = check_f64(true, false, "soft").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::GpuF64Unsupported);
        assert!(e.message().contains("`soft`"), "{e}");
    }

    #[test]
    fn oversized_buffers_are_out_of_memory() {
        assert!(check_size(8, 8, "x", "d").is_ok());
        let e = check_size(9, 8, "an array of shape [9]", "d").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::GpuOutOfMemory);
        assert!(
            e.message().contains("shape [9]") && e.message().contains("9 bytes"),
            "{e}"
        );
    }
}
