//! What macro expansions call. Not part of the public API and not semver-stable.
#![allow(missing_docs)]

pub use crate::broadcast::{Operand, Source};
pub use crate::element::Element;
pub use crate::error::{Error, ErrorKind, Result};
pub use crate::out::OutArg;
pub use crate::target::Target;
pub use crate::threads::install;
pub use crate::ufunc::{Kernel, Operands, OutArgs, Ufunc, UfuncOutput};
pub use ::core;

/// The kernels whose companion has `reduce`, `reduce_all`, `accumulate` and `outer`: binary
/// kernels of one type. Another kernel's companion has these names bounded by this trait,
/// so that calling one says why it cannot be called.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used with `reduce`, `reduce_all`, `accumulate` or `outer`: they need a kernel of the form `fn(T, T) -> T`",
    label = "`{Self}` is not a binary kernel whose parameters and result have one type",
    note = "a reduction feeds each result back in as the next call's first argument, so both parameters and the result must have the same type",
    note = "apply the kernel elementwise with `call` and reduce its result with ndarray (e.g. `.fold(..)`, `.iter().all(..)`)"
)]
pub trait Reducible {}

// Not recommended, so that a kernel of another form is reported as not `Reducible` (the
// message above) rather than as a mismatch of its `Out` with this impl's.
#[diagnostic::do_not_recommend]
impl<K: Kernel<Args = (T, T), Out = (T,)>, T> Reducible for K {}
pub use ::ndarray;
pub use ::rayon;
pub mod dispatch {
    pub use crate::dispatch::{call_dyn, select_loop, Loop, LoopFn};
    pub use crate::ufunc::dyn_loop;
    pub use crate::{DType, DynArray, DynUfunc, NativeType, Signature};
}

pub mod stencil {
    pub use crate::stencil::{
        ArgValues, AsInput, CallResult, Field, FieldSet, Handle, Input, Mode, Neighbors, Param,
        SplitArgs, StencilKernel,
    };
}

/// What the math calls of a `fastmath` kernel become.
pub mod fastmath {
    pub use crate::fastmath::*;
}

/// `#[parallel_loop]`'s driver, disjoint parts and reduction identities.
pub mod parallel_loop {
    pub use crate::parallel_loop::disjoint::{Disjoint, DisjointExt, Lazy, Parts};
    pub use crate::parallel_loop::identity::{all_ones_like, one_like, zero_like};
    pub use crate::parallel_loop::runner::{
        for_each, for_each_lanes, reduce, reduce_lanes, wire, Lockstep, Wire,
    };
    pub use crate::parallel_loop::{prange, PrangeRange, Schedule};
}

pub mod gufunc {
    pub use crate::gufunc::{
        Core0, Core1, Core2, Core3, CoreDim, GuArgs, Gufunc, GufuncKernel, GufuncOutput, InputList,
        Layout, OutArg, OutputList,
    };
}

/// The lane types of `#[vectorize]`'s lockstep versions.
pub mod lanes {
    pub use crate::lanes::*;
}

/// `name::dist()` of the attributes: `dist_items! { .. }` expands its input when numbox has
/// the `mpi` feature and to nothing otherwise (the user's crate cannot see numbox's features).
#[cfg(feature = "mpi")]
pub mod dist {
    pub use crate::dist::Dist;
}

#[cfg(feature = "mpi")]
#[doc(hidden)]
#[macro_export]
macro_rules! __nb_dist_items {
    ($($t:tt)*) => { $($t)* };
}

#[cfg(not(feature = "mpi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __nb_dist_items {
    ($($t:tt)*) => {};
}

pub use crate::__nb_dist_items as dist_items;

/// The GPU target's runtime, and CubeCL for the `#[cube]` kernels `gpu_items!` expands to
/// (their expansion names `cubecl::...`, resolved through a `use` of this re-export).
#[cfg(feature = "gpu")]
pub mod gpu {
    pub use crate::gpu::{GpuKernel, GpuStencil, GpuStencilKernel, GpuUfunc};
    pub use ::cubecl;
}

/// Implemented by no type: the bound of `name::gpu()` in a build without the `gpu` feature,
/// so that calling it is a compile error that says which feature to turn on.
#[diagnostic::on_unimplemented(
    message = "`{Self}::gpu()` needs numbox's `gpu` feature",
    label = "numbox was built without the `gpu` feature",
    note = "add `features = [\"gpu\"]` to the numbox dependency (it builds CubeCL and wgpu, and needs Rust 1.95)"
)]
pub trait GpuFeatureEnabled {}

/// What `#[vectorize(target = "gpu")]` wraps its device kernel in: the items as given in a
/// build with numbox's `gpu` feature, and in one without it a `gpu()` that cannot be called
/// (a compile error naming the feature). The cfg is numbox's, not the user crate's: the
/// expansion lands in the user's crate, whose features are its own.
#[cfg(feature = "gpu")]
#[macro_export]
#[doc(hidden)]
macro_rules! __nb_gpu_items {
    (head = { $($head:tt)* }; items = { $($items:tt)* }) => {
        $($items)*
    };
}

#[cfg(not(feature = "gpu"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __nb_gpu_items {
    (head = { $($head:tt)* }; items = { $($items:tt)* }) => {
        const _: () = {
            #[allow(dead_code)]
            $($head)* {
                /// The kernel on the GPU: needs numbox's `gpu` feature.
                #[doc(hidden)]
                pub fn gpu() -> ::core::convert::Infallible
                where
                    for<'__nb> Self: $crate::__private::GpuFeatureEnabled,
                {
                    ::core::unreachable!("no type implements `GpuFeatureEnabled`")
                }
            }
        };
    };
}
pub use crate::__nb_gpu_items as gpu_items;
