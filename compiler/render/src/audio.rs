//! The film's sound: assets decoded through FFmpeg, resampled to 48 kHz stereo f32, placed on
//! the film's timeline sample-exactly and mixed.
//!
//! The mix is computed block by block on demand ([`AudioMix::render`]), so the encoder can
//! stream it; a first pass over the same blocks finds the peak. If the mix would clip, one
//! gain for the whole film (`CEILING / peak`) scales it: deterministic, and it keeps the
//! balance the script wrote, where a limiter would pump.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ffmpeg_next as ffmpeg;
use scene_plan::schedule::FilmSchedule;
use scene_previz::error::RenderError;

pub use scene_previz::sound::{StereoBuffer, SAMPLE_RATE};

/// Highest peak the mix may have after headroom scaling. A little under full scale, so that the
/// AAC encoder's own overshoot does not clip on playback.
pub const CEILING: f32 = 0.98;

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

/// One sound placed on the film's timeline, in samples.
#[derive(Clone, Debug)]
struct Placed {
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
    /// Film samples where this sound gives way to the script's own sound ([`DUCK_DB`])...
    ducked_in: Vec<(u64, u64)>,
    /// ...except these (the shot's dialogue lines).
    kept_in: Vec<(u64, u64)>,
}

/// How far a backend's generated sound drops under the script's own `play`ed files, outside the
/// shot's dialogue lines.
pub const DUCK_DB: f64 = -12.0;

fn inside(ranges: &[(u64, u64)], s: u64) -> bool {
    ranges.iter().any(|&(a, b)| a <= s && s < b)
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
            if inside(&self.ducked_in, s) && !inside(&self.kept_in, s) {
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

/// The film's mixed sound, computed on demand.
pub struct AudioMix {
    placed: Vec<Placed>,
    total: u64,
    gain: f32,
    inputs: Vec<MixInput>,
}

const BLOCK: usize = 4096;

impl AudioMix {
    /// Decode every asset `film.audio` names (each once) and place its events.
    pub fn new(film: &FilmSchedule, project_root: &Path) -> Result<Self, RenderError> {
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
                asset,
                start,
                end,
                scheduled_end,
                gain: 10f64.powf(event.gain_db / 20.0) as f32,
                fade_in: frame_to_sample(u64::from(event.fade_in_frames.0), fps),
                fade_out: frame_to_sample(u64::from(event.fade_out_frames.0), fps),
                looped: event.looped,
                ducked_in: Vec::new(),
                kept_in: Vec::new(),
            });
        }
        inputs.sort_by(|a, b| a.asset.cmp(&b.asset));
        let mut mix = AudioMix {
            placed,
            total,
            gain: 1.0,
            inputs,
        };
        let peak = mix.peak();
        if peak > CEILING {
            mix.gain = CEILING / peak;
        }
        Ok(mix)
    }

    /// The mix with each shot's generated sound added (`sounds[i]` is shot `i`'s, as long as
    /// the shot), by the rule docs/render.md states: a shot's sound plays from its first frame
    /// to its last, fading in and out over the transitions that join it to its neighbours
    /// (a dissolve crossfades the two shots' sounds); where one of the script's own files
    /// sounds, the generated sound drops by [`DUCK_DB`], except during the shot's dialogue
    /// lines, whose generated speech always plays at full level. The headroom gain is found
    /// again over the whole result.
    pub fn with_shot_sounds(mut self, film: &FilmSchedule, sounds: Vec<StereoBuffer>) -> Self {
        let fps = film.fps;
        let at = |frame: u64| frame_to_sample(frame, fps);
        let script: Vec<(u64, u64)> = self
            .placed
            .iter()
            .filter(|p| p.start < p.end)
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
            let kept_in = shot
                .dialogue
                .iter()
                .map(|line| {
                    let a = first + u64::from(line.start_frame.0).min(frames);
                    let b = first + u64::from(line.end_frame.0).min(frames);
                    (at(a), at(b))
                })
                .collect();
            let end = scheduled_end
                .min(self.total)
                .min(start + sound.frames() as u64);
            self.placed.push(Placed {
                asset: Arc::new(sound),
                start,
                end,
                scheduled_end,
                gain: 1.0,
                fade_in: at(fade_in.min(frames)),
                fade_out: at(next_out.max(own_out).min(frames)),
                looped: false,
                ducked_in: script.clone(),
                kept_in,
            });
        }
        self.gain = 1.0;
        let peak = self.peak();
        if peak > CEILING {
            self.gain = CEILING / peak;
        }
        self
    }

    /// Samples per channel of the whole film.
    pub fn total_samples(&self) -> u64 {
        self.total
    }

    /// The gain applied to keep the mix from clipping (1.0 when it did not need any).
    pub fn headroom_gain(&self) -> f32 {
        self.gain
    }

    pub fn inputs(&self) -> &[MixInput] {
        &self.inputs
    }

    fn mix_raw(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        left.fill(0.0);
        right.fill(0.0);
        for p in &self.placed {
            p.add_into(from, left, right);
        }
    }

    fn peak(&self) -> f32 {
        let (mut l, mut r) = (vec![0f32; BLOCK], vec![0f32; BLOCK]);
        let mut peak = 0f32;
        let mut at = 0;
        while at < self.total {
            let n = (self.total - at).min(BLOCK as u64) as usize;
            self.mix_raw(at, &mut l[..n], &mut r[..n]);
            for v in l[..n].iter().chain(&r[..n]) {
                peak = peak.max(v.abs());
            }
            at += n as u64;
        }
        peak
    }

    /// The final mix of samples `from..from + left.len()` (past the film's end: silence).
    pub fn render(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
        assert_eq!(left.len(), right.len(), "channel buffers differ in length");
        self.mix_raw(from, left, right);
        for v in left.iter_mut().chain(right.iter_mut()) {
            *v = (*v * self.gain).clamp(-1.0, 1.0);
        }
        let past_end = self.total.saturating_sub(from).min(left.len() as u64) as usize;
        left[past_end..].fill(0.0);
        right[past_end..].fill(0.0);
    }
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
            asset: Arc::new(StereoBuffer { samples }),
            start,
            end,
            scheduled_end: end,
            gain: 1.0,
            fade_in: 0,
            fade_out: 0,
            looped,
            ducked_in: Vec::new(),
            kept_in: Vec::new(),
        }
    }

    #[test]
    fn generated_sound_ducks_under_script_files_but_not_in_dialogue() {
        let mut p = placed(vec![1.0; 20], 0, 10, false);
        p.ducked_in = vec![(2, 8)];
        p.kept_in = vec![(4, 6)];
        let (mut l, mut r) = (vec![0f32; 10], vec![0f32; 10]);
        p.add_into(0, &mut l, &mut r);
        let duck = 10f32.powf(DUCK_DB as f32 / 20.0);
        let expected = [1.0, 1.0, duck, duck, 1.0, 1.0, duck, duck, 1.0, 1.0];
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
