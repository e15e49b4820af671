//! The per-shot cache: content-addressed, written atomically, verified on read. Three rooms:
//!
//! - [`key`]: the recipe that names a shot's entry (what its pixels and its encoding depend on);
//! - [`entry`]: the byte format of an entry (H.264 packets, the exact last frame, hashes and a
//!   SHA-256 trailer) and its checks, with [`frames`] to decode an entry for the compositor;
//! - [`sound`]: the byte format of the sound a backend generated with a shot (ltx2), stored
//!   under the shot's key, and its checks;
//! - [`store`]: where entries and sounds live — the [`ShotStore`] seam the pipeline goes
//!   through, and the `.scene-cache/` directory store with its atomic writes, eviction and
//!   statistics;
//! - [`object`]: the same entries and sounds in an S3-compatible object store, shared by a
//!   render farm (feature `object-store`);
//! - [`lease`]: how workers sharing a store avoid rendering the same shot at once.

pub mod entry;
pub mod frames;
pub mod key;
pub mod lease;
#[cfg(feature = "object-store")]
pub mod object;
pub mod sound;
pub mod store;

pub use entry::{serialize as serialize_entry, CacheEntry, ShotVideo, StoredShot};
pub use frames::EntryFrames;
pub use key::{frame_sha256, keyed_schedule_json, shot_key, CacheKey, KeyInputs};
pub use lease::{Claim, LeaseInfo, LEASE_TTL};
pub use store::{open_store, parse_size, CacheError, CacheStats, GcReport, ShotCache, ShotStore};

/// Bump when the key's recipe or the entry layout changes: it is hashed into every key and
/// written into every entry's header.
pub const CACHE_FORMAT_VERSION: u32 = 2;
