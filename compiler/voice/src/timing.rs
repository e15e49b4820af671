//! Spoken length: how long a line takes to say, from the engine when there is one, else from
//! reading speed.

use crate::delivery::ScratchVoice;
use crate::error::VoiceError;
use crate::resample::OUTPUT_RATE;

/// The estimate without an engine (version 1's rule): 15 characters a second, at least 1 s.
pub const CHARACTERS_PER_SECOND: f64 = 15.0;

/// The breath between two lines that follow each other (the planner's timing, and the
/// screenplay importer's shot lengths).
pub const PAUSE_MS: u32 = 300;

/// A line's spoken length, in samples at 48 kHz.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spoken {
    pub samples: u64,
}

impl Spoken {
    /// Film frames the line occupies: every frame in which it is heard, so rounded up.
    pub fn frames(self, fps: u32) -> u32 {
        let frames = (self.samples * u64::from(fps)).div_ceil(u64::from(OUTPUT_RATE));
        frames.min(u64::from(u32::MAX)) as u32
    }

    pub fn millis(self) -> u64 {
        (self.samples * 1000 + u64::from(OUTPUT_RATE) / 2) / u64::from(OUTPUT_RATE)
    }

    pub fn seconds(self) -> f64 {
        self.samples as f64 / f64::from(OUTPUT_RATE)
    }
}

/// Where spoken lengths came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimingSource {
    /// Measured by synthesising each line (`eSpeak NG 1.51`).
    Engine { engine: String },
    /// Estimated at [`CHARACTERS_PER_SECOND`]; `reason` says why no engine was used.
    Estimate { reason: String },
}

/// What the planner asks for each `says` line.
pub trait SpeechTiming: Sync {
    fn source(&self) -> TimingSource;

    /// How long `text` takes to say in `voice`. An error is about this line only (the engine
    /// refused it); callers fall back to [`estimate`] for it and say so.
    fn spoken(&self, voice: &ScratchVoice, text: &str) -> Result<Spoken, VoiceError>;
}

/// Reading speed: the fallback when eSpeak NG is absent, and what tests that are not about
/// speech plan with.
#[derive(Clone, Debug)]
pub struct ReadingSpeed {
    pub reason: String,
}

impl ReadingSpeed {
    pub fn new(reason: impl Into<String>) -> ReadingSpeed {
        ReadingSpeed {
            reason: reason.into(),
        }
    }
}

/// [`CHARACTERS_PER_SECOND`], at least one second.
pub fn estimate(text: &str) -> Spoken {
    let seconds = (text.chars().count() as f64 / CHARACTERS_PER_SECOND).max(1.0);
    Spoken {
        samples: (seconds * f64::from(OUTPUT_RATE)).round() as u64,
    }
}

impl SpeechTiming for ReadingSpeed {
    fn source(&self) -> TimingSource {
        TimingSource::Estimate {
            reason: self.reason.clone(),
        }
    }

    fn spoken(&self, _voice: &ScratchVoice, text: &str) -> Result<Spoken, VoiceError> {
        Ok(estimate(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_up_and_the_estimate_keeps_version_1s_rule() {
        assert_eq!(Spoken { samples: 2000 }.frames(24), 1);
        assert_eq!(Spoken { samples: 48000 }.frames(24), 24);
        assert_eq!(Spoken { samples: 48001 }.frames(24), 25);
        assert_eq!(estimate("Hi."), Spoken { samples: 48000 });
        assert_eq!(estimate(&"x".repeat(30)).frames(24), 48);
    }
}
