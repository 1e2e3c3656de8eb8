//! Running the loop iterations of a planned call: serially, or in blocks across the caller's
//! rayon pool; and allocating fresh outputs.

use super::plan::LoopPlan;
use crate::driver::{for_blocks, Blocks};
use crate::error::{Error, ErrorKind, Result};
use crate::target::Target;
use std::any::TypeId;
use std::ops::Range;

/// Below this many elements touched in total a parallel call stays serial.
const PAR_GRAIN: usize = 1 << 15;
/// The least work (elements) one parallel block does.
const BLOCK_GRAIN: usize = 1 << 13;
/// Blocks per thread: enough for load balance, few enough that each stays large.
const BLOCKS_PER_THREAD: usize = 8;

/// Runs `block` over the loop iterations `0..plan.iterations()`, split across threads when
/// `target` is parallel and there is enough work. Every iteration runs exactly once.
///
/// `block` runs compiled for the CPU tier (see [`crate::driver`]): pass the closure itself,
/// marked `#[inline(always)]`.
#[inline(always)]
pub(crate) fn execute<B: Fn(Range<usize>) + Sync>(plan: &LoopPlan, target: Target, block: B) {
    let total = plan.iterations();
    if total == 0 {
        return;
    }
    let work = plan.work();
    let target = if total < 2 || total.saturating_mul(work) < PAR_GRAIN {
        Target::Serial
    } else {
        target
    };
    let grain = |threads: usize| {
        let min_iters = BLOCK_GRAIN.div_ceil(work).max(1);
        let blocks = (total / min_iters).min(threads * BLOCKS_PER_THREAD);
        if threads < 2 || blocks < 2 {
            Blocks::Whole
        } else {
            // Balanced split: block b gets iterations [b*total/blocks, (b+1)*total/blocks).
            Blocks::Balanced(blocks)
        }
    };
    for_blocks(total, target, grain, block);
}

/// An output being built: capacity for `len` elements, written by the loop blocks (each first
/// sets its part to `T::default()`, unless the buffer came zeroed and zero is the default), and
/// only then given its length.
pub(crate) struct Fresh<T> {
    buf: Vec<T>,
    len: usize,
    zeroed: bool,
}

/// Element types whose all-zero bit pattern is a valid value equal to their `Default`.
///
/// # Safety
/// An implementing type's all-zero bytes must be a valid value, equal to `T::default()`.
/// Crate-private, so the list below is closed: [`zero_is_default`] trusts it to skip writing
/// defaults into zeroed memory.
unsafe trait ZeroIsDefault: Default {}

macro_rules! zero_is_default_types {
    ($($t:ty),+ $(,)?) => {
        // SAFETY: integers, floats, `bool` (`false`), `char` (`'\0'`) and complex numbers of
        // floats (`#[repr(C)]` pairs of zeros) are all-zero bytes by default.
        $(unsafe impl ZeroIsDefault for $t {})+

        /// Whether `id` is the `TypeId` of a [`ZeroIsDefault`] type (`TypeId::of` is a
        /// constant, so this is a handful of comparisons, no table to build or lock).
        fn is_zero_default_id(id: TypeId) -> bool {
            [$(zero_default_id::<$t>()),+].contains(&id)
        }
    };
}

zero_is_default_types!(
    f32,
    f64,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    bool,
    char,
    num_complex::Complex<f32>,
    num_complex::Complex<f64>,
);

fn zero_default_id<T: ZeroIsDefault + 'static>() -> TypeId {
    TypeId::of::<T>()
}

/// Whether all-zero bytes are `T::default()`: exactly when `T` is one of the types that
/// implement [`ZeroIsDefault`].
///
/// Such outputs are allocated zeroed (`calloc`: fresh pages from the OS need no writing), so
/// the kernel's own writes are the first touch instead of a separate initialising pass. The
/// element type need not be `'static`, so the comparison goes through `typeid::of`, whose
/// `TypeId` of a non-`'static` type is that of the type with its lifetimes erased: no
/// listed type has any, so a match means the very same type (a `TypeId` is unique, unlike a
/// type's name).
fn zero_is_default<T>() -> bool {
    is_zero_default_id(typeid::of::<T>())
}

impl<T: Default> Fresh<T> {
    pub(crate) fn new(len: usize) -> Result<Self> {
        let too_large = |e: &dyn std::fmt::Display| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("cannot allocate an output of {len} elements: {e}"),
            )
        };
        let bytes = len.saturating_mul(std::mem::size_of::<T>());
        if bytes > 0 && zero_is_default::<T>() {
            let layout = std::alloc::Layout::array::<T>(len).map_err(|e| too_large(&e))?;
            // SAFETY: `layout` has a non-zero size.
            let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
            if ptr.is_null() {
                return Err(too_large(&"out of memory"));
            }
            crate::alloc::advise_bytes(ptr.cast(), bytes);
            // SAFETY: allocated by the global allocator with the layout of `len` `T`s; the
            // length 0 claims nothing about the contents yet.
            let buf = unsafe { Vec::from_raw_parts(ptr, 0, len) };
            return Ok(Fresh {
                buf,
                len,
                zeroed: true,
            });
        }
        let mut buf: Vec<T> = Vec::new();
        buf.try_reserve_exact(len).map_err(|e| too_large(&e))?;
        crate::alloc::advise_bytes(buf.as_ptr().cast(), bytes);
        Ok(Fresh {
            buf,
            len,
            zeroed: false,
        })
    }

    pub(crate) fn ptr(&mut self) -> *mut T {
        self.buf.as_mut_ptr()
    }

    /// Whether the buffer already holds `T::default()` everywhere (zeroed memory).
    pub(crate) fn is_initialised(&self) -> bool {
        self.zeroed
    }

    /// The finished buffer.
    ///
    /// # Safety
    /// Every element `0..len` has been written (by [`init_range`]), or the buffer was
    /// initialised from the start.
    pub(crate) unsafe fn finish(mut self) -> Vec<T> {
        // SAFETY: the caller guarantees that all `len <= capacity` elements are initialised.
        unsafe { self.buf.set_len(self.len) };
        self.buf
    }
}

/// Writes `T::default()` to `ptr[range]`.
///
/// # Safety
/// `ptr[range]` lies inside one allocation of `T`s and no one else accesses it meanwhile.
#[inline]
pub(crate) unsafe fn init_range<T: Default>(ptr: *mut T, range: Range<usize>) {
    for k in range {
        // SAFETY: in bounds and exclusive by the caller's guarantee; `write` does not read
        // the uninitialised old value.
        unsafe { ptr.add(k).write(T::default()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Seven(i32);
    impl Default for Seven {
        fn default() -> Self {
            Seven(7)
        }
    }

    #[test]
    fn zero_default_types() {
        assert!(zero_is_default::<f64>());
        assert!(zero_is_default::<u8>());
        assert!(zero_is_default::<bool>());
        assert!(zero_is_default::<num_complex::Complex<f32>>());
        assert!(!zero_is_default::<Seven>());
        assert!(!zero_is_default::<(u8, u32)>());
        assert!(!zero_is_default::<&str>());
        // Same name as a listed type in another module: decided by identity, not by name.
        mod shadow {
            #[allow(non_camel_case_types)]
            #[derive(Default)]
            pub struct f64;
        }
        assert!(!zero_is_default::<shadow::f64>());
        assert!(!zero_is_default::<num_complex::Complex<i32>>());
        assert!(!zero_is_default::<Option<u8>>());
    }

    fn filled<T: Default + Copy>(len: usize) -> Vec<T> {
        let mut f = Fresh::<T>::new(len).unwrap();
        if !f.is_initialised() {
            // SAFETY: the whole fresh buffer, touched by no one else.
            unsafe { init_range(f.ptr(), 0..len) };
        }
        // SAFETY: initialised above or zeroed at allocation.
        unsafe { f.finish() }
    }

    #[test]
    fn fresh_outputs_hold_the_default() {
        assert_eq!(filled::<f64>(5), vec![0.0; 5]);
        assert_eq!(filled::<Seven>(3), vec![Seven(7); 3]);
        assert_eq!(filled::<char>(2), vec!['\0'; 2]);
        assert!(filled::<u16>(0).is_empty());
        assert_eq!(filled::<()>(4).len(), 4);
        assert!(Fresh::<f64>::new(usize::MAX / 4).is_err());
    }
}
