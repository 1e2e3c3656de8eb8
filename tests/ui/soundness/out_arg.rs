// A one-element buffer that claims a shape of three: the executor would write past it.
use numbox::ufunc::{Meta, OutArg};

struct Liar(Box<f64>);

impl OutArg<f64> for Liar {
    fn raw(&mut self) -> (*mut f64, Meta) {
        (&mut *self.0, Meta::default())
    }
}

fn main() {}
