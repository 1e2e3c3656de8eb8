// numbox 0.1 took a gufunc's outputs as separate trailing arguments; they are now one tuple,
// as for `#[vectorize]` (NumPy's `out=(lo, hi)`): `min_max::call_into(&x, (&mut lo, &mut hi))`.
use numbox::ndarray::{array, Array1, ArrayView1};
use numbox::prelude::*;

#[guvectorize("(n)->(),()")]
fn min_max(x: ArrayView1<i64>, lo: &mut i64, hi: &mut i64) {
    *lo = x.iter().copied().min().unwrap_or(i64::MAX);
    *hi = x.iter().copied().max().unwrap_or(i64::MIN);
}

fn main() {
    let x = array![[3i64, -1], [0, 2]];
    let (mut lo, mut hi) = (Array1::<i64>::zeros(2), Array1::<i64>::zeros(2));
    min_max::call_into(&x, &mut lo, &mut hi).unwrap();
}
