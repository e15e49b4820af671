//! Fountain screenplays (fountain.io) for scenec: `scenec import SCRIPT.fountain` starts a film
//! from the screenplay a writer already has.
//!
//! Two halves, one dependency direction:
//! - [`parse`] turns Fountain text into a typed [`Screenplay`] — title page, scene headings,
//!   action, dialogue, transitions, notes, boneyard, sections — every element with its place in
//!   the file. It knows nothing of `.scene`.
//! - [`convert`] turns a screenplay into the text of a `.scene` film that checks, printed by the
//!   project's formatter, with coded diagnostics (W07xx, E07xx) that point at Fountain lines.
//!
//! Architecture invariant: nothing under `parse` or `screenplay` uses `scene_syntax`; the
//! conversion is the only place where Fountain meets the scene language.

pub mod convert;
pub mod parse;
pub mod screenplay;

pub use parse::parse;
pub use screenplay::Screenplay;
