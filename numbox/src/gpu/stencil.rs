//! Launching a `#[stencil(target = "gpu")]` kernel: one unit per output point, reading its
//! neighbours at the indices the stencil's border mode resolves (as [`Mode::resolve`]).
//!
//! [`Mode::resolve`]: crate::stencil::Mode::resolve

use super::array::GpuElement;
use super::launch::{pick_device, GpuOperand, GpuOut, Place, GRID_BLOCK};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::stencil::StencilKernel;
use cubecl::prelude::{BufferArg, CubeCount, CubeDim, CubeElement};
use cubecl::server::{CubeCountSelection, Handle};
use ndarray::Dimension;
use std::marker::PhantomData;

/// The device kernel of a `#[stencil(target = "gpu")]` function, implemented by the macro.
#[doc(hidden)]
pub trait GpuStencilKernel<const N: usize>: StencilKernel<N>
where
    Self::Output: GpuElement,
{
    /// The input's element type.
    type In: GpuElement;
    /// The type of the border value the kernel reads: the output's under `Skip`, the
    /// input's under `Constant` (unused under the other modes).
    type Cval: GpuElement;
    /// The border value (`cval`, or its default).
    fn gpu_cval() -> Self::Cval;
    /// Launches the kernel over `count` cubes of `dim` units.
    ///
    /// # Safety
    ///
    /// `input` and `out` are buffers of the shape `meta` holds (one `u32` per axis, `N`
    /// axes, its product the buffers' length), and `cval` holds one element.
    unsafe fn launch(
        client: &cubecl::client::Client,
        count: CubeCount,
        dim: CubeDim,
        input: BufferArg,
        out: BufferArg,
        meta: BufferArg,
        cval: BufferArg,
    );
}

/// A `#[stencil(target = "gpu")]` kernel on the GPU: what `name::gpu()` returns.
///
/// `call` and `call_into` take the input as a host array or view of any layout, or a
/// [`DeviceArray`](super::DeviceArray); the border mode and `cval` are the attribute's, applied exactly as on
/// the CPU. The result of `call` is a host `Array` for a host input and a [`DeviceArray`](super::DeviceArray)
/// (left on the device) for a device one, so a time loop can stay resident.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::ndarray::array;
///
/// #[stencil(mode = "wrap", target = "gpu")]
/// fn diff(a: Neighbors1<f32>) -> f32 {
///     a[1] - a[-1]
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let x = array![1.0f32, 2.0, 4.0, 8.0];
/// assert_eq!(diff::gpu().call(&x)?, array![-6.0f32, 3.0, 6.0, -3.0]);
/// # Ok(())
/// # }
/// ```
pub struct GpuStencil<K, const N: usize> {
    kernel: PhantomData<fn() -> K>,
}

impl<K, const N: usize> Clone for GpuStencil<K, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, const N: usize> Copy for GpuStencil<K, N> {}

impl<K: StencilKernel<N>, const N: usize> std::fmt::Debug for GpuStencil<K, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuStencil")
            .field("kernel", &K::NAME)
            .finish()
    }
}

impl<K, const N: usize> GpuStencil<K, N> {
    /// The GPU handle of stencil `K`.
    pub const fn new() -> Self {
        GpuStencil {
            kernel: PhantomData,
        }
    }
}

impl<K, const N: usize> Default for GpuStencil<K, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, const N: usize> GpuStencil<K, N>
where
    K: GpuStencilKernel<N>,
    K::Output: GpuElement,
{
    /// Applies the stencil at every point of `input` on the device, into a new array of its
    /// shape (a host `Array` for a host input, a [`DeviceArray`](super::DeviceArray) for a device one).
    ///
    /// # Errors
    ///
    /// An input that is not `N`-dimensional, no device, `f64` on a device without it, or a
    /// device failure.
    pub fn call<A>(&self, input: A) -> Result<<A::Place as Place>::Array<K::Output, A::Dim>>
    where
        A: GpuOperand<K::In>,
    {
        let run = || {
            let device = pick_device(K::NAME, &[input.resident_on()])?;
            let shape = check_input::<K, N>(input.shape())?.to_vec();
            let mut dim = A::Dim::zeros(N);
            dim.slice_mut().copy_from_slice(&shape);
            let out = device.uninit::<K::Output, A::Dim>(dim)?;
            run_on::<K, N, A>(&device, &input, out.handle(), &shape)?;
            <A::Place as Place>::finish(out)
        };
        run().map_err(|e: Error| e.context(K::NAME))
    }

    /// Applies the stencil at every point of `input` on the device, writing into `out`
    /// (`&mut` a [`DeviceArray`](super::DeviceArray), left on the device, or a host array or `ArrayViewMut`),
    /// which must have the input's shape.
    ///
    /// # Errors
    ///
    /// As [`call`](Self::call), and an output of another shape than the input's
    /// ([`ErrorKind::OutputShape`]).
    pub fn call_into<A, O>(&self, input: A, out: O) -> Result<()>
    where
        A: GpuOperand<K::In>,
        O: GpuOut<K::Output>,
    {
        let run = || {
            let device = pick_device(K::NAME, &[input.resident_on(), out.resident_on()])?;
            let shape = check_input::<K, N>(input.shape())?.to_vec();
            if out.shape() != shape.as_slice() {
                return Err(Error::new(
                    ErrorKind::OutputShape,
                    format!(
                        "the output has shape {}, expected the input `{}`'s shape {}",
                        shape_str(out.shape()),
                        K::INPUTS.first().copied().unwrap_or("input"),
                        shape_str(&shape)
                    ),
                ));
            }
            out.write(&device, &mut |h| {
                run_on::<K, N, A>(&device, &input, h, &shape)
            })
        };
        run().map_err(|e: Error| e.context(K::NAME))
    }
}

/// The input's shape, when it has `N` axes.
fn check_input<K: StencilKernel<N>, const N: usize>(shape: Option<&[usize]>) -> Result<&[usize]> {
    match shape {
        Some(s) if s.len() == N => Ok(s),
        other => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "the input `{}` has shape {}: the stencil is {N}-D",
                K::INPUTS.first().copied().unwrap_or("input"),
                shape_str(other.unwrap_or(&[]))
            ),
        )),
    }
}

/// Uploads `input` (unless resident) and launches `K` over `shape`, writing `out`.
fn run_on<K, const N: usize, A>(
    device: &super::Device,
    input: &A,
    out: &Handle,
    shape: &[usize],
) -> Result<()>
where
    K: GpuStencilKernel<N>,
    K::Output: GpuElement,
    A: GpuOperand<K::In>,
{
    device.check_elem::<K::In>()?;
    device.check_elem::<K::Output>()?;
    device.check_elem::<K::Cval>()?;
    let n: usize = shape.iter().product();
    if n == 0 {
        return Ok(());
    }
    let meta: Option<Vec<u32>> = shape.iter().map(|&l| u32::try_from(l).ok()).collect();
    let meta = match meta {
        Some(m) if i32::try_from(n).is_ok() => m,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "the GPU target indexes stencils with 32-bit signed integers, and shape {} \
                     has {n} elements",
                    shape_str(shape)
                ),
            ))
        }
    };
    let prepared = input.prepare(device)?;
    let client = device.client();
    let meta_handle = client.create_from_slice(u32::as_bytes(&meta));
    let cval = client.create_from_slice(K::Cval::as_bytes(&[K::gpu_cval()]));
    // SAFETY: each buffer is given its own length: the input's was prepared for its shape
    // (`n` elements), `out` was allocated for `n` elements by the callers, `meta` and
    // `cval` are the slices just copied.
    let (input_arg, out_arg, meta_arg, cval_arg) = unsafe {
        (
            BufferArg::from_raw_parts(prepared.handle().clone(), n),
            BufferArg::from_raw_parts(out.clone(), n),
            BufferArg::from_raw_parts(meta_handle, N),
            BufferArg::from_raw_parts(cval, 1),
        )
    };
    let blocks = u32::try_from(n.div_ceil(GRID_BLOCK)).unwrap_or(u32::MAX);
    let count = CubeCountSelection::new(client, blocks).cube_count();
    let dim = CubeDim::new_1d(GRID_BLOCK as u32);
    // SAFETY: `meta` is the shape of the input and of `out` (both `n` elements), and the
    // kernel reads only indices its border mode resolves into that shape.
    unsafe { K::launch(client, count, dim, input_arg, out_arg, meta_arg, cval_arg) };
    Ok(())
}
