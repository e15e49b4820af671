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

/// `scenec cache gc|stats` on a folder that is not a shot cache (no `CACHEDIR.TAG` of scenec's,
/// or a `shots/` that is a link): nothing in it is deleted.
pub const E0904: &str = "E0904";

/// `scenec cache gc` while a render holds the cache: entries it may still read are not removed.
pub const E0905: &str = "E0905";

/// `scenec verify REMIX --golden DIR --bless` where DIR holds the goldens of the film the remix
/// extends: a remix is its own film with its own goldens, and blessing would replace the base's.
pub const E0906: &str = "E0906";
