//! The weights fingerprint that enters every ltx shot's cache key: the model folder's own
//! fingerprint ([`ModelFolder::fingerprint`]), which hashes configs, safetensors headers and
//! samples of every weight file's data, so two fine-tunes with the same architecture but
//! different numbers never share cached shots. The prompt-embedding cache inside the model
//! crate keys on the same kind of fingerprint of the text encoder.

use scene_model::ModelFolder;

pub fn weights_fingerprint(folder: &ModelFolder) -> Result<String, String> {
    folder.fingerprint().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

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

        // "Retrain" the VAE: every data byte changes, the header and size stay the same.
        let vae = dir.path().join("vae/diffusion_pytorch_model.safetensors");
        let mut bytes = std::fs::read(&vae).unwrap();
        let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        for b in &mut bytes[8 + header_len..] {
            *b ^= 0x01;
        }
        std::fs::write(&vae, &bytes).unwrap();

        let folder = ModelFolder::open(dir.path()).unwrap();
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
