use numbox::prelude::*;

#[stencil]
fn labelled(a: Neighbors1<f64>, label: String) -> f64 {
    a[1] + label.len() as f64
}

fn main() {}
