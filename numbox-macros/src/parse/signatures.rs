//! Signature lists `fn(f32, f32) -> f32, ...`: each must be an instance of the kernel's own
//! (possibly generic) signature; instantiation binds the kernel's type parameters.

use crate::diag::Errors;
use quote::ToTokens;
use std::collections::HashMap;
use syn::{GenericArgument, Ident, PathArguments, ReturnType, Type, TypeBareFn};

/// One listed signature, with the kernel's type parameters bound.
pub struct Instance<'a> {
    /// The signature as written (for spans).
    pub sig: &'a TypeBareFn,
    /// Its input types.
    pub inputs: Vec<&'a Type>,
    /// Its output types.
    pub outputs: Vec<&'a Type>,
    /// The kernel's type arguments, in the order of its type parameters.
    pub type_args: Vec<Type>,
}

fn key(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string()
}

fn unwrap(t: &Type) -> &Type {
    match t {
        Type::Paren(p) => unwrap(&p.elem),
        Type::Group(g) => unwrap(&g.elem),
        other => other,
    }
}

/// Binds `params` so that `kernel` becomes `given`, or says why it cannot.
fn unify(
    kernel: &Type,
    given: &Type,
    params: &[&Ident],
    bound: &mut HashMap<String, Type>,
) -> Result<(), String> {
    let (k, g) = (unwrap(kernel), unwrap(given));
    if let Type::Path(p) = k {
        if p.qself.is_none() {
            if let Some(id) = p.path.get_ident() {
                if params.contains(&id) {
                    return match bound.get(&id.to_string()) {
                        Some(prev) if key(prev) != key(g) => Err(format!(
                            "`{id}` would be both `{}` and `{}`",
                            key(prev),
                            key(g)
                        )),
                        _ => {
                            bound.insert(id.to_string(), g.clone());
                            Ok(())
                        }
                    };
                }
            }
        }
    }
    let mismatch = || Err(format!("`{}` is not an instance of `{}`", key(g), key(k)));
    match (k, g) {
        (Type::Path(kp), Type::Path(gp)) => {
            let (Some(ks), Some(gs)) = (kp.path.segments.last(), gp.path.segments.last()) else {
                return mismatch();
            };
            if ks.ident != gs.ident {
                return mismatch();
            }
            match (&ks.arguments, &gs.arguments) {
                (PathArguments::None, PathArguments::None) => Ok(()),
                (PathArguments::AngleBracketed(ka), PathArguments::AngleBracketed(ga))
                    if ka.args.len() == ga.args.len() =>
                {
                    for (x, y) in ka.args.iter().zip(&ga.args) {
                        match (x, y) {
                            (GenericArgument::Type(x), GenericArgument::Type(y)) => {
                                unify(x, y, params, bound)?
                            }
                            (x, y) if key(x) == key(y) => {}
                            _ => return mismatch(),
                        }
                    }
                    Ok(())
                }
                _ => mismatch(),
            }
        }
        (Type::Tuple(kt), Type::Tuple(gt)) if kt.elems.len() == gt.elems.len() => kt
            .elems
            .iter()
            .zip(&gt.elems)
            .try_for_each(|(x, y)| unify(x, y, params, bound)),
        (Type::Array(ka), Type::Array(ga)) if key(&ka.len) == key(&ga.len) => {
            unify(&ka.elem, &ga.elem, params, bound)
        }
        _ if key(k) == key(g) => Ok(()),
        _ => mismatch(),
    }
}

/// Instantiates the kernel `fn(inputs) -> outputs` (generic over `params`) at `sig`.
pub fn instantiate<'a>(
    sig: &'a TypeBareFn,
    name: &Ident,
    inputs: &[&Type],
    outputs: &[&Type],
    params: &[&Ident],
) -> syn::Result<Instance<'a>> {
    let err = |msg: String| syn::Error::new_spanned(sig, msg);
    let kernel = || {
        let ins: Vec<String> = inputs.iter().map(key).collect();
        let outs: Vec<String> = outputs.iter().map(key).collect();
        let out = if outs.len() == 1 {
            outs[0].clone()
        } else {
            format!("({})", outs.join(", "))
        };
        format!("fn({}) -> {out}", ins.join(", "))
    };
    if sig.unsafety.is_some()
        || sig.abi.is_some()
        || sig.variadic.is_some()
        || sig.lifetimes.is_some()
    {
        return Err(err("a signature is a plain `fn(T1, ...) -> R` type".into()));
    }
    let sig_inputs: Vec<&Type> = sig.inputs.iter().map(|a| &a.ty).collect();
    let sig_outputs: Vec<&Type> = match &sig.output {
        ReturnType::Default => {
            return Err(err(format!(
                "a signature needs its output type, like the kernel: `{}`",
                kernel()
            )))
        }
        ReturnType::Type(_, t) => match unwrap(t) {
            Type::Tuple(tt) if outputs.len() > 1 || tt.elems.is_empty() => {
                tt.elems.iter().collect()
            }
            _ => vec![&**t],
        },
    };
    if sig_inputs.len() != inputs.len() || sig_outputs.len() != outputs.len() {
        return Err(err(format!(
            "this signature has {} input(s) and {} output(s), but `{name}` is `{}`",
            sig_inputs.len(),
            sig_outputs.len(),
            kernel()
        )));
    }
    let mut bound = HashMap::new();
    for (k, g) in inputs
        .iter()
        .chain(outputs)
        .zip(sig_inputs.iter().chain(&sig_outputs))
    {
        unify(k, g, params, &mut bound).map_err(|why| {
            err(format!(
                "this signature is not an instance of `{name}`: `{}`: {why}",
                kernel()
            ))
        })?;
    }
    let type_args = params
        .iter()
        .map(|p| {
            bound.remove(&p.to_string()).ok_or_else(|| {
                err(format!(
                    "this signature does not determine the kernel's type parameter `{p}`"
                ))
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(Instance {
        sig,
        inputs: sig_inputs,
        outputs: sig_outputs,
        type_args,
    })
}

/// The kinds of NumPy's dtypes, in the order of `numbox::DType`'s safe-cast rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Signed,
    Unsigned,
    Float,
    Complex,
}

/// The dtype (kind and item size in bytes) of a type as written, when its name says it:
/// `bool`, `i8`..`u64`, `f32`, `f64`, `Complex<f32>`/`Complex<f64>` (any path ending in
/// `Complex`) and `Complex32`/`Complex64`. Anything else (an alias, say) is `None`: the macro
/// cannot see through it and does not judge it.
fn dtype_of(t: &Type) -> Option<(Kind, usize)> {
    let Type::Path(p) = unwrap(t) else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let name = seg.ident.to_string();
    match &seg.arguments {
        PathArguments::None => Some(match name.as_str() {
            "bool" => (Kind::Bool, 1),
            "i8" => (Kind::Signed, 1),
            "i16" => (Kind::Signed, 2),
            "i32" => (Kind::Signed, 4),
            "i64" => (Kind::Signed, 8),
            "u8" => (Kind::Unsigned, 1),
            "u16" => (Kind::Unsigned, 2),
            "u32" => (Kind::Unsigned, 4),
            "u64" => (Kind::Unsigned, 8),
            "f32" => (Kind::Float, 4),
            "f64" => (Kind::Float, 8),
            "Complex32" => (Kind::Complex, 8),
            "Complex64" => (Kind::Complex, 16),
            _ => return None,
        }),
        PathArguments::AngleBracketed(a) if name == "Complex" && a.args.len() == 1 => {
            match a.args.first() {
                Some(GenericArgument::Type(inner)) => match dtype_of(inner)? {
                    (Kind::Float, size) => Some((Kind::Complex, 2 * size)),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// NumPy's `can_cast(from, to, 'safe')`, as `numbox::DType::can_cast_safely` decides it
/// (the two must agree; both follow NumPy's table, `int64 -> float64` included).
fn can_cast_safely((from, fs): (Kind, usize), (to, ts): (Kind, usize)) -> bool {
    use Kind::*;
    match (from, to) {
        (Bool, _) => true,
        (_, Bool) => false,
        (Signed, Signed) | (Unsigned, Unsigned) => fs <= ts,
        (Unsigned, Signed) => fs < ts,
        (Signed, Unsigned) => false,
        (Signed | Unsigned, Float) => fs <= 2 || ts == 8,
        (Signed | Unsigned, Complex) => fs <= 2 || ts == 16,
        (Float, Float) => fs <= ts,
        (Float, Complex) => 2 * fs <= ts,
        (Complex, Complex) => fs <= ts,
        (Float | Complex, Signed | Unsigned) | (Complex, Float) => false,
    }
}

/// Whether every input of `later` casts safely to the same input of `earlier`, judged only
/// when the macro knows every input's dtype.
fn shadows(earlier: &Instance<'_>, later: &Instance<'_>) -> bool {
    earlier.inputs.len() == later.inputs.len()
        && earlier.inputs.iter().zip(&later.inputs).all(|(e, l)| {
            matches!((dtype_of(e), dtype_of(l)), (Some(e), Some(l)) if can_cast_safely(l, e))
        })
}

/// `fn(f64, f64) -> f64` as written, without the token stream's spaces.
fn sig_str(sig: &TypeBareFn) -> String {
    let mut s = key(sig);
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        (" >", ">"),
        (" ,", ","),
        ("( ", "("),
        (" )", ")"),
        ("fn (", "fn("),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// Rejects every listed signature that NumPy's first-match rule can never choose.
///
/// Run-time dispatch takes the first signature to which every input casts safely. A later
/// signature whose every input casts safely to an earlier one's is therefore unreachable:
/// any inputs that fit it fit the earlier one too (safe casting is transitive), and its
/// own dtypes are caught first. `[fn(f64, f64) -> f64, fn(i64, i64) -> i64]` sends
/// `int64` inputs through the `f64` loop, where `(2^53 + 1) - 1` comes out wrong. Conversely
/// a signature no earlier one shadows this way is chosen for its own dtypes, so this finds
/// exactly the unreachable ones (among signatures whose types the macro can name).
///
/// The error is spanned at the unreachable signature, names the one that shadows it and
/// says to list the narrower (or exact) one first, rather than reordering what was written.
pub fn check_reachable(instances: &[Instance<'_>], errors: &mut Errors) {
    for (j, later) in instances.iter().enumerate() {
        let Some(earlier) = instances[..j].iter().find(|e| shadows(e, later)) else {
            continue;
        };
        let (e, l) = (sig_str(earlier.sig), sig_str(later.sig));
        let msg = if shadows(later, earlier) {
            format!(
                "`{l}` can never be chosen: it takes the same input types as `{e}`, listed \
                 before it, and run-time dispatch takes the first signature that fits; remove one"
            )
        } else {
            format!(
                "`{l}` can never be chosen: every input it takes casts safely to `{e}`, listed \
                 before it, and run-time dispatch takes the first signature every input casts \
                 to (NumPy's rule), so its inputs would run, converted, in the wider loop; \
                 list the narrower signature first: `{l}, {e}`"
            )
        };
        errors.error(later.sig, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn inst(
        sig: TypeBareFn,
        ins: &[Type],
        outs: &[Type],
        params: &[&str],
    ) -> Result<Vec<String>, String> {
        let ids: Vec<Ident> = params
            .iter()
            .map(|p| Ident::new(p, proc_macro2::Span::call_site()))
            .collect();
        let idr: Vec<&Ident> = ids.iter().collect();
        let ins: Vec<&Type> = ins.iter().collect();
        let outs: Vec<&Type> = outs.iter().collect();
        let name: Ident = parse_quote!(k);
        instantiate(&sig, &name, &ins, &outs, &idr)
            .map(|i| i.type_args.iter().map(key).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn binds_type_parameters() {
        let t: Type = parse_quote!(T);
        assert_eq!(
            inst(
                parse_quote!(fn(f32, f32) -> f32),
                &[t.clone(), t.clone()],
                std::slice::from_ref(&t),
                &["T"]
            ),
            Ok(vec!["f32".into()])
        );
        let c: Type = parse_quote!(Complex<T>);
        assert_eq!(
            inst(
                parse_quote!(fn(num_complex::Complex<f64>) -> f64),
                &[c],
                std::slice::from_ref(&t),
                &["T"]
            ),
            Ok(vec!["f64".into()])
        );
        let f: Type = parse_quote!(f64);
        assert_eq!(
            inst(
                parse_quote!(fn(f64) -> (f64, bool)),
                std::slice::from_ref(&f),
                &[f.clone(), parse_quote!(bool)],
                &[]
            ),
            Ok(vec![])
        );
    }

    #[test]
    fn rejects_what_is_not_an_instance() {
        let t: Type = parse_quote!(T);
        let e = inst(
            parse_quote!(fn(f32, f64) -> f32),
            &[t.clone(), t.clone()],
            std::slice::from_ref(&t),
            &["T"],
        )
        .unwrap_err();
        assert!(e.contains("`T` would be both `f32` and `f64`"), "{e}");
        let f: Type = parse_quote!(f64);
        let e = inst(
            parse_quote!(fn(f32) -> f64),
            std::slice::from_ref(&f),
            std::slice::from_ref(&f),
            &[],
        )
        .unwrap_err();
        assert!(e.contains("`f32` is not an instance of `f64`"), "{e}");
        let e = inst(
            parse_quote!(fn(f64, f64) -> f64),
            std::slice::from_ref(&f),
            std::slice::from_ref(&f),
            &[],
        )
        .unwrap_err();
        assert!(e.contains("2 input(s)"), "{e}");
        let e = inst(
            parse_quote!(fn(f64) -> f64),
            std::slice::from_ref(&f),
            std::slice::from_ref(&t),
            &["T", "U"],
        )
        .unwrap_err();
        assert!(e.contains("does not determine"), "{e}");
    }

    fn sigs(list: &[TypeBareFn]) -> Vec<String> {
        let instances: Vec<Instance<'_>> = list
            .iter()
            .map(|sig| Instance {
                sig,
                inputs: sig.inputs.iter().map(|a| &a.ty).collect(),
                outputs: Vec::new(),
                type_args: Vec::new(),
            })
            .collect();
        let mut errors = Errors::default();
        check_reachable(&instances, &mut errors);
        match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn unreachable_signatures_are_named() {
        let e = sigs(&[
            parse_quote!(fn(f32, f32) -> f32),
            parse_quote!(fn(f64, f64) -> f64),
            parse_quote!(fn(i64, i64) -> i64),
        ]);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("`fn(i64, i64) -> i64` can never be chosen")
                && e[0].contains("casts safely to `fn(f64, f64) -> f64`")
                && e[0].ends_with("`fn(i64, i64) -> i64, fn(f64, f64) -> f64`"),
            "{e:?}"
        );
        // Exact first, then wider: every signature is reachable.
        assert!(sigs(&[
            parse_quote!(fn(i64, i64) -> i64),
            parse_quote!(fn(f32, f32) -> f32),
            parse_quote!(fn(f64, f64) -> f64),
            parse_quote!(fn(num_complex::Complex<f64>, f64) -> f64),
        ])
        .is_empty());
        // One input that does not cast is enough to keep a signature reachable.
        assert!(sigs(&[
            parse_quote!(fn(f64, u8) -> f64),
            parse_quote!(fn(i32, i64) -> f64)
        ])
        .is_empty());
        // f32 does not shadow int32 (int32 -> float32 is not safe), but float64 does.
        assert!(sigs(&[parse_quote!(fn(f32) -> f32), parse_quote!(fn(i32) -> i32)]).is_empty());
        assert_eq!(
            sigs(&[
                parse_quote!(fn(Complex64) -> f64),
                parse_quote!(fn(i32) -> f64)
            ])
            .len(),
            1
        );
        // The same inputs twice, and a bool loop after anything.
        let e = sigs(&[parse_quote!(fn(f64) -> f64), parse_quote!(fn(f64) -> bool)]);
        assert!(e[0].contains("the same input types") && e[0].ends_with("remove one"));
        assert_eq!(
            sigs(&[parse_quote!(fn(u8) -> u8), parse_quote!(fn(bool) -> bool)]).len(),
            1
        );
        // Types the macro cannot name (aliases) are not judged.
        assert!(sigs(&[parse_quote!(fn(Real) -> Real), parse_quote!(fn(f32) -> f32)]).is_empty());
    }

    /// The macro's copy of the safe-cast table, against NumPy's `np.can_cast(a, b, 'safe')`
    /// for every pair of the 13 dtypes (rows: from; columns: to, in the order below).
    #[test]
    fn safe_casts_are_numpys() {
        let order: [Type; 13] = [
            parse_quote!(bool),
            parse_quote!(i8),
            parse_quote!(i16),
            parse_quote!(i32),
            parse_quote!(i64),
            parse_quote!(u8),
            parse_quote!(u16),
            parse_quote!(u32),
            parse_quote!(u64),
            parse_quote!(f32),
            parse_quote!(f64),
            parse_quote!(Complex<f32>),
            parse_quote!(num_complex::Complex64),
        ];
        let numpy = [
            "1111111111111",
            "0111100001111",
            "0011100001111",
            "0001100000101",
            "0000100000101",
            "0011111111111",
            "0001101111111",
            "0000100110101",
            "0000000010101",
            "0000000001111",
            "0000000000101",
            "0000000000011",
            "0000000000001",
        ];
        for (i, from) in order.iter().enumerate() {
            for (j, to) in order.iter().enumerate() {
                let got = can_cast_safely(dtype_of(from).unwrap(), dtype_of(to).unwrap());
                let want = numpy[i].as_bytes()[j] == b'1';
                assert_eq!(got, want, "{} -> {}", key(from), key(to));
            }
        }
    }
}
