//! Lowering into the typed film: defaults, names to IDs, times to frames, camera moves, blocking
//! chains, dialogue timing and cues, exactly as docs/language.md §7–§13 say.

use std::path::{Path, PathBuf};

use scene_check::film::*;
use scene_check::units::Frames;
use scene_check::{check_entry, render, Checked, RealFs};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .join("film.scene")
}

/// Checks `text` as `dir/film.scene` and insists it has no errors.
fn check_text(dir: &Path, text: &str) -> Checked {
    let entry = dir.join("film.scene");
    std::fs::write(&entry, text).unwrap();
    let checked = check_entry(&entry, &RealFs);
    assert!(!checked.has_errors(), "{}", render::human(&checked, false));
    checked
}

const CAST: &str =
    "character aiko { description \"a woman\" }\ncharacter pascal { description \"a boy\" }\n\
location street { description \"a street\" }\n";

fn keys(shot: &Shot, film: &Film, who: &str) -> Vec<(u32, f64, f64, f64)> {
    let b = shot
        .blocking
        .iter()
        .find(|b| film.subject_id(b.subject) == who)
        .expect("blocked");
    b.keys
        .iter()
        .map(|k| (k.frame.0, k.at.x, k.at.y, k.at.depth))
        .collect()
}

#[test]
fn neon_rain_lowers_as_written() {
    let checked = check_entry(&example("neon_rain"), &RealFs);
    assert!(!checked.has_errors(), "{}", render::human(&checked, false));
    let film = &checked.film;
    assert_eq!(film.title, "Neon Rain");
    assert_eq!(
        (film.size.width, film.size.height, film.fps.0, film.seed),
        (768, 512, 24, 7)
    );
    assert_eq!(
        film.look.map(|l| film.look(l).id.as_str()),
        Some("cinematic")
    );
    assert_eq!(film.shots.len(), 3);

    let opening = &film.shots[0];
    assert_eq!(opening.frames.0, 144);
    assert_eq!(opening.transition_in.kind, TransitionKind::Cut);
    let moves: Vec<_> = opening
        .camera
        .moves
        .iter()
        .map(|m| (m.start.0, m.end.0, m.ease))
        .collect();
    assert_eq!(moves, vec![(0, 96, Ease::Out), (0, 144, Ease::InOut)]);
    assert!(matches!(opening.camera.moves[0].kind, MoveKind::Crane(d) if d.0 == -2.0));
    assert!(
        matches!(opening.camera.moves[1].kind, MoveKind::Dolly(f) if (f.0 - 0.3).abs() < 1e-12)
    );
    assert!(
        matches!(opening.camera.preset, Some(PresetRef::Defined(id)) if film.camera(id).id == "extreme_wide")
    );
    // `aiko enters left, walks to center over 4s`
    assert_eq!(
        keys(opening, film, "aiko"),
        vec![(0, -0.15, 0.85, 1.0), (96, 0.5, 0.85, 1.0)]
    );
    // From 1 s; where it ends is its spoken length, which the planner measures.
    let line = &opening.dialogue[0];
    assert_eq!(
        (line.start, line.off_screen),
        (LineStart::At(Frames(24)), true)
    );
    assert_eq!(line.parenthetical.as_deref(), Some("V.O."));
    assert_eq!(
        opening
            .prompts
            .iter()
            .map(|p| p.frame.0)
            .collect::<Vec<_>>(),
        vec![0, 72]
    );
    let thunder = &opening.plays[0];
    assert_eq!((thunder.frame.0, thunder.gain.0), (48, -3.0));

    let reflection = &film.shots[1];
    assert_eq!(
        (
            reflection.transition_in.kind,
            reflection.transition_in.frames.0
        ),
        (TransitionKind::Dissolve, 24)
    );
    let tilt = &reflection.camera.moves[0];
    assert!(matches!(tilt.kind, MoveKind::Tilt(a) if a.0 == -15.0));
    assert_eq!((tilt.start.0, tilt.end.0), (24, 72));
    assert_eq!(reflection.keyframes[0].frame.0, 48);
    assert_eq!(reflection.keyframes[0].image.path, "keyframes/puddle.png");
    assert!(matches!(
        reflection.keyframes[0].image.kind,
        AssetKind::Image {
            width: 768,
            height: 512
        }
    ));
    assert_eq!(reflection.overrides.strength.map(|s| s.0), Some(0.8));

    let reply = &film.shots[2];
    assert_eq!(reply.continues.map(|c| c.shot), Some(ShotId(1)));
    assert_eq!(reply.camera.lens.map(|l| l.from.0), Some(85.0));
    assert_eq!(
        reply.fade_out.map(|t| (t.kind, t.frames.0)),
        Some((TransitionKind::FadeToBlack, 24))
    );

    // The cast file's reference is relative to the cast file.
    let aiko = &film.characters[0];
    assert_eq!(
        aiko.reference.as_ref().map(|a| a.path.as_str()),
        Some("refs/aiko.png")
    );
    assert_eq!(aiko.reference.as_ref().map(|a| a.sha256.len()), Some(64));
    let street = &film.locations[0];
    assert_eq!(
        (street.time, street.weather),
        (TimeOfDay::Night, Weather::Rain)
    );
    let ambience = street.ambience.as_ref().unwrap();
    assert_eq!(ambience.gain.0, -18.0);
    assert!(
        matches!(&ambience.source, AudioSource::Asset(a) if matches!(a.kind, AssetKind::Audio { seconds: Some(s) } if s > 0.0))
    );
    let theme = &film.scenes[0].plays[0];
    assert_eq!(
        (theme.frame.0, theme.gain.0, theme.fade_in.0),
        (0, -6.0, 48)
    );
    assert!(checked
        .dependencies
        .iter()
        .any(|d| d.ends_with("cast/aiko.scene")));
    assert!(checked
        .dependencies
        .iter()
        .any(|d| d.ends_with("audio/rain.wav")));
}

#[test]
fn a_film_without_a_film_block_takes_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("short.scene");
    std::fs::write(
        &entry,
        format!("{CAST}scene s at street {{ shot a 2s {{ prompt \"rain\" }} }}"),
    )
    .unwrap();
    let checked = check_entry(&entry, &RealFs);
    assert!(!checked.has_errors(), "{}", render::human(&checked, false));
    let film = &checked.film;
    assert_eq!(film.title, "short");
    assert_eq!(
        (film.size.width, film.size.height, film.fps.0, film.seed),
        (768, 512, 24, 0)
    );
    assert_eq!(film.shots[0].frames.0, 48);
    assert!(film.span.is_none());
}

#[test]
fn blocking_chains_follow_one_another() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_text(
        dir.path(),
        &format!(
            "{CAST}scene s at street {{\n shot a 5s {{\n  pascal enters right, runs to center over 2s, walks to left over 1s, exits left\n  aiko enters left\n }}\n \
             shot b 4s {{\n  aiko at right\n  aiko exits left at 1s\n  pascal enters back at 1s, walks to (40%, 60%)\n }}\n}}"
        ),
    );
    let film = &checked.film;
    let a = &film.shots[0];
    assert_eq!(
        keys(a, film, "pascal"),
        vec![
            (0, 1.15, 0.85, 1.0),
            (48, 0.5, 0.85, 1.0),
            (72, 0.25, 0.85, 1.0),
            (120, -0.15, 0.85, 1.0)
        ]
    );
    // Nothing moves her on: she walks to center over 1.5 s.
    assert_eq!(
        keys(a, film, "aiko"),
        vec![(0, -0.15, 0.85, 1.0), (36, 0.5, 0.85, 1.0)]
    );
    let b = &film.shots[1];
    // `exits … at 1s` walks from where she is for 1.5 s.
    assert_eq!(
        keys(b, film, "aiko"),
        vec![
            (0, 0.75, 0.85, 1.0),
            (24, 0.75, 0.85, 1.0),
            (60, -0.15, 0.85, 1.0)
        ]
    );
    // `enters back` is center at depth 3; a move without `over` takes 1.5 s.
    assert_eq!(
        keys(b, film, "pascal"),
        vec![(24, 0.5, 0.85, 3.0), (60, 0.4, 0.6, 1.0)]
    );
}

/// A mono 16-bit WAV of one silent second at 8 kHz.
fn wav() -> Vec<u8> {
    let data: u32 = 16000;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    for (v, n) in [
        (16u32, 4),
        (1, 2),
        (1, 2),
        (8000, 4),
        (16000, 4),
        (2, 2),
        (16, 2),
    ] {
        b.extend_from_slice(&v.to_le_bytes()[..n]);
    }
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    b.resize(b.len() + data as usize, 0);
    b
}

#[test]
fn dialogue_without_at_follows_from_the_shot_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bell.wav"), wav()).unwrap();
    let checked = check_text(
        dir.path(),
        &format!(
            "{CAST}sound bell = sfx \"bell.wav\" -3dB\nscene s at street {{\n play bell\n shot a 6s {{\n  aiko at center\n  aiko says \"Hi.\"\n  \
             aiko says \"It has been thirty chars long.\"\n  aiko says \"Later.\" at 5s\n  at 1s play \"bell.wav\"\n  at 2s stop bell fade out 500ms\n }}\n stop bell\n}}"
        ),
    );
    let film = &checked.film;
    let shot = &film.shots[0];
    let starts: Vec<_> = shot.dialogue.iter().map(|l| l.start).collect();
    // In the order written; lines without `at` follow one another (the planner times them by
    // their spoken length), the line at 5 s starts there.
    let next = LineStart::Next {
        not_before: Frames(0),
    };
    assert_eq!(starts, vec![next, next, LineStart::At(Frames(120))]);
    let inline = &shot.plays[0];
    assert!(
        matches!(&inline.source, AudioSource::Asset(a) if a.path == "bell.wav"
        && matches!(a.kind, AssetKind::Audio { seconds: Some(s) } if (s - 1.0).abs() < 1e-9))
    );
    assert_eq!((inline.frame.0, inline.gain.0), (24, 0.0));
    assert_eq!((shot.stops[0].frame.0, shot.stops[0].fade_out.0), (48, 12));
    let scene = &film.scenes[0];
    // Scene-level play: the sound's own gain from the scene's first frame; stop at its last frame.
    assert_eq!((scene.plays[0].frame.0, scene.plays[0].gain.0), (0, -3.0));
    assert_eq!(scene.stops[0].frame.0, 143);
}

#[test]
fn camera_moves_are_signed_and_timed() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_text(
        dir.path(),
        &format!(
            "{CAST}import std.camera\nscene s at street {{ shot a 4s {{\n  camera over_shoulder on aiko, pan left 30deg over 2s ease linear, truck right 1m from 1s to 3s, \
             dolly out 20%, crane up 0.5m from 2s to 4s ease in, lens 35mm -> 85mm over 3s\n }} \n shot b 2s {{ camera closeup, orbit aiko -40deg }} }}"
        ),
    );
    let film = &checked.film;
    let a = &film.shots[0];
    assert_eq!(a.camera.on.map(|c| film.subject_id(c)), Some("aiko"));
    let m: Vec<_> = a
        .camera
        .moves
        .iter()
        .map(|m| (m.start.0, m.end.0, m.ease))
        .collect();
    assert_eq!(
        m,
        vec![
            (0, 48, Ease::Linear),
            (24, 72, Ease::InOut),
            (0, 96, Ease::InOut),
            (48, 96, Ease::In)
        ]
    );
    assert!(matches!(a.camera.moves[0].kind, MoveKind::Pan(x) if x.0 == -30.0));
    assert!(matches!(a.camera.moves[1].kind, MoveKind::Truck(x) if x.0 == 1.0));
    assert!(matches!(a.camera.moves[2].kind, MoveKind::Dolly(x) if (x.0 + 0.2).abs() < 1e-12));
    assert!(matches!(a.camera.moves[3].kind, MoveKind::Crane(x) if x.0 == 0.5));
    let lens = a.camera.lens.unwrap();
    assert_eq!(
        (lens.from.0, lens.to.map(|t| t.0), lens.start.0, lens.end.0),
        (35.0, Some(85.0), 0, 72)
    );
    let b = &film.shots[1];
    // The std.camera preset shadows the framing name once imported.
    assert!(
        matches!(b.camera.preset, Some(PresetRef::Defined(id)) if film.camera(id).lens.map(|l| l.0) == Some(85.0))
    );
    assert!(
        matches!(b.camera.moves[0].kind, MoveKind::Orbit { around: Some(_), angle } if angle.0 == -40.0)
    );
}

#[test]
fn framing_names_work_without_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_text(
        dir.path(),
        &format!("{CAST}scene s at street {{ shot a 2s {{ camera closeup }} }}"),
    );
    assert!(matches!(
        checked.film.shots[0].camera.preset,
        Some(PresetRef::Framing(Framing::Closeup))
    ));
    assert!(checked.film.cameras.is_empty());
}

#[test]
fn loudness_is_read_in_lufs_and_defaults_to_minus_16() {
    let dir = tempfile::tempdir().unwrap();
    let loc = "location street { description \"a street\" }\nscene s at street { shot a 1s { } }";
    let checked = check_text(
        dir.path(),
        &format!("film \"T\" {{ loudness -23LUFS }}\n{loc}"),
    );
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    assert_eq!(checked.film.loudness.0, -23.0);
    let checked = check_text(dir.path(), &format!("film \"T\" {{ fps 24 }}\n{loc}"));
    assert_eq!(checked.film.loudness, scene_check::units::Loudness::DEFAULT);
    for (bad, code) in [("-3LUFS", "E0316"), ("-16dB", "E0201"), ("-16", "E0201")] {
        let entry = dir.path().join("film.scene");
        std::fs::write(&entry, format!("film \"T\" {{ loudness {bad} }}\n{loc}")).unwrap();
        let checked = check_entry(&entry, &RealFs);
        let codes: Vec<&str> = checked.errors().map(|d| d.code.0).collect();
        assert_eq!(codes, vec![code], "loudness {bad}");
    }
}

/// A film's own preset and look shadow `std.camera`'s and `std.look`'s of the same name,
/// whichever file defines them and whichever is imported first (H0101, a hint): the film's are
/// the ones used.
#[test]
fn a_films_own_names_shadow_the_standard_librarys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("looks.scene"),
        "look noir { style \"our own noir\"; grade sepia }\n",
    )
    .unwrap();
    let checked = check_text(
        dir.path(),
        &format!(
            "import \"looks.scene\"\nimport std.camera\nimport std.look\nfilm \"T\" {{ look noir }}\n\
             camera insert {{ framing closeup; lens 70mm }}\n{CAST}\
             scene s at street {{ shot a 2s {{ camera insert on aiko }} }}\n"
        ),
    );
    let hints: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == scene_check::codes::H0101)
        .collect();
    assert_eq!(hints.len(), 2, "{}", render::human(&checked, false));
    assert!(hints
        .iter()
        .all(|d| d.severity == scene_syntax::Severity::Hint));
    // Hints are not counted as errors or warnings.
    assert_eq!(checked.counts(), (0, 0));
    let film = &checked.film;
    let shot = &film.shots[0];
    let Some(PresetRef::Defined(id)) = shot.camera.preset else {
        panic!("{:?}", shot.camera.preset)
    };
    let insert = film.camera(id);
    assert_eq!(insert.framing, Some(Framing::Closeup));
    assert_eq!(insert.lens.map(|l| l.0), Some(70.0));
    // One `insert` and one `noir`: std's are gone, not kept beside the film's.
    assert_eq!(film.cameras.iter().filter(|c| c.id == "insert").count(), 1);
    assert_eq!(film.looks.iter().filter(|l| l.id == "noir").count(), 1);
    let noir = film.looks.iter().find(|l| l.id == "noir").unwrap();
    assert_eq!(noir.style.as_deref(), Some("our own noir"));
}
