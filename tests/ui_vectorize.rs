//! Compile-time errors of `#[vectorize]`: one mistake per file, with the expected message.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/vectorize/*.rs");
}
