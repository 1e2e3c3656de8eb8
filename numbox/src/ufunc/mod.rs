//! Universal functions: the runtime behind `#[vectorize]`.
//!
//! `#[vectorize]` turns a scalar function into a type implementing [`Kernel`]; the
//! generic functions here broadcast operands, allocate outputs and run the executor, once
//! for every kernel. The typed handle [`Ufunc`] carries a [`Target`] and exposes
//! `call`/`call_into` with one operand per kernel input (and, for binary kernels of one type,
//! the NumPy ufunc methods `reduce`, `reduce_all`, `accumulate` and `outer`).

mod dynamic;
mod handles;
mod operands;
mod outputs;

pub use dynamic::{dyn_loop, DynArgs, DynOuts};

pub use crate::broadcast::Meta;
pub use handles::Ufunc;
pub use operands::{DimFold, Operands, OutArg, OutArgs};
pub use outputs::OutArrays;

use crate::broadcast::{broadcast_iter, broadcast_stride, describe_operands, dim_from_shape};
use crate::error::{shape_str, Error, ErrorKind, Result};
use crate::executor::tuple::{InTuple, OutTuple};
use crate::executor::{execute, KernelFn, LoopNest};
use crate::target::Target;

/// A scalar kernel lifted to arrays; implemented by the companion type `#[vectorize]` makes.
///
/// ```
/// use numbox::ufunc::{Kernel, Ufunc};
/// use numbox::{ndarray::array, Target};
///
/// // What `#[vectorize] fn hypot2(x: f64, y: f64) -> f64` generates, by hand:
/// enum Hypot2 {}
/// impl Kernel for Hypot2 {
///     type Args = (f64, f64);
///     type Out = (f64,);
///     const NAME: &'static str = "hypot2";
///     const TARGET: Target = Target::Serial;
///     fn eval((x, y): (f64, f64)) -> (f64,) {
///         (x * x + y * y,)
///     }
/// }
/// let z = Ufunc::<Hypot2>::new(Target::Serial).call(&array![1.0, 2.0], 2.0).unwrap();
/// assert_eq!(z, array![5.0, 8.0]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numbox kernel",
    label = "expected the companion type of a `#[vectorize]` function"
)]
pub trait Kernel {
    /// The argument tuple `(T1, ..., Tn)` (every runtime function also requires it to be a
    /// tuple of [`Element`](crate::Element)s; the trait itself does not, so that a wrong element
    /// type is reported once, at the user's type, by the companion's methods).
    type Args;
    /// The result tuple: `(R,)` for one output, `(R1, R2)` for two, ...
    type Out;
    /// The kernel's name, used in error messages.
    const NAME: &'static str;
    /// The target `call` uses (the attribute's `target = ...`).
    const TARGET: Target;
    /// Whether the kernel promises associativity, `f(f(x, y), z) == f(x, f(y, z))`
    /// (`#[vectorize(associative)]`). Without it, `reduce`, `reduce_all` and `accumulate`
    /// are strict left folds in logical C index order, as NumPy's; with it, `reduce` and
    /// `reduce_all` may regroup (never reorder) the fold on a grid fixed by the shape, split
    /// across threads and lanes, with the same bits for any thread count. Floating-point
    /// `+` is associative only up to rounding: marking it allows the last bits to differ
    /// from the left fold, as NumPy's pairwise summation does.
    const ASSOCIATIVE: bool = false;
    /// The scalar function.
    fn eval(args: Self::Args) -> Self::Out;
    /// The value of a reduction over zero elements (`#[vectorize(identity = ...)]`).
    fn identity() -> Option<Self::Out> {
        None
    }
    /// Whether [`eval_lanes`](Kernel::eval_lanes) is a lockstep version worth running
    /// (see [`lanes`](crate::lanes)): the executor then runs full groups of elements
    /// through it and the rest through [`eval`](Kernel::eval).
    const LOCKSTEP: bool = false;
    /// The lanes per group of a lockstep kernel (`#[vectorize(lanes = N)]`, a power of two
    /// from 2 to 64), or 0 for the CPU tier's choice.
    const LANES: usize = 0;
    /// The kernel on `K` elements at once; the same results as `eval` on each element.
    #[inline(always)]
    fn eval_lanes<const K: usize>(args: [Self::Args; K]) -> [Self::Out; K] {
        args.map(Self::eval)
    }
}

/// A [`Kernel`] whose argument and result tuples are tuples of elements: what the runtime runs.
pub trait ElementKernel: Kernel<Args: InTuple, Out: OutArrays> {}

impl<K: Kernel<Args: InTuple, Out: OutArrays>> ElementKernel for K {}

/// What a ufunc's `call` returns for kernel `K` on operands `Ops`: one array of the broadcast
/// dimensionality per kernel output (a tuple of them for several outputs).
pub type UfuncOutput<K, Ops> =
    <<K as Kernel>::Out as OutArrays>::Arrays<<Ops as Operands<<K as Kernel>::Args>>::Dim>;

fn is_contiguous(shape: &[usize], strides: &[isize], fortran: bool) -> bool {
    let mut expect = 1isize;
    let nd = shape.len();
    for a in (0..nd).map(|k| if fortran { k } else { nd - 1 - k }) {
        if shape[a] != 1 && strides[a] != expect {
            return false;
        }
        expect *= shape[a] as isize;
    }
    true
}

/// NumPy-like output order: Fortran when every multi-dimensional array input is in Fortran
/// order (and not also in C order), C order otherwise.
fn prefers_fortran(metas: &[Option<Meta>]) -> bool {
    let mut any = false;
    for m in metas.iter().flatten() {
        if m.shape.iter().filter(|&&n| n > 1).count() < 2 {
            continue;
        }
        if !is_contiguous(&m.shape, &m.strides, true) {
            return false;
        }
        any |= !is_contiguous(&m.shape, &m.strides, false);
    }
    any
}

/// `Some(fortran)` when every operand is an array of one shape, all contiguous in the same
/// order (C, or else F): then element `k` of each is its `k`-th in memory, and a call is one
/// flat loop with no planning.
fn uniform_contiguous<'m>(metas: impl Iterator<Item = Option<&'m Meta>> + Clone) -> Option<bool> {
    let mut all = metas.clone();
    let first = all.next()??;
    if !metas
        .clone()
        .all(|m| m.is_some_and(|m| m.shape == first.shape))
    {
        return None;
    }
    [false, true].into_iter().find(|&fortran| {
        metas
            .clone()
            .flatten()
            .all(|m| is_contiguous(&m.shape, &m.strides, fortran))
    })
}

fn shapes(metas: &[Option<Meta>]) -> impl Iterator<Item = Option<&[usize]>> + Clone {
    metas.iter().map(|m| m.as_ref().map(|m| &m.shape[..]))
}

/// Plans a call: inputs broadcast to `shape` (stride 0 on broadcast axes, scalars 0
/// everywhere), outputs with their own strides.
fn plan(shape: &[usize], ins: &[Option<Meta>], outs: &[Meta]) -> LoopNest {
    let n_in = ins.len();
    LoopNest::new(shape, n_in + outs.len(), n_in, |op, a| match ins.get(op) {
        Some(Some(m)) => broadcast_stride(&m.shape, &m.strides, shape, a),
        Some(None) => 0,
        None => outs[op - n_in].strides[a],
    })
}

/// Runs kernel `K` over `ops` into newly allocated outputs.
pub fn call<K: ElementKernel, Ops: Operands<K::Args>>(
    ops: &Ops,
    target: Target,
) -> Result<UfuncOutput<K, Ops>> {
    let (srcs, metas) = ops.sources();
    let metas = metas.as_ref();
    let nops = <K::Args as InTuple>::N + <K::Out as OutTuple>::M;
    if let Some(fortran) = uniform_contiguous(metas.iter().map(Option::as_ref)) {
        let shape = &metas[0]
            .as_ref()
            .expect("uniform operands are arrays")
            .shape;
        let mut out = <K::Out as OutArrays>::alloc::<Ops::Dim>(dim_from_shape(shape), fortran);
        if target == Target::Parallel {
            <K::Out as OutArrays>::prefault(&mut out);
        }
        let (dsts, _) = <K::Out as OutArrays>::uninit_dsts(&mut out);
        let plan = LoopNest::flat(shape.iter().product(), nops);
        // SAFETY: every input and the fresh outputs hold `shape`'s elements contiguously in
        // the same order, so the flat plan walks each exactly once, inside its memory.
        unsafe { execute(&plan, srcs, dsts, KernelFn::<K>::new(), target) };
        // SAFETY: the executor wrote every element of every output.
        return Ok(unsafe { <K::Out as OutArrays>::assume_init(out) });
    }
    let shape = broadcast_iter(shapes(metas)).map_err(|e| e.context(K::NAME))?;
    let fortran = prefers_fortran(metas);
    let mut out = <K::Out as OutArrays>::alloc::<Ops::Dim>(dim_from_shape(&shape), fortran);
    if target == Target::Parallel {
        <K::Out as OutArrays>::prefault(&mut out);
    }
    let (dsts, out_metas) = <K::Out as OutArrays>::uninit_dsts(&mut out);
    let plan = plan(&shape, metas, out_metas.as_ref());
    // SAFETY: `srcs` point into the views `ops` lends for this whole function and the plan's
    // strides are those views' strides broadcast to `shape` (stride 0 on broadcast axes), so
    // every offset stays inside them; the outputs are fresh arrays of exactly `shape`.
    unsafe { execute(&plan, srcs, dsts, KernelFn::<K>::new(), target) };
    // SAFETY: the executor wrote every element of every output (the plan covers `shape`).
    Ok(unsafe { <K::Out as OutArrays>::assume_init(out) })
}

/// The shape a `call_into` runs over: the outputs' own, which the inputs must broadcast to.
///
/// As NumPy's `out=`: the outputs take part in broadcasting but are never broadcast
/// themselves, so inputs of shape `[3, 4]` fill an output of `[2, 3, 4]` twice over, while an
/// output of `[3, 1]` for them is an error, as is a set of outputs of different shapes.
fn out_shape<'m>(name: &str, ins: &[Option<Meta>], outs: &'m [Meta]) -> Result<&'m [usize]> {
    let target = &outs[0].shape[..];
    let in_shape = broadcast_iter(shapes(ins)).map_err(|e| e.context(name))?;
    let fits = in_shape.len() <= target.len()
        && in_shape
            .iter()
            .rev()
            .zip(target.iter().rev())
            .all(|(&n, &t)| n == t || n == 1);
    let why = if !fits {
        format!(
            "output 0 has shape {}, expected the broadcast shape {} or a shape it broadcasts to \
             (an output is never broadcast)",
            shape_str(target),
            shape_str(&in_shape)
        )
    } else if let Some((k, m)) = outs
        .iter()
        .enumerate()
        .find(|(_, m)| m.shape[..] != *target)
    {
        format!(
            "output {k} has shape {}, but output 0 has shape {}: the outputs must all have one shape",
            shape_str(&m.shape),
            shape_str(target)
        )
    } else {
        return Ok(target);
    };
    Err(Error::new(
        ErrorKind::OutputShape,
        format!("{name}: {why} ({})", describe_operands(shapes(ins))),
    ))
}

/// Runs kernel `K` over `ops`, writing into `out`: the inputs broadcast to the outputs' shape
/// (NumPy's `out=`), which all outputs share; an output is never broadcast, and a shape that
/// does not fit is an `Err` of kind `OutputShape` naming every operand's and output's shape.
pub fn call_into<K: ElementKernel, Ops: Operands<K::Args>, O: OutArgs<K::Out>>(
    ops: &Ops,
    mut out: O,
    target: Target,
) -> Result<()> {
    let (srcs, metas) = ops.sources();
    let metas = metas.as_ref();
    let (dsts, out_metas) = out.dsts();
    let out_metas = out_metas.as_ref();
    let ins = metas.iter().map(Option::as_ref);
    if uniform_contiguous(ins.chain(out_metas.iter().map(Some))).is_some() {
        let total = out_metas[0].shape.iter().product();
        let plan = LoopNest::flat(total, metas.len() + out_metas.len());
        // SAFETY: every input and output (unique borrows: no overlap) holds the same shape
        // contiguously in the same order, so the flat plan walks each exactly once.
        unsafe { execute(&plan, srcs, dsts, KernelFn::<K>::new(), target) };
        return Ok(());
    }
    let shape = out_shape(K::NAME, metas, out_metas)?;
    let plan = plan(shape, metas, out_metas);
    // SAFETY: as in `call` (the inputs broadcast to `shape`, so their broadcast strides stay
    // inside them); the outputs are unique borrows (so they overlap no input and no other
    // output) and were checked to have exactly `shape`.
    unsafe { execute(&plan, srcs, dsts, KernelFn::<K>::new(), target) };
    Ok(())
}
