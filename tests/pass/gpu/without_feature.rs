//! `target = "gpu"` compiles without numbox's `gpu` feature (the device kernels are left
//! out) and keeps the CPU kernel, under strict lints.
#![deny(warnings, missing_docs)]

use numbox::prelude::*;

/// axpy.
#[vectorize(target = "gpu")]
pub fn axpy(a: f32, x: f32, y: f32) -> f32 {
    let t = a * x;
    if t > 1.0e30 {
        t
    } else {
        t + y
    }
}

/// A generic kernel with a signature list.
#[vectorize(fn(i32, i32) -> i32, fn(f32, f32) -> f32, target = "gpu")]
pub fn add<T: Copy + std::ops::Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

fn main() {
    let x = numbox::ndarray::array![1.0f32, 2.0];
    assert_eq!(axpy::call(2.0f32, &x, 1.0f32).unwrap(), numbox::ndarray::array![3.0f32, 5.0]);
    assert_eq!(add::call(1i32, 2i32).unwrap().into_scalar(), 3);
}
