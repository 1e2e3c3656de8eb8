//! Lockstep kernels (loops, branches, early returns, integer division, complex state) in a
//! crate with strict lints: the lockstep versions add no warnings and no unsafe code.
#![deny(missing_docs, rust_2018_idioms, unused, non_camel_case_types, clippy::all)]
#![forbid(unsafe_code)]

/// Kernels.
pub mod kernels {
    use numbox::num_complex::Complex64;
    use numbox::prelude::*;

    /// The iteration count of the Julia set.
    #[vectorize(target = "parallel")]
    pub fn julia(z: Complex64, c: Complex64, maxiter: u32) -> u32 {
        let (mut z, mut n) = (z, 0);
        while n < maxiter && z.norm_sqr() < 4.0 {
            z = z * z + c;
            n += 1;
        }
        n
    }

    /// Collatz steps, at most 1000.
    #[vectorize(lanes = 4)]
    pub fn collatz(n: u64) -> u32 {
        let mut n = n;
        let mut steps = 0;
        loop {
            if n <= 1 || steps == 1000 {
                break;
            }
            n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
            steps += 1;
        }
        steps
    }

    /// The integer square root by Newton's method, or -1 for a negative argument.
    #[vectorize]
    pub fn isqrt(a: i64) -> i64 {
        if a < 0 {
            return -1;
        }
        let mut x = a;
        let mut y = (x + 1) / 2;
        while y < x {
            x = y;
            y = (x + a / x) / 2;
        }
        x
    }
}

fn main() {
    use numbox::ufunc::Kernel;
    assert!(<kernels::julia as Kernel>::LOCKSTEP);
    assert!(<kernels::collatz as Kernel>::LOCKSTEP);
    assert!(<kernels::isqrt as Kernel>::LOCKSTEP);
    let n = kernels::collatz::call(&numbox::ndarray::array![1u64, 2, 3, 6, 7, 9, 27, 97]).unwrap();
    assert_eq!(n.to_vec(), vec![0, 1, 7, 8, 16, 19, 111, 118]);
    let r = kernels::isqrt::call(&numbox::ndarray::array![-5i64, 0, 1, 15, 16, 17, 99, 100]).unwrap();
    assert_eq!(r.to_vec(), vec![-1, 0, 1, 3, 4, 4, 9, 10]);
}
