//! The weights fingerprint that enters every ltx shot's cache key.
//!
//! The model crate's folder fingerprint hashes configs and safetensors headers, never tensor
//! data. That misses the case a cache must not miss: two releases or fine-tunes with the same
//! architecture (same names, shapes and dtypes, same file sizes) but different numbers, which
//! would silently reuse shots rendered with the other weights. Hashing every byte would cost
//! tens of seconds for the 2B model on each run, so this adds samples of the tensor data: a
//! fixed number of evenly spaced windows of every weight file. Retrained weights differ almost
//! everywhere, so any window catches them; the cost is a few hundred kilobytes of reads per file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use scene_model::loader::SafetensorsHeader;
use scene_model::ModelFolder;
use sha2::{Digest, Sha256};

use crate::provenance::hex;

/// Components whose weights produce pixels (the tokenizer and scheduler are configs only, which
/// the folder fingerprint already hashes in full).
pub const WEIGHTED_COMPONENTS: [&str; 3] = ["transformer", "vae", "text_encoder"];

const WINDOWS_PER_FILE: u64 = 64;
const WINDOW_BYTES: u64 = 4096;

/// Folder fingerprint (configs, headers, sizes) plus data samples of every weight file.
pub fn weights_fingerprint(folder: &ModelFolder) -> Result<String, String> {
    let mut h = Sha256::new();
    h.update(b"scenec ltx weights fingerprint v1\0");
    h.update(folder.fingerprint().map_err(|e| e.to_string())?.as_bytes());
    for component in WEIGHTED_COMPONENTS {
        let weights = folder.weights(component).map_err(|e| e.to_string())?;
        for file in weights.files() {
            h.update(relative(folder.root(), file).as_bytes());
            h.update([0]);
            sample_data(file, &mut h)?;
        }
    }
    Ok(hex(&h.finalize()))
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Hash `WINDOWS_PER_FILE` windows spread evenly over the data section (all of it when small).
fn sample_data(path: &PathBuf, h: &mut Sha256) -> Result<(), String> {
    let header = SafetensorsHeader::read(path).map_err(|e| e.to_string())?;
    let start = 8 + header.raw.len() as u64;
    let len = header.file_len.saturating_sub(start);
    let mut file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut read_at = |offset: u64, n: u64, h: &mut Sha256| -> Result<(), String> {
        let mut buf = vec![0u8; n as usize];
        file.seek(SeekFrom::Start(start + offset))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        h.update(&buf);
        Ok(())
    };
    if len <= WINDOWS_PER_FILE * WINDOW_BYTES {
        return read_at(0, len, h);
    }
    // Windows at i * (len - WINDOW) / (N - 1): the first at the start, the last at the end.
    let span = len - WINDOW_BYTES;
    for i in 0..WINDOWS_PER_FILE {
        read_at(i * span / (WINDOWS_PER_FILE - 1), WINDOW_BYTES, h)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    fn tiny() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ltx-tiny")
    }

    #[test]
    fn same_shapes_different_numbers_change_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&tiny(), dir.path());
        let folder = ModelFolder::open(dir.path()).unwrap();
        let before = weights_fingerprint(&folder).unwrap();
        let header_only = folder.fingerprint().unwrap();

        // "Retrain" the VAE: every data byte changes, the header and size stay the same.
        let vae = dir.path().join("vae/diffusion_pytorch_model.safetensors");
        let mut bytes = std::fs::read(&vae).unwrap();
        let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        for b in &mut bytes[8 + header_len..] {
            *b ^= 0x01;
        }
        std::fs::write(&vae, &bytes).unwrap();

        let folder = ModelFolder::open(dir.path()).unwrap();
        assert_eq!(folder.fingerprint().unwrap(), header_only);
        assert_ne!(weights_fingerprint(&folder).unwrap(), before);
    }

    #[test]
    fn the_fingerprint_does_not_depend_on_where_the_folder_is() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        copy_dir(&tiny(), a.path());
        copy_dir(&tiny(), &b.path().join("nested"));
        let fa = weights_fingerprint(&ModelFolder::open(a.path()).unwrap()).unwrap();
        let fb = weights_fingerprint(&ModelFolder::open(b.path().join("nested")).unwrap()).unwrap();
        assert_eq!(fa, fb);
    }
}
