use numbox::prelude::*;

// Accepted before the shared shape check: the kernel's contract would be unchecked.
#[stencil]
unsafe fn diff(a: Neighbors1<f64>) -> f64 {
    a[1] - a[0]
}

fn main() {}
