//! Every CPU tier gives the same bits: the same kernels run in child processes with
//! `NUMBOX_CPU` forcing each tier this CPU supports, and their results are compared bit for
//! bit. (The tier is chosen once per process, so each tier needs its own process.)

use numbox::ndarray::{Array1, Array2, ArrayView1, Axis};
use numbox::prelude::*;
use numbox::CpuTier;
use std::process::Command;

#[vectorize]
fn poly(x: f64, y: f64) -> f64 {
    // Rounding at every step: a fused or reassociated evaluation would change the bits.
    ((x * 1.1 + y) * x - 0.3 * y) / (1.0 + x * x)
}

#[vectorize]
fn softsign_exp(x: f64) -> f64 {
    numbox::math::exp(x) / (1.0 + numbox::math::exp(x).abs()) + numbox::math::tanh(x)
}

#[vectorize(fastmath)]
fn fast_mix(x: f64, y: f64) -> f64 {
    x.sin() * y.ln() + x.atan2(y) - (0.5 * x).exp() + y.powf(0.3) + x.tanh() + y.cbrt()
}

#[parallel_loop(fastmath)]
fn fast_sum(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i].exp_m1() * 0.25;
    }
    s
}

#[vectorize]
fn mix32(x: f32, y: f32) -> f32 {
    x * y + x / (1.5 + y * y)
}

#[vectorize(associative, identity = 0.0)]
fn add(x: f64, y: f64) -> f64 {
    x + y
}

#[guvectorize("(n),(n)->()")]
fn dot(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>, out: &mut f64) {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    *out = s;
}

#[stencil(mode = "reflect")]
fn blur(u: Neighbors2<f64>) -> f64 {
    0.2 * (u[[0, 0]] + u[[-1, 0]] + u[[1, 0]] + u[[0, -1]] + u[[0, 1]])
}

#[parallel_loop]
fn weighted_sum(x: &[f64], y: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in prange(0..x.len()) {
        s += x[i] * y[i] + 0.5 * x[i];
    }
    s
}

/// FNV-1a over the bits of every value.
fn fnv(bits: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in bits {
        for byte in b.to_le_bytes() {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

fn f64s<'a>(xs: impl IntoIterator<Item = &'a f64>) -> u64 {
    fnv(xs.into_iter().map(|x| x.to_bits()))
}

/// One hash per kernel family, computed on inputs large enough for every loop shape (vector
/// body, remainder, parallel blocks) and with values where rounding differs by grouping.
fn hashes() -> Vec<(&'static str, u64)> {
    let n = 100_003;
    let x = Array1::from_shape_fn(n, |i| ((i * 7919) % 1000) as f64 / 137.0 - 3.3);
    let y = Array1::from_shape_fn(n, |i| ((i * 104_729) % 997) as f64 / 91.0 + 0.1);
    let m = Array2::from_shape_fn((301, 257), |(i, j)| ((i * 31 + j * 17) % 101) as f64 / 7.0);
    let mt = m.t();
    let x32 = x.mapv(|v| v as f32);
    let y32 = y.mapv(|v| v as f32);
    let d: Array1<f64> = dot::parallel().call(&m, &m).unwrap();
    vec![
        ("vectorize", f64s(&poly::parallel().call(&x, &y).unwrap())),
        (
            "vectorize strided",
            f64s(&poly::serial().call(&mt, &m.t()).unwrap()),
        ),
        (
            "vectorize broadcast",
            f64s(&poly::serial().call(&m, &m.row(3)).unwrap()),
        ),
        ("math", f64s(&softsign_exp::call(&x).unwrap())),
        (
            "fastmath",
            f64s(&fast_mix::parallel().call(&x, &y).unwrap()),
        ),
        ("fastmath sum", f64s([&fast_sum(x.as_slice().unwrap())])),
        (
            "f32",
            fnv(mix32::call(&x32, &y32)
                .unwrap()
                .iter()
                .map(|v| u64::from(v.to_bits()))),
        ),
        (
            "reduce_all",
            f64s([&add::parallel().reduce_all(&x).unwrap()]),
        ),
        (
            "reduce axis 0",
            f64s(&add::parallel().reduce(&m, Axis(0)).unwrap()),
        ),
        (
            "accumulate",
            f64s(&add::serial().accumulate(&m, Axis(1)).unwrap()),
        ),
        ("guvectorize", f64s(&d)),
        ("stencil", f64s(&blur::parallel().call(&m).unwrap())),
        (
            "parallel_loop",
            f64s([&weighted_sum(x.as_slice().unwrap(), y.as_slice().unwrap())]),
        ),
    ]
}

/// The child: prints its tier and hashes (run by `every_tier_gives_the_same_bits`).
#[test]
#[ignore = "run by every_tier_gives_the_same_bits in a child process"]
fn tier_child() {
    println!("TIER {}", numbox::cpu_tier());
    for (name, h) in hashes() {
        println!("HASH {name}: {h:016x}");
    }
}

#[test]
#[cfg_attr(miri, ignore)]
fn every_tier_gives_the_same_bits() {
    let exe = std::env::current_exe().unwrap();
    let tiers: Vec<CpuTier> = CpuTier::ALL
        .into_iter()
        .filter(|&t| t <= CpuTier::detected())
        .collect();
    let mut seen: Vec<(CpuTier, Vec<String>)> = Vec::new();
    for tier in tiers {
        let out = Command::new(&exe)
            .args(["tier_child", "--exact", "--ignored", "--nocapture"])
            .env("NUMBOX_CPU", tier.name())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child for {tier} failed: {stdout}");
        assert!(
            stdout.contains(&format!("TIER {tier}\n")),
            "the child did not run on {tier}: {stdout}"
        );
        let lines: Vec<String> = stdout
            .lines()
            .filter(|l| l.starts_with("HASH "))
            .map(String::from)
            .collect();
        assert_eq!(lines.len(), 13, "{stdout}");
        if let Some((first, want)) = seen.first() {
            for (a, b) in want.iter().zip(&lines) {
                assert_eq!(a, b, "{first} and {tier} differ");
            }
        }
        seen.push((tier, lines));
    }
    // The hashes are of real results: the same run in this process agrees with them.
    let here: Vec<String> = hashes()
        .into_iter()
        .map(|(n, h)| format!("HASH {n}: {h:016x}"))
        .collect();
    assert_eq!(here, seen[0].1);
}

#[test]
#[cfg_attr(miri, ignore)]
fn a_tier_the_cpu_lacks_is_refused() {
    // A request above the detected tier (or a bogus name) falls back to the detected tier
    // with a warning; never an instruction the CPU cannot run.
    let exe = std::env::current_exe().unwrap();
    for request in ["avx512", "sse9"] {
        let out = Command::new(&exe)
            .args(["tier_child", "--exact", "--ignored", "--nocapture"])
            .env("NUMBOX_CPU", request)
            .output()
            .unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let detected = CpuTier::detected();
        assert!(stdout.contains(&format!("TIER {detected}\n")), "{stdout}");
        if request == "sse9" || detected < CpuTier::Avx512 {
            assert!(stderr.contains("numbox: NUMBOX_CPU="), "{stderr}");
        }
    }
}
