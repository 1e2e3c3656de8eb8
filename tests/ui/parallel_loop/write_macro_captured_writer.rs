use numbox::prelude::*;
use std::fmt::Write;

// `write!`'s first argument is borrowed mutably: a captured `String` would be shared.
#[parallel_loop]
fn f(x: &[f64], mut log: String) -> String {
    for i in prange(0..x.len()) {
        std::write!(log, "{} ", x[i]).unwrap();
    }
    log
}

fn main() {}
