//! The run-time dispatch of a signature list, shared by `#[vectorize]` and `#[guvectorize]`:
//! a static loop table with one instance of the kernel per signature, and `loops`,
//! `signatures`, `call_dyn` and `ufunc` on the companion type.

use crate::emit::Private;
use crate::parse::signatures::Instance;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::Ident;

/// What the dispatch expansion needs to know about a kernel.
pub struct DispatchSpec<'a> {
    /// The function's (and companion's) name.
    pub name: &'a Ident,
    /// The instantiated signatures, in the order listed.
    pub instances: &'a [Instance<'a>],
    /// The numbers of inputs and outputs.
    pub nin: usize,
    pub nout: usize,
    /// The runtime trait with the kernel's `NAME` and `TARGET`.
    pub kernel_trait: TokenStream,
    /// Whether `call_dyn` returns every output (a `Vec`) rather than the only one.
    pub several_outputs: bool,
}

/// Emits the loop table and the companion's dispatch methods; `run(instance, kernel_type)`
/// gives the `LoopFn` of one instance.
pub fn emit(
    spec: &DispatchSpec<'_>,
    run: impl Fn(&Instance<'_>, &TokenStream) -> TokenStream,
) -> TokenStream {
    let Some(first) = spec.instances.first() else {
        return TokenStream::new();
    };
    let p = Private;
    let d = quote!(#p::dispatch);
    let kt = &spec.kernel_trait;
    let name = spec.name;
    let instance_type = |i: &Instance<'_>| {
        let args = &i.type_args;
        if args.is_empty() {
            quote!(#name)
        } else {
            quote!(#name<#(#args),*>)
        }
    };
    let first_type = instance_type(first);
    let count = spec.instances.len();
    let entries = spec.instances.iter().map(|i| {
        let run = run(i, &instance_type(i));
        let (ins, outs) = (&i.inputs, &i.outputs);
        quote_spanned! {i.sig.span()=>
            #d::Loop {
                signature: #d::Signature::new(
                    &[#(<#ins as #d::NativeType>::DTYPE),*],
                    &[#(<#outs as #d::NativeType>::DTYPE),*],
                ),
                run: #run,
            }
        }
    });
    let (nin, nout) = (spec.nin, spec.nout);
    let (ret, take) = if spec.several_outputs {
        (quote!(::std::vec::Vec<#d::DynArray>), quote!(outs))
    } else {
        (
            quote!(#d::DynArray),
            quote!(outs.pop().expect("a loop returns its output")),
        )
    };
    let sigs_doc = spec
        .instances
        .iter()
        .map(|i| format!("`{}`", i.sig.to_token_stream()))
        .collect::<Vec<_>>()
        .join(", ");
    let table_doc = format!("The compiled loops, in the order listed: {sigs_doc}.");
    quote! {
        impl #first_type {
            #[doc = #table_doc]
            pub fn loops() -> &'static [#d::Loop] {
                static LOOPS: [#d::Loop; #count] = [#(#entries),*];
                &LOOPS
            }

            /// The signatures of the compiled loops, in the order NumPy's rule tries them.
            pub fn signatures() -> ::std::vec::Vec<#d::Signature> {
                Self::loops().iter().map(|l| l.signature.clone()).collect()
            }

            /// Runs the first listed loop to which every input casts safely (NumPy's rule),
            /// casting the inputs that need it and broadcasting them.
            pub fn call_dyn(inputs: &[&#d::DynArray]) -> #p::Result<#ret> {
                let mut outs = #d::call_dyn(
                    <Self as #kt>::NAME,
                    Self::loops(),
                    inputs,
                    <Self as #kt>::TARGET,
                )?;
                ::core::result::Result::Ok(#take)
            }

            /// A cloneable run-time handle (name, arity, signatures, call) for a
            /// [`Registry`](::numbox::Registry).
            pub fn ufunc() -> #d::DynUfunc {
                #d::DynUfunc::new(<Self as #kt>::NAME, #nin, #nout, Self::loops(), <Self as #kt>::TARGET)
            }
        }
    }
}
