//! The standard library modules, as text. The checker resolves `import std.NAME` to the same
//! files; the language server needs their text for completion, hover and colouring of presets.

pub use scene_check::stdlib::{module, Module, MODULES};
use scene_syntax::vocab;

/// Whether `name` is a framing, which works as a camera preset without any import.
pub fn is_framing(name: &str) -> bool {
    vocab::FRAMINGS.iter().any(|f| f.word == name)
}
