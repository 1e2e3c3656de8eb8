//! Loop ranges `prange` accepts: `a..b`, `a..=b` and a bare count `n`, over any primitive
//! integer type up to 64 bits.

use std::ops::{Range, RangeInclusive};

/// Seals the three traits below: the driver hands each index its own part of the written
/// containers, which is sound only because `offset` is injective on `0..n` and `bounds` counts
/// the range's values, as this crate's implementations guarantee.
mod sealed {
    pub trait Sealed {}
}

/// An integer type a `prange` loop can count with. Sealed: implemented for the primitive
/// integers of at most 64 bits.
#[diagnostic::on_unimplemented(
    message = "`prange` cannot count with `{Self}`",
    label = "not a primitive integer of at most 64 bits",
    note = "prange loops over `a..b`, `a..=b` or a count `n` of i8..i64, u8..u64, isize or usize"
)]
pub trait PrangeIndex: Copy + PartialOrd + Send + Sync + 'static + sealed::Sealed {
    /// The number of values in `start..end` (0 when `end <= start`).
    fn distance(start: Self, end: Self) -> usize;
    /// `start + k`, for `k` less than a length `distance` returned.
    fn offset(start: Self, k: usize) -> Self;
    /// The value one past `self`, if it exists.
    fn successor(self) -> Option<Self>;
    /// Zero.
    fn zero() -> Self;
}

macro_rules! prange_index {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl PrangeIndex for $t {
            #[inline]
            fn distance(start: Self, end: Self) -> usize {
                if end <= start {
                    return 0;
                }
                let d = end as i128 - start as i128;
                usize::try_from(d).unwrap_or_else(|_| {
                    panic!("prange: the range {start}..{end} has more than usize::MAX iterations")
                })
            }
            #[inline]
            fn offset(start: Self, k: usize) -> Self {
                // The true value lies in the range, so wrapping arithmetic modulo 2^bits
                // lands on it.
                start.wrapping_add(k as $t)
            }
            #[inline]
            fn successor(self) -> Option<Self> {
                self.checked_add(1)
            }
            #[inline]
            fn zero() -> Self {
                0
            }
        }
        impl IntoPrange for $t {
            type Range = Range<$t>;
            #[inline]
            fn into_prange(self) -> Range<$t> {
                0..self
            }
        }
    )*};
}
prange_index!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// What `prange(..)` accepts: a range, or a count `n` meaning `0..n`. Sealed.
#[diagnostic::on_unimplemented(
    message = "`prange` takes a range `a..b`, `a..=b` or a count `n`, not `{Self}`",
    label = "not an integer range",
    note = "steps are not supported: loop over `0..n / step` and use `step * i` in the body"
)]
pub trait IntoPrange: sealed::Sealed {
    /// The serial range.
    type Range: PrangeRange;
    /// The serial range.
    fn into_prange(self) -> Self::Range;
}

impl<T: PrangeIndex> sealed::Sealed for Range<T> {}
impl<T: PrangeIndex> sealed::Sealed for RangeInclusive<T> {}

impl<T: PrangeIndex> IntoPrange for Range<T>
where
    Range<T>: Iterator<Item = T>,
{
    type Range = Range<T>;
    #[inline]
    fn into_prange(self) -> Range<T> {
        self
    }
}

impl<T: PrangeIndex> IntoPrange for RangeInclusive<T>
where
    RangeInclusive<T>: Iterator<Item = T>,
{
    type Range = RangeInclusive<T>;
    #[inline]
    fn into_prange(self) -> RangeInclusive<T> {
        self
    }
}

/// A range the parallel driver splits: its first value and its length. Sealed.
#[diagnostic::on_unimplemented(
    message = "`prange` takes a range `a..b`, `a..=b` or a count `n`, not `{Self}`",
    note = "steps are not supported: loop over `0..n / step` and use `step * i` in the body"
)]
pub trait PrangeRange: Iterator<Item = Self::Idx> + sealed::Sealed {
    /// The loop variable's type.
    type Idx: PrangeIndex;
    /// The first value and the number of values.
    fn bounds(self) -> (Self::Idx, usize);
}

impl<T: PrangeIndex> PrangeRange for Range<T>
where
    Range<T>: Iterator<Item = T>,
{
    type Idx = T;
    #[inline]
    fn bounds(self) -> (T, usize) {
        (self.start, T::distance(self.start, self.end))
    }
}

impl<T: PrangeIndex> PrangeRange for RangeInclusive<T>
where
    RangeInclusive<T>: Iterator<Item = T>,
{
    type Idx = T;
    fn bounds(self) -> (T, usize) {
        if self.is_empty() {
            return (*self.start(), 0);
        }
        let (start, end) = self.into_inner();
        let len = match end.successor() {
            Some(next) => T::distance(start, next),
            None => T::distance(start, end)
                .checked_add(1)
                .unwrap_or_else(|| panic!("prange: the range has more than usize::MAX iterations")),
        };
        (start, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect<R: PrangeRange>(r: R) -> Vec<R::Idx> {
        let (start, len) = r.bounds();
        (0..len).map(|k| R::Idx::offset(start, k)).collect()
    }

    #[test]
    #[allow(clippy::reversed_empty_ranges)]
    fn bounds_match_the_serial_range() {
        assert_eq!(collect(3..7_usize), (3..7).collect::<Vec<_>>());
        assert_eq!(collect(7..3_usize), Vec::<usize>::new());
        assert_eq!(collect(-100..100_i8), (-100..100).collect::<Vec<_>>());
        assert_eq!(collect(250..=255_u8), (250..=255).collect::<Vec<_>>());
        assert_eq!(collect(-128..=127_i8).len(), 256);
        assert_eq!(collect(5..=4_i32), Vec::<i32>::new());
        assert_eq!(
            collect(i64::MIN..i64::MIN + 3),
            vec![i64::MIN, i64::MIN + 1, i64::MIN + 2]
        );
        let mut exhausted = 0..=2_u32;
        exhausted.by_ref().for_each(drop);
        assert_eq!(collect(exhausted), Vec::<u32>::new());
        assert_eq!(5_u16.into_prange(), 0..5);
    }
}
