//! Generalized ufuncs: `#[guvectorize("layout")]` and the runtime behind it.
//!
//! A gufunc kernel works on the *core* dimensions of its operands — the trailing dimensions its
//! layout names — and numbox loops it over the remaining *loop* dimensions, broadcast across
//! operands by NumPy's rules. Unlike Numba, layouts take fixed sizes, outputs start at
//! `T::default()` (never uninitialised memory), a single scalar output is simply returned, and
//! the parallel target splits every loop dimension, not only the outer one.
//!
//! ```
//! use numbox::prelude::*;
//! use numbox::ndarray::{array, ArrayView1, ArrayViewMut1};
//!
//! #[guvectorize("(n),()->(n)")]
//! fn scaled(x: ArrayView1<f64>, k: f64, mut out: ArrayViewMut1<f64>) {
//!     for i in 0..x.len() {
//!         out[i] = k * x[i];
//!     }
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! let x = array![[1.0, 2.0], [3.0, 4.0]];
//! let y = scaled::call(&x, array![10.0, 100.0])?; // one `k` per row
//! assert_eq!(y, array![[10.0, 20.0], [300.0, 400.0]]);
//! let z = scaled::parallel().call(&x, 2.0)?; // a scalar for every row, split across threads
//! assert_eq!(z, array![[2.0, 4.0], [6.0, 8.0]]);
//! let mut w = numbox::ndarray::Array2::zeros((2, 2));
//! scaled::call_into(&x, 0.5, &mut w)?; // into an existing array
//! assert_eq!(w, array![[0.5, 1.0], [1.5, 2.0]]);
//! # Ok(()) }
//! ```
//!
//! # The layout
//! NumPy's signature grammar: comma-separated parenthesised lists of dimensions for the inputs,
//! `->`, the same for the outputs, e.g. `(m,n),(n)->(m)`. A dimension is a name (an
//! identifier, bound to one size per call) or an integer (a fixed size, e.g. `(n,3)`).
//! Whitespace is allowed anywhere. Every output dimension must be named by an input (or be
//! fixed). Up to 6 inputs, 3 outputs and 3 core dimensions per operand. A layout that does not
//! parse or does not match the function is a compile error that points at the string.
//!
//! # The function
//! Parameters are the inputs, then one per output. An operand with 0 core dimensions is `T`
//! (input) or `&mut T` (output); 1, 2 or 3 core dimensions take `ArrayView1/2/3<T>` (input) or
//! `ArrayViewMut1/2/3<T>` (output). A single `()` output may instead be the return value:
//!
//! ```
//! # use numbox::prelude::*;
//! # use numbox::ndarray::{array, ArrayView1, ArrayView2, ArrayViewMut1};
//! #[guvectorize("(m,n),(n)->(m)")]
//! fn matvec(a: ArrayView2<f64>, x: ArrayView1<f64>, mut y: ArrayViewMut1<f64>) {
//!     for i in 0..a.nrows() {
//!         y[i] = a.row(i).dot(&x);
//!     }
//! }
//!
//! #[guvectorize("(n)->(),()")]
//! fn min_max(x: ArrayView1<i32>, lo: &mut i32, hi: &mut i32) {
//!     *lo = x.iter().copied().min().unwrap_or(i32::MAX);
//!     *hi = x.iter().copied().max().unwrap_or(i32::MIN);
//! }
//!
//! # fn main() -> numbox::Result<()> {
//! let a = numbox::ndarray::Array3::<f64>::ones((5, 3, 4)); // 5 matrices
//! let y = matvec::call(&a, array![1.0, 2.0, 3.0, 4.0])?; // one vector for all of them
//! assert_eq!(y.shape(), &[5, 3]);
//! let (lo, hi) = min_max::call(&array![[3, -1, 7], [0, 2, 1]])?; // several outputs: a tuple
//! assert_eq!((lo, hi), (array![-1, 0], array![7, 2]));
//! let (mut lo, mut hi) = (array![0, 0], array![0, 0]);
//! min_max::call_into(&array![[3, -1, 7], [0, 2, 1]], (&mut lo, &mut hi))?; // one tuple
//! assert_eq!((lo, hi), (array![-1, 0], array![7, 2]));
//! # Ok(()) }
//! ```
//!
//! # The companion type
//! The function stays as written; a type of the same name carries the array API:
//! - `name::call(x1, ..., xn)`: each input is a scalar (for a `()` core), an `Array`/`ArrayView`
//!   of any layout (owned, borrowed, transposed, stepped, negative strides), a `&[T]` or a
//!   `&Vec<T>`. Returns new outputs of shape `loop dimensions ++ output core dimensions`,
//!   initialised to `T::default()` before the kernel runs (so elements the kernel leaves alone
//!   are the default); the dimensionality is static when the inputs' is (`Array2` in,
//!   `Array2`/`Array1` out) and `ArrayD` for dynamic inputs.
//! - `name::call_into(x1, ..., xn, out)`: writes into existing outputs. `out` is one
//!   [`OutArg`] (`&mut Array`, `ArrayViewMut`, or `&mut [T]` / `&mut Vec<T>` for a 1-D output)
//!   for a kernel with one output, and one tuple `(&mut a, &mut b)` of them for several, as
//!   `#[vectorize]` takes them (NumPy's `out=(a, b)`). Each output has shape `loop dimensions
//!   ++ output core dimensions`, where the loop dimensions are the outputs' own: the inputs'
//!   loop dimensions broadcast to them (a single series into a `(3, n)` output fills every
//!   row), an output is never broadcast, and a shape that does not fit is an `Err`.
//! - `name::serial()` and `name::parallel()`: a [`Gufunc`] handle with the same `call` and
//!   `call_into` whatever the attribute's `target = "cpu" | "parallel"` default is.
//! - The type implements [`GufuncKernel`], so generic code can take the kernel as a parameter.
//!
//! # Errors
//! Every call returns `Err`, never panics, on: an operand with fewer dimensions than its core
//! (`matvec: operand 0 has 1 dimension, layout (m,n) needs 2`), a core dimension bound to two
//! sizes (`core dimension n is 4 in operand 0 (shape [3, 4]) but 5 in operand 1 (shape [5])`),
//! a fixed dimension of another size, loop dimensions that do not broadcast, and a `call_into`
//! output of the wrong shape.
//!
//! # Parallel
//! The parallel target splits the loop iterations (all loop dimensions, flattened) into
//! blocks across the caller's rayon pool ([`set_num_threads`](crate::set_num_threads) and
//! `ThreadPool::install` are honoured); calls with little work stay serial, and results are
//! identical to serial. A call with a single loop iteration — one 1-D array for `(n),()->(n)`,
//! such as a moving average over one long series — has nothing to split: it runs serially.
//! Give it rows (e.g. `x.into_shape_with_order((8, n / 8))` when the rows are independent).
//! Fresh outputs are first touched by the thread that computes them, with transparent huge
//! pages advised on Linux.

mod arity;
mod exec;
mod plan;

#[cfg(test)]
mod tests;

pub use plan::CoreGeom;

use crate::target::Target;
use ndarray::{
    ArrayView, ArrayView1, ArrayView2, ArrayView3, ArrayViewMut, ArrayViewMut1, ArrayViewMut2,
    ArrayViewMut3, Axis, DimMax, Dimension, Ix1, Ix2, Ix3, ShapeBuilder,
};
use std::marker::PhantomData;

/// One core dimension of an operand in a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoreDim {
    /// A named dimension: the index of its name in [`Layout::dims`].
    Named(usize),
    /// A fixed size, like the `3` of `(n,3)`.
    Fixed(usize),
}

impl CoreDim {
    fn to_string_in(self, layout: &Layout) -> String {
        match self {
            CoreDim::Named(d) => layout.dims[d].to_string(),
            CoreDim::Fixed(f) => f.to_string(),
        }
    }
}

/// A parsed gufunc layout such as `(m,n),(n)->(m)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The layout as written, without whitespace (for messages).
    pub text: &'static str,
    /// The dimension names, in order of first appearance.
    pub dims: &'static [&'static str],
    /// The core dimensions of each input.
    pub inputs: &'static [&'static [CoreDim]],
    /// The core dimensions of each output.
    pub outputs: &'static [&'static [CoreDim]],
}

mod sealed {
    pub trait Sealed {}
}

/// One operand of a gufunc kernel: its element type and its number of core dimensions.
///
/// Implemented by [`Core0`] to [`Core3`]; the input and output types are what the kernel
/// receives: `T` / `&mut T` for 0 core dimensions, `ArrayView1<T>` / `ArrayViewMut1<T>` for 1,
/// and so on up to 3.
pub trait CoreSpec: sealed::Sealed {
    /// The element type (every kernel call also requires it to be an [`Element`](crate::Element)).
    type Elem;
    /// The number of core dimensions.
    const NDIM: usize;
    /// What the kernel receives for an input.
    type In<'a>
    where
        Self: 'a;
    /// What the kernel receives for an output.
    type Out<'a>
    where
        Self: 'a;
    /// `D` without its `NDIM` trailing (core) axes.
    type Loop<D: Dimension>: Dimension;
    /// `D` with `NDIM` (core) axes appended.
    type Full<D: Dimension>: Dimension;
    /// The input view of the core part at `ptr`.
    ///
    /// # Safety
    /// `ptr` and `g` describe elements that are valid and not written for `'a`.
    #[doc(hidden)]
    unsafe fn input<'a>(ptr: *const Self::Elem, g: &CoreGeom) -> Self::In<'a>
    where
        Self: 'a;
    /// The output view of the core part at `ptr`.
    ///
    /// # Safety
    /// `ptr` and `g` describe elements that are valid, and accessed by no one else, for `'a`.
    #[doc(hidden)]
    unsafe fn output<'a>(ptr: *mut Self::Elem, g: &CoreGeom) -> Self::Out<'a>
    where
        Self: 'a;
}

/// An operand with no core dimensions (`()` in a layout): the kernel gets `T` / `&mut T`.
pub struct Core0<T>(PhantomData<T>);
/// An operand with one core dimension: the kernel gets `ArrayView1<T>` / `ArrayViewMut1<T>`.
pub struct Core1<T>(PhantomData<T>);
/// An operand with two core dimensions: the kernel gets `ArrayView2<T>` / `ArrayViewMut2<T>`.
pub struct Core2<T>(PhantomData<T>);
/// An operand with three core dimensions: the kernel gets `ArrayView3<T>` / `ArrayViewMut3<T>`.
pub struct Core3<T>(PhantomData<T>);

impl<T> sealed::Sealed for Core0<T> {}
impl<T> sealed::Sealed for Core1<T> {}
impl<T> sealed::Sealed for Core2<T> {}
impl<T> sealed::Sealed for Core3<T> {}

impl<T: Copy> CoreSpec for Core0<T> {
    type Elem = T;
    const NDIM: usize = 0;
    type In<'a>
        = T
    where
        T: 'a;
    type Out<'a>
        = &'a mut T
    where
        T: 'a;
    type Loop<D: Dimension> = D;
    type Full<D: Dimension> = D;
    #[inline(always)]
    unsafe fn input<'a>(ptr: *const T, _g: &CoreGeom) -> T
    where
        T: 'a,
    {
        // SAFETY: the caller guarantees `ptr` is valid for reads.
        unsafe { *ptr }
    }
    #[inline(always)]
    unsafe fn output<'a>(ptr: *mut T, _g: &CoreGeom) -> &'a mut T
    where
        T: 'a,
    {
        // SAFETY: the caller guarantees `ptr` is valid and exclusive for `'a`.
        unsafe { &mut *ptr }
    }
}

macro_rules! core_spec {
    ($name:ident, $n:literal, $ix:ident, $view:ident, $view_mut:ident, $loop_:ty, $full:ty, [$($k:literal),*]) => {
        impl<T> CoreSpec for $name<T> {
            type Elem = T;
            const NDIM: usize = $n;
            type In<'a> = $view<'a, T> where T: 'a;
            type Out<'a> = $view_mut<'a, T> where T: 'a;
            type Loop<D: Dimension> = $loop_;
            type Full<D: Dimension> = $full;
            #[inline(always)]
            unsafe fn input<'a>(ptr: *const T, g: &CoreGeom) -> $view<'a, T> where T: 'a {
                let shape = $ix($(g.shape[$k]),*).strides($ix($(g.strides[$k]),*));
                // SAFETY: the caller guarantees the described elements are valid for `'a`;
                // `shift` moves to the lowest address so that the strides are non-negative.
                let mut v = unsafe { ArrayView::from_shape_ptr(shape, ptr.offset(g.shift)) };
                if g.invert != 0 {
                    $(if g.invert & (1 << $k) != 0 { v.invert_axis(Axis($k)); })*
                }
                v
            }
            #[inline(always)]
            unsafe fn output<'a>(ptr: *mut T, g: &CoreGeom) -> $view_mut<'a, T> where T: 'a {
                let shape = $ix($(g.shape[$k]),*).strides($ix($(g.strides[$k]),*));
                // SAFETY: as for `input`, and the caller guarantees exclusive access.
                let mut v = unsafe { ArrayViewMut::from_shape_ptr(shape, ptr.offset(g.shift)) };
                if g.invert != 0 {
                    $(if g.invert & (1 << $k) != 0 { v.invert_axis(Axis($k)); })*
                }
                v
            }
        }
    };
}
core_spec!(
    Core1,
    1,
    Ix1,
    ArrayView1,
    ArrayViewMut1,
    D::Smaller,
    D::Larger,
    [0]
);
core_spec!(
    Core2,
    2,
    Ix2,
    ArrayView2,
    ArrayViewMut2,
    <D::Smaller as Dimension>::Smaller,
    <D::Larger as Dimension>::Larger,
    [0, 1]
);
core_spec!(
    Core3,
    3,
    Ix3,
    ArrayView3,
    ArrayViewMut3,
    <<D::Smaller as Dimension>::Smaller as Dimension>::Smaller,
    <<D::Larger as Dimension>::Larger as Dimension>::Larger,
    [0, 1, 2]
);

/// The inputs of a kernel: a tuple of [`CoreSpec`]s, `(Core1<f64>, Core0<usize>)`.
pub trait InputList {
    /// What the kernel receives: a tuple of the inputs' core values/views.
    type Views<'a>
    where
        Self: 'a;
}

/// The outputs of a kernel: a tuple of [`CoreSpec`]s, `(Core1<f64>,)`.
pub trait OutputList {
    /// What the kernel receives: a tuple of the outputs' mutable core views.
    type Views<'a>
    where
        Self: 'a;
    /// What `call` returns for loop dimensionality `L`: one array, or a tuple of them.
    type Owned<L: Dimension>;
}

/// The broadcast dimensionality of a tuple of dimension types (ndarray's [`DimMax`], N-ary).
pub trait BroadcastDims {
    /// `DimMax` of all of them.
    type Output: Dimension;
}

/// Arguments that can be the inputs `I` of a gufunc call: a tuple of [`Operand`](crate::Operand)s.
pub trait GuArgs<I> {
    /// The broadcast dimensionality of the operands' loop dimensions.
    type LoopDim: Dimension;
}

/// A gufunc kernel: what `#[guvectorize]` implements for a function's companion type.
///
/// The layout and the operand types are constants; `eval` runs the function on one loop
/// iteration's core values and views. Generic code can take any kernel as a type parameter:
///
/// ```
/// use numbox::prelude::*;
/// use numbox::gufunc::GufuncKernel;
/// use numbox::ndarray::ArrayView1;
///
/// #[guvectorize("(n)->()")]
/// fn total(x: ArrayView1<f64>) -> f64 { x.sum() }
///
/// fn describe<K: GufuncKernel>() -> String { format!("{} {}", K::NAME, K::LAYOUT.text) }
/// assert_eq!(describe::<total>(), "total (n)->()");
/// ```
pub trait GufuncKernel: Sized {
    /// The inputs, a tuple of [`Core0`]..[`Core3`].
    type Inputs: InputList;
    /// The outputs, a tuple of [`Core0`]..[`Core3`].
    type Outputs: OutputList;
    /// The function's name, put in front of error messages.
    const NAME: &'static str;
    /// The layout.
    const LAYOUT: Layout;
    /// The target `call` and `call_into` use (the attribute's `target = ...`).
    const TARGET: Target;
    /// Runs the kernel on one loop iteration.
    fn eval(
        inputs: <Self::Inputs as InputList>::Views<'_>,
        outputs: <Self::Outputs as OutputList>::Views<'_>,
    );
}

/// What a gufunc's `call` returns for kernel `K` on the argument tuple `A`: one array per
/// kernel output (a tuple of them for several), of shape `loop dimensions ++ core dimensions`.
pub type GufuncOutput<K, A> = <<K as GufuncKernel>::Outputs as OutputList>::Owned<
    <A as GuArgs<<K as GufuncKernel>::Inputs>>::LoopDim,
>;

#[doc(no_inline)]
pub use crate::out::OutArg;

/// A gufunc with a chosen target: what `name::serial()` and `name::parallel()` return.
///
/// It has the same `call` and `call_into` methods as the companion type. The type parameters
/// `I` and `O` are the kernel's inputs and outputs (left at their defaults).
pub struct Gufunc<
    K: GufuncKernel,
    I = <K as GufuncKernel>::Inputs,
    O = <K as GufuncKernel>::Outputs,
> {
    target: Target,
    _kernel: PhantomData<fn() -> K>,
    _operands: PhantomData<fn() -> (I, O)>,
}

impl<K: GufuncKernel, I, O> Clone for Gufunc<K, I, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: GufuncKernel, I, O> Copy for Gufunc<K, I, O> {}

impl<K: GufuncKernel, I, O> std::fmt::Debug for Gufunc<K, I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gufunc")
            .field("kernel", &K::NAME)
            .field("layout", &K::LAYOUT.text)
            .field("target", &self.target)
            .finish()
    }
}

impl<K: GufuncKernel> Gufunc<K> {
    /// The kernel `K` running on `target`.
    pub fn new(target: Target) -> Self {
        Gufunc {
            target,
            _kernel: PhantomData,
            _operands: PhantomData,
        }
    }
}

impl<K: GufuncKernel, I, O> Gufunc<K, I, O> {
    /// Where calls through this handle run.
    pub fn target(&self) -> Target {
        self.target
    }
}

// `(A,)`, `(A, B)`, ...: the N-ary DimMax fold.
impl<A: Dimension> BroadcastDims for (A,) {
    type Output = A;
}
macro_rules! broadcast_dims {
    ($($prev:ident),+ ; $last:ident) => {
        impl<$($prev: Dimension,)+ $last: Dimension> BroadcastDims for ($($prev,)+ $last)
        where
            ($($prev,)+): BroadcastDims,
            <($($prev,)+) as BroadcastDims>::Output: DimMax<$last>,
        {
            type Output = <<($($prev,)+) as BroadcastDims>::Output as DimMax<$last>>::Output;
        }
    };
}
broadcast_dims!(A; B);
broadcast_dims!(A, B; C);
broadcast_dims!(A, B, C; E);
broadcast_dims!(A, B, C, E; F);
broadcast_dims!(A, B, C, E, F; G);
