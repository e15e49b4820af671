//! Stable codes of the errors the command line itself reports (E09xx), beside the checker's
//! (`scene_check::codes`) and the parser's (`scene_syntax::codes`). Each is documented with an
//! example in docs/diagnostics.md and triggered by a test in tests/hostile/.

/// An output path (`-o`, `--report`, and the subtitle and provenance files beside an MP4) that
/// would replace one of the film's inputs — its entry file, an import, an asset, `scene.toml` —
/// a golden of `scenec verify`, or a file inside the shot cache.
pub const E0901: &str = "E0901";

/// A film with no shots: there is nothing to render.
pub const E0902: &str = "E0902";

/// A golden directory that `scenec verify` cannot trust: made for another film, edited or
/// truncated (its checksum does not match), naming a shot that is not an identifier, or holding
/// something other than regular files.
pub const E0903: &str = "E0903";
