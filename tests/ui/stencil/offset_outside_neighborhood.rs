use numbox::prelude::*;

#[stencil(neighborhood = [[-1, 1]])]
fn reach(a: Neighbors1<f64>, k: isize) -> f64 {
    a[k] + a[2]
}

fn main() {}
