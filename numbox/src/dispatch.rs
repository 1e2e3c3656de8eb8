//! Signature dispatch at run time: NumPy's loop selection over a table of compiled loops, the
//! type-erased [`DynUfunc`] handle and the by-name [`Registry`].
//!
//! `#[vectorize(fn(f32, f32) -> f32, fn(f64, f64) -> f64)]` emits one [`Loop`] per listed
//! signature; [`call_dyn`] picks the first loop to which every input casts safely (NumPy's
//! rule, [`select_loop`]), casts only the inputs whose dtype differs, and runs it.
//!
//! The order of the list therefore matters, as in NumPy's own loop tables, which put the
//! narrower and exact kinds first: a signature whose every input casts safely to an earlier
//! one's can never be chosen (`int64` casts safely to `float64`, so after `fn(f64, f64) ->
//! f64` an `fn(i64, i64) -> i64` would never run, and `i64 - i64` would lose precision). The
//! macros reject such a list at compile time, naming both signatures.

use crate::dtype::DType;
use crate::dyn_array::DynArray;
use crate::error::{Error, ErrorKind, Result};
use crate::target::Target;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The dtypes of a loop's inputs and outputs.
///
/// `Display` is `(float64, float64) -> float64`; [`short`](Self::short) is NumPy's `dd->d`
/// (`ufunc.types`), which `FromStr` parses.
///
/// ```
/// use numbox::{DType, Signature};
/// const SIG: Signature = Signature::new(&[DType::F64, DType::F64], &[DType::F64]);
/// assert_eq!(SIG.to_string(), "(float64, float64) -> float64");
/// assert_eq!(SIG.short(), "dd->d");
/// assert_eq!("dd->d".parse::<Signature>()?, SIG);
/// assert!(SIG.accepts(&[DType::I32, DType::F32]));
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    inputs: Cow<'static, [DType]>,
    outputs: Cow<'static, [DType]>,
}

impl Signature {
    /// A signature from static dtype lists (usable in `const` and `static` items).
    pub const fn new(inputs: &'static [DType], outputs: &'static [DType]) -> Self {
        Signature {
            inputs: Cow::Borrowed(inputs),
            outputs: Cow::Borrowed(outputs),
        }
    }

    /// A signature from dtype lists built at run time.
    pub fn from_vecs(inputs: Vec<DType>, outputs: Vec<DType>) -> Self {
        Signature {
            inputs: Cow::Owned(inputs),
            outputs: Cow::Owned(outputs),
        }
    }

    /// The input dtypes.
    pub fn inputs(&self) -> &[DType] {
        &self.inputs
    }

    /// The output dtypes.
    pub fn outputs(&self) -> &[DType] {
        &self.outputs
    }

    /// The number of inputs.
    pub fn nin(&self) -> usize {
        self.inputs.len()
    }

    /// The number of outputs.
    pub fn nout(&self) -> usize {
        self.outputs.len()
    }

    /// NumPy's short form, as in `np.add.types`: `dd->d`.
    pub fn short(&self) -> String {
        let codes = |ds: &[DType]| ds.iter().map(|d| d.char_code()).collect::<String>();
        format!("{}->{}", codes(&self.inputs), codes(&self.outputs))
    }

    /// Whether every one of `inputs` casts safely to this signature's input of the same
    /// position (and the counts agree): whether NumPy could use this loop.
    pub fn accepts(&self, inputs: &[DType]) -> bool {
        inputs.len() == self.nin()
            && inputs
                .iter()
                .zip(self.inputs())
                .all(|(a, &b)| a.can_cast_safely(b))
    }
}

impl fmt::Display for Signature {
    /// `(float64, float64) -> float64`; several outputs are parenthesized.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ds: &[DType]| ds.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ");
        write!(f, "({}) -> ", list(&self.inputs))?;
        match &*self.outputs {
            [one] => write!(f, "{one}"),
            many => write!(f, "({})", list(many)),
        }
    }
}

impl FromStr for Signature {
    type Err = Error;

    /// Parses NumPy's short form, `dd->d` (character codes as [`DType::from_char_code`]).
    fn from_str(s: &str) -> Result<Signature> {
        let bad = |why: String| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("invalid signature {s:?}: {why}; write it as NumPy does, e.g. \"dd->d\""),
            )
        };
        let (ins, outs) = s.split_once("->").ok_or_else(|| bad("no \"->\"".into()))?;
        let codes = |part: &str| {
            part.trim()
                .chars()
                .map(|c| {
                    DType::from_char_code(c).ok_or_else(|| bad(format!("unknown type code {c:?}")))
                })
                .collect::<Result<Vec<_>>>()
        };
        Ok(Signature::from_vecs(codes(ins)?, codes(outs)?))
    }
}

/// The type-erased body of one compiled loop: runs the kernel on inputs whose dtypes are
/// exactly the loop's [`Signature::inputs`], returns one array per output.
pub type LoopFn = fn(&[&DynArray], Target) -> Result<Vec<DynArray>>;

/// One entry of a kernel's loop table: a signature and the function that runs it.
///
/// `#[vectorize(fn(f64, f64) -> f64, ...)]` emits a `static` table of these, one per listed
/// signature, in the listed order. [`call_dyn`] calls `run` only with inputs already cast to
/// `signature.inputs()` (so `run` may `view::<T>()` each input and treat a mismatch as a bug);
/// `run` broadcasts, runs on the given [`Target`], returns `signature.nout()` arrays of
/// `signature.outputs()` dtypes, and names the kernel in its errors (call_dyn returns them
/// unchanged).
///
/// ```
/// use numbox::{DType, DynArray, Result, Signature, Target};
/// use numbox::dispatch::{call_dyn, Loop};
/// use numbox::ndarray::{array, Zip};
///
/// fn add_f64(inputs: &[&DynArray], _target: Target) -> Result<Vec<DynArray>> {
///     let (a, b) = (inputs[0].view::<f64>()?, inputs[1].view::<f64>()?);
///     Ok(vec![Zip::from(&a).and(&b).map_collect(|x, y| x + y).into()])
/// }
/// static LOOPS: [Loop; 1] = [Loop {
///     signature: Signature::new(&[DType::F64, DType::F64], &[DType::F64]),
///     run: add_f64,
/// }];
/// let (a, b) = (DynArray::from(array![1i32, 2]), DynArray::from(array![0.5f32, 0.5]));
/// let out = call_dyn("add", &LOOPS, &[&a, &b], Target::Serial)?;
/// assert_eq!(out, vec![DynArray::from(array![1.5f64, 2.5])]);
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone)]
pub struct Loop {
    /// The dtypes this loop takes and returns.
    pub signature: Signature,
    /// Runs the loop on inputs of exactly `signature`'s input dtypes.
    pub run: LoopFn,
}

impl fmt::Debug for Loop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loop")
            .field("signature", &format_args!("{}", self.signature.short()))
            .finish_non_exhaustive()
    }
}

/// NumPy's loop selection: the index of the first of `signatures` to which every input
/// dtype casts safely ([`DType::can_cast_safely`]).
///
/// Errors: [`ErrorKind::Arity`] if no signature takes `inputs.len()` inputs;
/// [`ErrorKind::NoMatchingSignature`] otherwise, naming `name`, the input dtypes and every
/// signature with the inputs that do not cast safely to it.
///
/// ```
/// use numbox::{DType, ErrorKind, Signature};
/// use numbox::dispatch::select_loop;
/// let loops: Vec<Signature> = ["ff->f", "dd->d", "ll->l"].iter().map(|s| s.parse().unwrap()).collect();
/// assert_eq!(select_loop("add", &loops, &[DType::I32, DType::I32])?, 1);
/// assert_eq!(select_loop("add", &loops, &[DType::I8, DType::U8])?, 0);
/// let e = select_loop("add", &loops, &[DType::C64, DType::F32]).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
/// assert_eq!(select_loop("add", &loops, &[DType::F32]).unwrap_err().kind(), ErrorKind::Arity);
/// # Ok::<(), numbox::Error>(())
/// ```
pub fn select_loop(name: &str, signatures: &[Signature], inputs: &[DType]) -> Result<usize> {
    select(name, signatures.iter(), inputs.len(), |i| inputs[i])
}

/// Selection over any list of signatures, with the input dtypes given by position (so
/// [`call_dyn`] needs no allocation).
fn select<'s, I>(
    name: &str,
    signatures: I,
    nin: usize,
    dtype: impl Fn(usize) -> DType,
) -> Result<usize>
where
    I: Iterator<Item = &'s Signature> + Clone,
{
    let found = signatures
        .clone()
        .position(|s| s.nin() == nin && (0..nin).all(|i| dtype(i).can_cast_safely(s.inputs[i])));
    if let Some(k) = found {
        return Ok(k);
    }
    let given: Vec<DType> = (0..nin).map(dtype).collect();
    let given_str = given
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ");
    let sigs: Vec<&Signature> = signatures.collect();
    if sigs.is_empty() {
        return Err(Error::new(
            ErrorKind::NoMatchingSignature,
            format!("{name}: has no compiled signatures, so no loop accepts inputs ({given_str})"),
        ));
    }
    if sigs.iter().all(|s| s.nin() != nin) {
        let mut takes: Vec<usize> = sigs.iter().map(|s| s.nin()).collect();
        takes.dedup();
        let takes = takes
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" or ");
        return Err(Error::new(
            ErrorKind::Arity,
            format!("{name}: takes {takes} input(s), got {nin} ({given_str})"),
        ));
    }
    let mut msg = format!(
        "{name}: no signature accepts inputs ({given_str}) by safe casting (NumPy's rule); \
         cast the inputs with `DynArray::cast` to one of:"
    );
    for s in sigs {
        msg.push_str(&format!("\n  {s} [{}]: ", s.short()));
        if s.nin() != nin {
            msg.push_str(&format!("takes {} input(s)", s.nin()));
            continue;
        }
        let failed: Vec<String> = given
            .iter()
            .zip(s.inputs())
            .enumerate()
            .filter(|(_, (a, b))| !a.can_cast_safely(**b))
            .map(|(i, (a, b))| format!("input {i} ({a}) does not cast safely to {b}"))
            .collect();
        msg.push_str(&failed.join(", "));
    }
    Err(Error::new(ErrorKind::NoMatchingSignature, msg))
}

/// Runs the first of `loops` that accepts the inputs' dtypes ([`select_loop`]): casts the
/// inputs whose dtype differs from the loop's (the others are passed through, not copied)
/// and calls its [`run`](Loop::run) with `target`.
///
/// Errors: those of [`select_loop`], and whatever `run` returns (unchanged).
pub fn call_dyn(
    name: &str,
    loops: &[Loop],
    inputs: &[&DynArray],
    target: Target,
) -> Result<Vec<DynArray>> {
    let signatures = loops.iter().map(|l| &l.signature);
    let k = select(name, signatures, inputs.len(), |i| inputs[i].dtype())?;
    let chosen = &loops[k];
    let wanted = chosen.signature.inputs();
    if inputs.iter().zip(wanted).all(|(a, &d)| a.dtype() == d) {
        return (chosen.run)(inputs, target);
    }
    let cast = inputs
        .iter()
        .zip(wanted)
        .map(|(a, &d)| {
            if a.dtype() == d {
                Ok(Cow::Borrowed(*a))
            } else {
                a.cast(d).map(Cow::Owned)
            }
        })
        .collect::<Result<Vec<Cow<'_, DynArray>>>>()?;
    let refs: Vec<&DynArray> = cast.iter().map(|c| &**c).collect();
    (chosen.run)(&refs, target)
}

/// A cloneable run-time handle on a kernel compiled at several signatures: its name, arity,
/// signatures, default [`Target`] and a [`call`](Self::call) that dispatches on the inputs'
/// dtypes like a NumPy ufunc. Cloning shares the loop table (`Arc`).
///
/// `#[vectorize(fn(..) -> .., ...)]` makes one with `name::ufunc()`; a [`Registry`] stores them by name.
///
/// ```
/// use numbox::{DType, DynArray, DynUfunc, Result, Signature, Target};
/// use numbox::dispatch::Loop;
/// use numbox::ndarray::array;
///
/// fn neg_f64(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
///     Ok(vec![inputs[0].view::<f64>()?.mapv(|x| -x).into()])
/// }
/// let loops = vec![Loop { signature: "d->d".parse()?, run: neg_f64 }];
/// let neg = DynUfunc::new("neg", 1, 1, loops, Target::Serial);
/// assert_eq!(neg.call_single(&[&DynArray::from(array![1u8, 2])])?, DynArray::from(array![-1.0, -2.0]));
/// assert_eq!(neg.signatures().next().unwrap().short(), "d->d");
/// assert!(neg.call(&[&DynArray::from(array![1i8])]).is_ok());
/// assert!(neg.call(&[&DynArray::from(array![true]), &DynArray::from(array![true])]).is_err());
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone)]
pub struct DynUfunc {
    inner: Arc<UfuncInner>,
}

struct UfuncInner {
    name: Cow<'static, str>,
    nin: usize,
    nout: usize,
    loops: Cow<'static, [Loop]>,
    target: Target,
}

impl DynUfunc {
    /// A handle on `loops` (a `&'static [Loop]` table or a `Vec<Loop>`), tried in order, each
    /// taking `nin` inputs and giving `nout` outputs; `call` runs on `target`.
    ///
    /// # Panics
    /// If a loop's signature does not have `nin` inputs and `nout` outputs: the table is
    /// built by code (the macro), so this is a bug, not a run-time condition.
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        nin: usize,
        nout: usize,
        loops: impl Into<Cow<'static, [Loop]>>,
        target: Target,
    ) -> DynUfunc {
        let (name, loops) = (name.into(), loops.into());
        for l in loops.iter() {
            assert!(
                l.signature.nin() == nin && l.signature.nout() == nout,
                "DynUfunc {name}: loop {} does not take {nin} input(s) and give {nout} output(s)",
                l.signature
            );
        }
        DynUfunc {
            inner: Arc::new(UfuncInner {
                name,
                nin,
                nout,
                loops,
                target,
            }),
        }
    }

    /// The kernel's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The number of inputs.
    pub fn nin(&self) -> usize {
        self.inner.nin
    }

    /// The number of outputs.
    pub fn nout(&self) -> usize {
        self.inner.nout
    }

    /// Where [`call`](Self::call) runs.
    pub fn target(&self) -> Target {
        self.inner.target
    }

    /// The same kernel running on `target` (shares a static loop table; copies a `Vec` one).
    pub fn with_target(&self, target: Target) -> DynUfunc {
        if target == self.inner.target {
            return self.clone();
        }
        let i = &self.inner;
        DynUfunc::new(i.name.clone(), i.nin, i.nout, i.loops.clone(), target)
    }

    /// The signatures in selection order.
    pub fn signatures(&self) -> impl ExactSizeIterator<Item = &Signature> + '_ {
        self.inner.loops.iter().map(|l| &l.signature)
    }

    /// The loop table.
    pub fn loops(&self) -> &[Loop] {
        &self.inner.loops
    }

    /// The signature [`call`](Self::call) would run for inputs of these dtypes (NumPy's
    /// `ufunc.resolve_dtypes`), or the error it would return.
    pub fn resolve(&self, inputs: &[DType]) -> Result<&Signature> {
        self.check_arity(inputs.len())?;
        let signatures = self.inner.loops.iter().map(|l| &l.signature);
        let k = select(self.name(), signatures, inputs.len(), |i| inputs[i])?;
        Ok(&self.inner.loops[k].signature)
    }

    /// Runs the kernel: [`call_dyn`] over its loops on its target. Returns `nout` arrays.
    pub fn call(&self, inputs: &[&DynArray]) -> Result<Vec<DynArray>> {
        self.check_arity(inputs.len())?;
        call_dyn(self.name(), &self.inner.loops, inputs, self.inner.target)
    }

    /// [`call`](Self::call) for a kernel with one output, returning it;
    /// [`ErrorKind::Arity`] for a kernel with several.
    pub fn call_single(&self, inputs: &[&DynArray]) -> Result<DynArray> {
        if self.nout() != 1 {
            return Err(Error::new(
                ErrorKind::Arity,
                format!(
                    "{}: has {} outputs; use `call` to get all of them",
                    self.name(),
                    self.nout()
                ),
            ));
        }
        let mut out = self.call(inputs)?;
        out.pop().ok_or_else(|| {
            Error::new(
                ErrorKind::Arity,
                format!("{}: its loop returned no output", self.name()),
            )
        })
    }

    fn check_arity(&self, n: usize) -> Result<()> {
        if n == self.nin() {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Arity,
            format!("{}: takes {} input(s), got {n}", self.name(), self.nin()),
        ))
    }
}

impl fmt::Debug for DynUfunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sigs: Vec<String> = self.signatures().map(Signature::short).collect();
        f.debug_struct("DynUfunc")
            .field("name", &self.name())
            .field("nin", &self.nin())
            .field("nout", &self.nout())
            .field("target", &self.target())
            .field("signatures", &sigs)
            .finish()
    }
}

/// Kernels by name, for callers that pick the function at run time (a CLI, a config file,
/// a Python binding). Names iterate in sorted order.
///
/// ```
/// use numbox::{DynArray, DynUfunc, ErrorKind, Registry, Result, Target};
/// use numbox::dispatch::Loop;
/// use numbox::ndarray::array;
///
/// fn double(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
///     Ok(vec![inputs[0].view::<i64>()?.mapv(|x| 2 * x).into()])
/// }
/// let mut reg = Registry::new();
/// reg.register(DynUfunc::new("double", 1, 1, vec![Loop { signature: "l->l".parse()?, run: double }], Target::Serial));
/// let out = reg.call("double", &[&DynArray::from(array![1i32, 2])])?;
/// assert_eq!(out, vec![DynArray::from(array![2i64, 4])]);
/// assert_eq!(reg.names().collect::<Vec<_>>(), ["double"]);
/// assert_eq!(reg.call("triple", &[]).unwrap_err().kind(), ErrorKind::UnknownName);
/// # Ok::<(), numbox::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Registry {
    ufuncs: BTreeMap<String, DynUfunc>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `ufunc` under its name; returns the one it replaces, if any.
    pub fn register(&mut self, ufunc: DynUfunc) -> Option<DynUfunc> {
        self.ufuncs.insert(ufunc.name().to_owned(), ufunc)
    }

    /// Removes and returns the kernel named `name`.
    pub fn remove(&mut self, name: &str) -> Option<DynUfunc> {
        self.ufuncs.remove(name)
    }

    /// The kernel named `name`.
    pub fn get(&self, name: &str) -> Option<&DynUfunc> {
        self.ufuncs.get(name)
    }

    /// Whether a kernel named `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.ufuncs.contains_key(name)
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.ufuncs.keys().map(String::as_str)
    }

    /// The registered kernels, sorted by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &DynUfunc> + '_ {
        self.ufuncs.values()
    }

    /// The number of registered kernels.
    pub fn len(&self) -> usize {
        self.ufuncs.len()
    }

    /// Whether no kernel is registered.
    pub fn is_empty(&self) -> bool {
        self.ufuncs.is_empty()
    }

    /// The kernel named `name`, or an [`ErrorKind::UnknownName`] error listing the registered names.
    pub fn lookup(&self, name: &str) -> Result<&DynUfunc> {
        self.get(name).ok_or_else(|| {
            let known = if self.is_empty() {
                "none is registered".to_owned()
            } else {
                format!(
                    "registered: {}",
                    self.names().collect::<Vec<_>>().join(", ")
                )
            };
            Error::new(
                ErrorKind::UnknownName,
                format!("no kernel named {name:?} ({known})"),
            )
        })
    }

    /// Calls the kernel named `name` ([`DynUfunc::call`]).
    pub fn call(&self, name: &str, inputs: &[&DynArray]) -> Result<Vec<DynArray>> {
        self.lookup(name)?.call(inputs)
    }

    /// Calls the one-output kernel named `name` ([`DynUfunc::call_single`]).
    pub fn call_single(&self, name: &str, inputs: &[&DynArray]) -> Result<DynArray> {
        self.lookup(name)?.call_single(inputs)
    }
}

impl Extend<DynUfunc> for Registry {
    fn extend<I: IntoIterator<Item = DynUfunc>>(&mut self, iter: I) {
        for u in iter {
            self.register(u);
        }
    }
}

impl FromIterator<DynUfunc> for Registry {
    fn from_iter<I: IntoIterator<Item = DynUfunc>>(iter: I) -> Self {
        let mut reg = Registry::new();
        reg.extend(iter);
        reg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn sigs(list: &[&str]) -> Vec<Signature> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn numpy_selections() {
        let loops = sigs(&["ff->f", "dd->d", "ll->l"]);
        let pick = |ins: &[DType]| select_loop("add", &loops, ins).unwrap();
        assert_eq!(pick(&[DType::I32, DType::I32]), 1);
        assert_eq!(pick(&[DType::I8, DType::I8]), 0);
        assert_eq!(pick(&[DType::U64, DType::I64]), 1);
        assert_eq!(pick(&[DType::Bool, DType::Bool]), 0);
        assert_eq!(pick(&[DType::I64, DType::I64]), 1);
    }

    #[test]
    fn no_match_names_everything() {
        let loops = sigs(&["ff->f", "ll->l"]);
        let e = select_loop("mul", &loops, &[DType::F64, DType::I32]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
        let m = e.message();
        for part in [
            "mul:",
            "(float64, int32)",
            "(float32, float32) -> float32 [ff->f]: input 0 (float64) does not cast safely to float32",
            "(int64, int64) -> int64 [ll->l]: input 0 (float64) does not cast safely to int64",
        ] {
            assert!(m.contains(part), "{m:?} lacks {part:?}");
        }
        assert!(
            !m.contains("input 1 (int32) does not cast safely to int64"),
            "{m}"
        );
        let e = select_loop("mul", &loops, &[DType::F64]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Arity);
        assert!(e.message().contains("takes 2 input(s), got 1"), "{e}");
        let e = select_loop("none", &[], &[DType::F64]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoMatchingSignature);
    }

    #[test]
    fn signature_forms() {
        let s = Signature::new(&[DType::F32], &[DType::F32, DType::I32]);
        assert_eq!(s.to_string(), "(float32) -> (float32, int32)");
        assert_eq!(s.short(), "f->fi");
        assert_eq!("f->fi".parse::<Signature>().unwrap(), s);
        let e = "dx->d".parse::<Signature>().unwrap_err();
        assert!(e.message().contains("'x'"), "{e}");
        assert!("dd".parse::<Signature>().is_err());
    }

    fn sub_i64(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
        let (a, b) = (inputs[0].view::<i64>()?, inputs[1].view::<i64>()?);
        Ok(vec![(&a - &b).into()])
    }

    fn sub_f64(inputs: &[&DynArray], _: Target) -> Result<Vec<DynArray>> {
        let (a, b) = (inputs[0].view::<f64>()?, inputs[1].view::<f64>()?);
        Ok(vec![(&a - &b).into()])
    }

    static SUB: [Loop; 2] = [
        Loop {
            signature: Signature::new(&[DType::I64, DType::I64], &[DType::I64]),
            run: sub_i64,
        },
        Loop {
            signature: Signature::new(&[DType::F64, DType::F64], &[DType::F64]),
            run: sub_f64,
        },
    ];

    #[test]
    fn call_dyn_casts_only_what_differs() {
        let a = DynArray::from(array![5i64, 7]);
        let b = DynArray::from(array![1u8, 2]);
        let out = call_dyn("sub", &SUB, &[&a, &b], Target::Serial).unwrap();
        assert_eq!(out, vec![DynArray::from(array![4i64, 5])]);
        let c = DynArray::from(array![0.5f32, 0.25]);
        let out = call_dyn("sub", &SUB, &[&a, &c], Target::Serial).unwrap();
        assert_eq!(out, vec![DynArray::from(array![4.5f64, 6.75])]);
    }

    #[test]
    fn ufunc_and_registry() {
        let sub = DynUfunc::new("sub", 2, 1, &SUB[..], Target::Serial);
        assert_eq!((sub.name(), sub.nin(), sub.nout()), ("sub", 2, 1));
        assert_eq!(
            sub.resolve(&[DType::I32, DType::F32]).unwrap().short(),
            "dd->d"
        );
        let dbg = format!("{sub:?}");
        assert!(
            dbg.contains("\"ll->l\"") && dbg.contains("\"sub\""),
            "{dbg}"
        );
        let par = sub.with_target(Target::Parallel);
        assert_eq!(
            (par.target(), sub.target()),
            (Target::Parallel, Target::Serial)
        );

        let mut reg: Registry = [sub.clone()].into_iter().collect();
        assert!(reg
            .register(DynUfunc::new("neg", 1, 1, Vec::new(), Target::Serial))
            .is_none());
        let old = reg.register(par).unwrap();
        assert_eq!(old.target(), Target::Serial);
        assert_eq!(reg.names().collect::<Vec<_>>(), ["neg", "sub"]);
        let e = reg.call("add", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownName);
        assert!(
            e.message().contains("\"add\"") && e.message().contains("neg, sub"),
            "{e}"
        );
        let a = DynArray::from(array![1.0f64]);
        assert_eq!(
            reg.call_single("sub", &[&a, &a]).unwrap(),
            DynArray::from(array![0.0])
        );
        assert_eq!(reg.call("sub", &[&a]).unwrap_err().kind(), ErrorKind::Arity);
        assert_eq!(
            reg.call("neg", &[&a]).unwrap_err().kind(),
            ErrorKind::NoMatchingSignature
        );
        assert!(Registry::new()
            .lookup("x")
            .unwrap_err()
            .message()
            .contains("none is registered"));
    }

    #[test]
    #[should_panic(expected = "does not take 1 input(s)")]
    fn inconsistent_table_panics() {
        DynUfunc::new("sub", 1, 1, &SUB[..], Target::Serial);
    }
}
