//! Every size limit the checker enforces, in one place. docs/limits.md lists them for writers,
//! with the diagnostic each one gives; change both together.
//!
//! The limits exist so that no input — a script, an asset, a file that is not a file at all —
//! can make the tool read, allocate or print without bound. Each is far above what a real film
//! needs.

/// Largest script file (the entry file or an import): 4 MiB, as the language server. A
/// 1,000-shot film is about 150 KB.
pub const MAX_SCRIPT_BYTES: u64 = 4 << 20;

/// Largest image asset (keyframes, references): 64 MiB.
pub const MAX_IMAGE_BYTES: u64 = 64 << 20;

/// Largest side of an image asset in pixels: what the previz renderer decodes.
pub const MAX_IMAGE_SIDE: u32 = 16_384;

/// Largest audio asset: 512 MiB (about 46 minutes of 48 kHz 16-bit stereo WAV).
pub const MAX_AUDIO_BYTES: u64 = 512 << 20;

/// Bytes of an asset read to tell its format before anything else is read.
pub const SNIFF_BYTES: usize = 512;

/// Largest subtitle the MP4's text track can hold at one moment: the mov_text sample stores its
/// text length in 16 bits. Lines spoken at the same time share one sample, as
/// `Speaker: line`, one per line of text. The planner checks it (E0309) once it has timed the
/// dialogue, since which lines share the screen depends on how long each takes to say.
pub const MAX_SUBTITLE_BYTES: usize = u16::MAX as usize;

/// Diagnostics kept per file, the first by position; the rest are counted ("812 more errors
/// in `film.scene` not shown"). A file with thousands of mistakes is usually one mistake
/// repeated, and printing, sending or keeping them all costs more than it tells.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 100;
