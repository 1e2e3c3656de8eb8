//! Softmax of a vector distributed over MPI ranks, `exp(z - max) / sum(exp(z - max))`,
//! checked bit for bit against the single-process computation.
//!
//! ```text
//! cargo build --release --features mpi --example dist_softmax
//! mpirun -n 3 target/release/examples/dist_softmax [n]    # default 10^7 values
//! ```
//!
//! `maximum` and `add` are `associative`, so their distributed `reduce_all` folds the
//! single-process grid of fixed blocks: the max, the sum and with them every output value
//! have the same bits on one rank, two or three.

use numbox::dist::mpi::topology::Communicator;
use numbox::dist::{mpi, DistArray};
use numbox::ndarray::Array1;
use numbox::prelude::*;

/// `e^(x - m)`, elementwise.
#[vectorize]
fn exp_shift(x: f64, m: f64) -> f64 {
    (x - m).exp()
}

/// The larger of two values (NaN-free data), associative.
#[vectorize(associative)]
fn maximum(x: f64, y: f64) -> f64 {
    x.max(y)
}

/// Addition, associative: `reduce_all` folds fixed blocks, whatever the rank count.
#[vectorize(identity = 0.0, associative)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

/// Division, elementwise (the sum comes in as a scalar).
#[vectorize]
fn div(x: f64, y: f64) -> f64 {
    x / y
}

fn main() -> numbox::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000_000, |a| a.parse().expect("n: a length"));
    let universe = mpi::initialize().expect("MPI is initialised once");
    let world = universe.world();
    let z = |k: usize| ((k * 7919) % 10007) as f64 * 1e-3 - 3.0;

    // Each rank builds its own rows: no scatter of the whole vector.
    let part = numbox::dist::Partition::new(n, world.size() as usize)?;
    let mine = Array1::from_iter(part.range(world.rank() as usize).map(z));
    let x = DistArray::from_local(&world, &mine)?;

    let m = maximum::dist().reduce_all(&x)?;
    let e = exp_shift::dist().call(&x, m)?;
    let s = add::dist().reduce_all(&e)?;
    let y = div::dist().call(&e, s)?;

    if let Some(got) = y.gather(0)? {
        let x = Array1::from_iter((0..n).map(z));
        let m1 = maximum::reduce_all(&x)?;
        let e1 = exp_shift::call(&x, m1)?;
        let s1 = add::reduce_all(&e1)?;
        let want = div::call(&e1, s1)?;
        let same = s.to_bits() == s1.to_bits()
            && got
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        println!(
            "dist_softmax of {n} values on {} rank(s): max {m}, sum {s:e}, sum of the result {:.15}; \
             bit-identical to the single-process softmax: {}",
            world.size(),
            add::reduce_all(&got)?,
            if same { "yes" } else { "NO" }
        );
        if !same {
            std::process::exit(1);
        }
    }
    Ok(())
}
