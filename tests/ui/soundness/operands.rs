// `Operands` is sealed: the executor reads through the pointers and strides it returns, so a
// safe implementation outside numbox could forge a layout for a real pointer.
use numbox::ufunc::{Meta, Operands};

struct Liar(Vec<f64>);

impl Operands<(f64,)> for Liar {
    type Dim = numbox::ndarray::Ix1;
    type Metas = [Option<Meta>; 1];
}

fn main() {}
