//! Compile-fail cases of `#[guvectorize]`: each file holds one mistake; its `.stderr` shows the
//! spanned message that says what to write instead.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/guvectorize/*.rs");
}
