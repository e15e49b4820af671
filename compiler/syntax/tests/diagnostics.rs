//! Syntax errors: what is said, where, and that one run reports every independent error while
//! keeping everything that parsed.

mod common;

use common::*;
use scene_syntax::ast::*;
use scene_syntax::codes;

fn codes_of(src: &str) -> Vec<&'static str> {
    parse_str(src)
        .diagnostics
        .iter()
        .map(|d| d.code.0)
        .collect()
}

/// Snapshots of the rendered diagnostics of every bad fixture.
#[test]
fn bad_fixtures_snapshot() {
    insta::glob!("fixtures/bad/*.scene", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let p = parse_str(&src);
        assert!(
            !p.diagnostics.is_empty(),
            "{} has no errors",
            path.display()
        );
        insta::assert_snapshot!(render(&src, &p.diagnostics));
    });
}

#[test]
fn several_independent_errors_in_one_run() {
    let src = fixture("bad/many_errors.scene");
    let p = parse_str(&src);
    assert_eq!(p.diagnostics.len(), 21, "{}", render(&src, &p.diagnostics));
    // Good pieces survive: the film and its good field, the scene with its good statements.
    let ItemKind::Film(film) = &p.file.items[0].kind else {
        panic!()
    };
    assert_eq!(film.fields.len(), 1);
    let ItemKind::Scene(scene) = &p
        .file
        .items
        .iter()
        .find(|i| matches!(i.kind, ItemKind::Scene(_)))
        .unwrap()
        .kind
    else {
        panic!()
    };
    let shots: Vec<&ShotDef> = scene
        .items
        .iter()
        .filter_map(|i| {
            if let SceneItemKind::Shot(s) = &i.kind {
                Some(s)
            } else {
                None
            }
        })
        .collect();
    // `shot opening {` has no duration, so it is dropped; `shot two 6 s` too.
    assert!(shots.is_empty());
    // The camera preset after the bad sound definitions still parses.
    assert!(p.file.items.iter().any(
        |i| matches!(&i.kind, ItemKind::Camera(c) if c.name.name == "c" && c.fields.len() == 1)
    ));
}

#[test]
fn good_statements_of_a_bad_shot_are_kept() {
    let src = "scene s at street {\n    shot a 6s {\n        camera wide\n        zoom 2x\n        prompt \"kept\"\n    }\n}\n";
    let p = parse_str(src);
    assert_eq!(codes_of(src), ["E0009"]);
    let ItemKind::Scene(scene) = &p.file.items[0].kind else {
        panic!()
    };
    let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
        panic!()
    };
    assert_eq!(shot.statements.len(), 2);
    // The recovered shot's span still covers its whole text.
    assert_eq!(
        &src[scene.items[0].span.range()],
        "shot a 6s {\n        camera wide\n        zoom 2x\n        prompt \"kept\"\n    }"
    );
}

#[test]
fn expected_a_duration_after_the_shot_name() {
    let src = "scene s at street {\n    shot opening {\n        camera wide\n    }\n}\n";
    let p = parse_str(src);
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, codes::E0001);
    assert!(
        d.message
            .contains("expected a duration such as `6s` after the shot name"),
        "{}",
        d.message
    );
    assert_eq!(line_col_of(src, d.span.start), (2, 18));
}

fn line_col_of(src: &str, offset: u32) -> (usize, usize) {
    scene_syntax::line_col(src, offset as usize)
}

#[test]
fn unterminated_string() {
    let src = "film \"t\" {\n    style \"grain\n    fps 24\n}\n";
    let p = parse_str(src);
    assert_eq!(codes_of(src), ["E0002"]);
    assert_eq!(&src[p.diagnostics[0].span.range()], "\"grain");
    // The next line is unaffected.
    let ItemKind::Film(f) = &p.file.items[0].kind else {
        panic!()
    };
    assert_eq!(f.fields.len(), 1);
    assert_eq!(f.fields[0].key.name, "fps");
}

#[test]
fn unclosed_brace_points_back_at_its_block() {
    let src = "character aiko {\n    description \"x\"\n\nscene s at street {\n    shot a 1s { prompt \"p\" }\n}\n";
    let p = parse_str(src);
    assert_eq!(codes_of(src), ["E0004"]);
    let d = &p.diagnostics[0];
    assert!(d.message.starts_with("unclosed `{`"));
    assert_eq!(d.related.len(), 1);
    assert_eq!(d.related[0].message, "this block started here");
    assert_eq!(d.related[0].span.start, 15);
    // Both the character and the scene after it are kept.
    assert_eq!(p.file.items.len(), 2);
}

#[test]
fn unclosed_brace_at_end_of_file() {
    let src = "scene s at street {\n    shot a 1s {\n        prompt \"p\"\n";
    let p = parse_str(src);
    let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [codes::E0004, codes::E0004]);
    assert_eq!(p.diagnostics[0].span.start as usize, src.len());
}

#[test]
fn space_before_unit_has_a_fix() {
    let src = "scene s at street {\n    shot a 6 s {}\n}";
    let p = parse_str(src);
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, codes::E0007);
    assert_eq!(
        d.message,
        "a space between a number and its unit: write `6s`"
    );
    assert_eq!(&src[d.span.range()], "6 s");
    assert_eq!(d.fixes[0].replacement, "6s");
}

#[test]
fn unknown_unit() {
    let p = parse_str("film \"t\" { fps 24fps }");
    assert_eq!(p.diagnostics[0].code, codes::E0008);
    assert_eq!(p.diagnostics[0].message, "unknown unit `fps` in `24fps`");
}

#[test]
fn unknown_statement_lists_the_statements() {
    let src = "scene s at street {\n    shot a 1s {\n        zoom 2x\n    }\n}";
    let p = parse_str(src);
    let d = &p.diagnostics[0];
    assert_eq!(d.code, codes::E0009);
    assert!(d.message.starts_with(
        "unknown statement `zoom` in a shot; expected one of: camera, lens, at, prompt"
    ));
    assert_eq!(&src[d.span.range()], "zoom");
}

#[test]
fn messages_never_show_rule_names() {
    for path in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bad")).unwrap()
    {
        let src = std::fs::read_to_string(path.unwrap().path()).unwrap();
        for d in parse_str(&src).diagnostics {
            for word in [
                "kw_",
                "_stmt",
                "EOI",
                "ident",
                "shot_duration",
                "sound_target",
                "camera_move",
            ] {
                assert!(!d.message.contains(word), "{}", d.message);
            }
        }
    }
}

#[test]
fn errors_are_reported_once_and_in_order() {
    let src = fixture("bad/statements.scene");
    let p = parse_str(&src);
    let starts: Vec<u32> = p.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(starts, sorted);
    // One error for each of the 17 bad lines.
    assert_eq!(p.diagnostics.len(), 17, "{}", render(&src, &p.diagnostics));
}

#[test]
fn deep_comment_nesting_is_refused_not_overflowed() {
    let src = format!(
        "film \"t\" {{ fps 24 {} }}\nlook a {{ style \"x\" }}",
        "/*".repeat(10_000)
    );
    let p = parse_str(&src);
    assert!(p.diagnostics.iter().any(|d| d.code == codes::E0012));
    let nested = format!("{}x{}\nfilm \"t\" {{}}", "/*".repeat(60), "*/".repeat(60));
    parse_clean(&nested);
}
