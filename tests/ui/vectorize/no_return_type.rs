use numbox::prelude::*;

#[vectorize]
fn log(x: f64) {
    println!("{x}");
}

fn main() {}
