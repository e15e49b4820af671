//! The MP4 encoder: H.264 (libx264, yuv420p), AAC (FFmpeg's native encoder, fltp, 48 kHz
//! stereo), a mov_text subtitle track, faststart, and the render's metadata.
//!
//! Deterministic by construction: x264 runs with a fixed number of slice threads (its output
//! depends on the thread count, never on scheduling), the colour conversion is integer
//! arithmetic, and no wall-clock time is written into the file. Encoding the same frames twice
//! gives the same bytes.
//!
//! Every packet gets its duration before `rescale_ts`; without it the MP4's edit list cuts the
//! last video frame.
//!
//! Video arrives encoded ([`segment`]): a render copies each shot's cached H.264 packets and
//! encodes only the frames transitions change. Two stages overlap: the calling thread produces
//! the packets, while a muxer thread runs the AAC encoder and the muxer. Packets cross in play
//! order through a short queue, so the file does not depend on how the threads are scheduled.

pub mod segment;
pub mod staged;
pub mod yuv;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use ffmpeg::{codec, encoder, format, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;
use scene_plan::schedule::FilmSchedule;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

use crate::audio::{AudioMix, SAMPLE_RATE};
use crate::subtitles::TextSample;

pub use segment::{EncodedPacket, SegmentDecoder, SegmentEncoder, VideoParams};
pub use staged::StagedFile;

/// Knobs of the encoder. The defaults keep 768x512 previz far faster than real time on 2 cores:
/// x264's `veryfast` alone costs about 8 ms of CPU per 768x512 frame there (2.3 s for a 12 s
/// film), more than the whole render may take at 10x real time; `ultrafast` costs about 2 ms at
/// roughly twice the bit rate for the same quality, which suits a preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeSettings {
    /// x264 preset.
    pub preset: String,
    /// x264 constant rate factor (0 lossless … 51).
    pub crf: u32,
    /// x264 slice threads. Part of the output's identity: keep it fixed for reproducible files.
    pub threads: usize,
    pub audio_bit_rate: usize,
}

impl Default for EncodeSettings {
    fn default() -> Self {
        EncodeSettings {
            preset: "ultrafast".into(),
            crf: 20,
            threads: 2,
            audio_bit_rate: 160_000,
        }
    }
}

/// What the file says about how it was made; filled in by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    /// `scenec <version>`.
    pub tool: String,
    pub script_sha256: String,
    pub schedule_sha256: String,
    pub backend: String,
}

impl Metadata {
    /// The MP4 tags (written as `mdta` keys, which ffprobe shows under `format.tags`).
    pub fn tags(&self) -> Vec<(&'static str, String)> {
        vec![
            ("title", self.title.clone()),
            (
                "comment",
                if self.tool.is_empty() {
                    String::new()
                } else {
                    format!("made with {}", self.tool)
                },
            ),
            ("scenec_tool", self.tool.clone()),
            ("scenec_script_sha256", self.script_sha256.clone()),
            ("scenec_schedule_sha256", self.schedule_sha256.clone()),
            ("scenec_backend", self.backend.clone()),
        ]
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeStats {
    pub video_frames: u64,
    pub audio_samples: u64,
    pub subtitle_samples: u64,
}

/// The minimal ASS header the mov_text encoder parses its style from.
const ASS_HEADER: &str =
    "[Script Info]\r\nScriptType: v4.00+\r\nPlayResX: 384\r\nPlayResY: 288\r\n\r\n\
[V4+ Styles]\r\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\r\n\
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\r\n\r\n\
[Events]\r\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\r\n";

fn ff(what: &str) -> impl Fn(ffmpeg::Error) -> RenderError + '_ {
    move |e| RenderError::Encode(format!("{what}: {e}"))
}

/// An error writing the MP4 (`what` was being written): a full disk is named as such, with the
/// folder it fills, instead of as a failure to write whatever happened to come next.
fn write_error<'a>(
    out: &'a StagedFile,
    what: &'a str,
) -> impl Fn(ffmpeg::Error) -> RenderError + 'a {
    move |e| {
        let full = matches!(e, ffmpeg::Error::Other { errno } if errno == libc_errno::ENOSPC || errno == libc_errno::EDQUOT);
        if full {
            let dir = match out.dest().parent() {
                Some(d) if !d.as_os_str().is_empty() => d.display().to_string(),
                _ => ".".to_string(),
            };
            RenderError::write(
                out.dest(),
                format!("the disk holding {dir} is full (no space left while writing {what})"),
            )
        } else {
            RenderError::write(out.dest(), format!("cannot write {what}: {e}"))
        }
    }
}

/// The error numbers a full disk gives (Linux values; FFmpeg passes them through).
mod libc_errno {
    pub const ENOSPC: i32 = 28;
    pub const EDQUOT: i32 = 122;
}

fn is_again(e: &ffmpeg::Error) -> bool {
    matches!(e, ffmpeg::Error::Eof)
        || matches!(e, ffmpeg::Error::Other { errno } if *errno == ffmpeg::util::error::EAGAIN)
}

struct Track {
    index: usize,
    encoder_tb: Rational,
}

impl Track {
    fn stream_tb(&self, octx: &format::context::Output) -> Result<Rational, RenderError> {
        octx.stream(self.index)
            .map(|s| s.time_base())
            .ok_or_else(|| RenderError::Encode("output stream vanished".into()))
    }
}

/// Packets queued between the producing thread and the muxer thread: enough to ride out a slow
/// frame on either side, little enough to keep memory flat.
const QUEUE: usize = 8;

/// Encode the film's composited frames into `out`'s temporary file. The caller commits `out`.
#[allow(clippy::too_many_arguments)]
pub fn encode_mp4(
    out: &StagedFile,
    film: &FilmSchedule,
    frames: &mut dyn Iterator<Item = Result<RgbFrame, RenderError>>,
    audio: &AudioMix,
    text: &[TextSample],
    metadata: &Metadata,
    settings: &EncodeSettings,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<EncodeStats, RenderError> {
    let params = VideoParams {
        width: film.width,
        height: film.height,
        fps: film.fps,
        settings: settings.clone(),
    };
    let encoder = SegmentEncoder::new(&params)?;
    let extradata = encoder.extradata();
    let mut packets = EncodedFrames {
        frames,
        encoder: Some(encoder),
        pending: VecDeque::new(),
    };
    mux_mp4(
        out,
        film,
        &VideoStream {
            params: &params,
            extradata: &extradata,
        },
        &mut packets,
        audio,
        text,
        metadata,
        cancel,
        progress,
    )
}

/// Frames encoded as they are pulled: one segment for the whole film.
struct EncodedFrames<'a> {
    frames: &'a mut dyn Iterator<Item = Result<RgbFrame, RenderError>>,
    encoder: Option<SegmentEncoder>,
    pending: VecDeque<EncodedPacket>,
}

impl Iterator for EncodedFrames<'_> {
    type Item = Result<EncodedPacket, RenderError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Some(Ok(p));
            }
            let encoder = self.encoder.as_mut()?;
            match self.frames.next() {
                Some(Ok(frame)) => {
                    if let Err(e) = encoder.push(&frame) {
                        self.encoder = None;
                        return Some(Err(e));
                    }
                    self.pending.extend(encoder.take_packets());
                }
                Some(Err(e)) => {
                    self.encoder = None;
                    return Some(Err(e));
                }
                None => match self.encoder.take()?.finish() {
                    Ok(rest) => self.pending.extend(rest),
                    Err(e) => return Some(Err(e)),
                },
            }
        }
    }
}

/// The video track: its parameters and SPS/PPS; every packet must fit them.
pub struct VideoStream<'a> {
    pub params: &'a VideoParams,
    pub extradata: &'a [u8],
}

/// Write the MP4 from already encoded video packets (one per film frame, in order, each the
/// film's next frame), the audio mix and the subtitles. Packets are pulled on the calling
/// thread, so whatever produces them (copying cached segments, compositing and encoding the
/// transitions) overlaps the AAC encoding and muxing on the muxer thread.
#[allow(clippy::too_many_arguments)]
pub fn mux_mp4(
    out: &StagedFile,
    film: &FilmSchedule,
    video: &VideoStream<'_>,
    packets: &mut dyn Iterator<Item = Result<EncodedPacket, RenderError>>,
    audio: &AudioMix,
    text: &[TextSample],
    metadata: &Metadata,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<EncodeStats, RenderError> {
    crate::audio::init_ffmpeg()?;
    let (width, height) = (film.width, film.height);
    if width == 0 || height == 0 || (width | height) & 1 != 0 {
        return Err(RenderError::Schedule(format!(
            "the film is {width}x{height}; H.264 4:2:0 needs even, non-zero sides"
        )));
    }
    if film.fps == 0 {
        return Err(RenderError::Schedule("fps is 0".into()));
    }
    if (video.params.width, video.params.height, video.params.fps) != (width, height, film.fps) {
        return Err(RenderError::Schedule(format!(
            "video packets of {}x{} at {} fps for a {width}x{height} film at {} fps",
            video.params.width, video.params.height, video.params.fps, film.fps
        )));
    }
    let total_frames = u64::from(film.frames.0);
    let encoded = AtomicU64::new(0);
    let (tx, rx) = mpsc::sync_channel::<EncodedPacket>(QUEUE);
    std::thread::scope(|scope| {
        let muxer = std::thread::Builder::new()
            .name("mux".into())
            .spawn_scoped(scope, || {
                encode_frames(
                    out, film, video, rx, audio, text, metadata, cancel, &encoded,
                )
            })
            .map_err(|e| RenderError::Encode(format!("cannot start the muxer thread: {e}")))?;
        let produced = forward_packets(film, packets, &tx, cancel, &encoded, progress);
        // Closing the queue tells the muxer that no more packets come.
        drop(tx);
        let muxed = muxer
            .join()
            .map_err(|_| RenderError::Encode("the muxer thread panicked".into()))?;
        // The producer's error (a cancelled render, a broken cache entry) explains a muxer that
        // ran out of packets; otherwise the muxer's own error comes first.
        match (produced, muxed) {
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(e),
            (Ok(()), Ok(stats)) => {
                progress(stats.video_frames, total_frames);
                Ok(stats)
            }
        }
    })
}

/// The calling thread's stage: pull each frame's packet and queue it for the muxer.
fn forward_packets(
    film: &FilmSchedule,
    packets: &mut dyn Iterator<Item = Result<EncodedPacket, RenderError>>,
    queue: &mpsc::SyncSender<EncodedPacket>,
    cancel: &AtomicBool,
    encoded: &AtomicU64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), RenderError> {
    let total_frames = u64::from(film.frames.0);
    for index in 0..total_frames {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let packet = match packets.next() {
            Some(p) => p?,
            None => {
                return Err(RenderError::Schedule(format!(
                    "the compositor stopped after {index} of {total_frames} frames"
                )))
            }
        };
        if queue.send(packet).is_err() {
            // The muxer stopped; its error is what the caller reports.
            return Ok(());
        }
        progress(encoded.load(Ordering::Relaxed), total_frames);
    }
    if packets.next().is_some() {
        return Err(RenderError::Schedule(format!(
            "the compositor produced more than the film's {total_frames} frames"
        )));
    }
    Ok(())
}

/// The encoder thread's stage: every FFmpeg context lives and dies here.
#[allow(clippy::too_many_arguments)]
fn encode_frames(
    out: &StagedFile,
    film: &FilmSchedule,
    video_stream: &VideoStream<'_>,
    packets: mpsc::Receiver<EncodedPacket>,
    audio: &AudioMix,
    text: &[TextSample],
    metadata: &Metadata,
    cancel: &AtomicBool,
    encoded: &AtomicU64,
) -> Result<EncodeStats, RenderError> {
    let fps = film.fps;
    let path = out.temp_path();
    let mut octx = format::output_as(&path, "mp4")
        .map_err(|e| RenderError::write(out.dest(), format!("cannot create the MP4 ({e})")))?;
    let global_header = octx.format().flags().contains(format::Flags::GLOBAL_HEADER);

    // Video: the stream's parameters come from an encoder set up exactly like the ones that
    // made the packets; its SPS/PPS must be theirs.
    let video_tb = Rational::new(1, fps as i32);
    let template = SegmentEncoder::new(video_stream.params)?;
    if template.extradata() != video_stream.extradata {
        return Err(RenderError::Encode(
            "the video packets were made by an encoder set up differently from this one".into(),
        ));
    }
    let video = {
        let mut st = octx
            .add_stream(template.codec())
            .map_err(ff("video stream"))?;
        st.set_parameters(template.context());
        st.set_time_base(video_tb);
        Track {
            index: st.index(),
            encoder_tb: video_tb,
        }
    };
    drop(template);

    // Audio.
    let aac = encoder::find(codec::Id::AAC)
        .ok_or_else(|| RenderError::Encode("this FFmpeg has no AAC encoder".into()))?;
    let audio_tb = Rational::new(1, SAMPLE_RATE as i32);
    let mut aenc = codec::context::Context::new_with_codec(aac)
        .encoder()
        .audio()
        .map_err(ff("audio encoder"))?;
    aenc.set_rate(SAMPLE_RATE as i32);
    aenc.set_channel_layout(ffmpeg::ChannelLayout::STEREO);
    aenc.set_format(format::Sample::F32(format::sample::Type::Planar));
    aenc.set_bit_rate(video_stream.params.settings.audio_bit_rate);
    aenc.set_time_base(audio_tb);
    if global_header {
        aenc.set_flags(codec::Flags::GLOBAL_HEADER);
    }
    let aenc = aenc
        .open_as(aac)
        .map_err(ff("cannot open the AAC encoder"))?;
    let audio_track = {
        let mut st = octx.add_stream(aac).map_err(ff("audio stream"))?;
        st.set_parameters(&aenc);
        st.set_time_base(audio_tb);
        Track {
            index: st.index(),
            encoder_tb: audio_tb,
        }
    };
    let frame_size = match aenc.frame_size() {
        0 => 1024,
        n => n as usize,
    };

    // Subtitles: a mov_text track only when there is something to show.
    let text_tb = Rational::new(1, 1000);
    let mut subtitles = if text.is_empty() {
        None
    } else {
        let mov_text = encoder::find(codec::Id::MOV_TEXT)
            .ok_or_else(|| RenderError::Encode("this FFmpeg has no mov_text encoder".into()))?;
        let mut ctx = codec::context::Context::new_with_codec(mov_text);
        // SAFETY: libavcodec owns and frees `subtitle_header`; it must come from av_malloc and
        // be NUL-terminated, which this copy is.
        unsafe {
            let header = ASS_HEADER.as_bytes();
            let buf = ffmpeg::ffi::av_mallocz(header.len() + 1) as *mut u8;
            if buf.is_null() {
                return Err(RenderError::Encode("out of memory".into()));
            }
            std::ptr::copy_nonoverlapping(header.as_ptr(), buf, header.len());
            (*ctx.as_mut_ptr()).subtitle_header = buf;
            (*ctx.as_mut_ptr()).subtitle_header_size = header.len() as i32;
        }
        ctx.set_time_base(text_tb);
        let senc = ctx.encoder().subtitle().map_err(ff("subtitle encoder"))?;
        let senc = senc
            .open_as(mov_text)
            .map_err(ff("cannot open the mov_text encoder"))?;
        let mut st = octx.add_stream(mov_text).map_err(ff("subtitle stream"))?;
        st.set_parameters(&senc);
        st.set_time_base(text_tb);
        Some((
            senc,
            Track {
                index: st.index(),
                encoder_tb: text_tb,
            },
        ))
    };

    let mut tags = Dictionary::new();
    for (k, v) in metadata.tags() {
        if !v.is_empty() {
            tags.set(k, &v);
        }
    }
    octx.set_metadata(tags);
    let mut mux_opts = Dictionary::new();
    mux_opts.set("movflags", "+faststart+use_metadata_tags");
    octx.write_header_with(mux_opts)
        .map_err(write_error(out, "the MP4 header"))?;

    let video_stream_tb = video.stream_tb(&octx)?;
    let audio_stream_tb = audio_track.stream_tb(&octx)?;
    let text_stream_tb = match &subtitles {
        Some((_, t)) => Some(t.stream_tb(&octx)?),
        None => None,
    };

    let total_frames = u64::from(film.frames.0);
    let mut stats = EncodeStats::default();
    let mut next_text = 0usize;

    // The AAC encoder runs on its own thread from the start, ahead of the video; its packets
    // follow the video into the file: after each video frame, every audio packet that starts
    // before the next frame is written, so the muxer never buffers much.
    let (audio_tx, audio_rx) = mpsc::channel::<Packet>();
    std::thread::scope(|scope| {
        let audio_thread = std::thread::Builder::new()
            .name("aac".into())
            .spawn_scoped(scope, move || {
                encode_audio(aenc, audio, frame_size, &audio_tx, cancel)
            })
            .map_err(|e| {
                RenderError::Encode(format!("cannot start the audio encoder thread: {e}"))
            })?;
        let mut pending_audio: Option<Packet> = None;
        let mut write_audio_until =
            |until: i64, octx: &mut format::context::Output| -> Result<(), RenderError> {
                loop {
                    let packet = match pending_audio.take() {
                        Some(p) => p,
                        None => match audio_rx.recv() {
                            Ok(p) => p,
                            // The audio thread is done (or failed: its join says why).
                            Err(_) => return Ok(()),
                        },
                    };
                    if packet.pts().is_some_and(|pts| pts >= until) {
                        pending_audio = Some(packet);
                        return Ok(());
                    }
                    let mut packet = packet;
                    packet.set_stream(audio_track.index);
                    packet.rescale_ts(audio_track.encoder_tb, audio_stream_tb);
                    packet
                        .write_interleaved(octx)
                        .map_err(write_error(out, "audio"))?;
                }
            };

        let mut push_text_until = |until_ms: u64,
                                   subtitles: &mut Option<(encoder::subtitle::Encoder, Track)>,
                                   octx: &mut format::context::Output,
                                   stats: &mut EncodeStats|
         -> Result<(), RenderError> {
            let Some((senc, track)) = subtitles.as_mut() else {
                return Ok(());
            };
            let Some(stream_tb) = text_stream_tb else {
                return Ok(());
            };
            while next_text < text.len() && text[next_text].start_ms < until_ms {
                let sample = &text[next_text];
                let packet = encode_text(senc, sample)?;
                let mut packet = packet;
                packet.set_stream(track.index);
                packet.set_pts(Some(sample.start_ms as i64));
                packet.set_dts(Some(sample.start_ms as i64));
                packet.set_duration((sample.end_ms - sample.start_ms) as i64);
                packet.rescale_ts(track.encoder_tb, stream_tb);
                packet
                    .write_interleaved(octx)
                    .map_err(write_error(out, "a subtitle"))?;
                next_text += 1;
                stats.subtitle_samples += 1;
            }
            Ok(())
        };

        for index in 0..total_frames {
            if cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Interrupted);
            }
            let Ok(encoded_packet) = packets.recv() else {
                return Err(RenderError::Schedule(format!(
                    "the compositor stopped after {index} of {total_frames} frames"
                )));
            };
            let mut packet = Packet::copy(&encoded_packet.data);
            drop(encoded_packet.data);
            packet.set_stream(video.index);
            packet.set_pts(Some(index as i64));
            packet.set_dts(Some(index as i64));
            packet.set_duration(1);
            if encoded_packet.key {
                packet.set_flags(codec::packet::Flags::KEY);
            }
            packet.rescale_ts(video.encoder_tb, video_stream_tb);
            packet
                .write_interleaved(&mut octx)
                .map_err(write_error(out, "a video frame"))?;
            stats.video_frames += 1;
            encoded.store(stats.video_frames, Ordering::Relaxed);

            let next = index + 1;
            write_audio_until(crate::audio::frame_to_sample(next, fps) as i64, &mut octx)?;
            push_text_until(
                crate::subtitles::frame_to_ms(next as u32, fps),
                &mut subtitles,
                &mut octx,
                &mut stats,
            )?;
        }
        write_audio_until(i64::MAX, &mut octx)?;
        push_text_until(u64::MAX, &mut subtitles, &mut octx, &mut stats)?;
        stats.audio_samples = audio_thread
            .join()
            .map_err(|_| RenderError::Encode("the audio encoder thread panicked".into()))??;
        octx.write_trailer()
            .map_err(write_error(out, "the end of the MP4"))?;
        Ok(stats)
    })
}

/// The audio thread's stage: mix and AAC-encode the whole soundtrack, handing packets (in the
/// encoder's time base, samples) to the muxer in order. Stops when the muxer hangs up.
fn encode_audio(
    mut aenc: encoder::audio::Encoder,
    audio: &AudioMix,
    frame_size: usize,
    out: &mpsc::Sender<Packet>,
    cancel: &AtomicBool,
) -> Result<u64, RenderError> {
    let total = audio.total_samples();
    let (mut left, mut right) = (vec![0f32; frame_size], vec![0f32; frame_size]);
    // Whether the muxer still listens.
    let send_ready =
        |aenc: &mut encoder::audio::Encoder, default_duration: i64| -> Result<bool, RenderError> {
            let mut packet = Packet::empty();
            loop {
                match aenc.receive_packet(&mut packet) {
                    Ok(()) => {
                        if packet.duration() <= 0 {
                            packet.set_duration(default_duration);
                        }
                        let ready = std::mem::replace(&mut packet, Packet::empty());
                        if out.send(ready).is_err() {
                            return Ok(false);
                        }
                    }
                    Err(e) if is_again(&e) => return Ok(true),
                    Err(e) => return Err(RenderError::Encode(format!("AAC encoder: {e}"))),
                }
            }
        };
    let mut next: u64 = 0;
    while next < total {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let n = (total - next).min(frame_size as u64) as usize;
        audio.render(next, &mut left[..n], &mut right[..n]);
        let mut frame = ffmpeg::frame::Audio::new(
            format::Sample::F32(format::sample::Type::Planar),
            n,
            ffmpeg::ChannelLayout::STEREO,
        );
        zero_buffers(&mut frame);
        frame.set_rate(SAMPLE_RATE);
        frame.set_pts(Some(next as i64));
        frame.plane_mut::<f32>(0)[..n].copy_from_slice(&left[..n]);
        frame.plane_mut::<f32>(1)[..n].copy_from_slice(&right[..n]);
        aenc.send_frame(&frame).map_err(ff("AAC encoder"))?;
        next += n as u64;
        if !send_ready(&mut aenc, n as i64)? {
            return Ok(next);
        }
    }
    aenc.send_eof().map_err(ff("AAC encoder"))?;
    send_ready(&mut aenc, frame_size as i64)?;
    Ok(next)
}

/// Clear every byte of a fresh frame's buffers, padding included. `av_frame_get_buffer` leaves
/// them uninitialised, and encoders' SIMD code may read a few bytes past a row or a plane: with
/// garbage there, the same pictures occasionally encoded to different bytes.
fn zero_buffers(frame: &mut ffmpeg::Frame) {
    // SAFETY: each non-null `buf[i]` is a live AVBufferRef of `size` writable bytes owned by
    // this frame, which nothing else references yet.
    unsafe {
        let f = frame.as_mut_ptr();
        for buf in (*f).buf.iter() {
            if !buf.is_null() && !(**buf).data.is_null() {
                std::ptr::write_bytes((**buf).data, 0, (**buf).size as usize);
            }
        }
    }
}

/// One mov_text sample through the encoder (libavcodec writes the tx3g layout).
fn encode_text(
    senc: &mut encoder::subtitle::Encoder,
    sample: &TextSample,
) -> Result<Packet, RenderError> {
    // ASS dialogue fields: ReadOrder, Layer, Style, Name, MarginL, MarginR, MarginV, Effect, Text.
    // Braces would open override blocks and NUL would end the C string.
    let body: String = sample
        .text
        .chars()
        .map(|c| match c {
            '{' => '(',
            '}' => ')',
            '\0' => ' ',
            c => c,
        })
        .collect::<String>()
        .replace("\r\n", "\n")
        .replace('\n', "\\N");
    let line = format!("0,0,Default,,0,0,0,,{body}");
    let mut subtitle = ffmpeg::Subtitle::new();
    subtitle.set_pts(Some(sample.start_ms as i64 * 1000));
    subtitle.set_start(0);
    subtitle.set_end((sample.end_ms - sample.start_ms) as u32);
    if let codec::subtitle::RectMut::Ass(mut ass) = subtitle.add_rect(codec::subtitle::Type::Ass) {
        ass.set(&line);
    }
    let mut buf = vec![0u8; line.len() * 4 + 1024];
    // SAFETY: the context is an opened mov_text encoder, `buf` is writable for its length and
    // the subtitle holds one ASS rect allocated by libavutil; it is freed right after.
    let written = unsafe {
        let n = ffmpeg::ffi::avcodec_encode_subtitle(
            senc.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len() as i32,
            subtitle.as_ptr(),
        );
        ffmpeg::ffi::avsubtitle_free(subtitle.as_mut_ptr());
        n
    };
    if written < 0 {
        return Err(RenderError::Encode(format!(
            "mov_text encoder: {}",
            ffmpeg::Error::from(written)
        )));
    }
    Ok(Packet::copy(&buf[..written as usize]))
}

#[cfg(test)]
mod write_error_tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_with_the_folder_it_fills() {
        let dir = tempfile::tempdir().unwrap();
        let out = StagedFile::new(&dir.path().join("film.mp4")).unwrap();
        let full = write_error(&out, "a subtitle")(ffmpeg::Error::Other {
            errno: libc_errno::ENOSPC,
        });
        let text = full.to_string();
        assert!(text.contains("film.mp4"), "{text}");
        assert!(
            text.contains(&format!(
                "the disk holding {} is full",
                dir.path().display()
            )),
            "{text}"
        );
        let other = write_error(&out, "a subtitle")(ffmpeg::Error::InvalidData).to_string();
        assert!(other.contains("cannot write a subtitle"), "{other}");
    }
}
