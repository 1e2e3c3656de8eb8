//! Applies a registered ufunc, chosen by name at run time, to `.npy` files.
//!
//! ```sh
//! cargo run --release --example npy_apply -- add a.npy b.npy out.npy
//! cargo run --release --example npy_apply -- --list
//! ```
//! The inputs may have any of NumPy's numeric dtypes, in C or Fortran order; the loop is
//! chosen by NumPy's rule (the first signature every input casts to safely) and the inputs
//! broadcast against each other. The last path receives the result.

use numbox::prelude::*;
use numbox::Registry;
use std::process::ExitCode;

#[vectorize(fn(i64, i64) -> i64, fn(f32, f32) -> f32, fn(f64, f64) -> f64,
            fn(numbox::num_complex::Complex64, numbox::num_complex::Complex64) -> numbox::num_complex::Complex64)]
fn add<T: Copy + std::ops::Add<Output = T>>(x: T, y: T) -> T {
    x + y
}

#[vectorize(fn(i64, i64) -> i64, fn(f32, f32) -> f32, fn(f64, f64) -> f64)]
fn subtract<T: Copy + std::ops::Sub<Output = T>>(x: T, y: T) -> T {
    x - y
}

#[vectorize(fn(i64, i64) -> i64, fn(f32, f32) -> f32, fn(f64, f64) -> f64)]
fn multiply<T: Copy + std::ops::Mul<Output = T>>(x: T, y: T) -> T {
    x * y
}

#[vectorize(fn(f32, f32) -> f32, fn(f64, f64) -> f64)]
fn hypot<T: num_like::Float>(x: T, y: T) -> T {
    x.hypot(y)
}

#[vectorize(fn(f64) -> f64, target = "parallel")]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Just enough of a float trait for `hypot` on both precisions.
mod num_like {
    pub trait Float: Copy {
        fn hypot(self, other: Self) -> Self;
    }
    impl Float for f32 {
        fn hypot(self, other: f32) -> f32 {
            f32::hypot(self, other)
        }
    }
    impl Float for f64 {
        fn hypot(self, other: f64) -> f64 {
            f64::hypot(self, other)
        }
    }
}

fn registry() -> Registry {
    [
        add::ufunc(),
        subtract::ufunc(),
        multiply::ufunc(),
        hypot::ufunc(),
        logistic::ufunc(),
    ]
    .into_iter()
    .collect()
}

fn run(args: &[String]) -> numbox::Result<String> {
    let reg = registry();
    if args.first().map(String::as_str) == Some("--list") || args.is_empty() {
        let mut s = String::from("usage: npy_apply NAME INPUT.npy... OUTPUT.npy\nufuncs:\n");
        for u in reg.iter() {
            let sigs: Vec<String> = u.signatures().map(|s| s.short()).collect();
            s += &format!(
                "  {:<10} {} input(s): {}\n",
                u.name(),
                u.nin(),
                sigs.join(" ")
            );
        }
        return Ok(s);
    }
    let (name, paths) = (&args[0], &args[1..]);
    let ufunc = reg.lookup(name)?;
    if paths.len() != ufunc.nin() + 1 {
        return Err(numbox::Error::new(
            ErrorKind::Arity,
            format!(
                "{name} takes {} input file(s) and one output file; got {} path(s)",
                ufunc.nin(),
                paths.len()
            ),
        ));
    }
    let inputs = paths[..ufunc.nin()]
        .iter()
        .map(DynArray::read_npy)
        .collect::<numbox::Result<Vec<_>>>()?;
    let refs: Vec<&DynArray> = inputs.iter().collect();
    let out = ufunc.call_single(&refs)?;
    let dest = &paths[ufunc.nin()];
    out.write_npy(dest)?;
    Ok(format!(
        "{name}: wrote {dest} ({} {:?})",
        out.dtype(),
        out.shape()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("npy_apply: {e}");
            ExitCode::FAILURE
        }
    }
}
