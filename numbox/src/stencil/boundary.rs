//! Boundary modes: where a read outside the array goes.

/// How a stencil treats points whose neighbourhood leaves the array.
///
/// `Skip` is Numba's behaviour and the default; the others are scipy.ndimage's modes, under
/// which the kernel runs at every point and each out-of-range read is resolved as drawn
/// below for the row `a b c d` (scipy's pictures; `k` is `cval`):
///
/// | mode | extension |
/// |---|---|
/// | `Constant` | `k k k k \| a b c d \| k k k k` |
/// | `Nearest` | `a a a a \| a b c d \| d d d d` |
/// | `Reflect` | `d c b a \| a b c d \| d c b a` |
/// | `Mirror` | `d c b \| a b c d \| c b a` |
/// | `Wrap` | `a b c d \| a b c d \| a b c d` |
///
/// Reads farther out than the array is long repeat the pattern, as scipy does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Points whose neighbourhood leaves the array are not computed and hold `cval`.
    #[default]
    Skip,
    /// Out-of-range reads give `cval`.
    Constant,
    /// Out-of-range reads give the nearest edge element.
    Nearest,
    /// Reflection about the edge of the last element (the edge element repeats).
    Reflect,
    /// Reflection about the centre of the last element (the edge element does not repeat).
    Mirror,
    /// Periodic: the array repeats.
    Wrap,
}

impl Mode {
    /// The in-range index that coordinate `i` reads on an axis of length `n > 0`, or `None`
    /// when it reads `cval` (`Constant`, and `Skip`, which never evaluates such points).
    ///
    /// ```
    /// use numbox::stencil::Mode;
    /// let n = 4; // a b c d
    /// let row = |m: Mode| (-4..8).map(|i| m.resolve(i, n).map_or('k', |j| b"abcd"[j] as char)).collect::<String>();
    /// assert_eq!(row(Mode::Reflect), "dcbaabcddcba");
    /// assert_eq!(row(Mode::Mirror), "cdcbabcdcbab");
    /// assert_eq!(row(Mode::Wrap), "abcdabcdabcd");
    /// assert_eq!(row(Mode::Nearest), "aaaaabcddddd");
    /// assert_eq!(row(Mode::Constant), "kkkkabcdkkkk");
    /// ```
    #[inline]
    pub fn resolve(self, i: isize, n: usize) -> Option<usize> {
        debug_assert!(n > 0);
        let n = n as isize;
        if (0..n).contains(&i) {
            return Some(i as usize);
        }
        let j = match self {
            Mode::Skip | Mode::Constant => return None,
            Mode::Nearest => i.clamp(0, n - 1),
            Mode::Wrap => i.rem_euclid(n),
            Mode::Reflect => {
                let k = i.rem_euclid(2 * n);
                if k < n {
                    k
                } else {
                    2 * n - 1 - k
                }
            }
            Mode::Mirror => {
                if n == 1 {
                    0
                } else {
                    let k = i.rem_euclid(2 * n - 2);
                    if k < n {
                        k
                    } else {
                        2 * n - 2 - k
                    }
                }
            }
        };
        Some(j as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::Mode;

    fn extend(mode: Mode, n: usize, lo: isize, hi: isize) -> Vec<Option<usize>> {
        (lo..hi).map(|i| mode.resolve(i, n)).collect()
    }

    #[test]
    fn in_range_is_identity_for_every_mode() {
        for mode in [
            Mode::Skip,
            Mode::Constant,
            Mode::Nearest,
            Mode::Reflect,
            Mode::Mirror,
            Mode::Wrap,
        ] {
            for n in 1..6 {
                for i in 0..n {
                    assert_eq!(mode.resolve(i as isize, n), Some(i));
                }
            }
        }
    }

    #[test]
    fn scipy_pictures() {
        // scipy.ndimage's documentation, row `a b c d` = 0 1 2 3, four points each side.
        let s = |v: &[usize]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        assert_eq!(extend(Mode::Reflect, 4, -4, 0), s(&[3, 2, 1, 0]));
        assert_eq!(extend(Mode::Reflect, 4, 4, 8), s(&[3, 2, 1, 0]));
        assert_eq!(extend(Mode::Mirror, 4, -3, 0), s(&[3, 2, 1]));
        assert_eq!(extend(Mode::Mirror, 4, 4, 7), s(&[2, 1, 0]));
        assert_eq!(extend(Mode::Wrap, 4, -4, 0), s(&[0, 1, 2, 3]));
        assert_eq!(extend(Mode::Wrap, 4, 4, 8), s(&[0, 1, 2, 3]));
        assert_eq!(extend(Mode::Nearest, 4, -2, 0), s(&[0, 0]));
        assert_eq!(extend(Mode::Nearest, 4, 4, 6), s(&[3, 3]));
        assert_eq!(extend(Mode::Constant, 4, -2, 0), vec![None, None]);
        assert_eq!(extend(Mode::Skip, 4, 4, 5), vec![None]);
    }

    #[test]
    fn arrays_shorter_than_the_reach_repeat_the_pattern() {
        let s = |v: &[usize]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        // n = 2 (a b): reflect  ... b a | a b | b a a b ...
        assert_eq!(extend(Mode::Reflect, 2, 2, 8), s(&[1, 0, 0, 1, 1, 0]));
        assert_eq!(extend(Mode::Reflect, 2, -6, 0), s(&[1, 0, 0, 1, 1, 0]));
        // mirror: a b | a b a b ...
        assert_eq!(extend(Mode::Mirror, 2, 2, 6), s(&[0, 1, 0, 1]));
        assert_eq!(extend(Mode::Mirror, 3, 3, 9), s(&[1, 0, 1, 2, 1, 0]));
        assert_eq!(extend(Mode::Mirror, 3, -6, 0), s(&[2, 1, 0, 1, 2, 1]));
        // a single element is every mode's only value
        for mode in [Mode::Nearest, Mode::Reflect, Mode::Mirror, Mode::Wrap] {
            assert_eq!(extend(mode, 1, -5, 6), vec![Some(0); 11]);
        }
        assert_eq!(extend(Mode::Wrap, 3, -7, -4), s(&[2, 0, 1]));
    }
}
