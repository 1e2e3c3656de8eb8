//! Parsing shared by the macros: option values and the scalar-function IR.

pub mod layout;
pub mod options;
pub mod scalar_fn;
pub mod signatures;

/// Whether `op` is a compound assignment (`+=`, `<<=`, ...): a write to its left operand.
pub fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}
