//! Stable codes of syntax diagnostics (E0001–E0099). A code never changes meaning once released;
//! each is documented with an example in docs/diagnostics.md.

use crate::diagnostic::Code;

/// Something other than what the grammar allows at this point: `shot opening {` (the duration
/// is missing). The message says what was expected there.
pub const E0001: Code = Code("E0001");

/// A string is not closed: `"rain falls` at the end of a line, or `"""` with no closing `"""`.
pub const E0002: Code = Code("E0002");

/// A block comment `/* …` is not closed before the end of the file (block comments nest, so each
/// `/*` needs its own `*/`).
pub const E0003: Code = Code("E0003");

/// A `{` is never closed: the block runs into the next definition or the end of the file.
pub const E0004: Code = Code("E0004");

/// A `}` with no `{` to close.
pub const E0005: Code = Code("E0005");

/// An escape a string does not know: `"\q"`, or `\u{…}` that is not a Unicode scalar value.
/// Valid escapes are `\"`, `\\`, `\n`, `\t` and `\u{1F600}`.
pub const E0006: Code = Code("E0006");

/// A space between a number and its unit: `6 s` instead of `6s`.
pub const E0007: Code = Code("E0007");

/// A number with a unit the language does not have: `6sec`, `12px`.
pub const E0008: Code = Code("E0008");

/// A shot statement that starts with a word that is neither a statement keyword nor a character
/// doing something: `zoom 2x`.
pub const E0009: Code = Code("E0009");

/// A top-level item that is not a definition: `shot opening 6s { … }` outside a scene.
pub const E0010: Code = Code("E0010");

/// Something in a scene that is neither a shot, a transition, nor `play`/`stop`.
pub const E0011: Code = Code("E0011");

/// Block comments nested so deeply (more than 64 levels) that the file is refused.
pub const E0012: Code = Code("E0012");

/// Text after the `}` that closes a block, on the same line: `look a { } look b { }`.
pub const E0013: Code = Code("E0013");

/// A character the language never uses outside strings and comments, such as `@` or `$`.
pub const E0014: Code = Code("E0014");

/// The parser accepted a piece of the file but could not build its tree: a bug in scenec, never
/// the writer's fault. Reported rather than panicking.
pub const E0099: Code = Code("E0099");
