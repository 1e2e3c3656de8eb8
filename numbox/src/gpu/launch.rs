//! Launching a `#[vectorize(target = "gpu")]` kernel: the operands (host arrays, views,
//! scalars or [`DeviceArray`]s), where the result lives, the broadcast shape and strides the
//! kernel indexes by, and the handle [`GpuUfunc`].

use super::array::{DeviceArray, GpuElement};
use super::device::Device;
use crate::broadcast::{broadcast_iter, dim_from_shape};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::ufunc::{DimFold, Kernel};
use cubecl::prelude::{BufferArg, CubeCount, CubeDim, CubeElement};
use cubecl::server::{CubeCountSelection, Handle};
use ndarray::{Array, ArrayBase, Data, DataMut, Dimension, Ix0};
use std::marker::PhantomData;

/// Units per cube (workgroup) of an elementwise kernel.
pub const GRID_BLOCK: usize = 256;

/// The device kernel of a `#[vectorize(target = "gpu")]` function, implemented by the macro.
///
/// The generated kernel reads input `k` at the offset that the broadcast strides in `meta`
/// give for its unit's position (see [`launch`]) and writes the output at that position.
#[doc(hidden)]
pub trait GpuKernel: Kernel {
    /// Launches the kernel over `count` cubes of `dim` units.
    ///
    /// # Safety
    ///
    /// `inputs` holds one buffer per input, each as long as its `BufferArg` says; `meta` is
    /// laid out as [`launch`] writes it, and every offset it yields for a position below
    /// `out`'s length is within the input's buffer.
    unsafe fn launch(
        client: &cubecl::client::Client,
        count: CubeCount,
        dim: CubeDim,
        inputs: Vec<BufferArg>,
        out: BufferArg,
        meta: BufferArg,
    );
}

/// Where the result of a `call` lives: on the host ([`Host`], when every operand is a host
/// array or a scalar) or on the device ([`Resident`], when any operand is a
/// [`DeviceArray`]).
pub trait Place {
    /// The result type for elements `T` of dimensionality `D`.
    type Array<T: GpuElement, D: Dimension>;
    /// The result from the device array the kernel wrote.
    #[doc(hidden)]
    fn finish<T: GpuElement, D: Dimension>(a: DeviceArray<T, D>) -> Result<Self::Array<T, D>>;
}

/// The result of a `call` on host operands: an `ndarray::Array`, copied back.
#[derive(Debug, Clone, Copy)]
pub struct Host;

/// The result of a `call` with a [`DeviceArray`] operand: a [`DeviceArray`], left on the
/// device.
#[derive(Debug, Clone, Copy)]
pub struct Resident;

impl Place for Host {
    type Array<T: GpuElement, D: Dimension> = Array<T, D>;
    fn finish<T: GpuElement, D: Dimension>(a: DeviceArray<T, D>) -> Result<Array<T, D>> {
        a.download()
    }
}

impl Place for Resident {
    type Array<T: GpuElement, D: Dimension> = DeviceArray<T, D>;
    fn finish<T: GpuElement, D: Dimension>(a: DeviceArray<T, D>) -> Result<DeviceArray<T, D>> {
        Ok(a)
    }
}

/// The place of a tuple of operands' places: [`Resident`] as soon as one is.
pub trait PlaceFold {
    /// The resulting place.
    type Out: Place;
}

/// Two places joined.
#[doc(hidden)]
pub trait PlaceJoin<P> {
    type Out: Place;
}
impl PlaceJoin<Host> for Host {
    type Out = Host;
}
impl PlaceJoin<Resident> for Host {
    type Out = Resident;
}
impl PlaceJoin<Host> for Resident {
    type Out = Resident;
}
impl PlaceJoin<Resident> for Resident {
    type Out = Resident;
}

impl<P0: Place> PlaceFold for (P0,) {
    type Out = P0;
}

macro_rules! place_fold {
    ($P0:ident $P1:ident $($P:ident)*) => {
        impl<$P0: PlaceJoin<$P1>, $P1, $($P),*> PlaceFold for ($P0, $P1, $($P,)*)
        where
            (<$P0 as PlaceJoin<$P1>>::Out, $($P,)*): PlaceFold,
        {
            type Out = <(<$P0 as PlaceJoin<$P1>>::Out, $($P,)*) as PlaceFold>::Out;
        }
    };
}
place_fold!(P0 P1);
place_fold!(P0 P1 P2);
place_fold!(P0 P1 P2 P3);
place_fold!(P0 P1 P2 P3 P4);
place_fold!(P0 P1 P2 P3 P4 P5);

mod sealed {
    pub trait Operand {}
    pub trait Out {}
}

/// An operand buffer on the device: contiguous, C order, `len` elements, of `shape`
/// (`None` for a scalar).
#[doc(hidden)]
pub struct Prepared {
    handle: Handle,
    len: usize,
    shape: Option<Vec<usize>>,
}

impl Prepared {
    /// The buffer.
    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }
}

/// An operand of a GPU kernel with elements `T`: a host array or view of any layout
/// (`&ArrayBase`), a scalar, or a [`&DeviceArray`](DeviceArray).
///
/// Sealed: the kernel reads the buffers it prepares.
pub trait GpuOperand<T: GpuElement>: sealed::Operand {
    /// The operand's dimensionality (`Ix0` for a scalar).
    type Dim: Dimension;
    /// [`Resident`] for a device array, [`Host`] otherwise.
    type Place: Place;
    /// The operand's shape, or `None` for a scalar.
    #[doc(hidden)]
    fn shape(&self) -> Option<&[usize]>;
    /// The device holding it, for a device array.
    #[doc(hidden)]
    fn resident_on(&self) -> Option<&Device>;
    /// Its buffer on `device` (copied there unless it is already).
    #[doc(hidden)]
    fn prepare(&self, device: &Device) -> Result<Prepared>;
}

impl<T: GpuElement, D: Dimension> sealed::Operand for &DeviceArray<T, D> {}
impl<T: GpuElement, D: Dimension> GpuOperand<T> for &DeviceArray<T, D> {
    type Dim = D;
    type Place = Resident;
    fn shape(&self) -> Option<&[usize]> {
        Some(DeviceArray::shape(self))
    }
    fn resident_on(&self) -> Option<&Device> {
        Some(self.device())
    }
    fn prepare(&self, _: &Device) -> Result<Prepared> {
        Ok(Prepared {
            handle: self.handle().clone(),
            len: self.len(),
            shape: Some(DeviceArray::shape(self).to_vec()),
        })
    }
}

impl<T: GpuElement, S: Data<Elem = T>, D: Dimension> sealed::Operand for &ArrayBase<S, D> {}
impl<T: GpuElement, S: Data<Elem = T>, D: Dimension> GpuOperand<T> for &ArrayBase<S, D> {
    type Dim = D;
    type Place = Host;
    fn shape(&self) -> Option<&[usize]> {
        Some(ArrayBase::shape(self))
    }
    fn resident_on(&self) -> Option<&Device> {
        None
    }
    fn prepare(&self, device: &Device) -> Result<Prepared> {
        let d = device.upload(*self)?;
        Ok(Prepared {
            handle: d.handle().clone(),
            len: d.len(),
            shape: Some(d.shape().to_vec()),
        })
    }
}

macro_rules! scalar_operand {
    ($($t:ty),*) => {$(
        impl sealed::Operand for $t {}
        impl GpuOperand<$t> for $t {
            type Dim = Ix0;
            type Place = Host;
            fn shape(&self) -> Option<&[usize]> {
                None
            }
            fn resident_on(&self) -> Option<&Device> {
                None
            }
            fn prepare(&self, device: &Device) -> Result<Prepared> {
                device.check_elem::<$t>()?;
                let handle = device.client().create_from_slice(<$t>::as_bytes(&[*self]));
                Ok(Prepared { handle, len: 1, shape: None })
            }
        }
    )*};
}
scalar_operand!(f32, f64, i32, u32);

/// The output of a GPU kernel's `call_into`: `&mut` a [`DeviceArray`] (written on the
/// device) or `&mut` a host array or `ArrayViewMut` (written on the device, then copied).
pub trait GpuOut<R: GpuElement>: sealed::Out {
    /// The output's shape.
    #[doc(hidden)]
    fn shape(&self) -> &[usize];
    /// The device holding it, for a device array.
    #[doc(hidden)]
    fn resident_on(&self) -> Option<&Device>;
    /// Runs `write` on a device buffer of the output's length and brings the result here.
    #[doc(hidden)]
    fn write(self, device: &Device, write: &mut dyn FnMut(&Handle) -> Result<()>) -> Result<()>;
}

impl<R: GpuElement, D: Dimension> sealed::Out for &mut DeviceArray<R, D> {}
impl<R: GpuElement, D: Dimension> GpuOut<R> for &mut DeviceArray<R, D> {
    fn shape(&self) -> &[usize] {
        DeviceArray::shape(self)
    }
    fn resident_on(&self) -> Option<&Device> {
        Some(self.device())
    }
    fn write(self, _: &Device, write: &mut dyn FnMut(&Handle) -> Result<()>) -> Result<()> {
        write(self.handle())
    }
}

impl<R: GpuElement, S: DataMut<Elem = R>, D: Dimension> sealed::Out for &mut ArrayBase<S, D> {}
impl<R: GpuElement, S: DataMut<Elem = R>, D: Dimension> GpuOut<R> for &mut ArrayBase<S, D> {
    fn shape(&self) -> &[usize] {
        ArrayBase::shape(self)
    }
    fn resident_on(&self) -> Option<&Device> {
        None
    }
    fn write(self, device: &Device, write: &mut dyn FnMut(&Handle) -> Result<()>) -> Result<()> {
        let tmp = device.uninit::<R, D>(self.raw_dim())?;
        write(tmp.handle())?;
        self.assign(&tmp.download()?);
        Ok(())
    }
}

/// The device of a call: that of its device-array operands (which must agree), else the
/// default one.
pub(crate) fn pick_device(name: &str, resident: &[Option<&Device>]) -> Result<Device> {
    let mut found: Option<&Device> = None;
    for (i, d) in resident.iter().enumerate() {
        if let Some(d) = d {
            match found {
                Some(f) if !f.same(d) => {
                    return Err(Error::new(
                        ErrorKind::InvalidArgument,
                        format!(
                            "{name}: operand {i} is on another device than the operands before it"
                        ),
                    ))
                }
                _ => found = Some(d),
            }
        }
    }
    match found {
        Some(d) => Ok(d.clone()),
        None => Device::default(),
    }
}

/// The broadcast strides (in elements) of a contiguous C-order operand of `shape` over
/// `target`: 0 along new leading axes and axes of length 1.
pub(crate) fn broadcast_strides(shape: Option<&[usize]>, target: &[usize]) -> Vec<usize> {
    let mut out = vec![0; target.len()];
    if let Some(shape) = shape {
        let offset = target.len() - shape.len();
        let mut stride = 1;
        for k in (0..shape.len()).rev() {
            if shape[k] != 1 {
                out[offset + k] = stride;
            }
            stride *= shape[k];
        }
    }
    out
}

/// The kernel's metadata: `[contiguous, ndim, shape.., strides of input 0.., ...]`, where
/// `contiguous` = 1 when every input has the output's shape (each unit then reads its own
/// position), all as `u32`.
pub(crate) fn meta(shapes: &[Option<&[usize]>], target: &[usize]) -> Option<Vec<u32>> {
    let contiguous = shapes.iter().all(|s| *s == Some(target));
    let mut meta = vec![u32::from(contiguous), u32::try_from(target.len()).ok()?];
    for &len in target {
        meta.push(u32::try_from(len).ok()?);
    }
    for s in shapes {
        for st in broadcast_strides(*s, target) {
            meta.push(u32::try_from(st).ok()?);
        }
    }
    Some(meta)
}

/// As the CPU path's `call_into`: the inputs broadcast to the output's shape, which is
/// never broadcast itself.
fn check_out_shape(inputs: &[Option<&[usize]>], target: &[usize]) -> Result<()> {
    let in_shape = broadcast_iter(inputs.iter().copied())?;
    let fits = in_shape.len() <= target.len()
        && in_shape
            .iter()
            .rev()
            .zip(target.iter().rev())
            .all(|(&n, &t)| n == t || n == 1);
    if fits {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::OutputShape,
        format!(
            "the output has shape {}, expected the broadcast shape {} or a shape it broadcasts \
             to (an output is never broadcast) ({})",
            shape_str(target),
            shape_str(&in_shape),
            crate::broadcast::describe_operands(inputs.iter().copied())
        ),
    ))
}

/// Launches `K` over `out_len` positions of `shape`, writing `out`.
fn launch<K: GpuKernel>(
    device: &Device,
    inputs: &[Prepared],
    out: &Handle,
    shape: &[usize],
) -> Result<()> {
    let n: usize = shape.iter().product();
    if n == 0 {
        return Ok(());
    }
    let shapes: Vec<Option<&[usize]>> = inputs.iter().map(|p| p.shape.as_deref()).collect();
    let meta = match meta(&shapes, shape) {
        Some(m) if u32::try_from(n).is_ok() => m,
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: the GPU target indexes with 32 bits, and shape {} has {n} elements",
                    K::NAME,
                    shape_str(shape)
                ),
            ))
        }
    };
    let client = device.client();
    let meta_len = meta.len();
    let meta = client.create_from_slice(u32::as_bytes(&meta));
    // SAFETY: each buffer is given its own length: `Prepared` records the element count of
    // the buffer it holds, `out` was allocated for `n` elements of the output type (the
    // callers check the shape), and `meta` is the vector just copied.
    let (args, out, meta) = unsafe {
        (
            inputs
                .iter()
                .map(|p| BufferArg::from_raw_parts(p.handle.clone(), p.len))
                .collect::<Vec<_>>(),
            BufferArg::from_raw_parts(out.clone(), n),
            BufferArg::from_raw_parts(meta, meta_len),
        )
    };
    let blocks = u32::try_from(n.div_ceil(GRID_BLOCK)).unwrap_or(u32::MAX);
    let count = CubeCountSelection::new(client, blocks).cube_count();
    let dim = CubeDim::new_1d(GRID_BLOCK as u32);
    // SAFETY: `meta` was written by `meta` for these inputs' shapes broadcast to `shape`
    // (which `broadcast_iter` checked): every offset it yields for a position below `n`
    // is below the input's element count, and `args` has one buffer per input.
    unsafe { K::launch(client, count, dim, args, out, meta) };
    Ok(())
}

/// A `#[vectorize(target = "gpu")]` kernel on the GPU: what `name::gpu()` returns.
///
/// `call` and `call_into` take as many operands as the kernel has inputs: host arrays or
/// views of any layout, scalars, or [`DeviceArray`]s, broadcast by NumPy's rules. The
/// result is a host `Array` when every operand is on the host, and a [`DeviceArray`] (left
/// on the device) as soon as one operand is a `DeviceArray`. The element types select the
/// device kernel among the function's signatures.
///
/// ```
/// use numbox::prelude::*;
/// use numbox::gpu::Device;
/// use numbox::ndarray::array;
///
/// #[vectorize(target = "gpu")]
/// fn axpy(a: f32, x: f32, y: f32) -> f32 {
///     a * x + y
/// }
///
/// # fn main() -> numbox::Result<()> {
/// let x = array![1.0f32, 2.0, 3.0];
/// assert_eq!(axpy::gpu().call(2.0, &x, 1.0)?, array![3.0f32, 5.0, 7.0]);
/// let d = Device::default()?.upload(&x)?;
/// let twice = axpy::gpu().call(2.0, &d, 0.0)?; // stays on the device
/// assert_eq!(axpy::gpu().call(1.0, &twice, &d)?.download()?, array![3.0f32, 6.0, 9.0]);
/// # Ok(())
/// # }
/// ```
pub struct GpuUfunc<K: Kernel, A = <K as Kernel>::Args> {
    kernel: PhantomData<fn() -> (K, A)>,
}

impl<K: Kernel, A> Clone for GpuUfunc<K, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Kernel, A> Copy for GpuUfunc<K, A> {}

impl<K: Kernel, A> std::fmt::Debug for GpuUfunc<K, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuUfunc")
            .field("kernel", &K::NAME)
            .finish()
    }
}

impl<K: Kernel> GpuUfunc<K> {
    /// The GPU handle of kernel `K`.
    pub const fn new() -> Self {
        GpuUfunc {
            kernel: PhantomData,
        }
    }
}

impl<K: Kernel> Default for GpuUfunc<K> {
    fn default() -> Self {
        Self::new()
    }
}

macro_rules! arity {
    ($($A:ident $x:ident $T:ident),+) => {
        impl<K, R: GpuElement, $($T: GpuElement),+> GpuUfunc<K, ($($T,)+)>
        where
            K: GpuKernel<Args = ($($T,)+), Out = (R,)>,
        {
            /// Applies the kernel elementwise to the broadcast operands on the device, into
            /// a new array (a host `Array` for host operands, a [`DeviceArray`] as soon as
            /// one operand is one).
            ///
            /// # Errors
            ///
            /// Shapes that do not broadcast, no device, `f64` on a device without it, or a
            /// device failure (out of memory, a kernel that fails to compile or run).
            #[allow(clippy::too_many_arguments, clippy::type_complexity)]
            pub fn call<$($A),+>(
                &self,
                $($x: $A),+
            ) -> Result<
                <<($(<$A as GpuOperand<$T>>::Place,)+) as PlaceFold>::Out as Place>::Array<
                    R,
                    <($(<$A as GpuOperand<$T>>::Dim,)+) as DimFold>::Out,
                >,
            >
            where
                $($A: GpuOperand<$T>,)+
                ($(<$A as GpuOperand<$T>>::Place,)+): PlaceFold,
                ($(<$A as GpuOperand<$T>>::Dim,)+): DimFold,
            {
                let run = || {
                    let device = pick_device(K::NAME, &[$($x.resident_on()),+])?;
                    device.check_elem::<R>()?;
                    $(device.check_elem::<$T>()?;)+
                    let shape = broadcast_iter([$($x.shape()),+].into_iter())?;
                    let prepared = [$($x.prepare(&device)?),+];
                    let out = device.uninit::<R, _>(dim_from_shape(&shape))?;
                    launch::<K>(&device, &prepared, out.handle(), &shape)?;
                    <<($(<$A as GpuOperand<$T>>::Place,)+) as PlaceFold>::Out as Place>::finish(out)
                };
                run().map_err(|e: Error| e.context(K::NAME))
            }

            /// Applies the kernel elementwise on the device, writing into `out`: `&mut` a
            /// [`DeviceArray`] (left on the device) or a host array or `ArrayViewMut`. As
            /// on the CPU, the operands broadcast to the output's shape, which is never
            /// broadcast itself.
            ///
            /// # Errors
            ///
            /// As [`call`](Self::call), and an output of another shape than the broadcast
            /// one.
            #[allow(clippy::too_many_arguments)]
            pub fn call_into<$($A,)+ O>(&self, $($x: $A,)+ out: O) -> Result<()>
            where
                $($A: GpuOperand<$T>,)+
                O: GpuOut<R>,
            {
                let run = || {
                    let device = pick_device(K::NAME, &[$($x.resident_on(),)+ out.resident_on()])?;
                    device.check_elem::<R>()?;
                    $(device.check_elem::<$T>()?;)+
                    let inputs = [$($x.shape()),+];
                    let target = out.shape().to_vec();
                    check_out_shape(&inputs, &target)?;
                    let prepared = [$($x.prepare(&device)?),+];
                    out.write(&device, &mut |h| launch::<K>(&device, &prepared, h, &target))
                };
                run().map_err(|e: Error| e.context(K::NAME))
            }
        }
    };
}

arity!(A0 x0 T0);
arity!(A0 x0 T0, A1 x1 T1);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4);
arity!(A0 x0 T0, A1 x1 T1, A2 x2 T2, A3 x3 T3, A4 x4 T4, A5 x5 T5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_broadcast_like_numpy() {
        assert_eq!(broadcast_strides(Some(&[2, 3]), &[2, 3]), vec![3, 1]);
        assert_eq!(broadcast_strides(Some(&[3]), &[2, 3]), vec![0, 1]);
        assert_eq!(broadcast_strides(Some(&[2, 1]), &[2, 3]), vec![1, 0]);
        assert_eq!(broadcast_strides(None, &[2, 3]), vec![0, 0]);
        assert_eq!(
            broadcast_strides(Some(&[4, 1, 5]), &[2, 4, 3, 5]),
            vec![0, 5, 0, 1]
        );
    }

    #[test]
    fn meta_layout() {
        let m = meta(&[Some(&[2, 3]), None, Some(&[3])], &[2, 3]).unwrap();
        assert_eq!(m, vec![0, 2, 2, 3, 3, 1, 0, 0, 0, 1]);
        let m = meta(&[Some(&[4]), Some(&[4])], &[4]).unwrap();
        assert_eq!(m, vec![1, 1, 4, 1, 1]);
        assert!(meta(&[Some(&[1 << 33])], &[1 << 33]).is_none());
    }
}
