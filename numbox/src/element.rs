//! The element types numbox kernels accept.

/// A type that can be an element of a numbox kernel: any `Copy + Send + Sync` value.
///
/// It is implemented for every such type, so user `Copy` structs work too; the trait exists
/// so that a wrong element type is reported at the parameter that has it.
///
/// ```
/// fn takes<T: numbox::Element>() {}
/// takes::<f64>();
/// takes::<numbox::num_complex::Complex<f32>>();
/// #[derive(Clone, Copy)]
/// struct Rgb(u8, u8, u8);
/// takes::<Rgb>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an element type of a numbox kernel",
    label = "element types must be `Copy + Send + Sync`",
    note = "use a `Copy` type such as `f64`, `i32`, `bool`, `Complex<f64>` or a `#[derive(Clone, Copy)]` struct"
)]
pub trait Element: Copy + Send + Sync {}

impl<T: Copy + Send + Sync> Element for T {}
