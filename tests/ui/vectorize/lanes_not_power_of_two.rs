use numbox::prelude::*;

#[vectorize(lanes = 3)]
fn escape(x: f64) -> u32 {
    let (mut x, mut n) = (x, 0);
    while n < 100 && x < 4.0 {
        x = x * x + 0.25;
        n += 1;
    }
    n
}

fn main() {}
