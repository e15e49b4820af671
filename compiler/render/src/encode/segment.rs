//! A shot's frames as H.264: what the cache stores and what the film is assembled from.
//!
//! Encoding each shot once, where it is rendered, and copying its packets into the film is what
//! makes a cached render (or a one-shot edit) cost little more than the muxing: nothing is
//! decoded, converted or encoded again except the frames a transition changes.
//!
//! Three rules make copied packets valid in one MP4 track:
//! - every encoder of a render uses the same x264 parameters ([`VideoParams`]), so their
//!   SPS/PPS (the stream's `extradata`) are identical; the assembler checks it per segment;
//! - no B-frames: packets come in display order and any prefix of a segment decodes alone;
//! - an IDR every `keyint` frames, and never elsewhere (scenecut off): a copy can start there,
//!   and the positions depend only on the shot, not on the film around it, so a segment's
//!   bytes do not depend on which film first rendered it.

use ffmpeg::{codec, decoder, encoder, format, Dictionary, Packet, Rational};
use ffmpeg_next as ffmpeg;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use sha2::{Digest, Sha256};

use super::yuv::{self, YuvPlanes, YuvRef};
use super::{ff, is_again, zero_buffers, EncodeSettings};

/// One encoded frame. Segments have no B-frames, so packet `i` is frame `i`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedPacket {
    /// Annex B, as libx264 writes it.
    pub data: Vec<u8>,
    /// An IDR picture: decoding can start here.
    pub key: bool,
}

/// What every encoder of one film shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoParams {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub settings: EncodeSettings,
}

impl VideoParams {
    /// Frames between IDR pictures: one second, the usual GOP of footage meant for editing.
    /// A transition's re-encoded frames reach at most this far into the shot after it.
    pub fn keyint(&self) -> u32 {
        self.fps.clamp(1, 250)
    }

    fn check(&self) -> Result<(), RenderError> {
        if self.width == 0 || self.height == 0 || (self.width | self.height) & 1 != 0 {
            return Err(RenderError::Schedule(format!(
                "the film is {}x{}; H.264 4:2:0 needs even, non-zero sides",
                self.width, self.height
            )));
        }
        if self.fps == 0 || self.fps > 1000 {
            return Err(RenderError::Schedule(format!(
                "fps {} is out of range",
                self.fps
            )));
        }
        Ok(())
    }

    /// The `x264-params` string: the GOP structure the assembler relies on.
    fn x264_params(&self) -> String {
        let k = self.keyint();
        format!("keyint={k}:min-keyint={k}:scenecut=0:bframes=0:open-gop=0")
    }
}

/// A libx264 encoder for one run of frames (a shot, or the frames of a transition).
pub struct SegmentEncoder {
    enc: encoder::video::Encoder,
    codec: ffmpeg::Codec,
    picture: ffmpeg::frame::Video,
    params: VideoParams,
    next_pts: i64,
    packets: Vec<EncodedPacket>,
    /// Packets received from x264 so far (taken or not): the next one's expected pts.
    received: i64,
}

impl SegmentEncoder {
    pub fn new(params: &VideoParams) -> Result<Self, RenderError> {
        crate::audio::init_ffmpeg()?;
        params.check()?;
        let h264 = encoder::find_by_name("libx264")
            .ok_or_else(|| RenderError::Encode("this FFmpeg has no libx264 encoder".into()))?;
        let mut venc = codec::context::Context::new_with_codec(h264)
            .encoder()
            .video()
            .map_err(ff("video encoder"))?;
        venc.set_width(params.width);
        venc.set_height(params.height);
        venc.set_format(format::Pixel::YUV420P);
        venc.set_time_base(Rational::new(1, params.fps as i32));
        venc.set_frame_rate(Some(Rational::new(params.fps as i32, 1)));
        venc.set_colorspace(ffmpeg::color::Space::SMPTE170M);
        venc.set_color_range(ffmpeg::color::Range::MPEG);
        venc.set_color_primaries(ffmpeg::color::Primaries::SMPTE170M);
        venc.set_color_transfer_characteristic(ffmpeg::color::TransferCharacteristic::SMPTE170M);
        venc.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Slice,
            count: params.settings.threads.max(1),
            ..Default::default()
        });
        // SPS/PPS go to extradata, not into the packets: one copy for the whole MP4 track.
        venc.set_flags(codec::Flags::GLOBAL_HEADER);
        let mut x264 = Dictionary::new();
        x264.set("preset", &params.settings.preset);
        x264.set("crf", &params.settings.crf.to_string());
        x264.set("x264-params", &params.x264_params());
        let enc = venc
            .open_as_with(h264, x264)
            .map_err(ff("cannot open libx264"))?;
        let mut picture =
            ffmpeg::frame::Video::new(format::Pixel::YUV420P, params.width, params.height);
        zero_buffers(&mut picture);
        Ok(SegmentEncoder {
            enc,
            codec: h264,
            picture,
            params: params.clone(),
            next_pts: 0,
            packets: Vec::new(),
            received: 0,
        })
    }

    /// SPS and PPS (Annex B): the `extradata` of the stream these packets belong to.
    pub fn extradata(&self) -> Vec<u8> {
        // SAFETY: an opened encoder's `extradata` is null or `extradata_size` readable bytes
        // owned by the context, which outlives this borrow.
        unsafe {
            let ctx = self.enc.as_ptr();
            let (data, size) = ((*ctx).extradata, (*ctx).extradata_size);
            if data.is_null() || size <= 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(data, size as usize).to_vec()
            }
        }
    }

    pub(super) fn context(&self) -> &encoder::video::Encoder {
        &self.enc
    }

    pub(super) fn codec(&self) -> ffmpeg::Codec {
        self.codec
    }

    /// Frames pushed so far.
    pub fn frames(&self) -> u64 {
        self.next_pts as u64
    }

    pub fn push(&mut self, rgb: &RgbFrame) -> Result<(), RenderError> {
        let (width, height) = (self.params.width, self.params.height);
        if rgb.width != width || rgb.height != height || rgb.data.len() != rgb_len(width, height) {
            return Err(RenderError::Schedule(format!(
                "a {}x{} frame in a {width}x{height} film",
                rgb.width, rgb.height
            )));
        }
        {
            let p = &mut self.picture;
            let (ys, us, vs) = (p.stride(0), p.stride(1), p.stride(2));
            // SAFETY: the three planes of the YUV420P frame are distinct buffers of at least
            // stride * rows bytes each; splitting them into three slices does not alias. libx264
            // copies the picture during `send_frame`, so reusing it for the next frame is sound.
            let (y, u, v) = unsafe {
                let f = p.as_mut_ptr();
                let h = height as usize;
                (
                    std::slice::from_raw_parts_mut((*f).data[0], ys * h),
                    std::slice::from_raw_parts_mut((*f).data[1], us * h.div_ceil(2)),
                    std::slice::from_raw_parts_mut((*f).data[2], vs * h.div_ceil(2)),
                )
            };
            yuv::rgb_to_yuv420(
                rgb,
                YuvPlanes {
                    y: (y, ys),
                    u: (u, us),
                    v: (v, vs),
                },
            );
        }
        self.picture.set_pts(Some(self.next_pts));
        self.enc.send_frame(&self.picture).map_err(ff("libx264"))?;
        self.next_pts += 1;
        self.drain()
    }

    /// Packets finished so far, in order; they leave the encoder.
    pub fn take_packets(&mut self) -> Vec<EncodedPacket> {
        std::mem::take(&mut self.packets)
    }

    /// Flush the encoder: the remaining packets.
    pub fn finish(mut self) -> Result<Vec<EncodedPacket>, RenderError> {
        self.enc.send_eof().map_err(ff("libx264"))?;
        self.drain()?;
        Ok(self.packets)
    }

    fn drain(&mut self) -> Result<(), RenderError> {
        let mut packet = Packet::empty();
        loop {
            match self.enc.receive_packet(&mut packet) {
                Ok(()) => {
                    let expected = self.received;
                    if packet.pts() != Some(expected) || packet.dts() != Some(expected) {
                        return Err(RenderError::Encode(format!(
                            "libx264 reordered frames (packet pts {:?}, dts {:?}, expected {expected}); \
                             the preset must not use B-frames",
                            packet.pts(),
                            packet.dts()
                        )));
                    }
                    self.received += 1;
                    self.packets.push(EncodedPacket {
                        data: packet.data().unwrap_or_default().to_vec(),
                        key: packet.is_key(),
                    });
                }
                Err(e) if is_again(&e) => return Ok(()),
                Err(e) => return Err(RenderError::Encode(format!("libx264: {e}"))),
            }
        }
    }
}

fn rgb_len(width: u32, height: u32) -> usize {
    width as usize * height as usize * 3
}

/// Encode `frames` as one segment; returns its extradata and packets.
pub fn encode_segment(
    params: &VideoParams,
    frames: impl IntoIterator<Item = RgbFrame>,
) -> Result<(Vec<u8>, Vec<EncodedPacket>), RenderError> {
    let mut enc = SegmentEncoder::new(params)?;
    for f in frames {
        enc.push(&f)?;
    }
    let extradata = enc.extradata();
    Ok((extradata, enc.finish()?))
}

/// What identifies the encoder in a cache key: x264's own version-and-options banner (which it
/// writes into the first frame) and the SPS/PPS, as SHA-256 hex. A different libx264 build or
/// setting gives different packets, so segments made by it are not reused. Returned with the
/// SPS/PPS themselves (the stream's `extradata`), which the film's track needs: opening an
/// encoder costs a few milliseconds before the first frame, so one does both.
pub fn encoder_fingerprint(params: &VideoParams) -> Result<(String, Vec<u8>), RenderError> {
    let mut enc = SegmentEncoder::new(params)?;
    let black = RgbFrame::filled(params.width, params.height, [0, 0, 0]);
    enc.push(&black)?;
    let extradata = enc.extradata();
    let packets = enc.finish()?;
    let first = packets.first().map(|p| p.data.as_slice()).unwrap_or(&[]);
    let banner = find(first, b"x264 - core")
        .map(|at| {
            let rest = &first[at..];
            &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())]
        })
        .unwrap_or(&[]);
    let mut h = Sha256::new();
    h.update(codec::version().to_le_bytes());
    h.update((banner.len() as u64).to_le_bytes());
    h.update(banner);
    h.update(&extradata);
    Ok((crate::provenance::hex(&h.finalize()), extradata))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a segment back to RGB frames, for transitions, `scenec verify` and storyboards.
pub struct SegmentDecoder {
    dec: decoder::Video,
    width: u32,
    height: u32,
    picture: ffmpeg::frame::Video,
    ready: std::collections::VecDeque<RgbFrame>,
    flushed: bool,
}

impl SegmentDecoder {
    pub fn new(extradata: &[u8], width: u32, height: u32) -> Result<Self, RenderError> {
        crate::audio::init_ffmpeg()?;
        let h264 = decoder::find(codec::Id::H264)
            .ok_or_else(|| RenderError::Encode("this FFmpeg has no H.264 decoder".into()))?;
        let mut ctx = codec::context::Context::new_with_codec(h264);
        // One thread: frame threading would delay output by a frame per thread, and decoded
        // pixels do not depend on it anyway.
        ctx.set_threading(codec::threading::Config {
            kind: codec::threading::Type::Slice,
            count: 1,
            ..Default::default()
        });
        // SAFETY: libavcodec frees `extradata` with the context; it must come from av_malloc
        // with AV_INPUT_BUFFER_PADDING_SIZE zeroed bytes after it, which av_mallocz gives.
        unsafe {
            let pad = ffmpeg::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
            let buf = ffmpeg::ffi::av_mallocz(extradata.len() + pad) as *mut u8;
            if buf.is_null() {
                return Err(RenderError::Encode("out of memory".into()));
            }
            std::ptr::copy_nonoverlapping(extradata.as_ptr(), buf, extradata.len());
            (*ctx.as_mut_ptr()).extradata = buf;
            (*ctx.as_mut_ptr()).extradata_size = extradata.len() as i32;
        }
        let dec = ctx
            .decoder()
            .video()
            .map_err(ff("cannot open the H.264 decoder"))?;
        Ok(SegmentDecoder {
            dec,
            width,
            height,
            picture: ffmpeg::frame::Video::empty(),
            ready: Default::default(),
            flushed: false,
        })
    }

    /// Feed the next packet (in order, starting at an IDR).
    pub fn send(&mut self, packet: &[u8], pts: i64) -> Result<(), RenderError> {
        let mut p = Packet::copy(packet);
        p.set_pts(Some(pts));
        p.set_dts(Some(pts));
        self.dec.send_packet(&p).map_err(ff("H.264 decoder"))?;
        self.receive()
    }

    /// No more packets: decoded frames still held come out.
    pub fn flush(&mut self) -> Result<(), RenderError> {
        if !self.flushed {
            self.flushed = true;
            self.dec.send_eof().map_err(ff("H.264 decoder"))?;
            self.receive()?;
        }
        Ok(())
    }

    /// Whether `flush` was called: nothing more will come than what is ready.
    pub fn flushed(&self) -> bool {
        self.flushed
    }

    /// The next decoded frame, if one is ready.
    pub fn next(&mut self) -> Option<RgbFrame> {
        self.ready.pop_front()
    }

    fn receive(&mut self) -> Result<(), RenderError> {
        loop {
            match self.dec.receive_frame(&mut self.picture) {
                Ok(()) => {
                    let p = &self.picture;
                    if p.width() != self.width
                        || p.height() != self.height
                        || p.format() != format::Pixel::YUV420P
                    {
                        return Err(RenderError::Encode(format!(
                            "a cached segment decoded to {}x{} {:?}, expected {}x{} yuv420p",
                            p.width(),
                            p.height(),
                            p.format(),
                            self.width,
                            self.height
                        )));
                    }
                    let frame = yuv::yuv420_to_rgb(
                        YuvRef {
                            y: (p.data(0), p.stride(0)),
                            u: (p.data(1), p.stride(1)),
                            v: (p.data(2), p.stride(2)),
                        },
                        self.width,
                        self.height,
                    );
                    self.ready.push_back(frame);
                }
                Err(e) if is_again(&e) => return Ok(()),
                Err(e) => return Err(RenderError::Encode(format!("H.264 decoder: {e}"))),
            }
        }
    }
}

/// Decode every frame of a segment.
pub fn decode_segment(
    extradata: &[u8],
    width: u32,
    height: u32,
    packets: &[&[u8]],
) -> Result<Vec<RgbFrame>, RenderError> {
    let mut dec = SegmentDecoder::new(extradata, width, height)?;
    let mut out = Vec::with_capacity(packets.len());
    for (i, p) in packets.iter().enumerate() {
        dec.send(p, i as i64)?;
        out.extend(std::iter::from_fn(|| dec.next()));
    }
    dec.flush()?;
    out.extend(std::iter::from_fn(|| dec.next()));
    if out.len() != packets.len() {
        return Err(RenderError::Encode(format!(
            "{} packets decoded to {} frames",
            packets.len(),
            out.len()
        )));
    }
    Ok(out)
}
