use numbox::prelude::*;

#[stencil(neighborhood = [[-2, 2]])]
fn blur(u: Neighbors2<f64>, di: isize) -> f64 {
    u[[di, 0]]
}

fn main() {}
