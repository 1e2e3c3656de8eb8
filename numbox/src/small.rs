//! A short vector stored inline (shapes and strides of a few axes), spilling to the heap
//! only when it outgrows `N`. Keeps a kernel call free of allocations but for its outputs.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Up to `N` elements inline, more on the heap.
#[derive(Clone)]
pub(crate) struct Small<T: Copy + Default, const N: usize> {
    len: usize,
    inline: [T; N],
    heap: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    /// An empty vector.
    pub(crate) fn new() -> Self {
        Small {
            len: 0,
            inline: [T::default(); N],
            heap: Vec::new(),
        }
    }

    /// `len` copies of `v`.
    pub(crate) fn from_elem(v: T, len: usize) -> Self {
        if len <= N {
            Small {
                len,
                inline: [v; N],
                heap: Vec::new(),
            }
        } else {
            Small {
                len,
                inline: [T::default(); N],
                heap: vec![v; len],
            }
        }
    }

    /// A copy of `xs`.
    #[inline]
    pub(crate) fn from_slice(xs: &[T]) -> Self {
        let mut s = Self::new();
        if xs.len() <= N {
            s.inline[..xs.len()].copy_from_slice(xs);
        } else {
            s.heap = xs.to_vec();
        }
        s.len = xs.len();
        s
    }

    /// Appends `v`.
    pub(crate) fn push(&mut self, v: T) {
        if self.len < N {
            self.inline[self.len] = v;
        } else {
            if self.len == N {
                self.heap.extend_from_slice(&self.inline);
            }
            self.heap.push(v);
        }
        self.len += 1;
    }
}

impl<T: Copy + Default, const N: usize> Default for Small<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy + Default, const N: usize> Deref for Small<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.len <= N {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

impl<T: Copy + Default, const N: usize> DerefMut for Small<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        if self.len <= N {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

impl<T: Copy + Default + fmt::Debug, const N: usize> fmt::Debug for Small<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: Copy + Default + PartialEq, const N: usize> PartialEq for Small<T, N> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_to_the_heap_and_back_reads_the_same() {
        let mut s: Small<u32, 3> = Small::new();
        for i in 0..7 {
            s.push(i);
            assert_eq!(&*s, &(0..=i).collect::<Vec<_>>()[..]);
        }
        s[5] = 50;
        assert_eq!(s[5], 50);
        assert_eq!(Small::<u8, 2>::from_elem(9, 4).len(), 4);
        assert_eq!(
            Small::<u8, 2>::from_slice(&[1, 2]),
            Small::from_slice(&[1, 2])
        );
    }
}
