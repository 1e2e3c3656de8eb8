//! The type-free half of a gufunc call: checks operand shapes against the layout, binds the
//! core dimensions, broadcasts the loop dimensions, and walks the loop index space.

use super::{CoreDim, Layout};
use crate::broadcast::broadcast_shapes;
use crate::error::{shape_str, Error, ErrorKind, Result};
use std::ops::Range;

/// The most operands a gufunc has (6 inputs + 3 outputs).
pub(crate) const MAX_OPS: usize = 9;
/// The most core dimensions of one operand.
pub(crate) const MAX_CORE: usize = 3;

/// Where one operand's core part lies relative to the element of one loop iteration.
///
/// The strides are kept non-negative (ndarray's raw constructors need that): a negative axis
/// is stored by its absolute stride, `shift` moves the pointer to the lowest address, and the
/// axis is flipped back on the view (bit `k` of `invert`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreGeom {
    pub(crate) shape: [usize; MAX_CORE],
    pub(crate) strides: [usize; MAX_CORE],
    pub(crate) shift: isize,
    pub(crate) invert: u8,
}

impl CoreGeom {
    fn new(shape: &[usize], strides: &[isize]) -> Self {
        let mut g = CoreGeom::default();
        let empty = shape.contains(&0);
        for (k, (&len, &s)) in shape.iter().zip(strides).enumerate() {
            g.shape[k] = len;
            g.strides[k] = s.unsigned_abs();
            if s < 0 {
                g.invert |= 1 << k;
                if !empty {
                    g.shift += (len as isize - 1) * s;
                }
            }
        }
        g
    }
}

/// Checks that a kernel's layout agrees with its operand types (core dimensions per operand,
/// dimension names in range): `#[guvectorize]` guarantees it, a hand-written
/// [`GufuncKernel`](super::GufuncKernel) impl might not, and the views rely on it.
pub(crate) fn check_layout(layout: &Layout, ins: &[usize], outs: &[usize]) -> Result<()> {
    let fits = |cores: &[&[CoreDim]], ndims: &[usize]| {
        cores.len() == ndims.len()
            && cores.iter().zip(ndims).all(|(c, &n)| {
                c.len() == n
                    && c.iter().all(|d| match *d {
                        CoreDim::Named(i) => i < layout.dims.len(),
                        CoreDim::Fixed(_) => true,
                    })
            })
    };
    if fits(layout.inputs, ins) && fits(layout.outputs, outs) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::InvalidArgument,
        format!(
            "the kernel's layout {} does not match its operand types (core dimensions {ins:?} -> {outs:?})",
            layout.text
        ),
    ))
}

/// One input as the planner sees it: its shape (`None` for a scalar) and strides in elements.
pub(crate) struct OpShape<'a> {
    pub shape: Option<&'a [usize]>,
    pub strides: &'a [isize],
}

/// The plan of a gufunc call's loop over its loop dimensions, checked against the layout: the
/// loop shape, every operand's stride along each loop axis and the geometry of its core part,
/// and the output shapes.
pub(crate) struct LoopPlan {
    loop_shape: Vec<usize>,
    /// Per loop axis, the stride of every operand along it (inputs, then outputs).
    loop_strides: Vec<[isize; MAX_OPS]>,
    pub(crate) cores: [CoreGeom; MAX_OPS],
    out_shapes: Vec<Vec<usize>>,
    n_in: usize,
    /// Elements touched per loop iteration (all operands' core sizes), for the grain.
    work: usize,
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `(m,n)` for one operand's core dimensions.
pub(crate) fn core_str(layout: &Layout, core: &[CoreDim]) -> String {
    let parts: Vec<String> = core.iter().map(|d| d.to_string_in(layout)).collect();
    format!("({})", parts.join(","))
}

impl LoopPlan {
    /// Checks the inputs against `layout` and computes the loop shape and the output shapes.
    ///
    /// With `outputs` (the shapes of `call_into`'s outputs) the loop shape is theirs, as for
    /// NumPy's `out=`: the outputs take part in broadcasting the loop dimensions but are never
    /// broadcast themselves, so the inputs' loop dimensions must broadcast to the outputs'.
    pub(crate) fn new(
        layout: &Layout,
        inputs: &[OpShape<'_>],
        outputs: Option<&[&[usize]]>,
    ) -> Result<LoopPlan> {
        debug_assert_eq!(inputs.len(), layout.inputs.len());
        let mut bound: Vec<Option<(usize, usize)>> = vec![None; layout.dims.len()];
        let mut loops: Vec<Option<&[usize]>> = Vec::with_capacity(inputs.len());
        for (i, (op, core)) in inputs.iter().zip(layout.inputs).enumerate() {
            let c = core.len();
            let Some(shape) = op.shape else {
                if c > 0 {
                    return Err(Error::new(
                        ErrorKind::CoreDimension,
                        format!(
                            "operand {i} is a scalar, layout {} needs {c} dimension{}",
                            core_str(layout, core),
                            plural(c)
                        ),
                    ));
                }
                loops.push(None);
                continue;
            };
            let nd = shape.len();
            if nd < c {
                return Err(Error::new(
                    ErrorKind::CoreDimension,
                    format!(
                        "operand {i} has {nd} dimension{}, layout {} needs {c}",
                        plural(nd),
                        core_str(layout, core)
                    ),
                ));
            }
            for (k, dim) in core.iter().enumerate() {
                let axis = nd - c + k;
                let size = shape[axis];
                match *dim {
                    CoreDim::Fixed(f) if f != size => {
                        return Err(Error::new(
                            ErrorKind::CoreDimension,
                            format!(
                                "operand {i} has shape {}: layout {} needs size {f} in axis {axis}, found {size}",
                                shape_str(shape),
                                core_str(layout, core)
                            ),
                        ));
                    }
                    CoreDim::Fixed(_) => {}
                    CoreDim::Named(d) => match bound[d] {
                        None => bound[d] = Some((size, i)),
                        Some((s0, i0)) if s0 != size => {
                            let name = layout.dims[d];
                            let shape0 = inputs[i0].shape.unwrap_or(&[]);
                            return Err(Error::new(
                                ErrorKind::CoreDimension,
                                format!(
                                    "core dimension {name} is {s0} in operand {i0} (shape {}) but {size} in operand {i} (shape {}); layout {}",
                                    shape_str(shape0),
                                    shape_str(shape),
                                    layout.text
                                ),
                            ));
                        }
                        Some(_) => {}
                    },
                }
            }
            loops.push(Some(&shape[..nd - c]));
        }
        let mut loop_shape =
            broadcast_shapes(&loops).map_err(|_| loop_error(layout, inputs, &loops))?;
        if let Some(outs) = outputs {
            loop_shape = out_loop_shape(layout, &loop_shape, outs)?;
        }

        let ndl = loop_shape.len();
        let mut loop_strides = vec![[0isize; MAX_OPS]; ndl];
        let mut cores = [CoreGeom::default(); MAX_OPS];
        let mut work = 0usize;
        for (i, (op, l)) in inputs.iter().zip(&loops).enumerate() {
            let (Some(shape), Some(l)) = (op.shape, l) else {
                work += 1;
                continue;
            };
            // Aligned at the last loop axis; missing and length-1 axes broadcast (stride 0).
            let offset = ndl - l.len();
            for (k, (&len, &stride)) in l.iter().zip(op.strides).enumerate() {
                if len != 1 {
                    loop_strides[offset + k][i] = stride;
                }
            }
            let core_shape = &shape[l.len()..];
            cores[i] = CoreGeom::new(core_shape, &op.strides[l.len()..]);
            work = work.saturating_add(core_shape.iter().product::<usize>().max(1));
        }
        let out_shapes: Vec<Vec<usize>> = layout
            .outputs
            .iter()
            .map(|core| {
                let mut s = loop_shape.clone();
                s.extend(core.iter().map(|d| match *d {
                    CoreDim::Fixed(f) => f,
                    // The macro checks that every output dimension is named by an input.
                    CoreDim::Named(d) => bound[d].map_or(0, |(size, _)| size),
                }));
                s
            })
            .collect();
        for s in &out_shapes {
            work = work.saturating_add(s[ndl..].iter().product::<usize>().max(1));
        }
        Ok(LoopPlan {
            loop_shape,
            loop_strides,
            cores,
            out_shapes,
            n_in: inputs.len(),
            work,
        })
    }

    /// The shape output `j` must have: loop dimensions ++ its core dimensions.
    pub(crate) fn out_shape(&self, j: usize) -> &[usize] {
        &self.out_shapes[j]
    }

    /// Elements in output `j`, or an error when that overflows `usize`.
    pub(crate) fn out_len(&self, j: usize) -> Result<usize> {
        self.out_shapes[j]
            .iter()
            .try_fold(1usize, |a, &b| a.checked_mul(b))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidArgument,
                    format!(
                        "output {j} of shape {} is too large",
                        shape_str(&self.out_shapes[j])
                    ),
                )
            })
    }

    /// Elements of output `j` per loop iteration.
    pub(crate) fn out_core_len(&self, j: usize) -> usize {
        self.out_shapes[j][self.loop_shape.len()..].iter().product()
    }

    /// Checks a `call_into` output against the expected shape and records its strides.
    pub(crate) fn set_output(
        &mut self,
        j: usize,
        shape: &[usize],
        strides: &[isize],
    ) -> Result<()> {
        if shape != self.out_shapes[j].as_slice() {
            return Err(Error::new(
                ErrorKind::OutputShape,
                format!(
                    "output {j} has shape {}, expected {} (loop dimensions {} ++ core dimensions of the layout's output {j})",
                    shape_str(shape),
                    shape_str(&self.out_shapes[j]),
                    shape_str(&self.loop_shape)
                ),
            ));
        }
        let ndl = self.loop_shape.len();
        let slot = self.n_in + j;
        for (ax, &s) in strides[..ndl].iter().enumerate() {
            self.loop_strides[ax][slot] = s;
        }
        self.cores[slot] = CoreGeom::new(&shape[ndl..], &strides[ndl..]);
        Ok(())
    }

    /// Records a freshly allocated, C-contiguous output `j`.
    pub(crate) fn set_output_c(&mut self, j: usize) {
        let shape = self.out_shapes[j].clone();
        let mut strides = vec![0isize; shape.len()];
        let mut acc = 1isize;
        for k in (0..shape.len()).rev() {
            strides[k] = acc;
            acc = acc.wrapping_mul(shape[k].max(1) as isize);
        }
        self.set_output(j, &shape, &strides)
            .expect("the planned shape matches itself");
    }

    /// The number of loop iterations.
    pub(crate) fn iterations(&self) -> usize {
        self.loop_shape.iter().product()
    }

    /// Elements touched per loop iteration.
    pub(crate) fn work(&self) -> usize {
        self.work
    }

    /// Calls `f` with every operand's element offset for the loop iterations in `range`
    /// (iterations are numbered in C order over the loop shape).
    #[inline(always)]
    pub(crate) fn for_each(&self, range: Range<usize>, mut f: impl FnMut(&[isize; MAX_OPS])) {
        let nd = self.loop_shape.len();
        if range.is_empty() {
            return;
        }
        if nd == 0 {
            f(&[0; MAX_OPS]);
            return;
        }
        let shape = &self.loop_shape;
        let mut idx = [0usize; 32];
        let idx = if nd <= 32 {
            &mut idx[..nd]
        } else {
            return self.for_each_deep(range, f);
        };
        let mut offs = [0isize; MAX_OPS];
        let mut rem = range.start;
        for ax in (0..nd).rev() {
            idx[ax] = rem % shape[ax];
            rem /= shape[ax];
            let s = &self.loop_strides[ax];
            axpy(&mut offs, idx[ax] as isize, s);
        }
        let inner = nd - 1;
        let si = self.loop_strides[inner];
        let mut left = range.len();
        loop {
            let run = (shape[inner] - idx[inner]).min(left);
            for _ in 0..run {
                f(&offs);
                axpy(&mut offs, 1, &si);
            }
            left -= run;
            if left == 0 {
                return;
            }
            // Carry into the outer axes (the inner one is exhausted).
            axpy(&mut offs, -(shape[inner] as isize), &si);
            idx[inner] = 0;
            let mut ax = inner;
            while ax > 0 {
                ax -= 1;
                let s = &self.loop_strides[ax];
                idx[ax] += 1;
                if idx[ax] < shape[ax] {
                    axpy(&mut offs, 1, s);
                    break;
                }
                axpy(&mut offs, 1 - shape[ax] as isize, s);
                idx[ax] = 0;
            }
        }
    }

    // More than 32 loop axes: rare enough to recompute each offset from scratch.
    #[cold]
    fn for_each_deep(&self, range: Range<usize>, mut f: impl FnMut(&[isize; MAX_OPS])) {
        for it in range {
            let mut rem = it;
            let mut offs = [0isize; MAX_OPS];
            for ax in (0..self.loop_shape.len()).rev() {
                let i = rem % self.loop_shape[ax];
                rem /= self.loop_shape[ax];
                axpy(&mut offs, i as isize, &self.loop_strides[ax]);
            }
            f(&offs);
        }
    }
}

/// `offs += a * s`, for every operand.
#[inline(always)]
fn axpy(offs: &mut [isize; MAX_OPS], a: isize, s: &[isize; MAX_OPS]) {
    for (o, s) in offs.iter_mut().zip(s) {
        *o += a * s;
    }
}

/// The loop shape of `call_into`'s outputs (`outs`), checked: every output has its core
/// dimensions, all have the same loop dimensions, and the inputs' loop shape `ins` broadcasts
/// to them.
fn out_loop_shape(layout: &Layout, ins: &[usize], outs: &[&[usize]]) -> Result<Vec<usize>> {
    debug_assert_eq!(outs.len(), layout.outputs.len());
    let mut loops: Vec<&[usize]> = Vec::with_capacity(outs.len());
    for (j, (shape, core)) in outs.iter().zip(layout.outputs).enumerate() {
        let (nd, c) = (shape.len(), core.len());
        if nd < c {
            return Err(Error::new(
                ErrorKind::OutputShape,
                format!(
                    "output {j} has shape {} ({nd} dimension{}), layout {} needs {c}",
                    shape_str(shape),
                    plural(nd),
                    core_str(layout, core)
                ),
            ));
        }
        loops.push(&shape[..nd - c]);
    }
    let target = loops[0];
    let describe = || {
        let parts: Vec<String> = outs
            .iter()
            .zip(&loops)
            .enumerate()
            .map(|(j, (s, l))| {
                format!(
                    "output {j} has shape {} (loop dimensions {})",
                    shape_str(s),
                    shape_str(l)
                )
            })
            .collect();
        parts.join(", ")
    };
    if loops.iter().any(|l| *l != target) {
        return Err(Error::new(
            ErrorKind::OutputShape,
            format!(
                "the outputs' loop dimensions differ: {}; layout {}",
                describe(),
                layout.text
            ),
        ));
    }
    let fits = ins.len() <= target.len()
        && ins
            .iter()
            .rev()
            .zip(target.iter().rev())
            .all(|(&n, &t)| n == t || n == 1);
    if !fits {
        return Err(Error::new(
            ErrorKind::OutputShape,
            format!(
                "the inputs' loop dimensions {} cannot be broadcast to the outputs' {} \
                 (an output is never broadcast): {}; layout {}",
                shape_str(ins),
                shape_str(target),
                describe(),
                layout.text
            ),
        ));
    }
    Ok(target.to_vec())
}

fn loop_error(layout: &Layout, inputs: &[OpShape<'_>], loops: &[Option<&[usize]>]) -> Error {
    let parts: Vec<String> = inputs
        .iter()
        .zip(loops)
        .zip(layout.inputs)
        .enumerate()
        .map(|(i, ((op, l), core))| match (op.shape, l) {
            (Some(shape), Some(l)) => format!(
                "operand {i} has loop dimensions {} (shape {}, core {})",
                shape_str(l),
                shape_str(shape),
                core_str(layout, core)
            ),
            _ => format!("operand {i} is a scalar"),
        })
        .collect();
    Error::new(
        ErrorKind::Broadcast,
        format!(
            "loop dimensions could not be broadcast together: {}; layout {}",
            parts.join(", "),
            layout.text
        ),
    )
}
