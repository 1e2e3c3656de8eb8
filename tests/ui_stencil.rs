//! Compile-fail cases of `#[stencil]`: one mistake per file, `.stderr` beside each.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/stencil/*.rs");
}
