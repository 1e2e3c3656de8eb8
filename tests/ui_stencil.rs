//! Compile-fail cases of `#[stencil]`: one mistake per file, `.stderr` beside each; and
//! expansions that must compile cleanly under strict lints.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/stencil/*.rs");
    t.pass("tests/pass/stencil/*.rs");
}
