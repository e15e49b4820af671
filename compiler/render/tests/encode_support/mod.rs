//! Shared by the encode, audio, compositor, cache and pipeline tests: schedules built by hand, a
//! tiny backend that paints each shot one colour, WAV bytes, and ffprobe.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use scene_plan::schedule::*;
use scene_previz::backend::{Backend, BackendIdentity, Progress, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use sha2::{Digest, Sha256};

pub fn transition(kind: TransitionKind, frames: u32) -> Transition {
    Transition {
        kind,
        frames: FrameCount(frames),
    }
}

pub fn shot(name: &str, frames: u32, transition_in: Transition) -> ShotSchedule {
    let n = frames as usize;
    ShotSchedule {
        name: name.into(),
        scene: "scene_one".into(),
        start_frame: Frame(0),
        frames: FrameCount(frames),
        seed: name.bytes().map(u64::from).sum(),
        transition_in,
        transition_out: None,
        prompt_keyframes: vec![PromptKeyframe {
            frame: Frame(0),
            text: format!("shot {name}"),
            shot_text: format!("shot {name}"),
            tokens: scene_plan::tokens::estimate("shot"),
        }],
        prompt_weights: vec![vec![1.0]; n],
        negative: String::new(),
        camera: vec![
            CameraFrame {
                position: [0.0, 1.6, 0.0],
                yaw: 0.0,
                pitch: 0.0,
                roll: 0.0,
                focal_mm: 35.0,
                focus_m: None,
            };
            n
        ],
        camera_text: String::new(),
        subjects: Vec::new(),
        conditioning: Vec::new(),
        continues: None,
        guidance: 3.0,
        strength: 1.0,
        steps: 20,
        setting: Setting {
            location: "street".into(),
            description: "a street".into(),
            time: "day".into(),
            weather: "clear".into(),
            interior: false,
        },
        look: LookInfo {
            name: None,
            grade: "neutral".into(),
        },
        audio: Vec::new(),
        dialogue: Vec::new(),
        titles: Vec::new(),
        lights: Vec::new(),
        speed: 1.0,
        depth: Default::default(),
    }
}

/// A film of `shots`, start frames laid out from their transitions as the planner does.
pub fn film(width: u32, height: u32, fps: u32, mut shots: Vec<ShotSchedule>) -> FilmSchedule {
    let mut end = 0u32;
    for (i, s) in shots.iter_mut().enumerate() {
        let overlap = match s.transition_in.kind {
            TransitionKind::Dissolve | TransitionKind::WipeLeft | TransitionKind::WipeRight
                if i > 0 =>
            {
                s.transition_in.frames.0
            }
            _ => 0,
        };
        s.start_frame = Frame(end - overlap);
        end = s.start_frame.0 + s.frames.0;
    }
    FilmSchedule {
        version: SCHEDULE_VERSION,
        title: "Test film".into(),
        fps,
        width,
        height,
        frames: FrameCount(end),
        scenes: vec![SceneSpan {
            name: "scene_one".into(),
            location: "street".into(),
            start_frame: Frame(0),
            frames: FrameCount(end),
        }],
        shots,
        audio: Vec::new(),
        loudness_lufs: -16.0,
        speech: Speech {
            timing: SpeechTimingKind::Measured,
            engine: Some("eSpeak NG".into()),
        },
    }
}

pub fn dialogue(name: &str, text: &str, start: u32, end: u32) -> DialogueLine {
    DialogueLine {
        character: name.to_lowercase(),
        name: name.into(),
        text: text.into(),
        voice: "default".into(),
        parenthetical: None,
        off_screen: false,
        start_frame: Frame(start),
        end_frame: Frame(end),
        spoken_ms: u64::from(end - start) * 1000 / 24,
        scratch_voice: ScratchVoice::from(&scene_voice::scratch_voice(
            &scene_voice::Character {
                id: &name.to_lowercase(),
                voice: None,
                description: "",
            },
            None,
        )),
    }
}

pub fn sound(asset: &str, start: u32, frames: u32, gain_db: f64, looped: bool) -> FilmAudioEvent {
    FilmAudioEvent {
        sound: asset.into(),
        asset: asset.into(),
        role: if looped {
            SoundRole::Ambience
        } else {
            SoundRole::Sfx
        },
        start_frame: Frame(start),
        frames: FrameCount(frames),
        gain_db,
        fade_in_frames: FrameCount(0),
        fade_out_frames: FrameCount(0),
        looped,
    }
}

/// The colour the solid backend paints a shot: from its name and prompt, tinted by the frame it
/// continues, so any change upstream shows downstream.
pub fn shot_colour(shot: &ShotSchedule, continued: Option<&RgbFrame>) -> [u8; 3] {
    let mut h = Sha256::new();
    h.update(shot.name.as_bytes());
    for k in &shot.prompt_keyframes {
        h.update(k.text.as_bytes());
    }
    h.update(shot.guidance.to_le_bytes());
    if let Some(f) = continued {
        h.update(&f.data[..3]);
    }
    let d = h.finalize();
    [d[0], d[1], d[2]]
}

/// Paints every frame of a shot one colour, with a moving bright column so frames differ.
/// Counts the shots it renders.
#[derive(Default)]
pub struct SolidBackend {
    pub renders: AtomicUsize,
    pub rendered: Mutex<Vec<String>>,
}

impl SolidBackend {
    pub fn rendered_names(&self) -> Vec<String> {
        let mut v = self.rendered.lock().unwrap().clone();
        v.sort();
        v
    }
}

impl Backend for SolidBackend {
    fn identity(&self) -> BackendIdentity {
        BackendIdentity {
            name: "solid-test".into(),
            weights_fingerprint: String::new(),
            settings: "v1".into(),
        }
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        self.renders.fetch_add(1, Ordering::SeqCst);
        self.rendered.lock().unwrap().push(shot.name.clone());
        let colour = shot_colour(shot, inputs.continued_frame);
        let mut frames = Vec::new();
        for f in 0..shot.frames.0 {
            let mut frame = RgbFrame::filled(film.width, film.height, colour);
            let x = f % film.width;
            for y in 0..film.height {
                frame.put(x, y, [255, 255, 255]);
            }
            frames.push(frame);
            progress(u64::from(f + 1), u64::from(shot.frames.0));
        }
        Ok(frames)
    }
}

/// A 16-bit PCM WAV file.
pub fn wav_bytes(rate: u32, channels: u16, samples: &[i16]) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    b.extend_from_slice(&(channels * 2).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&s.to_le_bytes());
    }
    b
}

/// A mono sine tone.
pub fn tone(rate: u32, seconds: f64, hz: f64, amplitude: f64) -> Vec<i16> {
    let n = (f64::from(rate) * seconds) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            ((t * hz * std::f64::consts::TAU).sin() * amplitude * 32767.0) as i16
        })
        .collect()
}

pub fn ffprobe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(
        out.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("ffprobe prints JSON")
}

pub fn stream<'a>(probe: &'a serde_json::Value, codec_type: &str) -> &'a serde_json::Value {
    probe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == codec_type)
        .unwrap_or_else(|| panic!("no {codec_type} stream in {probe}"))
}

/// The MP4's sound decoded by the ffmpeg tool, mono f32 at 48 kHz.
pub fn decode_audio_mono(path: &Path) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args([
            "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-",
        ])
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "ffmpeg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The MP4's frames decoded by the ffmpeg tool as RGB24.
pub fn decode_video_rgb(path: &Path, width: u32, height: u32) -> Vec<Vec<u8>> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "ffmpeg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact((width * height * 3) as usize)
        .map(<[u8]>::to_vec)
        .collect()
}

/// A small film with every transition kind, dialogue, music and a looped ambience; writes its
/// sound assets under `root/sounds/`.
pub fn demo_film(root: &Path) -> FilmSchedule {
    use scene_plan::schedule::TransitionKind as K;
    std::fs::create_dir_all(root.join("sounds")).unwrap();
    // Music at 44.1 kHz mono (resampled), ambience at 48 kHz stereo (looped).
    std::fs::write(
        root.join("sounds/music.wav"),
        wav_bytes(44_100, 1, &tone(44_100, 1.5, 220.0, 0.5)),
    )
    .unwrap();
    let amb: Vec<i16> = tone(48_000, 0.25, 330.0, 0.2)
        .into_iter()
        .flat_map(|s| [s, s / 2])
        .collect();
    std::fs::write(root.join("sounds/rain.wav"), wav_bytes(48_000, 2, &amb)).unwrap();

    let mut shots = vec![
        shot("opening", 14, transition(K::Cut, 0)),
        shot("street", 12, transition(K::Dissolve, 4)),
        shot("door", 10, transition(K::WipeLeft, 3)),
        shot("hall", 10, transition(K::Fade, 4)),
        shot("stairs", 8, transition(K::WipeRight, 2)),
    ];
    shots[4].transition_out = Some(transition(K::FadeToBlack, 4));
    shots[2].continues = Some("street".into());
    shots[1]
        .dialogue
        .push(dialogue("Aiko", "Is anyone here?", 1, 10));
    shots[3]
        .dialogue
        .push(dialogue("Ben", "Up the stairs.", 0, 8));
    let mut film = film(64, 48, 24, shots);
    film.audio
        .push(sound("sounds/music.wav", 0, film.frames.0, -6.0, false));
    film.audio
        .push(sound("sounds/rain.wav", 10, film.frames.0 - 10, -3.0, true));
    film
}

/// Assert two files are byte-identical; on a mismatch keep copies for inspection and say where
/// they first differ (printing megabytes of bytes helps nobody).
pub fn assert_same_files(a: &Path, b: &Path) {
    let (x, y) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    if x == y {
        return;
    }
    let keep = std::env::temp_dir().join(format!("scenec-mismatch-{}", std::process::id()));
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(a, keep.join("a")).unwrap();
    std::fs::copy(b, keep.join("b")).unwrap();
    let at = x
        .iter()
        .zip(&y)
        .position(|(p, q)| p != q)
        .unwrap_or(x.len().min(y.len()));
    panic!(
        "{} and {} differ ({} vs {} bytes, first at {at}); copies in {}",
        a.display(),
        b.display(),
        x.len(),
        y.len(),
        keep.display()
    );
}
