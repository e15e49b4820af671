//! Building typed films by hand, the way the checker would produce them.
#![allow(dead_code)]

use std::path::PathBuf;

use scene_check::film::*;
use scene_check::units::*;
use scene_syntax::span::FileId;
use scene_syntax::Span;

pub fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

pub fn image(path: &str) -> Asset {
    Asset {
        path: path.to_string(),
        absolute: PathBuf::from("/project").join(path),
        sha256: format!("{:0>64}", path.len()),
        kind: AssetKind::Image { width: 64, height: 64 },
        span: span(),
    }
}

pub fn audio_asset(path: &str) -> Asset {
    Asset {
        path: path.to_string(),
        absolute: PathBuf::from("/project").join(path),
        sha256: format!("{:0>64}", path.len() + 1),
        kind: AssetKind::Audio { seconds: Some(10.0) },
        span: span(),
    }
}

pub fn cut() -> Transition {
    Transition { kind: TransitionKind::Cut, frames: Frames(0), span: span() }
}

pub fn transition(kind: TransitionKind, frames: u32) -> Transition {
    Transition { kind, frames: Frames(frames), span: span() }
}

pub fn mv(kind: MoveKind, start: u32, end: u32, ease: Ease) -> CameraMove {
    CameraMove { kind, start: Frames(start), end: Frames(end), ease, span: span() }
}

pub fn key(frame: u32, x: f64, y: f64, depth: f64) -> StageKey {
    StageKey { frame: Frames(frame), at: StagePoint { x, y, depth } }
}

pub const LEFT: f64 = 0.25;
pub const CENTER: f64 = 0.5;
pub const RIGHT: f64 = 0.75;
pub const FEET: f64 = 0.85;

pub struct FilmBuilder {
    pub film: Film,
}

impl FilmBuilder {
    pub fn new(title: &str) -> Self {
        FilmBuilder {
            film: Film {
                title: title.to_string(),
                span: Some(span()),
                size: Size { width: 768, height: 512 },
                fps: Fps(24),
                seed: 7,
                look: None,
                style: None,
                negative: None,
                guidance: None,
                steps: None,
                characters: Vec::new(),
                locations: Vec::new(),
                sounds: Vec::new(),
                looks: Vec::new(),
                cameras: Vec::new(),
                scenes: Vec::new(),
                shots: Vec::new(),
                project_root: PathBuf::from("/project"),
            },
        }
    }

    pub fn character(&mut self, id: &str, description: &str) -> CharacterId {
        self.film.characters.push(Character {
            id: id.to_string(),
            span: span(),
            name: id.to_string(),
            description: description.to_string(),
            voice: None,
            color: None,
            reference: None,
        });
        CharacterId(self.film.characters.len() as u32 - 1)
    }

    pub fn location(&mut self, id: &str, description: &str, time: TimeOfDay, weather: Weather) -> LocationId {
        self.film.locations.push(Location {
            id: id.to_string(),
            span: span(),
            description: description.to_string(),
            time,
            weather,
            ambience: None,
        });
        LocationId(self.film.locations.len() as u32 - 1)
    }

    pub fn sound(&mut self, id: &str, role: SoundRole, path: &str, gain: f64) -> SoundId {
        self.film.sounds.push(Sound { id: id.to_string(), span: span(), role, asset: audio_asset(path), gain: Gain(gain) });
        SoundId(self.film.sounds.len() as u32 - 1)
    }

    pub fn look(&mut self, id: &str, style: Option<&str>, grade: Option<&str>) -> LookId {
        self.film.looks.push(Look {
            id: id.to_string(),
            span: span(),
            style: style.map(str::to_string),
            negative: None,
            guidance: None,
            steps: None,
            grade: grade.map(str::to_string),
        });
        LookId(self.film.looks.len() as u32 - 1)
    }

    pub fn camera(&mut self, id: &str, framing: Option<Framing>, height: Option<CameraHeight>, lens: Option<f64>) -> CameraId {
        self.film.cameras.push(CameraPreset {
            id: id.to_string(),
            span: span(),
            framing,
            height,
            lens: lens.map(FocalLength),
            angle: None,
        });
        CameraId(self.film.cameras.len() as u32 - 1)
    }

    pub fn scene(&mut self, id: &str, location: LocationId) -> SceneId {
        self.film.scenes.push(Scene {
            id: id.to_string(),
            span: span(),
            location,
            shots: Vec::new(),
            transition_in: None,
            plays: Vec::new(),
            stops: Vec::new(),
        });
        SceneId(self.film.scenes.len() as u32 - 1)
    }

    /// Appends a shot to `scene` (shots must be added in play order).
    pub fn shot(&mut self, scene: SceneId, id: &str, frames: u32) -> ShotId {
        let shot_id = ShotId(self.film.shots.len() as u32);
        self.film.shots.push(Shot {
            id: id.to_string(),
            span: span(),
            scene,
            frames: Frames(frames),
            transition_in: cut(),
            fade_out: None,
            camera: ShotCamera { preset: None, on: None, moves: Vec::new(), lens: None, span: None },
            blocking: Vec::new(),
            prompts: Vec::new(),
            actions: Vec::new(),
            dialogue: Vec::new(),
            plays: Vec::new(),
            stops: Vec::new(),
            continues: None,
            keyframes: Vec::new(),
            titles: Vec::new(),
            overrides: ShotOverrides::default(),
        });
        self.film.scenes[scene.index()].shots.push(shot_id);
        shot_id
    }

    pub fn shot_mut(&mut self, id: ShotId) -> &mut Shot {
        &mut self.film.shots[id.index()]
    }

    pub fn prompt(&mut self, shot: ShotId, frame: u32, text: &str) {
        self.shot_mut(shot).prompts.push(PromptKey { frame: Frames(frame), text: text.to_string(), span: span() });
        self.shot_mut(shot).prompts.sort_by_key(|p| p.frame);
    }

    pub fn block(&mut self, shot: ShotId, character: CharacterId, keys: Vec<StageKey>) {
        self.shot_mut(shot).blocking.push(Blocking { character, keys, span: span() });
    }

    pub fn camera_moves(&mut self, shot: ShotId, preset: Option<PresetRef>, moves: Vec<CameraMove>) {
        let cam = &mut self.shot_mut(shot).camera;
        cam.preset = preset;
        cam.moves = moves;
    }

    pub fn play(&mut self, shot: ShotId, source: AudioSource, frame: u32, gain: f64) {
        self.shot_mut(shot).plays.push(PlayCue {
            source,
            frame: Frames(frame),
            gain: Gain(gain),
            fade_in: Frames(0),
            span: span(),
        });
    }

    pub fn stop(&mut self, shot: ShotId, source: AudioSource, frame: u32, fade_out: u32) {
        self.shot_mut(shot).stops.push(StopCue { source, frame: Frames(frame), fade_out: Frames(fade_out), span: span() });
    }

    pub fn build(self) -> Film {
        self.film
    }
}

/// A film with one scene at a street and shots of the given names and lengths joined by cuts.
pub fn simple(shots: &[(&str, u32)]) -> Film {
    let mut b = FilmBuilder::new("Simple");
    let street = b.location("street", "a quiet street", TimeOfDay::Day, Weather::Clear);
    let scene = b.scene("main", street);
    for (name, frames) in shots {
        b.shot(scene, name, *frames);
    }
    b.build()
}
