use numbox::prelude::*;

struct Gain(f64);

impl Gain {
    #[vectorize]
    fn apply(&self, x: f64) -> f64 {
        self.0 * x
    }
}

fn main() {}
