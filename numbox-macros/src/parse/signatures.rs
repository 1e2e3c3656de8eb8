//! Signature lists `fn(f32, f32) -> f32, ...`: each must be an instance of the kernel's own
//! (possibly generic) signature; instantiation binds the kernel's type parameters.

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
}
