use numbox::prelude::*;

// The reproducer: the macro shadows the loop variable, which the race check cannot see.
macro_rules! rebind {
    ($i:ident) => {
        let $i = 0usize;
    };
}

#[parallel_loop]
fn f(out: &mut [u32]) {
    for i in prange(0..out.len()) {
        rebind!(i);
        out[i] += 1;
    }
}

fn main() {}
