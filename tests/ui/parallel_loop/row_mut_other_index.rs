use numbox::prelude::*;
use numbox::ndarray::Array2;

#[parallel_loop]
fn transpose_rows(x: &Array2<f64>, out: &mut Array2<f64>) {
    for i in prange(0..x.nrows()) {
        for j in 0..x.ncols() {
            out.row_mut(j)[i] = x[[i, j]];
        }
    }
}

fn main() {}
