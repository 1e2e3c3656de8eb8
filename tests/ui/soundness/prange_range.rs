// `PrangeRange` is sealed too.
use numbox::parallel_loop::PrangeRange;

struct Twice(std::ops::Range<usize>);

impl Iterator for Twice {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        self.0.next()
    }
}

impl PrangeRange for Twice {
    type Idx = usize;
    fn bounds(self) -> (usize, usize) {
        (0, 2 * self.0.len())
    }
}

fn main() {}
