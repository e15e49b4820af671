//! Every construct of the language reference (docs/language.md) parses into the tree it means.

mod common;

use common::*;
use scene_syntax::ast::*;

fn film_fields(src: &str) -> Vec<Field> {
    let p = parse_clean(src);
    match &p.file.items[0].kind {
        ItemKind::Film(f) => f.fields.clone(),
        other => panic!("not a film: {other:?}"),
    }
}

fn shot_statements(body: &str) -> Vec<StatementKind> {
    let src = format!("scene s at street {{\n    shot a 6s {{\n{body}\n    }}\n}}\n");
    let p = parse_clean(&src);
    let ItemKind::Scene(scene) = &p.file.items[0].kind else {
        panic!("not a scene")
    };
    let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
        panic!("not a shot")
    };
    shot.statements.iter().map(|s| s.kind.clone()).collect()
}

fn one_statement(line: &str) -> StatementKind {
    let mut s = shot_statements(line);
    assert_eq!(s.len(), 1, "{line}");
    s.remove(0)
}

fn num(v: &Value) -> &Number {
    match &v.kind {
        ValueKind::Number(n) => n,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn language_example_parses_with_no_diagnostics() {
    let src = fixture("language_example.scene");
    let p = parse_clean(&src);
    let kinds: Vec<&str> = p
        .file
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Import(_) => "import",
            ItemKind::Film(_) => "film",
            ItemKind::Character(_) => "character",
            ItemKind::Prop(_) => "prop",
            ItemKind::Location(_) => "location",
            ItemKind::Look(_) => "look",
            ItemKind::Camera(_) => "camera",
            ItemKind::Sound(_) => "sound",
            ItemKind::Scene(_) => "scene",
            ItemKind::Override(_) => "override",
            ItemKind::Insert(_) => "insert",
            ItemKind::Remove(_) => "remove",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "import",
            "import",
            "film",
            "character",
            "location",
            "sound",
            "sound",
            "look",
            "camera",
            "scene"
        ]
    );
    let ItemKind::Scene(scene) = &p.file.items[9].kind else {
        unreachable!()
    };
    assert_eq!(scene.name.name, "arrival");
    assert_eq!(scene.location.name, "street");
    assert_eq!(scene.items.len(), 5);
    let SceneItemKind::Shot(opening) = &scene.items[1].kind else {
        panic!()
    };
    assert_eq!(opening.statements.len(), 5);
    let SceneItemKind::Transition(t) = &scene.items[4].kind else {
        panic!()
    };
    assert_eq!(t.kind.node, TransitionKind::FadeToBlack);
    // 8 line comments in the example, in source order.
    assert_eq!(p.file.comments.len(), 8);
    assert!(p.file.comments.iter().all(|c| c.kind == CommentKind::Line));
    assert_eq!(
        p.file.comments[0].text,
        "// a stdlib module, compiled into the tool"
    );
}

#[test]
fn numbers_and_units() {
    let fields =
        film_fields("film \"t\" { v 6s 500ms 12f 1.5s 30% 35mm 2m 0.5m 45deg -10deg -6dB 3dB 1.5x 2x 24 3.5 -7 }");
    let got: Vec<(String, Option<Unit>, f64)> = fields[0]
        .values
        .iter()
        .map(num)
        .map(|n| (n.raw.clone(), n.unit, n.value))
        .collect();
    use Unit::*;
    let want = [
        ("6", Some(Seconds), 6.0),
        ("500", Some(Millis), 500.0),
        ("12", Some(Frames), 12.0),
        ("1.5", Some(Seconds), 1.5),
        ("30", Some(Percent), 30.0),
        ("35", Some(Millimetres), 35.0),
        ("2", Some(Metres), 2.0),
        ("0.5", Some(Metres), 0.5),
        ("45", Some(Degrees), 45.0),
        ("-10", Some(Degrees), -10.0),
        ("-6", Some(Decibels), -6.0),
        ("3", Some(Decibels), 3.0),
        ("1.5", Some(Factor), 1.5),
        ("2", Some(Factor), 2.0),
        ("24", None, 24.0),
        ("3.5", None, 3.5),
        ("-7", None, -7.0),
    ];
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1, g.2), w);
    }
}

#[test]
fn huge_numbers_keep_their_digits() {
    let digits = "9".repeat(400);
    let fields = film_fields(&format!(
        "film \"t\" {{ seed {digits}\n size 99999999999999999999999x720 }}"
    ));
    let n = num(&fields[0].values[0]);
    assert_eq!(n.raw, digits);
    assert!(n.value.is_infinite());
    assert_eq!(
        fields[1].values[0].kind,
        ValueKind::Size {
            width: u64::MAX,
            height: 720
        }
    );
    let exact = film_fields("film \"t\" { seed 18446744073709551615 }");
    assert_eq!(num(&exact[0].values[0]).raw, "18446744073709551615");
}

#[test]
fn sizes_colors_points() {
    let fields = film_fields("film \"t\" {\n size 1280x720\n color #d62828\n at (40%, 60%)\n}");
    assert_eq!(
        fields[0].values[0].kind,
        ValueKind::Size {
            width: 1280,
            height: 720
        }
    );
    assert_eq!(
        fields[1].values[0].kind,
        ValueKind::Color([0xd6, 0x28, 0x28])
    );
    let ValueKind::Point(x, y) = &fields[2].values[0].kind else {
        panic!()
    };
    assert_eq!((num(x).value, num(x).unit), (40.0, Some(Unit::Percent)));
    assert_eq!((num(y).value, num(y).unit), (60.0, Some(Unit::Percent)));
}

#[test]
fn strings_resolve_escapes() {
    let p = parse_clean(&fixture("ok/strings.scene"));
    let ItemKind::Character(c) = &p.file.items[0].kind else {
        panic!()
    };
    let ValueKind::Str(s) = &c.fields[0].values[0].kind else {
        panic!()
    };
    assert_eq!(
        s,
        "quote \" backslash \\ newline \n tab \t smile \u{1F600} e \u{e9}"
    );
    let ValueKind::Str(voice) = &c.fields[1].values[0].kind else {
        panic!()
    };
    assert_eq!(voice, "a voice\n  over two lines, with \"quotes\" inside");
    let ValueKind::Str(name) = &c.fields[2].values[0].kind else {
        panic!()
    };
    assert_eq!(name, "東京");
}

#[test]
fn comments_are_collected_and_nest() {
    let src = "/* a /* b */ c */ film \"t\" { fps 24 } // end\n// last";
    let p = parse_clean(src);
    let texts: Vec<(&str, CommentKind)> = p
        .file
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.kind))
        .collect();
    assert_eq!(
        texts,
        [
            ("/* a /* b */ c */", CommentKind::Block),
            ("// end", CommentKind::Line),
            ("// last", CommentKind::Line)
        ]
    );
    for c in &p.file.comments {
        assert_eq!(&src[c.span.range()], c.text);
    }
}

#[test]
fn semicolons_end_statements() {
    let fields = film_fields("film \"t\" { fps 24; seed 7; size 768x512 }");
    assert_eq!(fields.len(), 3);
    let stmts = shot_statements("aiko at left; ken at right; prompt \"x\"");
    assert_eq!(stmts.len(), 3);
}

#[test]
fn imports() {
    let p = parse_clean("import std.camera\nimport \"cast/aiko.scene\"\nimport std");
    let ItemKind::Import(Import::Module(path)) = &p.file.items[0].kind else {
        panic!()
    };
    assert_eq!(
        path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["std", "camera"]
    );
    let ItemKind::Import(Import::File(f)) = &p.file.items[1].kind else {
        panic!()
    };
    assert_eq!(f.value, "cast/aiko.scene");
    assert!(matches!(&p.file.items[2].kind, ItemKind::Import(Import::Module(p)) if p.len() == 1));
}

#[test]
fn sound_definitions() {
    let p = parse_clean(&fixture("ok/statements.scene"));
    let sounds: Vec<&SoundDef> = p
        .file
        .items
        .iter()
        .filter_map(|i| {
            if let ItemKind::Sound(s) = &i.kind {
                Some(s)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(sounds.len(), 3);
    assert_eq!(sounds[0].role.node, SoundRole::Music);
    assert_eq!(sounds[1].role.node, SoundRole::Sfx);
    assert_eq!(num(sounds[1].gain.as_ref().unwrap()).raw, "-3");
    assert_eq!(sounds[2].role.node, SoundRole::Ambience);
    assert!(sounds[2].gain.is_none());
}

#[test]
fn scene_items_transitions_and_audio() {
    let p = parse_clean(&fixture("ok/statements.scene"));
    let ItemKind::Scene(scene) = &p.file.items[3].kind else {
        panic!()
    };
    let SceneItemKind::Play(play) = &scene.items[0].kind else {
        panic!()
    };
    assert!(play.at.is_none());
    assert!(matches!(&play.sound, SoundTarget::Name(n) if n.name == "theme"));
    assert_eq!(num(play.gain.as_ref().unwrap()).raw, "-6");
    assert_eq!(num(play.fade_in.as_ref().unwrap()).raw, "2");
    let SceneItemKind::Stop(stop) = &scene.items[1].kind else {
        panic!()
    };
    assert_eq!(num(stop.fade_out.as_ref().unwrap()).raw, "1");
    assert!(
        matches!(&scene.items[2].kind, SceneItemKind::Play(PlayCue { sound: SoundTarget::Asset(a), .. }) if a.value == "audio/bell.wav")
    );
    let transitions: Vec<(TransitionKind, Option<String>)> = scene
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            SceneItemKind::Transition(t) => {
                Some((t.kind.node, t.duration.as_ref().map(|d| num(d).raw.clone())))
            }
            _ => None,
        })
        .collect();
    use TransitionKind::*;
    assert_eq!(
        transitions,
        [
            (Cut, None),
            (Dissolve, Some("1".into())),
            (Fade, Some("500".into())),
            (WipeLeft, Some("1".into())),
            (WipeRight, Some("1".into())),
            (FadeToBlack, Some("1".into())),
        ]
    );
}

#[test]
fn camera_statements_with_moves_and_lens() {
    let p = parse_clean(&fixture("ok/camera.scene"));
    let ItemKind::Scene(scene) = &p.file.items[0].kind else {
        panic!()
    };
    let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
        panic!()
    };
    let StatementKind::Camera(c0) = &shot.statements[0].kind else {
        panic!()
    };
    assert_eq!(c0.preset.name, "wide");
    assert!(c0.on.is_none());
    let CameraClause::Move(dolly) = &c0.clauses[0] else {
        panic!()
    };
    assert_eq!(dolly.kind.node, MoveKind::Dolly(DollyDir::In));
    assert_eq!(
        num(dolly.amount.as_ref().unwrap()).unit,
        Some(Unit::Percent)
    );
    let CameraClause::Move(pan) = &c0.clauses[1] else {
        panic!()
    };
    assert_eq!(pan.kind.node, MoveKind::Pan(HDir::Left));
    assert!(matches!(&pan.timing, Some(MoveTiming::Over(d)) if num(d).raw == "2"));
    assert_eq!(pan.ease.as_ref().unwrap().node, Ease::Linear);

    let StatementKind::Camera(c1) = &shot.statements[1].kind else {
        panic!()
    };
    assert_eq!(c1.on.as_ref().unwrap().name, "aiko");
    let kinds: Vec<MoveKind> = c1
        .clauses
        .iter()
        .map(|c| match c {
            CameraClause::Move(m) => m.kind.node.clone(),
            CameraClause::Lens(_) => panic!(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            MoveKind::Tilt(VDir::Up),
            MoveKind::Truck(HDir::Right),
            MoveKind::Crane(VDir::Down)
        ]
    );
    let CameraClause::Move(tilt) = &c1.clauses[0] else {
        panic!()
    };
    assert!(
        matches!(&tilt.timing, Some(MoveTiming::FromTo(a, b)) if num(a).raw == "1" && num(b).raw == "3")
    );

    let StatementKind::Camera(c2) = &shot.statements[2].kind else {
        panic!()
    };
    let kinds: Vec<MoveKind> = c2
        .clauses
        .iter()
        .map(|c| match c {
            CameraClause::Move(m) => m.kind.node.clone(),
            CameraClause::Lens(_) => panic!(),
        })
        .collect();
    assert!(matches!(&kinds[0], MoveKind::Orbit(Some(c)) if c.name == "aiko"));
    assert_eq!(kinds[1], MoveKind::Orbit(None));
    assert_eq!(kinds[2], MoveKind::Handheld);
    assert_eq!(kinds[3], MoveKind::Static);
    let CameraClause::Move(stat) = &c2.clauses[3] else {
        panic!()
    };
    assert!(stat.amount.is_none());
    assert_eq!(stat.ease.as_ref().unwrap().node, Ease::Out);
    let CameraClause::Move(orbit) = &c2.clauses[0] else {
        panic!()
    };
    assert_eq!(orbit.ease.as_ref().unwrap().node, Ease::InOut);

    let StatementKind::Camera(c3) = &shot.statements[3].kind else {
        panic!()
    };
    let CameraClause::Lens(zoom) = &c3.clauses[0] else {
        panic!()
    };
    assert_eq!(num(&zoom.from).raw, "35");
    assert_eq!(num(zoom.to.as_ref().unwrap()).raw, "85");
    assert!(matches!(zoom.timing, Some(MoveTiming::FromTo(..))));
    assert_eq!(zoom.ease.as_ref().unwrap().node, Ease::In);

    let StatementKind::Lens(l) = &shot.statements[4].kind else {
        panic!()
    };
    assert!(l.to.is_none() && l.timing.is_none());
    let StatementKind::Lens(l) = &shot.statements[5].kind else {
        panic!()
    };
    assert!(matches!(&l.timing, Some(MoveTiming::Over(_))));
}

#[test]
fn character_chains() {
    let p = parse_clean(&fixture("ok/characters.scene"));
    let ItemKind::Scene(scene) = &p.file.items[0].kind else {
        panic!()
    };
    let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
        panic!()
    };
    let chars: Vec<&CharacterStmt> = shot
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::Character(c) => c,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(chars.len(), 9);
    assert_eq!(chars[0].character.name, "aiko");
    assert!(
        matches!(&chars[0].actions[0].kind, ActionKind::Enters { side, at: None } if side.node == Side::Left)
    );
    assert!(matches!(&chars[0].actions[1].kind,
        ActionKind::Move { gait, to, above: None, over: Some(_) } if gait.node == Gait::Walks && to.kind == PositionKind::Center));
    assert!(
        matches!(&chars[1].actions[0].kind, ActionKind::Enters { side, at: Some(_) } if side.node == Side::Back)
    );
    assert!(
        matches!(&chars[2].actions[0].kind, ActionKind::Exits { side, at: Some(_) } if side.node == Side::Right)
    );
    assert!(
        matches!(&chars[3].actions[0].kind, ActionKind::Place { position, above: None } if matches!(position.kind, PositionKind::Point(_)))
    );
    assert!(
        matches!(&chars[3].actions[1].kind, ActionKind::Move { gait, to, above: None, over: None } if gait.node == Gait::Runs && to.kind == PositionKind::Left)
    );
    assert!(
        matches!(&chars[5].actions[0].kind, ActionKind::Does { text, at: Some(_) } if text.value == "opens her umbrella")
    );
    let ActionKind::Says {
        text,
        parenthetical,
        at,
    } = &chars[6].actions[0].kind
    else {
        panic!()
    };
    assert_eq!(text.value, "It's been ten years.");
    assert_eq!(parenthetical.as_ref().unwrap().node, "whispering");
    assert!(at.is_some());
    let ActionKind::Says { parenthetical, .. } = &chars[7].actions[0].kind else {
        panic!()
    };
    assert_eq!(parenthetical.as_ref().unwrap().node, "V.O.");
    let ActionKind::Says {
        parenthetical, at, ..
    } = &chars[8].actions[0].kind
    else {
        panic!()
    };
    assert!(parenthetical.is_none() && at.is_none());
}

#[test]
fn prompts_cues_and_settings() {
    let stmts = shot_statements(
        &fixture("ok/statements.scene")
            .lines()
            .skip(9)
            .take(15)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    assert!(
        matches!(&stmts[0], StatementKind::Prompt { at: None, text } if text.value == "a quiet street")
    );
    assert!(matches!(&stmts[1], StatementKind::Prompt { at: Some(t), .. } if num(t).raw == "3"));
    let StatementKind::Play(play) = &stmts[2] else {
        panic!()
    };
    assert!(play.at.is_some() && play.gain.is_some() && play.fade_in.is_some());
    let StatementKind::Stop(stop) = &stmts[3] else {
        panic!()
    };
    assert!(stop.at.is_some() && stop.fade_out.is_some());
    assert!(matches!(
        &stmts[4],
        StatementKind::Play(PlayCue {
            sound: SoundTarget::Asset(_),
            ..
        })
    ));
    assert!(
        matches!(&stmts[5], StatementKind::Keyframe { at, image } if num(at).raw == "0" && image.value == "frames/first.png")
    );
    assert!(matches!(
        &stmts[6],
        StatementKind::Title {
            at: None,
            over: None,
            ..
        }
    ));
    assert!(matches!(
        &stmts[7],
        StatementKind::Title {
            at: Some(_),
            over: Some(_),
            ..
        }
    ));
    let keys: Vec<&str> = stmts[8..]
        .iter()
        .map(|s| match s {
            StatementKind::Setting(f) => f.key.name.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        ["seed", "guidance", "strength", "look", "style", "negative", "steps"]
    );
    assert!(
        matches!(one_statement("continues opening"), StatementKind::Continues(i) if i.name == "opening")
    );
}

#[test]
fn keywords_are_names_where_unambiguous() {
    let p = parse_clean(&fixture("ok/names.scene"));
    let ItemKind::Scene(scene) = &p.file.items[5].kind else {
        panic!()
    };
    assert_eq!(scene.name.name, "cut");
    assert_eq!(scene.location.name, "at");
    let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
        panic!()
    };
    assert_eq!(shot.name.name, "shot");
    assert!(
        matches!(&shot.statements[0].kind, StatementKind::Character(c) if c.character.name == "camera")
    );
    assert!(
        matches!(&shot.statements[1].kind, StatementKind::Character(c) if c.character.name == "look")
    );
    assert!(
        matches!(&shot.statements[2].kind, StatementKind::Camera(c) if c.preset.name == "wide")
    );
    assert!(matches!(&shot.statements[3].kind, StatementKind::Setting(f) if f.key.name == "look"));
    assert!(
        matches!(&shot.statements[4].kind, StatementKind::Character(c) if c.character.name == "title")
    );
}

#[test]
fn units_are_told_apart() {
    // `m` vs `ms` vs `mm`, frames, and a unit must end the word.
    let fields = film_fields("film \"t\" { a 5m 5ms 5mm 5f 5s }");
    let units: Vec<Option<Unit>> = fields[0].values.iter().map(|v| num(v).unit).collect();
    use Unit::*;
    assert_eq!(
        units,
        [
            Some(Metres),
            Some(Millis),
            Some(Millimetres),
            Some(Frames),
            Some(Seconds)
        ]
    );
    let p = parse_str("film \"t\" { a 5mx }");
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code.0, "E0008");
}

#[test]
fn blocks_may_open_on_the_next_line() {
    let p = parse_clean(&fixture("ok/layout.scene"));
    assert_eq!(p.file.items.len(), 3);
    let ItemKind::Film(f) = &p.file.items[0].kind else {
        panic!()
    };
    assert_eq!(f.fields.len(), 3);
    let ItemKind::Scene(s) = &p.file.items[2].kind else {
        panic!()
    };
    assert_eq!(s.items.len(), 3);
}

/// Every identifier's span covers exactly its name, every number its text, every item and
/// statement starts where its text starts.
#[test]
fn spans_point_at_their_text() {
    for path in corpus() {
        let src = std::fs::read_to_string(&path).unwrap();
        let p = parse_str(&src);
        assert!(
            p.diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&src, &p.diagnostics)
        );
        let json = serde_json::to_value(&p.file.items).unwrap();
        check_spans(&src, &json, &path.display().to_string());
    }
}

fn check_spans(src: &str, v: &serde_json::Value, file: &str) {
    use serde_json::Value as J;
    match v {
        J::Object(map) => {
            if let (Some(J::Object(span)), Some(J::String(name))) =
                (map.get("span"), map.get("name"))
            {
                let (s, e) = (
                    span["start"].as_u64().unwrap() as usize,
                    span["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(&src[s..e], name, "{file}: identifier span");
            }
            if let (Some(J::Object(span)), Some(J::Object(kind))) =
                (map.get("span"), map.get("kind"))
            {
                if let Some(J::Object(n)) = kind.get("Number") {
                    let (s, e) = (
                        span["start"].as_u64().unwrap() as usize,
                        span["end"].as_u64().unwrap() as usize,
                    );
                    assert!(
                        src[s..e].starts_with(n["raw"].as_str().unwrap()),
                        "{file}: number span"
                    );
                }
            }
            for child in map.values() {
                check_spans(src, child, file);
            }
        }
        J::Array(items) => items.iter().for_each(|c| check_spans(src, c, file)),
        _ => {}
    }
}

#[test]
fn version_two_props_lights_speed_and_loudness() {
    let p = parse_clean(
        "film \"t\" { loudness -23LUFS }\n\
         prop train {\n    description \"a silver train\"\n    dimensions 60m 4m\n}\n\
         location shop {\n    description \"a shop\"\n    setting interior\n    light key from left soft 3200K\n}\n",
    );
    let ItemKind::Film(film) = &p.file.items[0].kind else {
        panic!("not a film")
    };
    let lufs = num(&film.fields[0].values[0]);
    assert_eq!((lufs.unit, lufs.value), (Some(Unit::Lufs), -23.0));
    let ItemKind::Prop(train) = &p.file.items[1].kind else {
        panic!("not a prop: {:?}", p.file.items[1].kind)
    };
    assert_eq!(train.name.name, "train");
    let dims: Vec<(Option<Unit>, f64)> = train.fields[1]
        .values
        .iter()
        .map(num)
        .map(|n| (n.unit, n.value))
        .collect();
    assert_eq!(
        dims,
        [(Some(Unit::Metres), 60.0), (Some(Unit::Metres), 4.0)]
    );
    let ItemKind::Location(shop) = &p.file.items[2].kind else {
        panic!("not a location")
    };
    assert_eq!(shop.fields[2].key.name, "light");
    let k = num(&shop.fields[2].values[4]);
    assert_eq!((k.unit, k.value), (Some(Unit::Kelvin), 3200.0));

    let stmts = shot_statements(
        "        bulb at (50%, 20%) above 3m\n\
         \x20       bulb moves to (50%, 90%) above 0m over 400ms\n\
         \x20       aiko holds lantern at 1s, drops lantern at 2s\n\
         \x20       light rim from back hard 5600K 40%\n\
         \x20       speed 25%",
    );
    let chain = |i: usize| match &stmts[i] {
        StatementKind::Character(c) => c.clone(),
        other => panic!("{other:?}"),
    };
    let bulb = chain(0);
    assert!(matches!(&bulb.actions[0].kind,
        ActionKind::Place { above: Some(h), .. } if num(h).value == 3.0 && num(h).unit == Some(Unit::Metres)));
    let fall = chain(1);
    assert!(matches!(&fall.actions[0].kind,
        ActionKind::Move { gait, above: Some(h), over: Some(d), .. }
            if gait.node == Gait::Moves && num(h).value == 0.0 && num(d).raw == "400"));
    let aiko = chain(2);
    assert!(matches!(&aiko.actions[0].kind,
        ActionKind::Holds { prop, at: Some(_) } if prop.name == "lantern"));
    assert!(matches!(&aiko.actions[1].kind,
        ActionKind::Drops { prop, at: Some(_) } if prop.name == "lantern"));
    let keys: Vec<&str> = stmts[3..]
        .iter()
        .map(|s| match s {
            StatementKind::Setting(f) => f.key.name.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(keys, ["light", "speed"]);
}

#[test]
fn where_the_camera_stands() {
    let stmts = shot_statements(
        "        camera medium on aiko from behind\n\
         \x20       camera over_shoulder on kenji from left past aiko, follow kenji over 2s, keep aiko from 1s to 3s ease linear\n\
         \x20       camera pov of aiko on kenji\n\
         \x20       camera medium_closeup",
    );
    let cam = |i: usize| match &stmts[i] {
        StatementKind::Camera(c) => c.clone(),
        other => panic!("{other:?}"),
    };
    let behind = cam(0);
    assert_eq!(behind.on.as_ref().map(|o| o.name.as_str()), Some("aiko"));
    assert_eq!(behind.from.map(|f| f.node), Some(ViewSide::Behind));
    assert!(behind.past.is_none() && behind.of.is_none());
    let ots = cam(1);
    assert_eq!(ots.from.map(|f| f.node), Some(ViewSide::Left));
    assert_eq!(ots.past.as_ref().map(|p| p.name.as_str()), Some("aiko"));
    let moves: Vec<&MoveKind> = ots
        .clauses
        .iter()
        .map(|c| match c {
            CameraClause::Move(m) => &m.kind.node,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(matches!(moves[0], MoveKind::Follow(s) if s.name == "kenji"));
    assert!(matches!(moves[1], MoveKind::Keep(s) if s.name == "aiko"));
    let pov = cam(2);
    assert_eq!(pov.preset.name, "pov");
    assert_eq!(pov.of.as_ref().map(|o| o.name.as_str()), Some("aiko"));
    assert_eq!(pov.on.as_ref().map(|o| o.name.as_str()), Some("kenji"));
    assert_eq!(cam(3).preset.name, "medium_closeup");
}

#[test]
fn focus_and_depth() {
    let stmts = shot_statements(
        "        depth shallow\n\
         \x20       focus on aiko\n\
         \x20       focus on train at 2s",
    );
    assert!(matches!(&stmts[0], StatementKind::Setting(f) if f.key.name == "depth"));
    assert!(
        matches!(&stmts[1], StatementKind::Focus { subject, at: None } if subject.name == "aiko")
    );
    assert!(
        matches!(&stmts[2], StatementKind::Focus { subject, at: Some(t) }
        if subject.name == "train" && num(t).value == 2.0 && num(t).unit == Some(Unit::Seconds))
    );
}
