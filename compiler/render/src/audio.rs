//! The film's sound: assets decoded through FFmpeg, resampled to 48 kHz stereo f32, placed on
//! the film's timeline sample-exactly and mixed.
//!
//! Every line of dialogue is spoken by its scratch voice (`scene-voice`, cached per line) and
//! placed at its time, in the dialogue stem; the cues go to the music, effects and ambience
//! stems by their role; a backend's generated per-shot sound (`ltx2`) goes to the effects stem
//! ([`AudioMix::with_shot_sounds`]). Music, ambience and generated sound duck under the dialogue
//! ([`crate::mix::duck`]); the sum is mastered to the film's `loudness` with a true-peak limiter
//! ([`crate::mix::master`]).
//! Ducking and mastering are decided over the whole film first, as gain envelopes; the mix
//! itself is then computed block by block on demand ([`AudioMix::render`]), so the encoder can
//! stream it, and the stems ([`AudioMix::write_stems`]) are the same computation one stem at a
//! time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ffmpeg_next as ffmpeg;
use scene_plan::schedule::{DialogueLine, FilmSchedule, ShotSchedule, SoundRole};
use scene_previz::error::RenderError;
use scene_voice::Voices;

use crate::encode::staged::StagedFile;
use crate::mix::duck;
use crate::mix::envelope::{Envelope, STEP};
use crate::mix::master::{master, Measurement, Source as MasterSource, Target};
use crate::mix::wav;

pub use scene_previz::sound::{StereoBuffer, SAMPLE_RATE};

/// Highest sample peak of a mix that has no integrated loudness to master (−1.5 dBFS: the
/// true-peak ceiling, −1 dBTP, less the margin kept for the AAC encoder's overshoot).
pub const CEILING: f32 = 0.841_395_1;

/// First sample of film frame `frame`: `frame * 48000 / fps`, rounded down.
pub fn frame_to_sample(frame: u64, fps: u32) -> u64 {
    frame * u64::from(SAMPLE_RATE) / u64::from(fps.max(1))
}

pub(crate) fn init_ffmpeg() -> Result<(), RenderError> {
    ffmpeg::init().map_err(|e| RenderError::Encode(format!("cannot initialise FFmpeg: {e}")))?;
    ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
    Ok(())
}

/// Decode the first audio stream of any file FFmpeg reads into 48 kHz stereo f32.
pub fn decode_asset(path: &Path) -> Result<StereoBuffer, RenderError> {
    init_ffmpeg()?;
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RenderError::io(path, "no such file"))
        }
        Err(e) => return Err(RenderError::io(path, e)),
        Ok(m) if !m.is_file() => return Err(RenderError::io(path, "not a regular file")),
        Ok(_) => {}
    }
    // FFmpeg's own message for an unreadable file is vaguer than the OS's.
    std::fs::File::open(path).map_err(|e| RenderError::io(path, e))?;
    let mut input = ffmpeg::format::input(&path)
        .map_err(|e| RenderError::decode(path, format!("not a readable media file ({e})")))?;
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Audio)
        .ok_or_else(|| RenderError::decode(path, "no audio stream"))?;
    let stream_index = stream.index();
    let context = ffmpeg::codec::context::Context::from_parameters(stream.parameters())
        .map_err(|e| RenderError::decode(path, e))?;
    let mut decoder = context
        .decoder()
        .audio()
        .map_err(|e| RenderError::decode(path, e))?;

    let mut out = StereoBuffer::default();
    let mut resampler: Option<Resampler> = None;
    let mut frame = ffmpeg::frame::Audio::empty();
    let mut packet = ffmpeg::Packet::empty();

    let mut receive = |decoder: &mut ffmpeg::decoder::Audio,
                       resampler: &mut Option<Resampler>,
                       out: &mut StereoBuffer|
     -> Result<(), RenderError> {
        loop {
            match decoder.receive_frame(&mut frame) {
                Ok(()) => {
                    if resampler.is_none() {
                        *resampler = Some(Resampler::for_frame(&frame, path)?);
                    }
                    if let Some(r) = resampler.as_mut() {
                        r.convert(&frame, out, path)?;
                    }
                }
                Err(ffmpeg::Error::Eof) => return Ok(()),
                Err(ffmpeg::Error::Other { errno }) if errno == ffmpeg::util::error::EAGAIN => {
                    return Ok(())
                }
                Err(e) => return Err(RenderError::decode(path, e)),
            }
        }
    };

    loop {
        match packet.read(&mut input) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(e) => return Err(RenderError::decode(path, e)),
        }
        if packet.stream() != stream_index {
            continue;
        }
        decoder
            .send_packet(&packet)
            .map_err(|e| RenderError::decode(path, e))?;
        receive(&mut decoder, &mut resampler, &mut out)?;
    }
    decoder
        .send_eof()
        .map_err(|e| RenderError::decode(path, e))?;
    receive(&mut decoder, &mut resampler, &mut out)?;
    if let Some(r) = resampler.as_mut() {
        r.flush(&mut out, path)?;
    }
    if out.samples.is_empty() {
        return Err(RenderError::decode(path, "no audio samples decoded"));
    }
    Ok(out)
}

/// swresample, driven through its plain buffer API so that any up- or down-sampling ratio works
/// without the frame API's capacity pitfalls. Mono stays mono through swresample and is copied
/// to both sides here: swresample's upmix would lower it by 3 dB, and a mono sound should play
/// at the level it was written at. Other layouts get swresample's standard downmix to stereo.
struct Resampler {
    context: ffmpeg::software::resampling::Context,
    format: ffmpeg::format::Sample,
    channels: u16,
    rate: u32,
    /// Channels swresample produces: 1 for mono sources, else 2.
    out_channels: usize,
    scratch: Vec<f32>,
}

impl Resampler {
    fn for_frame(frame: &ffmpeg::frame::Audio, path: &Path) -> Result<Self, RenderError> {
        let channels = frame.channels();
        if channels == 0 || frame.rate() == 0 {
            return Err(RenderError::decode(
                path,
                "audio stream without channels or rate",
            ));
        }
        let mut layout = frame.channel_layout();
        if layout.is_empty() || layout.channels() != i32::from(channels) {
            layout = ffmpeg::ChannelLayout::default(i32::from(channels));
        }
        let (out_layout, out_channels) = if channels == 1 {
            (ffmpeg::ChannelLayout::MONO, 1)
        } else {
            (ffmpeg::ChannelLayout::STEREO, 2)
        };
        let context = ffmpeg::software::resampling::Context::get(
            frame.format(),
            layout,
            frame.rate(),
            ffmpeg::format::Sample::F32(ffmpeg::format::sample::Type::Packed),
            out_layout,
            SAMPLE_RATE,
        )
        .map_err(|e| RenderError::decode(path, format!("cannot resample: {e}")))?;
        Ok(Resampler {
            context,
            format: frame.format(),
            channels,
            rate: frame.rate(),
            out_channels,
            scratch: Vec::new(),
        })
    }

    fn convert(
        &mut self,
        frame: &ffmpeg::frame::Audio,
        out: &mut StereoBuffer,
        path: &Path,
    ) -> Result<(), RenderError> {
        if frame.format() != self.format
            || frame.channels() != self.channels
            || frame.rate() != self.rate
        {
            return Err(RenderError::decode(path, "audio format changes mid-stream"));
        }
        let samples = frame.samples();
        if samples == 0 {
            return Ok(());
        }
        // SAFETY: `extended_data` of a decoded frame points at one plane per channel (planar)
        // or one interleaved plane, each holding `nb_samples` samples of the frame's format.
        let input = unsafe { (*frame.as_ptr()).extended_data };
        self.run(input as *const *const u8, samples, out, path)
            .map(|_| ())
    }

    fn flush(&mut self, out: &mut StereoBuffer, path: &Path) -> Result<(), RenderError> {
        while self.run(std::ptr::null(), 0, out, path)? > 0 {}
        Ok(())
    }

    /// Convert and append to `out`; returns the samples per channel produced.
    fn run(
        &mut self,
        input: *const *const u8,
        samples: usize,
        out: &mut StereoBuffer,
        path: &Path,
    ) -> Result<usize, RenderError> {
        let in_count = i32::try_from(samples)
            .map_err(|_| RenderError::decode(path, "audio frame too large"))?;
        // SAFETY: the context is valid; the bound is what swresample itself reports.
        let capacity =
            unsafe { ffmpeg::ffi::swr_get_out_samples(self.context.as_mut_ptr(), in_count) };
        if capacity < 0 {
            return Err(RenderError::decode(path, "resampler failed"));
        }
        let capacity = capacity as usize + 16;
        self.scratch.clear();
        self.scratch.resize(capacity * self.out_channels, 0.0);
        let mut plane = self.scratch.as_mut_ptr() as *mut u8;
        // SAFETY: one packed f32 plane with room for `capacity` samples of `out_channels`; the
        // input is either null (flush) or the planes of a frame in the format the context was
        // built for.
        let written = unsafe {
            ffmpeg::ffi::swr_convert(
                self.context.as_mut_ptr(),
                &mut plane as *mut *mut u8 as _,
                capacity as i32,
                input as _,
                in_count,
            )
        };
        if written < 0 {
            return Err(RenderError::decode(path, ffmpeg::Error::from(written)));
        }
        let produced = &self.scratch[..written as usize * self.out_channels];
        if self.out_channels == 1 {
            out.samples.extend(produced.iter().flat_map(|&v| [v, v]));
        } else {
            out.samples.extend_from_slice(produced);
        }
        Ok(written as usize)
    }
}

/// The four stems the mix is made of: what an editor or a sound designer imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stem {
    /// The scratch voices.
    Dialogue,
    Music,
    /// The sfx, and a backend's generated per-shot sound.
    Effects,
    Ambience,
}

impl Stem {
    pub const ALL: [Stem; 4] = [Stem::Dialogue, Stem::Music, Stem::Effects, Stem::Ambience];

    /// `dialogue`, `music`, `effects`, `ambience`: the stem's file is this with `.wav`.
    pub fn name(self) -> &'static str {
        match self {
            Stem::Dialogue => "dialogue",
            Stem::Music => "music",
            Stem::Effects => "effects",
            Stem::Ambience => "ambience",
        }
    }

    fn of(role: SoundRole) -> Stem {
        match role {
            SoundRole::Music => Stem::Music,
            SoundRole::Sfx => Stem::Effects,
            SoundRole::Ambience => Stem::Ambience,
        }
    }

    /// Music and ambience duck under speech (and generated sound, placed in the effects stem,
    /// by its own [`Placed::ducks`]).
    fn ducks(self) -> bool {
        matches!(self, Stem::Music | Stem::Ambience)
    }
}

/// How far a backend's generated sound drops under the script's own `play`ed files: the score
/// and the designed sound the script names stay on top of what the model made up.
pub const DUCK_DB: f64 = -12.0;

fn inside(ranges: &[(u64, u64)], s: u64) -> bool {
    ranges.iter().any(|&(a, b)| a <= s && s < b)
}

/// One sound placed on the film's timeline, in samples.
#[derive(Clone, Debug)]
struct Placed {
    stem: Stem,
    asset: Arc<StereoBuffer>,
    start: u64,
    /// Exclusive; already clipped to the film and (unless looped) to the asset's end.
    end: u64,
    /// Where the scheduled extent ends: fade-outs are measured from here.
    scheduled_end: u64,
    gain: f32,
    fade_in: u64,
    fade_out: u64,
    looped: bool,
    /// Ducks under the dialogue whatever its stem (generated sound does, in the effects stem).
    ducks: bool,
    /// Film samples where this sound drops by [`DUCK_DB`] (generated sound, under the script's
    /// own files).
    ducked_in: Vec<(u64, u64)>,
}

impl Placed {
    fn add_into(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        let to = from + left.len() as u64;
        let (a, b) = (self.start.max(from), self.end.min(to));
        let len = self.asset.frames() as u64;
        if a >= b || len == 0 {
            return;
        }
        for s in a..b {
            let k = s - self.start;
            let mut env = self.gain;
            if k < self.fade_in {
                env *= k as f32 / self.fade_in as f32;
            }
            if self.fade_out > 0 && s + self.fade_out >= self.scheduled_end {
                env *= self.scheduled_end.saturating_sub(s) as f32 / self.fade_out as f32;
            }
            if inside(&self.ducked_in, s) {
                env *= 10f64.powf(DUCK_DB / 20.0) as f32;
            }
            let i = if self.looped { k % len } else { k } as usize;
            let o = (s - from) as usize;
            left[o] += self.asset.samples[2 * i] * env;
            right[o] += self.asset.samples[2 * i + 1] * env;
        }
    }
}

/// An asset the mix reads, with the hash of its bytes (for provenance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixInput {
    pub asset: String,
    pub sha256: String,
}

/// The film's loudness as written and as mastered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoudnessReport {
    /// The film's `loudness`.
    pub target_lufs: f64,
    pub before: Measurement,
    pub after: Measurement,
}

/// The film's mixed sound, computed on demand: the stems placed as written, music and ambience
/// ducked under the dialogue, the sum mastered to the film's loudness.
pub struct AudioMix {
    placed: Vec<Placed>,
    total: u64,
    /// Music and ambience under speech ([`crate::mix::duck`]); unity without dialogue.
    duck: Envelope,
    /// The mastering gain.
    gain: f32,
    /// The true-peak limiter, after `gain`.
    limiter: Envelope,
    loudness: LoudnessReport,
    inputs: Vec<MixInput>,
    lines: usize,
}

const BLOCK: usize = 4096;

/// The mix before mastering, as [`master`] reads it.
struct Premaster<'a>(&'a AudioMix);

impl MasterSource for Premaster<'_> {
    fn total(&self) -> u64 {
        self.0.total
    }
    fn fill(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        self.0.premaster(from, left, right);
    }
}

impl AudioMix {
    /// Decode every asset `film.audio` names (each once), speak every line of dialogue with
    /// `voices` (from their cache when they were spoken before), place them, key the ducking from
    /// the dialogue and master the whole to the film's `loudness_lufs`.
    pub fn new(
        film: &FilmSchedule,
        project_root: &Path,
        voices: &Voices,
    ) -> Result<Self, RenderError> {
        if film.fps == 0 {
            return Err(RenderError::Schedule("fps is 0".into()));
        }
        let fps = film.fps;
        let total = frame_to_sample(u64::from(film.frames.0), fps);
        let mut decoded: BTreeMap<String, Arc<StereoBuffer>> = BTreeMap::new();
        let mut inputs = Vec::new();
        let mut placed = Vec::new();
        for event in &film.audio {
            let asset = match decoded.get(&event.asset) {
                Some(a) => a.clone(),
                None => {
                    let path: PathBuf = project_root.join(&event.asset);
                    let buffer = Arc::new(decode_asset(&path)?);
                    inputs.push(MixInput {
                        asset: event.asset.clone(),
                        sha256: crate::provenance::file_sha256(&path)?,
                    });
                    decoded.insert(event.asset.clone(), buffer.clone());
                    buffer
                }
            };
            let start = frame_to_sample(u64::from(event.start_frame.0), fps);
            let scheduled_end = frame_to_sample(
                u64::from(event.start_frame.0) + u64::from(event.frames.0),
                fps,
            );
            let mut end = scheduled_end.min(total);
            if !event.looped {
                end = end.min(start + asset.frames() as u64);
            }
            placed.push(Placed {
                stem: Stem::of(event.role),
                asset,
                start,
                end,
                scheduled_end,
                gain: 10f64.powf(event.gain_db / 20.0) as f32,
                fade_in: frame_to_sample(u64::from(event.fade_in_frames.0), fps),
                fade_out: frame_to_sample(u64::from(event.fade_out_frames.0), fps),
                looped: event.looped,
                ducks: false,
                ducked_in: Vec::new(),
            });
        }
        let mut lines = 0;
        for shot in &film.shots {
            for line in &shot.dialogue {
                placed.extend(place_line(shot, line, fps, total, voices)?);
                lines += 1;
            }
        }
        inputs.sort_by(|a, b| a.asset.cmp(&b.asset));
        let unmeasured = Measurement {
            integrated_lufs: None,
            true_peak_dbtp: f64::NEG_INFINITY,
        };
        let mut mix = AudioMix {
            placed,
            total,
            duck: Envelope::constant(total, 1.0),
            gain: 1.0,
            limiter: Envelope::constant(total, 1.0),
            loudness: LoudnessReport {
                target_lufs: film.loudness_lufs,
                before: unmeasured,
                after: unmeasured,
            },
            inputs,
            lines,
        };
        if lines > 0 {
            mix.duck = duck::envelope(&mix.dialogue_peaks());
        }
        mix.master(film.loudness_lufs)?;
        Ok(mix)
    }

    /// Measure the premaster and bring it to `target_lufs` under the true-peak ceiling. A mix
    /// with no integrated loudness (silence, or nothing the K-weighting lets through, such as a
    /// constant offset) keeps its level: one gain lowers it to [`CEILING`] if it would pass it.
    fn master(&mut self, target_lufs: f64) -> Result<(), RenderError> {
        if self.placed.is_empty() {
            self.master_silence();
            Ok(())
        } else {
            self.master_measured(target_lufs)
        }
    }

    /// [`AudioMix::master_measured`] of a mix with nothing placed, without reading it: every
    /// sample is 0, which has no integrated loudness and a true peak of −∞ dBTP, so it keeps
    /// unit gain and needs no limiter (a test holds this to the measured result). Most previz
    /// films have no sound at all, and measuring their silence cost more than a tenth of their
    /// render.
    fn master_silence(&mut self) {
        let silence = Measurement {
            integrated_lufs: None,
            true_peak_dbtp: f64::NEG_INFINITY,
        };
        self.gain = 1.0;
        self.limiter = Envelope::constant(self.total, 1.0);
        self.loudness.before = silence;
        self.loudness.after = silence;
    }

    fn master_measured(&mut self, target_lufs: f64) -> Result<(), RenderError> {
        let source = Premaster(self);
        let mastering = master(&source, &Target::lufs(target_lufs))
            .map_err(|e| RenderError::Encode(e.to_string()))?;
        let (gain, limiter, after) = if mastering.before.integrated_lufs.is_some() {
            (mastering.gain, mastering.limiter, mastering.after)
        } else {
            let peak = self.premaster_peak();
            let gain = if peak > CEILING { CEILING / peak } else { 1.0 };
            let after = crate::mix::master::measure(&source, gain, None)
                .map_err(|e| RenderError::Encode(e.to_string()))?;
            (gain, Envelope::constant(self.total, 1.0), after)
        };
        self.gain = gain;
        self.limiter = limiter;
        self.loudness.before = mastering.before;
        self.loudness.after = after;
        Ok(())
    }

    /// The mix with each shot's generated sound added (`sounds[i]` is shot `i`'s, as long as
    /// the shot), by the rule docs/render.md states: a shot's sound goes to the effects stem and
    /// plays from its first frame to its last, fading in and out over the transitions that join
    /// it to its neighbours (a dissolve crossfades the two shots' sounds); where one of the
    /// script's own files sounds it drops by [`DUCK_DB`]; it ducks under the scratch voices as
    /// music and ambience do. The whole is then mastered again to the film's `loudness`.
    ///
    /// It reads only the schedule and the sounds (which the shot cache keeps), so a film
    /// assembled from a farm's cache mixes to the same samples as one rendered on one machine.
    pub fn with_shot_sounds(
        mut self,
        film: &FilmSchedule,
        sounds: Vec<StereoBuffer>,
    ) -> Result<Self, RenderError> {
        let fps = film.fps;
        let at = |frame: u64| frame_to_sample(frame, fps);
        let script: Vec<(u64, u64)> = self
            .placed
            .iter()
            .filter(|p| p.stem != Stem::Dialogue && p.start < p.end)
            .map(|p| (p.start, p.end))
            .collect();
        for (i, (shot, sound)) in film.shots.iter().zip(sounds).enumerate() {
            let first = u64::from(shot.start_frame.0);
            let frames = u64::from(shot.frames.0);
            let start = at(first);
            let scheduled_end = at(first + frames);
            let (fade_in, _) = transition_fades(&shot.transition_in);
            let next_out = film
                .shots
                .get(i + 1)
                .map_or(0, |next| transition_fades(&next.transition_in).1);
            let own_out = shot
                .transition_out
                .as_ref()
                .map_or(0, |t| u64::from(t.frames.0));
            let end = scheduled_end
                .min(self.total)
                .min(start + sound.frames() as u64);
            self.placed.push(Placed {
                stem: Stem::Effects,
                asset: Arc::new(sound),
                start,
                end,
                scheduled_end,
                gain: 1.0,
                fade_in: at(fade_in.min(frames)),
                fade_out: at(next_out.max(own_out).min(frames)),
                looped: false,
                ducks: true,
                ducked_in: script.clone(),
            });
        }
        self.master(self.loudness.target_lufs)?;
        Ok(self)
    }

    /// Samples per channel of the whole film.
    pub fn total_samples(&self) -> u64 {
        self.total
    }

    /// The one gain mastering applied to the whole mix (before the limiter).
    pub fn headroom_gain(&self) -> f32 {
        self.gain
    }

    /// The film's loudness before and after mastering (as this crate's meter measures it).
    pub fn loudness(&self) -> LoudnessReport {
        self.loudness
    }

    /// Lines of dialogue spoken into the mix.
    pub fn lines(&self) -> usize {
        self.lines
    }

    pub fn inputs(&self) -> &[MixInput] {
        &self.inputs
    }

    /// The music and ambience gain at sample `s` (1 where nothing is said).
    pub fn duck_gain(&self, s: u64) -> f32 {
        self.duck.at(s)
    }

    /// One stem as placed, what ducks ducked, before mastering.
    fn stem_raw(&self, stem: Stem, from: u64, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
        let ducking = |p: &Placed| stem.ducks() || p.ducks;
        let of_stem = || self.placed.iter().filter(move |p| p.stem == stem);
        if self.duck.is_unity() {
            for p in of_stem() {
                p.add_into(from, left, right);
            }
            return;
        }
        for p in of_stem().filter(|p| ducking(p)) {
            p.add_into(from, left, right);
        }
        self.duck.apply(from, left);
        self.duck.apply(from, right);
        if of_stem().all(ducking) {
            return;
        }
        let (mut l, mut r) = (vec![0f32; left.len()], vec![0f32; right.len()]);
        for p in of_stem().filter(|p| !ducking(p)) {
            p.add_into(from, &mut l, &mut r);
        }
        for (o, v) in left.iter_mut().zip(&l) {
            *o += v;
        }
        for (o, v) in right.iter_mut().zip(&r) {
            *o += v;
        }
    }

    /// The mix as written and ducked, before mastering: samples `from..from + left.len()`.
    pub fn premaster(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
        if self.placed.is_empty() {
            return;
        }
        let (mut l, mut r) = (vec![0f32; left.len()], vec![0f32; right.len()]);
        for stem in Stem::ALL {
            self.stem_raw(stem, from, &mut l, &mut r);
            for (o, v) in left.iter_mut().zip(&l) {
                *o += v;
            }
            for (o, v) in right.iter_mut().zip(&r) {
                *o += v;
            }
        }
    }

    /// The dialogue's peak in each millisecond: the ducking's key.
    fn dialogue_peaks(&self) -> Vec<f32> {
        let mut peaks = Vec::with_capacity(crate::mix::envelope::nodes_for(self.total));
        let (mut l, mut r) = (vec![0f32; STEP], vec![0f32; STEP]);
        let mut at = 0;
        while at < self.total {
            let n = (self.total - at).min(STEP as u64) as usize;
            self.stem_raw(Stem::Dialogue, at, &mut l[..n], &mut r[..n]);
            peaks.push(
                l[..n]
                    .iter()
                    .chain(&r[..n])
                    .fold(0f32, |p, v| p.max(v.abs())),
            );
            at += n as u64;
        }
        peaks
    }

    fn premaster_peak(&self) -> f32 {
        let (mut l, mut r) = (vec![0f32; BLOCK], vec![0f32; BLOCK]);
        let mut peak = 0f32;
        let mut at = 0;
        while at < self.total {
            let n = (self.total - at).min(BLOCK as u64) as usize;
            self.premaster(at, &mut l[..n], &mut r[..n]);
            for v in l[..n].iter().chain(&r[..n]) {
                peak = peak.max(v.abs());
            }
            at += n as u64;
        }
        peak
    }

    fn finish(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        for (k, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let g = self.gain * self.limiter.at(from + k as u64);
            *l = (*l * g).clamp(-1.0, 1.0);
            *r = (*r * g).clamp(-1.0, 1.0);
        }
        let past_end = self.total.saturating_sub(from).min(left.len() as u64) as usize;
        left[past_end..].fill(0.0);
        right[past_end..].fill(0.0);
    }

    /// The final mix of samples `from..from + left.len()` (past the film's end: silence).
    pub fn render(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        assert_eq!(left.len(), right.len(), "channel buffers differ in length");
        self.premaster(from, left, right);
        self.finish(from, left, right);
    }

    /// One stem as it sits in the final mix (ducked and mastered alike): the four stems add up
    /// to [`AudioMix::render`]'s samples.
    pub fn render_stem(&self, stem: Stem, from: u64, left: &mut [f32], right: &mut [f32]) {
        assert_eq!(left.len(), right.len(), "channel buffers differ in length");
        self.stem_raw(stem, from, left, right);
        self.finish(from, left, right);
    }

    /// Write `dialogue.wav`, `music.wav`, `effects.wav`, `ambience.wav` and `mix.wav` into `dir`
    /// (created if missing): 48 kHz, 24-bit stereo, the film's length, silent stems included.
    /// Each is written to a temporary name and renamed. Returns the paths in that order.
    pub fn write_stems(&self, dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
        std::fs::create_dir_all(dir).map_err(|e| RenderError::write(dir, e))?;
        let mut out = Vec::new();
        let stems = Stem::ALL.into_iter().map(Some).chain([None]);
        for (stem, path) in stems.zip(stem_paths(dir)) {
            let staged = StagedFile::new(&path)?;
            let mut bytes = wav::header(self.total, SAMPLE_RATE)
                .map_err(|e| RenderError::write(&path, e))?
                .to_vec();
            let (mut l, mut r) = (vec![0f32; BLOCK], vec![0f32; BLOCK]);
            let mut at = 0;
            while at < self.total {
                let n = (self.total - at).min(BLOCK as u64) as usize;
                match stem {
                    Some(s) => self.render_stem(s, at, &mut l[..n], &mut r[..n]),
                    None => self.render(at, &mut l[..n], &mut r[..n]),
                }
                wav::write_frames(&mut bytes, &l[..n], &r[..n])
                    .map_err(|e| RenderError::write(&path, e))?;
                at += n as u64;
            }
            staged.write_all(&bytes)?;
            out.push(staged.commit()?);
        }
        Ok(out)
    }
}

/// The files [`AudioMix::write_stems`] writes into `dir`, in its order: one per [`Stem`], then
/// `mix.wav`.
pub fn stem_paths(dir: &Path) -> [PathBuf; 5] {
    let names = Stem::ALL.map(Stem::name);
    [names[0], names[1], names[2], names[3], "mix"].map(|name| dir.join(format!("{name}.wav")))
}

/// A line of dialogue as the mix places it: its scratch voice's clip from its start, cut at
/// its end (the shot's end cuts a line that runs past it).
fn place_line(
    shot: &ShotSchedule,
    line: &DialogueLine,
    fps: u32,
    total: u64,
    voices: &Voices,
) -> Result<Option<Placed>, RenderError> {
    let voice = scene_voice::ScratchVoice::from(&line.scratch_voice);
    let clip = voices.clip(&voice, &line.text).map_err(|e| match e {
        // The voice cache failing to store a line reads as the shot cache failing to store a
        // shot: which file, and why (a full disk named as such).
        scene_voice::VoiceError::Cache { path, message } => RenderError::Write { path, message },
        e => RenderError::Voice {
            shot: shot.name.clone(),
            character: line.character.clone(),
            message: e.to_string(),
        },
    })?;
    if clip.is_empty() {
        return Ok(None);
    }
    let start = frame_to_sample(u64::from(shot.start_frame.0 + line.start_frame.0), fps);
    let cut = frame_to_sample(u64::from(shot.start_frame.0 + line.end_frame.0), fps);
    let end = (start + clip.len() as u64).min(cut).min(total);
    let samples = clip.iter().flat_map(|&v| [v, v]).collect();
    Ok(Some(Placed {
        stem: Stem::Dialogue,
        asset: Arc::new(StereoBuffer { samples }),
        start,
        end,
        scheduled_end: end,
        gain: 1.0,
        fade_in: 0,
        fade_out: 0,
        looped: false,
        ducks: false,
        ducked_in: Vec::new(),
    }))
}

/// Frames over which a shot's sound fades in, and the shot before it fades out, for the
/// transition that joins them (the picture's own rule: a dissolve or wipe overlaps both for its
/// length; a fade through black splits its length between them).
fn transition_fades(t: &scene_plan::schedule::Transition) -> (u64, u64) {
    use scene_plan::schedule::TransitionKind;
    let n = u64::from(t.frames.0);
    match t.kind {
        TransitionKind::Cut => (0, 0),
        TransitionKind::Fade => (n - n / 2, n / 2),
        TransitionKind::Dissolve | TransitionKind::WipeLeft | TransitionKind::WipeRight => (n, n),
        TransitionKind::FadeToBlack => (0, n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(samples: Vec<f32>, start: u64, end: u64, looped: bool) -> Placed {
        Placed {
            stem: Stem::Effects,
            asset: Arc::new(StereoBuffer { samples }),
            start,
            end,
            scheduled_end: end,
            gain: 1.0,
            fade_in: 0,
            fade_out: 0,
            looped,
            ducks: false,
            ducked_in: Vec::new(),
        }
    }

    #[test]
    fn generated_sound_ducks_under_script_files() {
        let mut p = placed(vec![1.0; 20], 0, 10, false);
        p.ducked_in = vec![(2, 8)];
        let (mut l, mut r) = (vec![0f32; 10], vec![0f32; 10]);
        p.add_into(0, &mut l, &mut r);
        let duck = 10f32.powf(DUCK_DB as f32 / 20.0);
        let expected = [1.0, 1.0, duck, duck, duck, duck, duck, duck, 1.0, 1.0];
        for (got, want) in l.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{l:?}");
        }
    }

    #[test]
    fn placement_is_sample_exact_and_loops() {
        let p = placed(vec![0.1, -0.1, 0.2, -0.2], 3, 8, true);
        let (mut l, mut r) = (vec![0f32; 10], vec![0f32; 10]);
        p.add_into(0, &mut l, &mut r);
        assert_eq!(l, vec![0.0, 0.0, 0.0, 0.1, 0.2, 0.1, 0.2, 0.1, 0.0, 0.0]);
        assert_eq!(r[3], -0.1);
    }

    /// A film with nothing to hear: the mastering it skips would have given the same gain,
    /// limiter and loudness, and the mix is exact zeros.
    #[test]
    fn silence_is_mastered_without_measuring_it() {
        let total = 4 * SAMPLE_RATE as u64 + 17;
        let unmeasured = Measurement {
            integrated_lufs: Some(0.0),
            true_peak_dbtp: 0.0,
        };
        let silent = || AudioMix {
            placed: Vec::new(),
            total,
            duck: Envelope::constant(total, 1.0),
            gain: 0.5,
            limiter: Envelope::constant(total, 0.5),
            loudness: LoudnessReport {
                target_lufs: -16.0,
                before: unmeasured,
                after: unmeasured,
            },
            inputs: Vec::new(),
            lines: 0,
        };
        let (mut fast, mut measured) = (silent(), silent());
        fast.master(-16.0).unwrap();
        measured.master_measured(-16.0).unwrap();
        assert_eq!(fast.gain, measured.gain);
        assert_eq!(fast.limiter, measured.limiter);
        assert_eq!(fast.loudness, measured.loudness);
        assert_eq!(fast.loudness.after.integrated_lufs, None);
        let (mut l, mut r) = (vec![1f32; 5000], vec![1f32; 5000]);
        fast.render(total - 100, &mut l, &mut r);
        assert!(l.iter().chain(&r).all(|&v| v.to_bits() == 0), "not +0.0");
    }

    #[test]
    fn fades_are_linear() {
        let mut p = placed(vec![1.0; 20], 0, 10, false);
        p.fade_in = 4;
        p.fade_out = 2;
        let (mut l, mut r) = (vec![0f32; 10], vec![0f32; 10]);
        p.add_into(0, &mut l, &mut r);
        assert_eq!(l, vec![0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5]);
    }
}
