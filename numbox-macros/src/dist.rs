//! `name::dist()`: the one item each attribute emits for numbox's `mpi` feature. The item
//! is wrapped in `::numbox::__private::dist_items! { .. }`, which numbox defines to expand its
//! input with the feature and to nothing without it (the user's crate cannot see numbox's
//! features); everything else lives in `numbox::dist`.

use crate::emit::Private;
use proc_macro2::TokenStream;
use quote::quote;

/// `vis fn dist()`, returning `handle` (of type `handle_ty`) wrapped for distributed calls.
pub fn method(vis: TokenStream, handle_ty: TokenStream, handle: TokenStream) -> TokenStream {
    let p = Private;
    quote! {
        #p::dist_items! {
            /// The kernel over the ranks of an MPI communicator, on `numbox::dist::DistArray`s
            /// (numbox's `mpi` feature; see `numbox::dist`), on the attribute's target inside
            /// each rank.
            #vis fn dist() -> #p::dist::Dist<#handle_ty> {
                #p::dist::Dist::new(#handle)
            }
        }
    }
}
