use numbox::prelude::*;

#[parallel_loop]
fn parse_all(words: &[&str], out: &mut [i64]) -> Result<(), std::num::ParseIntError> {
    for i in prange(0..words.len()) {
        out[i] = words[i].parse()?;
    }
    Ok(())
}

fn main() {}
