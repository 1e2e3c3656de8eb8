//! Compile-time errors of the `fastmath` option on the four attributes: one mistake per file,
//! with the expected message.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fastmath/*.rs");
}
