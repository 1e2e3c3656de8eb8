//! Traits whose implementations the runtime trusts with pointers or layouts are sealed: a
//! safe implementation outside numbox does not compile.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/soundness/*.rs");
}
