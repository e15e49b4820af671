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
        kind: AssetKind::Image {
            width: 64,
            height: 64,
        },
        span: span(),
    }
}

pub fn audio_asset(path: &str) -> Asset {
    Asset {
        path: path.to_string(),
        absolute: PathBuf::from("/project").join(path),
        sha256: format!("{:0>64}", path.len() + 1),
        kind: AssetKind::Audio {
            seconds: Some(10.0),
        },
        span: span(),
    }
}

pub fn cut() -> Transition {
    Transition {
        kind: TransitionKind::Cut,
        frames: Frames(0),
        span: span(),
    }
}

pub fn transition(kind: TransitionKind, frames: u32) -> Transition {
    Transition {
        kind,
        frames: Frames(frames),
        span: span(),
    }
}

pub fn mv(kind: MoveKind, start: u32, end: u32, ease: Ease) -> CameraMove {
    CameraMove {
        kind,
        start: Frames(start),
        end: Frames(end),
        ease,
        span: span(),
    }
}

pub fn key(frame: u32, x: f64, y: f64, depth: f64) -> StageKey {
    StageKey {
        frame: Frames(frame),
        at: StagePoint {
            x,
            y,
            depth,
            above: 0.0,
        },
    }
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
                size: Size {
                    width: 768,
                    height: 512,
                },
                fps: Fps(24),
                seed: 7,
                look: None,
                style: None,
                negative: None,
                guidance: None,
                steps: None,
                loudness: Loudness::DEFAULT,
                characters: Vec::new(),
                props: Vec::new(),
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

    pub fn location(
        &mut self,
        id: &str,
        description: &str,
        time: TimeOfDay,
        weather: Weather,
    ) -> LocationId {
        self.film.locations.push(Location {
            id: id.to_string(),
            span: span(),
            description: description.to_string(),
            time,
            weather,
            ambience: None,
            setting: Setting::Exterior,
            lights: Vec::new(),
        });
        LocationId(self.film.locations.len() as u32 - 1)
    }

    pub fn sound(&mut self, id: &str, role: SoundRole, path: &str, gain: f64) -> SoundId {
        self.film.sounds.push(Sound {
            id: id.to_string(),
            span: span(),
            role,
            asset: audio_asset(path),
            gain: Gain(gain),
        });
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

    pub fn camera(
        &mut self,
        id: &str,
        framing: Option<Framing>,
        height: Option<CameraHeight>,
        lens: Option<f64>,
    ) -> CameraId {
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
            camera: ShotCamera::default(),
            blocking: Vec::new(),
            holds: Vec::new(),
            lights: Vec::new(),
            speed: Speed::NORMAL,
            focus: Vec::new(),
            depth: scene_check::film::Depth::Normal,
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
        self.shot_mut(shot).prompts.push(PromptKey {
            frame: Frames(frame),
            text: text.to_string(),
            span: span(),
        });
        self.shot_mut(shot).prompts.sort_by_key(|p| p.frame);
    }

    pub fn prop(&mut self, id: &str, description: &str, width: f64, height: f64) -> PropId {
        self.film.props.push(Prop {
            id: id.to_string(),
            span: span(),
            description: description.to_string(),
            dimensions: Dimensions {
                width: Distance(width),
                height: Distance(height),
            },
            color: None,
            reference: None,
        });
        PropId(self.film.props.len() as u32 - 1)
    }

    pub fn block(&mut self, shot: ShotId, subject: impl Into<SubjectId>, keys: Vec<StageKey>) {
        self.shot_mut(shot).blocking.push(Blocking {
            subject: subject.into(),
            keys,
            span: span(),
        });
    }

    pub fn camera_moves(
        &mut self,
        shot: ShotId,
        preset: Option<PresetRef>,
        moves: Vec<CameraMove>,
    ) {
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
        self.shot_mut(shot).stops.push(StopCue {
            source,
            frame: Frames(frame),
            fade_out: Frames(fade_out),
            span: span(),
        });
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

/// A small film that uses most of the schedule: two scenes, characters with references, a look,
/// camera moves, prompts, actions, dialogue, sound at scene and shot level with a stop, ambience,
/// `continues`, an image keyframe, a title, and every kind of transition.
pub fn rich_film() -> Film {
    let mut b = FilmBuilder::new("Neon Rain");
    let aiko = b.character(
        "aiko",
        "a young woman in a red raincoat holding a clear umbrella",
    );
    b.film.characters[aiko.index()].name = "Aiko".into();
    b.film.characters[aiko.index()].voice = Some("soft alto, calm".into());
    b.film.characters[aiko.index()].color = Some(Color([0xd6, 0x28, 0x28]));
    b.film.characters[aiko.index()].reference = Some(image("refs/aiko.png"));
    let ken = b.character("ken", "a tall man in a grey coat");
    let theme = b.sound("theme", SoundRole::Music, "audio/theme.ogg", -6.0);
    let thunder = b.sound("thunder", SoundRole::Sfx, "audio/thunder.wav", 0.0);
    let street = b.location(
        "street",
        "a neon-lit Tokyo street, wet asphalt reflecting shop signs",
        TimeOfDay::Night,
        Weather::Rain,
    );
    b.film.locations[street.index()].ambience = Some(Ambience {
        source: AudioSource::Asset(audio_asset("audio/rain.ogg")),
        gain: Gain(-18.0),
    });
    let cafe = b.location("cafe", "a small warm cafe", TimeOfDay::Dusk, Weather::Clear);
    let cinematic = b.look(
        "cinematic",
        Some("anamorphic, teal and orange grade"),
        Some("teal_orange"),
    );
    b.film.looks[cinematic.index()].guidance = Some(3.5);
    b.film.look = Some(cinematic);
    b.film.style = Some("35mm film grain, shallow depth of field".into());
    b.film.negative = Some("blurry, watermark, text".into());
    let hero = b.camera(
        "hero",
        Some(Framing::Medium),
        Some(CameraHeight::Eye),
        Some(50.0),
    );

    let arrival = b.scene("arrival", street);
    b.film.scenes[arrival.index()].plays.push(PlayCue {
        source: AudioSource::Sound(theme),
        frame: Frames(0),
        gain: Gain(-6.0),
        fade_in: Frames(48),
        span: span(),
    });
    let opening = b.shot(arrival, "opening", 144);
    b.camera_moves(
        opening,
        Some(PresetRef::Framing(Framing::Wide)),
        vec![mv(MoveKind::Dolly(Fraction(0.3)), 0, 144, Ease::InOut)],
    );
    b.block(
        opening,
        aiko,
        vec![key(0, -0.15, FEET, 1.0), key(96, CENTER, FEET, 1.0)],
    );
    b.prompt(opening, 0, "rain falls in silver streaks");
    b.prompt(opening, 72, "a train passes behind her");
    b.play(opening, AudioSource::Sound(thunder), 48, -3.0);
    b.shot_mut(opening).titles.push(TitleCard {
        text: "Tokyo, 1999".into(),
        start: Frames(0),
        end: Frames(48),
        span: span(),
    });

    let reply = b.shot(arrival, "reply", 72);
    b.shot_mut(reply).transition_in = transition(TransitionKind::Dissolve, 24);
    b.shot_mut(reply).continues = Some(Continues {
        shot: opening,
        span: span(),
    });
    b.camera_moves(reply, Some(PresetRef::Framing(Framing::Closeup)), vec![]);
    b.shot_mut(reply).camera.on = Some(aiko.into());
    b.shot_mut(reply).camera.lens = Some(LensAnimation {
        from: FocalLength(85.0),
        to: None,
        start: Frames(0),
        end: Frames(72),
        ease: Ease::InOut,
        span: span(),
    });
    b.block(reply, aiko, vec![key(0, CENTER, FEET, 1.0)]);
    b.shot_mut(reply).dialogue.push(Line {
        character: aiko,
        text: "It's been ten years.".into(),
        parenthetical: Some("whispering".into()),
        off_screen: false,
        start: LineStart::Next {
            not_before: Frames(0),
        },
        span: span(),
        text_span: span(),
    });
    b.stop(reply, AudioSource::Sound(theme), 48, 24);

    let cafe_scene = b.scene("inside", cafe);
    b.film.scenes[cafe_scene.index()].transition_in = Some(transition(TransitionKind::Fade, 24));
    let table = b.shot(cafe_scene, "table", 96);
    b.shot_mut(table).transition_in = transition(TransitionKind::Fade, 24);
    b.camera_moves(
        table,
        Some(PresetRef::Defined(hero)),
        vec![mv(
            MoveKind::Orbit {
                around: Some(ken.into()),
                angle: Angle(45.0),
            },
            0,
            96,
            Ease::InOut,
        )],
    );
    b.block(table, ken, vec![key(0, RIGHT, FEET, 1.0)]);
    b.block(table, aiko, vec![key(0, LEFT, FEET, 1.0)]);
    b.shot_mut(table).actions.push(ActionText {
        subject: ken.into(),
        text: "stirs his coffee".into(),
        frame: Frames(24),
        span: span(),
    });
    b.prompt(table, 24, "steam rises from the cups");
    b.shot_mut(table).keyframes.push(ImageKey {
        frame: Frames(95),
        image: image("keys/table.png"),
        span: span(),
    });
    let window = b.shot(cafe_scene, "window", 48);
    b.shot_mut(window).transition_in = transition(TransitionKind::WipeLeft, 12);
    b.shot_mut(window).continues = Some(Continues {
        shot: table,
        span: span(),
    });
    b.shot_mut(window).overrides.guidance = Some(5.0);
    b.shot_mut(window).overrides.strength = Some(Fraction(0.6));
    b.camera_moves(
        window,
        None,
        vec![mv(MoveKind::Handheld, 0, 48, Ease::InOut)],
    );
    b.shot_mut(window).fade_out = Some(transition(TransitionKind::FadeToBlack, 24));
    b.build()
}

/// Plans with the reading-speed estimate: these tests are not about speech, and must not
/// depend on a speech engine being installed.
pub fn plan(film: &Film) -> scene_plan::FilmPlan {
    scene_plan::plan(film, &reading_speed())
}

pub fn reading_speed() -> scene_voice::ReadingSpeed {
    scene_voice::ReadingSpeed::new("the test plans by reading speed")
}
