//! What the stages of `#[parallel_loop]` pass each other: the uses [`super::scan`] records,
//! and the [`Plan`] that [`super::validate`] makes of them for [`super::expand`].

use proc_macro2::{Ident, TokenStream};
use syn::{BinOp, Lifetime};

/// A reduction operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedOp {
    Add,
    Sub,
    Mul,
    Or,
    And,
    Xor,
    Max,
    Min,
}

impl RedOp {
    pub fn from_bin(op: &BinOp) -> Option<Self> {
        Some(match op {
            BinOp::AddAssign(_) => RedOp::Add,
            BinOp::SubAssign(_) => RedOp::Sub,
            BinOp::MulAssign(_) => RedOp::Mul,
            BinOp::BitOrAssign(_) => RedOp::Or,
            BinOp::BitAndAssign(_) => RedOp::And,
            BinOp::BitXorAssign(_) => RedOp::Xor,
            _ => return None,
        })
    }

    /// How the user wrote it, for messages.
    pub fn written(self, v: &Ident) -> String {
        match self {
            RedOp::Add => format!("{v} += .."),
            RedOp::Sub => format!("{v} -= .."),
            RedOp::Mul => format!("{v} *= .."),
            RedOp::Or => format!("{v} |= .."),
            RedOp::And => format!("{v} &= .."),
            RedOp::Xor => format!("{v} ^= .."),
            RedOp::Max => format!("{v} = {v}.max(..)"),
            RedOp::Min => format!("{v} = {v}.min(..)"),
        }
    }
}

/// A variable declared before the loop and reduced in it.
pub struct Reduction {
    pub var: Ident,
    pub op: RedOp,
}

/// What the expansion needs to know about one loop.
pub struct Plan {
    /// The loop variable, when the pattern is a plain identifier.
    pub index: Option<Ident>,
    /// Exact copies of the loop variable bound in the body (`let j = i;`), which address
    /// the iteration's element as the loop variable does.
    pub aliases: Vec<Ident>,
    /// The loop's label, if any (`continue 'label` leaves the iteration).
    pub label: Option<Lifetime>,
    /// Reductions, in order of first use.
    pub reductions: Vec<Reduction>,
    /// Containers written at the loop index, in order of first use.
    pub targets: Vec<Ident>,
}

/// One use of a captured variable.
pub enum Use {
    /// The variable itself: read (`mutation: None`) or mutated (`Some(why)`).
    Whole {
        span: TokenStream,
        mutation: Option<String>,
    },
    /// `v op= e` or `v = v.max(e)`; `mentions` is a use of `v` inside `e`.
    Reduction {
        span: TokenStream,
        op: RedOp,
        mentions: Option<TokenStream>,
    },
    /// `v[idx]`, `v.row_mut(idx)`...: `at_index` when idx is the loop variable first;
    /// `update` is the operator of a compound assignment to it (`v[idx] += ..`).
    AtIndex {
        span: TokenStream,
        at_index: bool,
        mutable: bool,
        update: Option<String>,
    },
    /// `v.len()`, `v.shape()`...
    Shape { span: TokenStream },
}

impl Use {
    pub fn span(&self) -> &TokenStream {
        match self {
            Use::Whole { span, .. }
            | Use::Reduction { span, .. }
            | Use::AtIndex { span, .. }
            | Use::Shape { span } => span,
        }
    }
}
