//! Schedules built in Rust for the previz tests and bench.
#![allow(dead_code)]

use scene_plan::schedule::*;

pub const W: u32 = 768;
pub const H: u32 = 512;
pub const FPS: u32 = 24;

pub fn camera(position: [f64; 3], yaw: f64, pitch: f64, focal_mm: f64) -> CameraFrame {
    CameraFrame {
        position,
        yaw,
        pitch,
        roll: 0.0,
        focal_mm,
        focus_m: None,
    }
}

/// A shot with a static eye-level camera and nothing else.
pub fn shot(name: &str, frames: u32) -> ShotSchedule {
    ShotSchedule {
        name: name.into(),
        scene: "arrival".into(),
        start_frame: Frame(0),
        frames: FrameCount(frames),
        seed: 0x5eed ^ name.len() as u64,
        transition_in: Transition {
            kind: TransitionKind::Cut,
            frames: FrameCount(0),
        },
        transition_out: None,
        prompt_keyframes: vec![PromptKeyframe {
            frame: Frame(0),
            text: String::new(),
            shot_text: String::new(),
            tokens: scene_plan::tokens::estimate(""),
        }],
        prompt_weights: vec![vec![1.0]; frames as usize],
        negative: String::new(),
        camera: vec![camera([0.0, 1.6, 0.0], 0.0, 0.0, 35.0); frames as usize],
        camera_text: "a static camera at eye level".into(),
        subjects: vec![],
        conditioning: vec![],
        continues: None,
        guidance: 3.0,
        strength: 1.0,
        steps: 30,
        setting: Setting {
            location: "street".into(),
            description: "a neon-lit Tokyo street".into(),
            time: "day".into(),
            weather: "clear".into(),
            interior: false,
        },
        look: LookInfo {
            name: None,
            grade: "neutral".into(),
        },
        audio: vec![],
        dialogue: vec![],
        titles: vec![],
        lights: Vec::new(),
        speed: 1.0,
        depth: Default::default(),
    }
}

pub fn film(shots: Vec<ShotSchedule>) -> FilmSchedule {
    let frames = shots.iter().map(|s| s.frames.0).sum();
    FilmSchedule {
        version: SCHEDULE_VERSION,
        title: "Neon Rain".into(),
        fps: FPS,
        width: W,
        height: H,
        frames: FrameCount(frames),
        scenes: vec![],
        shots,
        audio: vec![],
        loudness_lufs: -16.0,
        speech: Speech {
            timing: SpeechTimingKind::ReadingEstimate,
            engine: None,
        },
    }
}

pub fn subject(character: &str, name: &str, color: &str, boxes: Vec<[f64; 4]>) -> Subject {
    Subject {
        kind: SubjectKind::Character,
        character: character.into(),
        name: name.into(),
        color: color.into(),
        description: String::new(),
        dimensions_m: None,
        view_deg: None,
        boxes,
    }
}

/// The README's opening shot: night, rain, a dolly in, Aiko walking in from the left, two prompt
/// keyframes and a line of dialogue.
pub fn opening(frames: u32) -> ShotSchedule {
    let mut s = shot("opening", frames);
    s.setting.time = "night".into();
    s.setting.weather = "rain".into();
    s.look.grade = "teal_orange".into();
    let n = frames.max(2) as f64 - 1.0;
    s.camera = (0..frames)
        .map(|f| {
            let t = f as f64 / n;
            let e = t * t * (3.0 - 2.0 * t);
            camera([0.0, 1.6, 6.0 * e], 0.0, -2.0, 35.0)
        })
        .collect();
    s.camera_text = "a wide shot; the camera slowly dollies in".into();
    s.subjects = vec![subject(
        "aiko",
        "Aiko",
        "#d62828",
        (0..frames)
            .map(|f| {
                let t = (f as f64 / (n * 0.66)).min(1.0);
                [-0.2 + 0.62 * t, 0.38, 0.16, 0.5]
            })
            .collect(),
    )];
    s.prompt_keyframes = vec![
        PromptKeyframe {
            frame: Frame(0),
            text: "…".into(),
            shot_text: "rain falls in silver streaks".into(),
            tokens: scene_plan::tokens::estimate("…"),
        },
        PromptKeyframe {
            frame: Frame(frames / 2),
            text: "…".into(),
            shot_text: "a train passes behind her".into(),
            tokens: scene_plan::tokens::estimate("…"),
        },
    ];
    s.dialogue = vec![DialogueLine {
        character: "aiko".into(),
        name: "Aiko".into(),
        text: "It's been ten years.".into(),
        voice: "soft alto".into(),
        parenthetical: Some("whispering".into()),
        off_screen: false,
        start_frame: Frame(frames / 3),
        end_frame: Frame(frames),
        spoken_ms: 1_400,
        scratch_voice: ScratchVoice {
            language: "en-us".into(),
            variant: "whisperf".into(),
            pitch: 50,
            range: 50,
            rate: 160,
            gain_db: -6,
            placement: VoicePlacement::OnScreen,
        },
    }];
    s
}
