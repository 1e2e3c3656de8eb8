//! CPU tiers: every kernel loop is compiled several times, once per instruction-set tier,
//! and the best tier the running CPU supports is chosen once, at the first call.
//!
//! numbox is compiled ahead of time for the default target (x86-64 with SSE2 only) unless
//! its user sets `RUSTFLAGS="-C target-cpu=native"`, which few library users do. So the
//! runtime's block driver, the one place where kernel loops are cut into blocks, runs every
//! block of every kernel family through a function compiled for the chosen tier, with the
//! block's loop (and the kernel, inlined into it) in its body. The tiers:
//!
//! | tier | instructions | chosen when the CPU has |
//! |---|---|---|
//! | [`CpuTier::Baseline`] | whatever the crate is compiled for (SSE2 on x86-64, NEON on aarch64) | always |
//! | [`CpuTier::Avx2`] | x86-64-v3: AVX2, FMA, BMI1/2, LZCNT, POPCNT, F16C | all of them |
//! | [`CpuTier::Avx512`] | the above plus AVX-512 F, DQ, VL, BW, CD (x86-64-v4) | all of them |
//!
//! **Results do not depend on the tier.** Rust never contracts `a * b + c` into a fused
//! multiply-add and never reassociates float arithmetic, so the same Rust code gives the same
//! bits whatever vector width LLVM picks; the grids of reductions are fixed by the shape,
//! not by the tier. (Only `fastmath` kernels call functions whose results may differ from
//! the C library's; they too are the same on every tier.)
//!
//! Set `NUMBOX_CPU=baseline`, `avx2` or `avx512` to force a lower tier (for tests, or to
//! compare); a tier the CPU lacks is refused with a warning on stderr and the detected one is
//! used instead, never an instruction the CPU cannot run.
//!
//! ```
//! let tier = numbox::cpu_tier();
//! println!("kernels run on the {tier} tier");
//! assert!(tier <= numbox::CpuTier::detected());
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

/// An instruction-set tier that kernel loops are compiled for (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpuTier {
    /// The crate's compile-time target: SSE2 on x86-64 by default, NEON on aarch64, or
    /// whatever `-C target-cpu` says.
    Baseline,
    /// x86-64-v3: AVX2 and FMA (256-bit vectors).
    Avx2,
    /// x86-64-v4: AVX-512 F/DQ/VL/BW/CD (512-bit vectors).
    Avx512,
}

impl CpuTier {
    /// Every tier, lowest first.
    pub const ALL: [CpuTier; 3] = [CpuTier::Baseline, CpuTier::Avx2, CpuTier::Avx512];

    /// The tier's name as `NUMBOX_CPU` spells it: `baseline`, `avx2` or `avx512`.
    pub const fn name(self) -> &'static str {
        match self {
            CpuTier::Baseline => "baseline",
            CpuTier::Avx2 => "avx2",
            CpuTier::Avx512 => "avx512",
        }
    }

    /// The tier of `name` as `NUMBOX_CPU` spells it (case-insensitive), if it names one.
    pub fn from_name(name: &str) -> Option<CpuTier> {
        CpuTier::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The highest tier the running CPU supports, whatever `NUMBOX_CPU` says.
    pub fn detected() -> CpuTier {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        {
            macro_rules! all {
                ($($f:tt),+) => { true $(&& std::arch::is_x86_feature_detected!($f))+ };
            }
            let v3 = all!("avx2", "fma", "bmi1", "bmi2", "lzcnt", "popcnt", "f16c");
            let v4 = all!("avx512f", "avx512dq", "avx512vl", "avx512bw", "avx512cd");
            if v3 && v4 {
                return CpuTier::Avx512;
            }
            if v3 {
                return CpuTier::Avx2;
            }
        }
        CpuTier::Baseline
    }
}

impl fmt::Display for CpuTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The tier kernel loops run on: the highest the CPU supports, or the lower one that
/// `NUMBOX_CPU` asks for. Chosen at the first call and cached for the process.
pub fn cpu_tier() -> CpuTier {
    const UNSET: u8 = u8::MAX;
    static TIER: AtomicU8 = AtomicU8::new(UNSET);
    match TIER.load(Ordering::Relaxed) {
        0 => CpuTier::Baseline,
        1 => CpuTier::Avx2,
        2 => CpuTier::Avx512,
        _ => {
            let tier = choose(
                CpuTier::detected(),
                std::env::var("NUMBOX_CPU").ok().as_deref(),
            );
            TIER.store(tier as u8, Ordering::Relaxed);
            tier
        }
    }
}

/// The tier for a CPU that supports `detected`, given `NUMBOX_CPU`'s value.
fn choose(detected: CpuTier, requested: Option<&str>) -> CpuTier {
    let Some(name) = requested.filter(|s| !s.trim().is_empty()) else {
        return detected;
    };
    match CpuTier::from_name(name) {
        Some(t) if t <= detected => t,
        Some(t) => {
            eprintln!(
                "numbox: NUMBOX_CPU={name} asks for the {t} tier, which this CPU does not support; using {detected}"
            );
            detected
        }
        None => {
            eprintln!(
                "numbox: NUMBOX_CPU={name} is not a tier (baseline, avx2, avx512); using {detected}"
            );
            detected
        }
    }
}

/// Runs `f` compiled for the chosen tier.
///
/// Each tier's function is a separate (never inlined) function per closure type, with `f`
/// inlined into it: `f` must be a closure marked `#[inline(always)]` whose loops are
/// `#[inline(always)]` too (the block loops are), so that the loop and the kernel in it are
/// compiled with the tier's instructions. Being a function of its own also keeps a block's
/// loop apart from the scheduling code around it (LLVM then keeps a reduction's
/// accumulator in a register). The driver is the only caller.
#[inline(always)]
pub(crate) fn dispatch<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    match cpu_tier() {
        // SAFETY: `cpu_tier` returns a tier above the baseline only when
        // `CpuTier::detected` found every feature that tier's function enables.
        CpuTier::Avx512 => return unsafe { x86::avx512(f) },
        // SAFETY: as above.
        CpuTier::Avx2 => return unsafe { x86::avx2(f) },
        CpuTier::Baseline => {}
    }
    baseline(f)
}

/// `f` with the crate's compile-time target features.
#[inline(never)]
fn baseline<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    /// `f` with x86-64-v3's instructions.
    ///
    /// # Safety
    /// The CPU supports every feature enabled here.
    #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt,f16c")]
    #[inline(never)]
    pub(super) unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    /// `f` with x86-64-v4's instructions.
    ///
    /// # Safety
    /// The CPU supports every feature enabled here.
    #[target_feature(
        enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt,f16c,avx512f,avx512dq,avx512vl,avx512bw,avx512cd"
    )]
    #[inline(never)]
    pub(super) unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in CpuTier::ALL {
            assert_eq!(CpuTier::from_name(t.name()), Some(t));
            assert_eq!(t.to_string(), t.name());
        }
        assert_eq!(CpuTier::from_name(" AVX2 "), Some(CpuTier::Avx2));
        assert_eq!(CpuTier::from_name("sse4"), None);
    }

    #[test]
    fn a_request_never_exceeds_the_cpu() {
        use CpuTier::*;
        assert_eq!(choose(Avx2, None), Avx2);
        assert_eq!(choose(Avx2, Some("")), Avx2);
        assert_eq!(choose(Avx2, Some("baseline")), Baseline);
        assert_eq!(choose(Avx2, Some("avx2")), Avx2);
        assert_eq!(choose(Avx2, Some("avx512")), Avx2);
        assert_eq!(choose(Baseline, Some("avx2")), Baseline);
        assert_eq!(choose(Avx512, Some("avx2")), Avx2);
        assert_eq!(choose(Avx512, Some("bogus")), Avx512);
    }

    #[test]
    fn the_chosen_tier_is_supported() {
        assert!(cpu_tier() <= CpuTier::detected());
        // Dispatch runs the closure once, on this thread, on any tier.
        let mut n = 0;
        assert_eq!(
            dispatch(|| {
                n += 1;
                n * 2
            }),
            2
        );
        assert_eq!(n, 1);
    }
}
