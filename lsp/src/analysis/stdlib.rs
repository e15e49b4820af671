//! The standard library modules, as text. The checker resolves `import std.NAME` to the same
//! files; the language server needs their text for completion, hover and colouring of presets.

pub use scene_check::stdlib::{module, Module, MODULES};

/// Framing names that work as camera presets without any import.
pub const FRAMINGS: &[&str] = &[
    "extreme_wide",
    "wide",
    "full",
    "medium",
    "closeup",
    "extreme_closeup",
];
