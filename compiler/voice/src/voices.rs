//! The scratch-voice service: the engine (if any), the line cache, clips and spoken lengths.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cache::{CacheStats, LineCache, LineKey};
use crate::clip;
use crate::delivery::ScratchVoice;
use crate::engine::Engine;
use crate::error::VoiceError;
use crate::timing::{estimate, SpeechTiming, Spoken, TimingSource};

/// The folder under `.scene-cache/` that holds spoken lines.
pub const CACHE_DIR: &str = "voices";

pub struct Voices {
    engine: Result<Engine, VoiceError>,
    cache: LineCache,
}

impl Voices {
    /// Probe eSpeak NG ([`Engine::probe`]) and keep lines in `cache_dir` (the `voices/` folder,
    /// created on first write) as well as in memory.
    pub fn open(cache_dir: Option<PathBuf>) -> Voices {
        Voices::with_engine(Engine::probe(), cache_dir)
    }

    pub fn with_engine(engine: Result<Engine, VoiceError>, cache_dir: Option<PathBuf>) -> Voices {
        Voices {
            engine,
            cache: LineCache::new(cache_dir),
        }
    }

    pub fn engine(&self) -> Result<&Engine, &VoiceError> {
        self.engine.as_ref()
    }

    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// What eSpeak NG says for the line, trimmed, at 22,050 Hz: from the cache, else spoken.
    pub fn utterance(&self, voice: &ScratchVoice, text: &str) -> Result<Arc<[i16]>, VoiceError> {
        let engine = self.engine.as_ref().map_err(Clone::clone)?;
        let key = LineKey::new(&engine.describe(), &voice.synth, text);
        self.cache.get_or_speak(key, || {
            let said = engine.speak(&voice.synth, text, key.seed())?;
            Ok(clip::trim(&said).to_vec())
        })
    }

    /// The line as the mix places it: 48 kHz mono, exactly its spoken length.
    pub fn clip(&self, voice: &ScratchVoice, text: &str) -> Result<Vec<f32>, VoiceError> {
        Ok(clip::render(&self.utterance(voice, text)?, voice))
    }
}

impl SpeechTiming for Voices {
    fn source(&self) -> TimingSource {
        match &self.engine {
            Ok(engine) => TimingSource::Engine {
                engine: engine.describe(),
            },
            Err(e) => TimingSource::Estimate {
                reason: match e {
                    VoiceError::Unavailable { reason } => reason.clone(),
                    other => other.to_string(),
                },
            },
        }
    }

    fn spoken(&self, voice: &ScratchVoice, text: &str) -> Result<Spoken, VoiceError> {
        if self.engine.is_err() {
            return Ok(estimate(text));
        }
        let utterance = self.utterance(voice, text)?;
        Ok(Spoken {
            samples: clip::spoken_samples(utterance.len()),
        })
    }
}
