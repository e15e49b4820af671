//! Hashes of schedules and inputs, and the provenance sidecar (`OUT.provenance.json`) that says
//! how every shot of a render was made.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::BackendIdentity;
use scene_previz::error::RenderError;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Version of the sidecar's layout.
pub const PROVENANCE_VERSION: u32 = 2;

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file's bytes, streamed.
pub fn file_sha256(path: &Path) -> Result<String, RenderError> {
    let mut file = std::fs::File::open(path).map_err(|e| RenderError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| RenderError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// JSON with object keys sorted at every level and no whitespace: the same value always gives
/// the same bytes, whatever map type or serde_json features the workspace happens to enable.
pub fn canonical_json<T: Serialize + ?Sized>(value: &T) -> Result<String, RenderError> {
    let value = serde_json::to_value(value)
        .map_err(|e| RenderError::Schedule(format!("cannot serialise: {e}")))?;
    let mut out = String::new();
    write_canonical(&value, &mut out);
    Ok(out)
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// SHA-256 of the canonical JSON of the whole film schedule.
pub fn schedule_sha256(film: &FilmSchedule) -> Result<String, RenderError> {
    Ok(sha256_hex(canonical_json(film)?.as_bytes()))
}

/// SHA-256 of the canonical JSON of one shot's full schedule.
pub fn shot_schedule_sha256(shot: &ShotSchedule) -> Result<String, RenderError> {
    Ok(sha256_hex(canonical_json(shot)?.as_bytes()))
}

/// A file a render read, with the hash of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputFile {
    pub role: String,
    pub path: String,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContinuedFrom {
    pub shot: String,
    /// SHA-256 of the upstream shot's last frame (raw RGB).
    pub last_frame_sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShotProvenance {
    pub name: String,
    pub schedule_sha256: String,
    pub cache_key: String,
    pub seed: u64,
    pub inputs: Vec<InputFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continues: Option<ContinuedFrom>,
    /// SHA-256 of the shot's video as the cache stores it and the MP4 copies it: its SPS/PPS
    /// and H.264 packets (layout in [`crate::cache`]).
    pub video_sha256: String,
    /// SHA-256 of the shot's last frame as the backend made it (raw RGB).
    pub last_frame_sha256: String,
}

/// The sidecar. It holds no timestamps and no reused/rendered flags, so that the same inputs
/// give the same bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Provenance {
    pub provenance_version: u32,
    pub tool: String,
    pub title: String,
    pub script_sha256: String,
    pub schedule_sha256: String,
    pub schedule_version: u32,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub backend: BackendIdentity,
    pub shots: Vec<ShotProvenance>,
    pub audio: Vec<InputFile>,
    /// The single gain applied to the whole mix to keep it from clipping (1 when none was needed).
    pub audio_headroom_gain: f32,
}

impl Provenance {
    pub fn to_json(&self) -> Result<String, RenderError> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| RenderError::Schedule(format!("cannot serialise provenance: {e}")))?;
        s.push('\n');
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"z": [1, {"y": 2, "x": 3}], "c": "q"}});
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"a":{"c":"q","z":[1,{"x":3,"y":2}]},"b":1}"#
        );
    }
}
