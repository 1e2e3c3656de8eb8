//! Compile-fail cases of `#[parallel_loop]`: each file holds one mistake, and its `.stderr`
//! shows the error at the offending tokens with what to write instead.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/parallel_loop/*.rs");
}
