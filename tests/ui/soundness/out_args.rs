// `OutArgs` is sealed like `OutArg`: the executor writes through the pointers and layouts it
// returns.
use numbox::ufunc::OutArgs;

struct Liar(Vec<f64>);

impl OutArgs<(f64,)> for Liar {}

fn main() {}
