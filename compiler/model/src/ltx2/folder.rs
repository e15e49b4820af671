//! An LTX-2 model folder in the diffusers layout, as Lightricks publishes it: `model_index.json`
//! naming each component's class, and one subfolder per component with its config and
//! safetensors weights (single file or sharded with an index; f32, bf16 or f16).
//!
//! [`Ltx2Folder::open`] checks the layout and the classes; [`Ltx2Folder::check`] reads and
//! validates every config and every weight file's header (not the tensors), so a missing,
//! truncated or unsupported component is named before anything loads or renders.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ModelError, Result};
use crate::loader::{read_json, ModelFolder, Weights};
use crate::scheduler::SchedulerConfig;

use super::audio_vae::AudioVaeConfig;
use super::connectors::ConnectorsConfig;
use super::gemma::{weight_prefix, GemmaConfig};
use super::text::GemmaTokenizer;
use super::transformer::Ltx2TransformerConfig;
use super::video_vae::Ltx2VaeConfig;
use super::vocoder::VocoderConfig;

/// Components every LTX-2 folder holds, with the classes the port runs.
pub const COMPONENTS: [(&str, &[&str]); 8] = [
    ("scheduler", &["FlowMatchEulerDiscreteScheduler"]),
    ("vae", &["AutoencoderKLLTX2Video"]),
    ("audio_vae", &["AutoencoderKLLTX2Audio"]),
    (
        "text_encoder",
        &["Gemma3ForConditionalGeneration", "Gemma3ForCausalLM"],
    ),
    ("tokenizer", &["GemmaTokenizer", "GemmaTokenizerFast"]),
    ("connectors", &["LTX2TextConnectors"]),
    ("transformer", &["LTX2VideoTransformer3DModel"]),
    ("vocoder", &["LTX2Vocoder", "LTX2VocoderWithBWE"]),
];

/// Component names, for fingerprints.
pub fn component_names() -> Vec<&'static str> {
    COMPONENTS.iter().map(|(c, _)| *c).collect()
}

/// Every config of a folder, parsed and validated.
#[derive(Debug, Clone)]
pub struct Ltx2Configs {
    pub scheduler: SchedulerConfig,
    pub vae: Ltx2VaeConfig,
    pub audio_vae: AudioVaeConfig,
    pub text_encoder: GemmaConfig,
    pub connectors: ConnectorsConfig,
    pub transformer: Ltx2TransformerConfig,
    pub vocoder: VocoderConfig,
}

#[derive(Debug, Clone)]
pub struct Ltx2Folder {
    root: PathBuf,
}

fn mismatch(component: &str, key: &str, value: impl std::fmt::Debug, reason: &str) -> ModelError {
    ModelError::unsupported(component, key, value, reason)
}

impl Ltx2Folder {
    /// Checks `model_index.json`, that each component's folder exists and that its class is one
    /// this port runs. Reads no weights.
    pub fn open(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let index_path = root.join("model_index.json");
        let index: Value = read_json(&index_path)?;
        let obj = index.as_object().ok_or_else(|| ModelError::BadJson {
            path: index_path.clone(),
            reason: "expected a JSON object".into(),
        })?;
        if let Some(class) = obj.get("_class_name").and_then(|c| c.as_str()) {
            if !class.starts_with("LTX2") {
                let reason = if class.starts_with("LTX") {
                    "an LTX-Video folder, not LTX-2 (use the `ltx` backend for it)"
                } else {
                    "not an LTX-2 pipeline"
                };
                return Err(mismatch("model_index.json", "_class_name", class, reason));
            }
        }
        for (component, classes) in COMPONENTS {
            let class = obj
                .get(component)
                .and_then(|v| v.as_array())
                .and_then(|a| a.get(1))
                .and_then(|c| c.as_str());
            match class {
                None => {
                    return Err(ModelError::MissingComponent {
                        path: root.clone(),
                        component: component.to_string(),
                    })
                }
                Some(c) if !classes.contains(&c) => {
                    let hint = if c.starts_with("Gemma4") {
                        "LTX-2.5 folders (Gemma-4 text encoder) are not supported; use LTX-2 or LTX-2.3"
                    } else {
                        "not a class of the LTX-2 or LTX-2.3 pipelines"
                    };
                    return Err(mismatch(component, "model_index.json class", c, hint));
                }
                Some(_) => {}
            }
            if !root.join(component).is_dir() {
                return Err(ModelError::MissingComponent {
                    path: root.clone(),
                    component: component.to_string(),
                });
            }
        }
        Ok(Self { root })
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

    fn json<T: DeserializeOwned>(&self, component: &str, file: &str) -> Result<T> {
        read_json(&self.component_dir(component).join(file))
    }

    /// Every config, parsed, validated and checked against each other.
    pub fn configs(&self) -> Result<Ltx2Configs> {
        let scheduler: SchedulerConfig = self.json("scheduler", "scheduler_config.json")?;
        scheduler.validate()?;
        let vae: Ltx2VaeConfig = self.json("vae", "config.json")?;
        vae.validate()?;
        let audio_vae: AudioVaeConfig = self.json("audio_vae", "config.json")?;
        audio_vae.validate()?;
        let text_encoder =
            GemmaConfig::from_json(&self.json::<Value>("text_encoder", "config.json")?)?;
        let connectors: ConnectorsConfig = self.json("connectors", "config.json")?;
        connectors.validate()?;
        let transformer: Ltx2TransformerConfig = self.json("transformer", "config.json")?;
        transformer.validate()?;
        let vocoder = VocoderConfig::from_json(&self.json::<Value>("vocoder", "config.json")?)?;
        let cfg = Ltx2Configs {
            scheduler,
            vae,
            audio_vae,
            text_encoder,
            connectors,
            transformer,
            vocoder,
        };
        cfg.check_agreement()?;
        Ok(cfg)
    }

    /// [`Ltx2Folder::configs`] plus every weight file's header and the tokenizer: all a
    /// generation will read, checked without loading a tensor.
    pub fn check(&self) -> Result<Ltx2Configs> {
        let cfg = self.configs()?;
        for (component, _) in COMPONENTS {
            if matches!(component, "scheduler" | "tokenizer") {
                continue;
            }
            let weights = self.weights(component)?;
            if component == "text_encoder" {
                if weight_prefix(|n| weights.contains(n)).is_none() {
                    return Err(ModelError::MissingTensor {
                        component: component.into(),
                        name: "language_model.model.embed_tokens.weight".into(),
                    });
                }
            }
        }
        GemmaTokenizer::from_dir(&self.component_dir("tokenizer"))?;
        Ok(cfg)
    }

    /// A cheap identity of the weights (configs, headers, sampled tensor data; see
    /// [`ModelFolder::fingerprint`]).
    pub fn fingerprint(&self) -> Result<String> {
        ModelFolder::with_checked_layout(self.root.clone()).fingerprint_of(&component_names(), true)
    }

    /// The fingerprint of what one prompt's embeddings depend on.
    pub fn text_fingerprint(&self) -> Result<String> {
        ModelFolder::with_checked_layout(self.root.clone())
            .fingerprint_of(&["text_encoder", "tokenizer", "connectors"], false)
    }
}

impl Ltx2Configs {
    /// The components must fit together: latent widths, text widths and mel sizes.
    pub fn check_agreement(&self) -> Result<()> {
        let t = &self.transformer;
        if self.vae.latent_channels != t.in_channels || t.out_channels() != t.in_channels {
            return Err(mismatch(
                "vae",
                "latent_channels",
                self.vae.latent_channels,
                "must equal the transformer's in_channels and out_channels",
            ));
        }
        let packed = self.audio_vae.packed_channels();
        if packed != t.audio_in_channels || t.audio_out_channels() != t.audio_in_channels {
            return Err(mismatch(
                "audio_vae",
                "latent_channels × mel_bins / 4",
                packed,
                "must equal the transformer's audio_in_channels",
            ));
        }
        if self.audio_vae.base_channels != packed {
            return Err(mismatch(
                "audio_vae",
                "base_channels",
                self.audio_vae.base_channels,
                "the latent statistics (base_channels entries) must cover one packed audio token",
            ));
        }
        let c = &self.connectors;
        if c.caption_channels != self.text_encoder.hidden_size
            || c.text_proj_in_factor != self.text_encoder.num_hidden_states()
        {
            return Err(mismatch(
                "connectors",
                "caption_channels × text_proj_in_factor",
                (c.caption_channels, c.text_proj_in_factor),
                "must be the text encoder's hidden size × (layers + 1)",
            ));
        }
        let (vt, at) = t.text_dims();
        let (cv, ca) = if t.use_prompt_embeddings {
            (c.caption_channels, c.caption_channels)
        } else {
            (c.video_width(), c.audio_width())
        };
        if vt != cv || at != ca {
            return Err(mismatch(
                "transformer",
                "cross_attention_dim",
                (vt, at),
                "must equal the connectors' output widths",
            ));
        }
        let mels = 2 * self.audio_vae.mel_bins();
        if self.vocoder.in_channels() != mels
            && self.vocoder.in_channels()
                != self.audio_vae.output_channels * self.audio_vae.mel_bins()
        {
            return Err(mismatch(
                "vocoder",
                "in_channels",
                self.vocoder.in_channels(),
                "must be the audio VAE's channels × mel bins",
            ));
        }
        Ok(())
    }

    /// A short description of what the configs select, for logs and errors.
    pub fn describe(&self) -> String {
        let t = &self.transformer;
        let generation = if t.cross_attn_mod || !t.use_prompt_embeddings {
            "2.3"
        } else {
            "2.0"
        };
        format!(
            "LTX-{generation} layout: {} layers, {}-wide video / {}-wide audio streams, {} vocoder at {} Hz",
            t.num_layers,
            t.inner_dim(),
            t.audio_inner_dim(),
            match self.vocoder {
                VocoderConfig::Plain(_) => "HiFi-GAN",
                VocoderConfig::WithBwe(..) => "bandwidth-extended",
            },
            self.vocoder.output_sampling_rate()
        )
    }
}
