//! `scenec cache stats|gc PATH [--max-size SIZE]`

use std::path::{Path, PathBuf};

use scene_render::cache::{CacheError, ShotCache};

use crate::args::CacheAction;
use crate::codes;
use crate::exit::{coded_error, tool_error, Outcome};

/// A script names its project's cache; anything else is taken as the cache directory itself.
fn cache_path(path: &Path) -> PathBuf {
    if path.is_file() {
        let checked = scene_check::check_entry(path, &scene_check::RealFs);
        super::render::cache_dir(&checked.project_root)
    } else {
        path.to_path_buf()
    }
}

/// `500MB`, `2GiB`, `100k`, `1024` (bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as `500MB` or `2GiB`"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit `{other}`; use B, KB, MB, GB, KiB, MiB or GiB"
            ))
        }
    };
    Ok((n * mult) as u64)
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// A refusal of `gc`/`stats` gets its code; an I/O failure is a plain tool error.
fn cache_error(e: CacheError) -> Outcome {
    match e {
        CacheError::NotACache { .. } => coded_error(
            codes::E0904,
            e,
            Some(
                "name a film's script or its `.scene-cache/` folder; a render creates and tags it",
            ),
        ),
        CacheError::InUse { .. } => coded_error(
            codes::E0905,
            e,
            Some("run `scenec cache gc` again when the render has finished; nothing was removed"),
        ),
        CacheError::Render(e) => tool_error(e),
    }
}

pub fn run(action: CacheAction) -> Outcome {
    match action {
        CacheAction::Stats { path } => {
            let dir = cache_path(&path);
            match ShotCache::existing(&dir).and_then(|c| c.stats().map_err(CacheError::from)) {
                Ok(s) => {
                    println!(
                        "{}: {} entries, {}",
                        dir.display(),
                        s.entries,
                        human_bytes(s.bytes)
                    );
                    Outcome::Success
                }
                Err(e) => cache_error(e),
            }
        }
        CacheAction::Gc { path, max_size } => {
            let max = match parse_size(&max_size) {
                Ok(m) => m,
                Err(e) => return tool_error(e),
            };
            let dir = cache_path(&path);
            match ShotCache::existing(&dir).and_then(|c| c.gc(max)) {
                Ok(r) => {
                    println!(
                        "removed {} entries ({}); kept {} entries ({})",
                        r.removed_entries,
                        human_bytes(r.removed_bytes),
                        r.kept.entries,
                        human_bytes(r.kept.bytes)
                    );
                    Outcome::Success
                }
                Err(e) => cache_error(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("500MB").unwrap(), 500_000_000);
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs")
            .unwrap_err()
            .contains("unknown size unit"));
    }
}
