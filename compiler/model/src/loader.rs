//! The model folder in the diffusers layout: `model_index.json`, one subfolder per component,
//! each with a `config.json` and safetensors weights (single file or sharded with an index).
//!
//! Every safetensors header is validated before the file is memory-mapped, so a truncated or
//! corrupt download is reported by name instead of crashing later. Weights may be stored as
//! f32, bf16 or f16; they are converted to the compute dtype when a module asks for them.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use candle_core::safetensors::MmapedSafetensors;
use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::VarBuilder;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};

/// Components a complete LTX-Video folder must hold.
pub const COMPONENTS: [&str; 5] = [
    "transformer",
    "vae",
    "text_encoder",
    "tokenizer",
    "scheduler",
];

/// An opened model folder. Opening only checks the layout; weights load per component.
#[derive(Debug, Clone)]
pub struct ModelFolder {
    root: PathBuf,
}

impl ModelFolder {
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let index_path = root.join("model_index.json");
        let index: serde_json::Value = read_json(&index_path)?;
        if !index.is_object() {
            return Err(ModelError::BadJson {
                path: index_path,
                reason: "expected a JSON object".into(),
            });
        }
        for component in COMPONENTS {
            if !root.join(component).is_dir() {
                return Err(ModelError::MissingComponent {
                    path: root.clone(),
                    component: component.to_string(),
                });
            }
        }
        Ok(Self { root })
    }

    /// A folder of another model family whose layout the caller has checked itself: it gets
    /// the same weights loader and fingerprint (see `crate::ltx2::folder`).
    pub(crate) fn with_checked_layout(root: PathBuf) -> Self {
        Self { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn component_dir(&self, component: &str) -> PathBuf {
        self.root.join(component)
    }

    pub fn weights(&self, component: &str) -> Result<Weights> {
        Weights::open(component, &self.component_dir(component))
    }

    /// A cheap identity of the weights: hashes every component's configs, the safetensors
    /// headers and sizes, and evenly spaced samples of the tensor data (see
    /// `sample_tensor_data`). Changing any tensor's name, shape, dtype, any config, or the
    /// numbers of a retrained model changes it; reading it costs a few hundred kilobytes per
    /// weight file.
    pub fn fingerprint(&self) -> Result<String> {
        self.fingerprint_of(&COMPONENTS, true)
    }

    /// The fingerprint restricted to some components (e.g. the text encoder and tokenizer,
    /// which is all a prompt embedding depends on).
    pub fn fingerprint_of(&self, components: &[&str], with_index: bool) -> Result<String> {
        let mut hasher = Sha256::new();
        hasher.update(b"scene-model weights fingerprint v2\0");
        let mut paths = Vec::new();
        if with_index {
            paths.push(self.root.join("model_index.json"));
        }
        for component in components {
            let dir = self.component_dir(component);
            let mut entries = list_dir(&dir)?;
            entries.sort();
            paths.extend(entries);
        }
        for path in paths {
            let name = path
                .strip_prefix(&self.root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            hasher.update(name.as_bytes());
            hasher.update(b"\0");
            if name.ends_with(".safetensors") {
                let header = SafetensorsHeader::read(&path)?;
                hasher.update(header.file_len.to_le_bytes());
                hasher.update(&header.raw);
                sample_tensor_data(&path, &header, &mut hasher)?;
            } else {
                let bytes = std::fs::read(&path).map_err(|e| ModelError::io(&path, e))?;
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
        }
        Ok(hex(&hasher.finalize()))
    }
}

/// Evenly spaced windows of a weight file's data that enter the fingerprint.
const WINDOWS_PER_FILE: u64 = 64;
const WINDOW_BYTES: u64 = 4096;

/// Headers, names and sizes miss the case a cache must not miss: two releases or fine-tunes
/// with the same architecture (same names, shapes, dtypes and sizes) but different numbers.
/// Hashing every byte would cost tens of seconds for the 2B model on each run, so the
/// fingerprint adds samples of the tensor data: `WINDOWS_PER_FILE` evenly spaced windows (all
/// of it when small). Retrained weights differ almost everywhere, so any window catches them;
/// the cost is a few hundred kilobytes of reads per file.
fn sample_tensor_data(path: &Path, header: &SafetensorsHeader, h: &mut Sha256) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    let start = 8 + header.raw.len() as u64;
    let len = header.file_len.saturating_sub(start);
    let mut file = File::open(path).map_err(|e| ModelError::io(path, e))?;
    let mut read_at = |offset: u64, n: u64, h: &mut Sha256| -> Result<()> {
        let mut buf = vec![0u8; n as usize];
        file.seek(SeekFrom::Start(start + offset))
            .and_then(|_| file.read_exact(&mut buf))
            .map_err(|e| ModelError::io(path, e))?;
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

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| ModelError::io(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| ModelError::io(dir, e))?;
        let path = entry.path();
        if path.is_file() {
            out.push(path);
        }
    }
    Ok(out)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| ModelError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| ModelError::BadJson {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The parsed and validated header of one safetensors file.
#[derive(Debug)]
pub struct SafetensorsHeader {
    pub raw: Vec<u8>,
    pub file_len: u64,
    /// Tensor name -> (dtype, shape).
    pub tensors: BTreeMap<String, (String, Vec<usize>)>,
}

impl SafetensorsHeader {
    pub fn read(path: &Path) -> Result<Self> {
        let corrupt = |reason: String| ModelError::CorruptWeights {
            path: path.to_path_buf(),
            reason,
        };
        let mut file = File::open(path).map_err(|e| ModelError::io(path, e))?;
        let file_len = file.metadata().map_err(|e| ModelError::io(path, e))?.len();
        let mut len_bytes = [0u8; 8];
        if file_len < 8 {
            return Err(corrupt(format!(
                "file is {file_len} bytes, shorter than the 8-byte header length"
            )));
        }
        file.read_exact(&mut len_bytes)
            .map_err(|e| ModelError::io(path, e))?;
        let header_len = u64::from_le_bytes(len_bytes);
        if header_len > file_len - 8 || header_len > 100_000_000 {
            return Err(corrupt(format!(
                "header claims {header_len} bytes but the file has {} after the length",
                file_len - 8
            )));
        }
        let mut raw = vec![0u8; header_len as usize];
        file.read_exact(&mut raw)
            .map_err(|e| ModelError::io(path, e))?;
        let json: serde_json::Value = serde_json::from_slice(&raw)
            .map_err(|e| corrupt(format!("header is not valid JSON: {e}")))?;
        let obj = json
            .as_object()
            .ok_or_else(|| corrupt("header is not a JSON object".into()))?;
        let data_len = file_len - 8 - header_len;
        let mut tensors = BTreeMap::new();
        for (name, info) in obj {
            if name == "__metadata__" {
                continue;
            }
            let dtype = info
                .get("dtype")
                .and_then(|d| d.as_str())
                .ok_or_else(|| corrupt(format!("tensor `{name}` has no dtype")))?
                .to_string();
            let elem_size: u64 = match dtype.as_str() {
                "F32" | "I32" | "U32" => 4,
                "F16" | "BF16" | "I16" | "U16" => 2,
                "F64" | "I64" | "U64" => 8,
                "U8" | "I8" | "BOOL" => 1,
                other => {
                    return Err(corrupt(format!(
                        "tensor `{name}` has unsupported dtype {other}"
                    )))
                }
            };
            let shape: Vec<usize> = info
                .get("shape")
                .and_then(|s| s.as_array())
                .ok_or_else(|| corrupt(format!("tensor `{name}` has no shape")))?
                .iter()
                .map(|d| d.as_u64().map(|d| d as usize))
                .collect::<Option<_>>()
                .ok_or_else(|| corrupt(format!("tensor `{name}` has a non-integer shape")))?;
            let offsets: Vec<u64> = info
                .get("data_offsets")
                .and_then(|s| s.as_array())
                .and_then(|a| a.iter().map(|d| d.as_u64()).collect::<Option<Vec<_>>>())
                .ok_or_else(|| corrupt(format!("tensor `{name}` has no data_offsets")))?;
            if offsets.len() != 2 || offsets[0] > offsets[1] {
                return Err(corrupt(format!(
                    "tensor `{name}` has invalid data_offsets {offsets:?}"
                )));
            }
            if offsets[1] > data_len {
                return Err(corrupt(format!(
                    "tensor `{name}` ends at byte {} but the file holds {data_len} data bytes (truncated?)",
                    offsets[1]
                )));
            }
            let expected = shape.iter().product::<usize>() as u64 * elem_size;
            if offsets[1] - offsets[0] != expected {
                return Err(corrupt(format!(
                    "tensor `{name}` has {} bytes, its shape {shape:?} of {dtype} needs {expected}",
                    offsets[1] - offsets[0]
                )));
            }
            tensors.insert(name.clone(), (dtype, shape));
        }
        Ok(Self {
            raw,
            file_len,
            tensors,
        })
    }
}

/// The safetensors files of one component, validated and memory-mapped.
#[derive(Clone)]
pub struct Weights {
    component: String,
    files: Vec<PathBuf>,
    tensors: Arc<MmapedSafetensors>,
    first_error: Arc<Mutex<Option<ModelError>>>,
}

impl std::fmt::Debug for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Weights")
            .field("component", &self.component)
            .field("files", &self.files)
            .finish()
    }
}

impl Weights {
    /// Finds the weights of `component` in `dir`: a `*.safetensors.index.json` (sharded) wins,
    /// otherwise every `*.safetensors` file in the folder.
    pub fn open(component: &str, dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(ModelError::MissingComponent {
                path: dir.parent().unwrap_or(dir).to_path_buf(),
                component: component.to_string(),
            });
        }
        let entries = list_dir(dir)?;
        let mut names: Vec<String> = entries
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        let files: Vec<PathBuf> = if let Some(index) = names
            .iter()
            .find(|n| n.ends_with(".safetensors.index.json"))
        {
            let index_path = dir.join(index);
            let json: serde_json::Value = read_json(&index_path)?;
            let map = json
                .get("weight_map")
                .and_then(|m| m.as_object())
                .ok_or_else(|| ModelError::BadJson {
                    path: index_path.clone(),
                    reason: "no `weight_map` object".into(),
                })?;
            let mut shards: Vec<String> = map
                .values()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            shards.sort();
            shards.dedup();
            for shard in &shards {
                if shard.contains('/') || shard.contains('\\') || shard.contains("..") {
                    return Err(ModelError::BadJson {
                        path: index_path.clone(),
                        reason: format!("shard name `{shard}` is not a plain file name"),
                    });
                }
            }
            shards.into_iter().map(|s| dir.join(s)).collect()
        } else {
            names
                .iter()
                .filter(|n| n.ends_with(".safetensors"))
                .map(|n| dir.join(n))
                .collect()
        };
        if files.is_empty() {
            return Err(ModelError::NoWeights {
                component: component.to_string(),
                path: dir.to_path_buf(),
            });
        }
        for file in &files {
            if !file.is_file() {
                return Err(ModelError::MissingFile { path: file.clone() });
            }
            SafetensorsHeader::read(file)?;
        }
        // SAFETY: every header was validated above against the file size; the files are
        // treated as read-only inputs for the lifetime of the mapping.
        let tensors = unsafe { MmapedSafetensors::multi(&files) }.map_err(|e| {
            ModelError::CorruptWeights {
                path: files[0].clone(),
                reason: e.to_string(),
            }
        })?;
        Ok(Self {
            component: component.to_string(),
            files,
            tensors: Arc::new(tensors),
            first_error: Arc::new(Mutex::new(None)),
        })
    }

    pub fn component(&self) -> &str {
        &self.component
    }

    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// A var builder over these weights in `dtype` on `device`. Modules built from it report
    /// missing tensors and shape mismatches through [`Weights::build`].
    pub fn var_builder(&self, dtype: DType, device: &Device) -> VarBuilder<'static> {
        let backend = Backend {
            component: self.component.clone(),
            tensors: self.tensors.clone(),
            first_error: self.first_error.clone(),
        };
        VarBuilder::from_backend(Box::new(backend), dtype, device.clone())
    }

    /// Builds a module, turning the loader's failures into named errors.
    pub fn build<T>(
        &self,
        dtype: DType,
        device: &Device,
        f: impl FnOnce(VarBuilder<'static>) -> candle_core::Result<T>,
    ) -> Result<T> {
        if let Ok(mut slot) = self.first_error.lock() {
            *slot = None;
        }
        match f(self.var_builder(dtype, device)) {
            Ok(v) => Ok(v),
            Err(e) => {
                let recorded = self.first_error.lock().ok().and_then(|mut s| s.take());
                Err(recorded.unwrap_or(ModelError::Compute(e)))
            }
        }
    }

    /// Whether the weights hold a tensor of this name.
    pub fn contains(&self, name: &str) -> bool {
        SimpleBackend::contains_tensor(self.tensors.as_ref(), name)
    }

    /// Loads one tensor by name, outside of any module (e.g. VAE latent statistics).
    pub fn tensor(&self, name: &str, dtype: DType, device: &Device) -> Result<Tensor> {
        if !SimpleBackend::contains_tensor(self.tensors.as_ref(), name) {
            return Err(ModelError::MissingTensor {
                component: self.component.clone(),
                name: name.to_string(),
            });
        }
        Ok(self.tensors.load(name, device)?.to_dtype(dtype)?)
    }
}

struct Backend {
    component: String,
    tensors: Arc<MmapedSafetensors>,
    first_error: Arc<Mutex<Option<ModelError>>>,
}

impl Backend {
    fn record(&self, err: ModelError) -> candle_core::Error {
        let msg = err.to_string();
        if let Ok(mut slot) = self.first_error.lock() {
            if slot.is_none() {
                *slot = Some(err);
            }
        }
        candle_core::Error::Msg(msg)
    }
}

impl SimpleBackend for Backend {
    fn get(
        &self,
        s: Shape,
        name: &str,
        _h: candle_nn::Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        let view = match self.tensors.get(name) {
            Ok(v) => v,
            Err(_) => {
                return Err(self.record(ModelError::MissingTensor {
                    component: self.component.clone(),
                    name: name.to_string(),
                }))
            }
        };
        if view.shape() != s.dims() {
            return Err(self.record(ModelError::WrongShape {
                component: self.component.clone(),
                name: name.to_string(),
                expected: s.dims().to_vec(),
                found: view.shape().to_vec(),
            }));
        }
        self.tensors.load(name, dev)?.to_dtype(dtype)
    }

    fn get_unchecked(&self, name: &str, dtype: DType, dev: &Device) -> candle_core::Result<Tensor> {
        match self.tensors.get(name) {
            Ok(_) => self.tensors.load(name, dev)?.to_dtype(dtype),
            Err(_) => Err(self.record(ModelError::MissingTensor {
                component: self.component.clone(),
                name: name.to_string(),
            })),
        }
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.tensors.get(name).is_ok()
    }
}
