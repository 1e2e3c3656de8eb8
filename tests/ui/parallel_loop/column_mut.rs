use numbox::ndarray::Array2;
use numbox::prelude::*;

#[parallel_loop]
fn fill_columns(x: &[f64], out: &mut Array2<f64>) {
    for i in prange(0..out.ncols()) {
        out.column_mut(i).fill(x[i]);
    }
}

fn main() {}
