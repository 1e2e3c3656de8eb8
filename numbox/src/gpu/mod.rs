//! The GPU target (cargo feature `gpu`): a [`Device`], arrays resident on it
//! ([`DeviceArray`]) and the handles that `name::gpu()` returns: [`GpuUfunc`] for a
//! `#[vectorize(target = "gpu")]` function, [`GpuStencil`] for a
//! `#[stencil(target = "gpu")]` one (the same border modes and `cval` as on the CPU).
//!
//! As Numba's `cuda.to_device` / `copy_to_host`: [`Device::upload`] copies any array or
//! view (non-contiguous ones are made contiguous, in logical C order) and
//! [`DeviceArray::download`] copies back, so chained kernels keep their data on the device.
//! Host arrays passed to `call` are copied in, and the result copied out.
//!
//! # Engine
//!
//! Kernels are compiled by [CubeCL](https://github.com/tracel-ai/cubecl) (0.11.3) from the
//! same function body as the CPU kernel, and run through `wgpu` on **Vulkan**: the backend
//! is pinned, so that a machine without Vulkan is an `Err` rather than a silent fallback to
//! OpenGL (where `f64` fails only at read-back). CUDA is not compiled in. A software Vulkan
//! driver (Mesa's lavapipe, Debian package `mesa-vulkan-drivers`) is used when no GPU is
//! present: it is how the tests run on a machine without one. The feature needs Rust 1.95
//! (CubeCL's own minimum), above numbox's 1.89.
//!
//! # Floating-point contract
//!
//! CubeCL's optimizer fuses `a * b + c` into a fused multiply-add. Drivers that execute it
//! fused (most GPUs) round once where the CPU path rounds twice: results may differ from
//! the CPU path by one rounding of each such product. The transcendental methods (`exp`,
//! `ln`, `sin`, ...) have the driver's accuracy, which Vulkan bounds only loosely (`exp`:
//! `3 + 2|x|` ulp). Lavapipe does not fuse and its `exp` was measured within 62 ulp of the
//! CPU path at `x ≈ -80`; arithmetic matched the CPU path bit for bit.
//!
//! # Caches
//!
//! Compiled kernels are cached on disk by CubeCL, never in the caller's project: under
//! `$NUMBOX_GPU_CACHE` when set, else `numbox/gpu` in the user cache directory
//! (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%`
//! on Windows), else the temporary directory. The Vulkan driver may keep its own shader
//! cache (Mesa: `~/.cache/mesa_shader_cache`, moved by `MESA_SHADER_CACHE_DIR`).
//!
//! ```
//! use numbox::gpu::Device;
//! use numbox::ndarray::array;
//!
//! # fn main() -> numbox::Result<()> {
//! let device = Device::default()?;
//! let x = device.upload(&array![[1.0f32, 2.0], [3.0, 4.0]])?;
//! assert_eq!(x.shape(), &[2, 2]);
//! assert_eq!(x.download()?, array![[1.0f32, 2.0], [3.0, 4.0]]);
//! # Ok(())
//! # }
//! ```

mod array;
mod cache;
mod device;
mod launch;
mod stencil;

pub use array::{DeviceArray, GpuElement};
pub use device::Device;
pub use launch::{GpuOperand, GpuOut, GpuUfunc, Host, Place, PlaceFold, Resident};
pub use stencil::GpuStencil;

#[doc(hidden)]
pub use launch::{GpuKernel, GRID_BLOCK};
#[doc(hidden)]
pub use stencil::GpuStencilKernel;
