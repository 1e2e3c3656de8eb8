//! Public, documented kernels in a crate with strict lints: the expansions add no warnings,
//! no unsafe code and no undocumented public items.
#![deny(missing_docs, rust_2018_idioms, unused, non_camel_case_types, clippy::all)]
#![forbid(unsafe_code)]

/// Kernels.
pub mod kernels {
    use numbox::prelude::*;

    /// Relative difference.
    #[vectorize(target = "parallel")]
    pub fn rel_diff(x: f64, y: f64) -> f64 {
        (x - y).abs() / (x.abs() + y.abs())
    }

    /// Generic addition with an identity and run-time signatures.
    #[vectorize(identity = T::default(), associative, fn(f32, f32) -> f32, fn(f64, f64) -> f64)]
    pub fn add<T: Copy + Default + std::ops::Add<Output = T>>(x: T, y: T) -> T {
        x + y
    }

    /// Quotient and remainder.
    #[vectorize]
    pub fn divmod(x: i64, y: i64) -> (i64, i64) {
        (x.div_euclid(y), x.rem_euclid(y))
    }

    /// A gufunc: the mean of each row.
    #[guvectorize(fn(f64) -> f64, "(n)->()")]
    pub fn mean(x: numbox::ndarray::ArrayView1<'_, f64>) -> f64 {
        x.sum() / x.len() as f64
    }
}

fn main() {
    let a = numbox::ndarray::array![1.0, 2.0];
    let r = kernels::rel_diff::call(&a, 1.0).unwrap();
    let s = kernels::add::reduce_all(&a).unwrap();
    let (q, _) = kernels::divmod::call(&[7i64, 8], 2).unwrap();
    let m = kernels::mean::call(&a).unwrap();
    assert_eq!((r[0], s, q[1], m[()]), (0.0, 3.0, 4, 1.5));
}
