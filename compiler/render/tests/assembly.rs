//! The film's track from cached segments: frames no transition touches are the shots' own
//! packets, byte for byte; transition frames are composited and encoded again, and every frame
//! decodes to what the compositor makes of the shots' frames.

#[path = "encode_support/mod.rs"]
mod support;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use ffmpeg_next as ffmpeg;
use scene_plan::schedule::{FilmSchedule, TransitionKind as K};
use scene_previz::backend::{Backend, ShotInputs};
use scene_render::assemble::{pieces, Piece};
use scene_render::cache::{CacheKey, ShotCache, ShotStore};
use scene_render::compositor::{plain_frames, Compositor, MemoryShots};
use scene_render::encode::EncodeSettings;
use scene_render::pipeline::{render_film, NoProgress, RenderOptions};
use support::*;

/// At 4 fps the segments have an IDR every 4 frames, so short shots still have copied runs.
fn transitions_film() -> FilmSchedule {
    let mut shots = vec![
        shot("a", 13, transition(K::Cut, 0)),
        shot("b", 12, transition(K::Dissolve, 3)),
        shot("c", 10, transition(K::WipeLeft, 2)),
        shot("d", 9, transition(K::Cut, 0)),
        shot("e", 10, transition(K::Fade, 4)),
    ];
    shots[4].transition_out = Some(transition(K::FadeToBlack, 3));
    film(64, 48, 4, shots)
}

fn hex_key(hex: &str) -> CacheKey {
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    CacheKey(key)
}

/// NAL units of an Annex B buffer (start codes of 3 or 4 bytes).
fn annexb_nals(data: &[u8]) -> Vec<Vec<u8>> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(data.len(), |&n| n - 3);
        // A 4-byte start code leaves its leading zero on the previous unit.
        while k + 1 < starts.len() && end > s && data[end - 1] == 0 {
            end -= 1;
        }
        out.push(data[s..end].to_vec());
    }
    out
}

/// NAL units of an MP4 sample (4-byte big-endian lengths).
fn length_prefixed_nals(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= data.len() {
        let n = u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]) as usize;
        out.push(data[at + 4..at + 4 + n].to_vec());
        at += 4 + n;
    }
    out
}

/// The video samples of an MP4, in order.
fn mp4_video_samples(path: &Path) -> Vec<Vec<u8>> {
    ffmpeg::init().unwrap();
    let mut input = ffmpeg::format::input(&path).unwrap();
    let index = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .unwrap()
        .index();
    input
        .packets()
        .filter(|(s, _)| s.index() == index)
        .map(|(_, p)| p.data().unwrap().to_vec())
        .collect()
}

#[test]
fn untouched_frames_are_copied_and_transitions_match_the_compositor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let film = transitions_film();
    let backend = SolidBackend::default();
    let output = root.join("film.mp4");
    render_film(
        &film,
        &backend,
        &RenderOptions {
            project_root: root,
            store: &ShotCache::open(&root.join(".scene-cache")).unwrap(),
            voices: &scene_voice::Voices::open(Some(
                root.join(".scene-cache").join(scene_voice::CACHE_DIR),
            )),
            output: &output,
            jobs: 2,
            metadata: Default::default(),
            encode: EncodeSettings::default(),
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
        },
    )
    .unwrap();

    // Which frames are copied: each run of untouched frames from its first IDR on.
    let plain = plain_frames(&film);
    let plan = pieces(&plain, 4, &vec![true; film.shots.len()]);
    let copied: u32 = plan
        .iter()
        .filter(|p| matches!(p, Piece::Copy { .. }))
        .map(Piece::len)
        .sum();
    assert!(copied >= 20, "only {copied} frames copied: {plan:?}");
    assert_eq!(plan.iter().map(Piece::len).sum::<u32>(), film.frames.0);

    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("film.provenance.json")).unwrap()).unwrap();
    let cache = ShotCache::open(&root.join(".scene-cache")).unwrap();
    let entries: Vec<_> = provenance["shots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let entry = cache
                .get(&hex_key(s["cache_key"].as_str().unwrap()))
                .unwrap();
            assert_eq!(s["video_sha256"].as_str().unwrap(), entry.video_sha256);
            entry
        })
        .collect();

    let samples = mp4_video_samples(&output);
    assert_eq!(samples.len(), film.frames.0 as usize);
    let mut f = 0usize;
    for piece in &plan {
        match *piece {
            Piece::Copy { shot, from, to } => {
                for t in from..to {
                    let (packet, _) = entries[shot].packet(t).unwrap();
                    assert_eq!(
                        length_prefixed_nals(&samples[f]),
                        annexb_nals(packet),
                        "film frame {f} is not shot {shot}'s frame {t} as cached"
                    );
                    f += 1;
                }
            }
            Piece::Encode { from, to } => {
                assert_eq!(from as usize, f);
                f = to as usize;
            }
        }
    }

    // Every frame is the compositor's picture of the shots' frames, up to coding loss.
    let shots: Vec<_> = film
        .shots
        .iter()
        .map(|s| {
            backend
                .render_shot(
                    &film,
                    s,
                    &ShotInputs {
                        project_root: root,
                        continued_frame: None,
                    },
                    &mut |_, _| {},
                )
                .unwrap()
        })
        .collect();
    let memory = MemoryShots(shots);
    let expected: Vec<_> = Compositor::new(&film, &memory)
        .map(Result::unwrap)
        .collect();
    let decoded = decode_video_rgb(&output, film.width, film.height);
    assert_eq!(decoded.len(), expected.len());
    for (i, (d, e)) in decoded.iter().zip(&expected).enumerate() {
        let mean = d
            .iter()
            .zip(&e.data)
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / d.len() as f64;
        assert!(mean < 4.0, "film frame {i} is off by {mean:.2} on average");
    }
}
