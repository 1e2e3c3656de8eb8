//! Compile-time errors of `target = "gpu"` (the body subset, the element types, a build
//! without numbox's `gpu` feature), and an expansion that must compile without the feature.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/gpu/*.rs");
    t.pass("tests/pass/gpu/*.rs");
}
