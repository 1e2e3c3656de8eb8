// A one-element buffer that claims a shape of three: the runtimes would write past it. `OutArg`
// is sealed, so it cannot be implemented outside numbox.
use numbox::ndarray::{ArrayViewMut1, Ix1};
use numbox::OutArg;

struct Liar(Box<f64>);

impl OutArg<f64> for Liar {
    type Dim = Ix1;
    fn __view_mut(&mut self) -> ArrayViewMut1<'_, f64> {
        // SAFETY: none; this is the lie the seal prevents.
        unsafe { ArrayViewMut1::from_shape_ptr(3, &mut *self.0) }
    }
}

fn main() {}
