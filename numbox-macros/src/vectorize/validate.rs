//! The IR of a scalar kernel `fn name(x1: T1, ..., xn: Tn) -> R` (or `-> (R1, R2)`).

use crate::diag::Errors;
use syn::{FnArg, Ident, ItemFn, Pat, ReturnType, Type, Visibility};

/// The most inputs a kernel may take (the runtime implements arities up to this).
pub const MAX_INPUTS: usize = 12;
/// The most outputs a kernel may return as a tuple.
pub const MAX_OUTPUTS: usize = 4;

/// A validated scalar kernel, borrowing the user's function.
pub struct ScalarFn<'a> {
    pub item: &'a ItemFn,
    pub name: &'a Ident,
    pub vis: &'a Visibility,
    /// The parameter types, in order.
    pub inputs: Vec<&'a Type>,
    /// The result types: one, or the elements of a returned tuple.
    pub outputs: Vec<&'a Type>,
    /// Whether the function returns a tuple (several outputs).
    pub tuple_return: bool,
    /// The type parameters' names.
    pub type_params: Vec<&'a Ident>,
}

impl<'a> ScalarFn<'a> {
    /// Validates `item` as a scalar kernel for `#[macro_name]`, recording every problem.
    pub fn parse(item: &'a ItemFn, macro_name: &str, errors: &mut Errors) -> Option<Self> {
        let sig = &item.sig;
        let before = errors.count();
        crate::fn_shape::check(
            sig,
            macro_name,
            crate::fn_shape::Allow {
                lifetimes: false,
                type_params: true,
            },
            errors,
        );
        let type_params: Vec<&Ident> = sig.generics.type_params().map(|t| &t.ident).collect();
        let mut inputs = Vec::new();
        for arg in &sig.inputs {
            match arg {
                FnArg::Receiver(_) => {} // reported by the shape check
                FnArg::Typed(pt) => {
                    match &*pt.pat {
                        Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {}
                        Pat::Wild(_) => {}
                        other => errors.error(other, "a kernel parameter must be a plain name such as `x: f64`: bind the value to a name and destructure it inside the body"),
                    }
                    if let Type::Reference(r) = &*pt.ty {
                        let (and, mutability, elem) = (&r.and_token, &r.mutability, &r.elem);
                        let name = match &*pt.pat {
                            Pat::Ident(pi) => pi.ident.to_string(),
                            _ => "x".to_string(),
                        };
                        let elem = quote::quote!(#elem).to_string();
                        let in_place = if mutability.is_some() {
                            format!(
                                "; to update an array in place, write the results into it with \
                                 `{}::call_into(.., &mut out)`",
                                sig.ident
                            )
                        } else {
                            String::new()
                        };
                        errors.error(
                            quote::quote!(#and #mutability),
                            format!(
                                "a #[{macro_name}] kernel takes its elements by value: write \
                                 `{name}: {elem}`, not a reference (the kernel is called with \
                                 each element's value){in_place}"
                            ),
                        );
                    }
                    if let Type::ImplTrait(it) = &*pt.ty {
                        errors.error(it, "`impl Trait` parameters are not supported: declare a type parameter, `fn name<T: Trait>(x: T) -> T`");
                    }
                    inputs.push(&*pt.ty);
                }
            }
        }
        if sig.inputs.is_empty() {
            errors.error(
                &sig.ident,
                format!(
                    "a kernel needs at least one parameter: `fn {}(x: f64) -> f64`",
                    sig.ident
                ),
            );
        } else if inputs.len() > MAX_INPUTS {
            errors.error(&sig.inputs, format!("a kernel takes at most {MAX_INPUTS} parameters; this one takes {}: pass a `Copy` struct to group values", inputs.len()));
        }
        let (outputs, tuple_return) = match &sig.output {
            ReturnType::Default => {
                let span = sig.paren_token.span.join();
                errors.push(syn::Error::new(span, format!("a kernel must return its result: add a return type, e.g. `fn {}(..) -> f64`", sig.ident)));
                (Vec::new(), false)
            }
            ReturnType::Type(_, ty) => {
                match &**ty {
                    Type::Tuple(t) if t.elems.is_empty() => {
                        errors.error(t, "a kernel must return a value, not `()`: return the result, e.g. `-> f64`");
                        (Vec::new(), false)
                    }
                    Type::Tuple(t) => {
                        if t.elems.len() > MAX_OUTPUTS {
                            errors.error(t, format!("a kernel returns at most {MAX_OUTPUTS} outputs; this one returns {}", t.elems.len()));
                        }
                        (t.elems.iter().collect(), true)
                    }
                    other => (vec![other], false),
                }
            }
        };
        if errors.count() > before {
            return None;
        }
        Some(ScalarFn {
            item,
            name: &sig.ident,
            vis: &item.vis,
            inputs,
            outputs,
            tuple_return,
            type_params,
        })
    }

    /// Whether the kernel is `fn(T, T) -> T`: binary, one output, every type the same.
    pub fn is_binary_homogeneous(&self) -> bool {
        let key = |t: &Type| quote::quote!(#t).to_string();
        self.inputs.len() == 2
            && !self.tuple_return
            && self.outputs.len() == 1
            && key(self.inputs[0]) == key(self.inputs[1])
            && key(self.inputs[0]) == key(self.outputs[0])
    }
}
