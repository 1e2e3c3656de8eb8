//! Compile-time errors of `#[vectorize]`: one mistake per file, with the expected message;
//! and expansions that must compile cleanly under strict lints.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/vectorize/*.rs");
    t.pass("tests/pass/vectorize/*.rs");
}
