//! A heat-equation time loop on a grid distributed over MPI ranks, checked bit for bit
//! against the single-process loop.
//!
//! ```text
//! cargo build --release --features mpi --example dist_laplace
//! mpirun -n 2 target/release/examples/dist_laplace [n] [steps]    # default 4096 100
//! ```
//!
//! Each rank holds a block of rows; every step exchanges one halo row with each neighbouring
//! rank (`reflect` borders at the global edges) while it runs the single-process stencil on
//! its block, into the older of two buffers (`call_into`), then redoes its edge rows with the
//! halo. Rank 0 then gathers the grid, runs the
//! same loop alone and compares the bits. The times are per step, over steps 2..=steps.

use numbox::dist::mpi::collective::{CommunicatorCollectives, SystemOperation};
use numbox::dist::mpi::topology::Communicator;
use numbox::dist::{mpi, DistArray};
use numbox::ndarray::Array2;
use numbox::prelude::*;
use std::time::Instant;

/// One explicit step of `u_t = 0.2 * laplace(u)`, insulated (reflecting) edges.
#[stencil(mode = "reflect")]
fn heat_step(u: Neighbors2<f64>) -> f64 {
    u[[0, 0]] + 0.2 * (u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]] - 4.0 * u[[0, 0]])
}

/// This process's time on a CPU so far, in ns (Linux's `/proc/self/schedstat`), if known.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn main() -> numbox::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(4096, |a| a.parse().expect("n: a grid size"));
    let steps: usize = args
        .next()
        .map_or(100, |a| a.parse().expect("steps: a count"));
    let universe = mpi::initialize().expect("MPI is initialised once");
    let world = universe.world();
    let (rank, ranks) = (world.rank(), world.size() as usize);

    let initial = || {
        Array2::from_shape_fn((n, n), |(i, j)| {
            let (x, y) = (i as f64 / n as f64 - 0.5, j as f64 / n as f64 - 0.3);
            if x * x + y * y < 0.04 {
                100.0
            } else {
                ((i * 31 + j * 17) % 101) as f64 * 0.01
            }
        })
    };
    let root = (rank == 0).then(initial);
    let mut u = DistArray::scatter(&world, 0, root.as_ref())?;
    // The first step allocates the second buffer; the others write into the older one.
    let mut next = heat_step::dist().call(&u)?;
    std::mem::swap(&mut u, &mut next);

    world.barrier();
    let t = Instant::now();
    let cpu0 = cpu_ns();
    for _ in 1..steps {
        heat_step::dist().call_into(&u, &mut next)?;
        std::mem::swap(&mut u, &mut next);
    }
    let cpu = cpu_ns().zip(cpu0).map_or(0, |(b, a)| b - a);
    world.barrier();
    let dist_s = t.elapsed().as_secs_f64();
    // The busiest rank's CPU time: what the step costs when every rank has a core of its own.
    let mut cpu_max = 0u64;
    world.all_reduce_into(&cpu, &mut cpu_max, SystemOperation::max());
    // One halo row each way across each of the ranks - 1 boundaries (the reflecting global
    // edges read the rank's own rows).
    let halo_bytes = 2 * (ranks - 1) * n * std::mem::size_of::<f64>();

    let gathered = u.gather(0)?;
    if let Some(got) = gathered {
        let mut want = heat_step::call(&initial())?;
        let mut next = want.clone();
        let t = Instant::now();
        for _ in 1..steps {
            heat_step::call_into(&want, &mut next)?;
            std::mem::swap(&mut want, &mut next);
        }
        let single_s = t.elapsed().as_secs_f64();
        let same = got
            .iter()
            .zip(want.iter())
            .all(|(a, b)| a.to_bits() == b.to_bits());
        println!(
            "dist_laplace {n}x{n}, {steps} steps on {ranks} rank(s): {:.2} ms/step distributed \
             (busiest rank on CPU {:.2} ms/step), {:.2} ms/step single-process on rank 0; \
             halo {halo_bytes} bytes/step; total heat {:.6e}; bit-identical to the \
             single-process loop: {}",
            dist_s * 1e3 / (steps - 1) as f64,
            cpu_max as f64 * 1e-6 / (steps - 1) as f64,
            single_s * 1e3 / (steps - 1) as f64,
            got.sum(),
            if same { "yes" } else { "NO" }
        );
        if !same {
            std::process::exit(1);
        }
    }
    Ok(())
}
