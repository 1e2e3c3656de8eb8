use numbox::prelude::*;

#[vectorize]
fn shout(s: String) -> usize {
    s.len()
}

fn main() {}
