//! A remix's syntax: `film … extends PATH`, `override`, `insert shot … after|before`, `remove
//! shot`. Each is parsed, printed by the formatter and read back with the same meaning, and a
//! broken one recovers like the definition it wraps.

use scene_syntax::ast::*;
use scene_syntax::compare::same_meaning;
use scene_syntax::{format, parse, FileId};

const REMIX: &str = r#"film "Neon Rain (the train arrives)" extends "../neon_rain/film.scene" { seed 8 }

override shot reply 4s {          // replaces the base film's `reply`, in place
    camera closeup on aiko, lens 85mm
    aiko says "You came back." (barely audible)
}
insert shot glance 2s after reflection { camera closeup on aiko; aiko does "turns" }
insert shot arrival 3s before reply {
    prompt "the train pulls in"
}
remove shot opening
override character aiko { description "a young woman in a yellow raincoat" }
override sound thunder = sfx "audio/thunder2.wav" -3dB
override location street { weather snow }
"#;

fn clean(src: &str) -> SourceFile {
    let p = parse(FileId(0), src);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    p.file
}

#[test]
fn a_remix_parses_into_its_changes() {
    let file = clean(REMIX);
    let ItemKind::Film(film) = &file.items[0].kind else {
        panic!("first item is the film: {:?}", file.items[0].kind)
    };
    assert_eq!(film.title.value, "Neon Rain (the train arrives)");
    assert_eq!(
        film.extends.as_ref().map(|e| e.value.as_str()),
        Some("../neon_rain/film.scene")
    );
    assert_eq!(film.fields.len(), 1);

    let ItemKind::Override(o) = &file.items[1].kind else {
        panic!("{:?}", file.items[1].kind)
    };
    let OverrideTarget::Shot(shot) = &o.target else {
        panic!("{:?}", o.target)
    };
    assert_eq!(shot.name.name, "reply");
    assert_eq!(shot.statements.len(), 2);
    // The override's span is the definition after the keyword.
    assert_eq!(&REMIX[o.span.range()][..10], "shot reply");

    let ItemKind::Insert(insert) = &file.items[2].kind else {
        panic!("{:?}", file.items[2].kind)
    };
    assert_eq!(insert.shot.name.name, "glance");
    assert_eq!(insert.place.node, Place::After);
    assert_eq!(insert.anchor.name, "reflection");
    assert_eq!(insert.shot.statements.len(), 2);
    let ItemKind::Insert(before) = &file.items[3].kind else {
        panic!("{:?}", file.items[3].kind)
    };
    assert_eq!(before.place.node, Place::Before);
    assert_eq!(before.anchor.name, "reply");

    let ItemKind::Remove(remove) = &file.items[4].kind else {
        panic!("{:?}", file.items[4].kind)
    };
    assert_eq!(remove.name.name, "opening");

    let kinds: Vec<&str> = file.items[5..]
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Override(o) => o.target.keyword(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["character", "sound", "location"]);
}

#[test]
fn the_formatter_keeps_a_remix_and_its_meaning() {
    let formatted = format(REMIX).expect("formats");
    assert!(formatted
        .contains("film \"Neon Rain (the train arrives)\" extends \"../neon_rain/film.scene\" {"));
    assert!(formatted.contains("insert shot glance 2s after reflection {\n"));
    assert!(formatted.contains("override sound thunder = sfx \"audio/thunder2.wav\" -3dB\n"));
    assert!(formatted.contains("remove shot opening\n"));
    assert!(formatted.contains("// replaces the base film's `reply`, in place"));
    assert!(same_meaning(&clean(REMIX), &clean(&formatted)));
    // Idempotent.
    assert_eq!(format(&formatted).expect("formats again"), formatted);
}

#[test]
fn a_broken_statement_in_an_override_keeps_the_rest() {
    let src = "override shot reply 4s {\n    camera closeup on aiko, dolly sideways 30%\n    aiko does \"waits\"\n}\ninsert shot glance 2s after reply {\n    aiko walks to\n    prompt \"a glance\"\n}\n";
    let p = parse(FileId(0), src);
    assert_eq!(p.diagnostics.len(), 2, "{:#?}", p.diagnostics);
    let ItemKind::Override(o) = &p.file.items[0].kind else {
        panic!("{:?}", p.file.items)
    };
    let OverrideTarget::Shot(shot) = &o.target else {
        panic!("{:?}", o.target)
    };
    assert_eq!(shot.statements.len(), 1, "the good statement is kept");
    let ItemKind::Insert(insert) = &p.file.items[1].kind else {
        panic!("{:?}", p.file.items)
    };
    assert_eq!(insert.anchor.name, "reply");
    assert_eq!(insert.shot.statements.len(), 1);
}

#[test]
fn a_broken_field_in_an_override_block_keeps_the_rest() {
    let src =
        "override character aiko {\n    description \"a woman in yellow\"\n    color #zzzzzz\n}\n";
    let p = parse(FileId(0), src);
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    let ItemKind::Override(o) = &p.file.items[0].kind else {
        panic!("{:?}", p.file.items)
    };
    let OverrideTarget::Character(def) = &o.target else {
        panic!("{:?}", o.target)
    };
    assert_eq!(def.name.name, "aiko");
    assert_eq!(def.fields.len(), 1);
}

#[test]
fn a_remove_needs_a_shot_name() {
    let p = parse(FileId(0), "remove shot\n");
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    assert!(p.file.items.is_empty());
}

#[test]
fn a_film_without_extends_reads_as_before() {
    let file = clean("film \"T\" { fps 24 }\n");
    let ItemKind::Film(film) = &file.items[0].kind else {
        panic!()
    };
    assert!(film.extends.is_none());
    // The tree's JSON form of a plain film has no `extends` key.
    let json = serde_json::to_string(&file.items[0]).unwrap();
    assert!(!json.contains("extends"), "{json}");
}

/// The block form of `insert`: a piece of a scene, one shot with a transition above and below.
const BLOCK: &str = r#"film "Remix" extends "film.scene" {}

insert after reply {
    shot glance 2s { camera closeup on aiko; aiko does "turns" }   // a trailing comment
    dissolve 12f
}
insert before bridge {
    // the join from what precedes `bridge`
    wipe left 500ms
    shot look 1s {
        prompt "the bridge"
    }
}
insert after bridge { cut; shot last 1s { prompt "the end" }; fade to black 1s }
"#;

#[test]
fn the_block_form_of_insert_parses_its_transitions() {
    let file = clean(BLOCK);
    let block = |i: usize| match &file.items[i].kind {
        ItemKind::Insert(insert) => insert,
        other => panic!("{other:?}"),
    };
    let kind = |item: &Option<SceneItem>| match item.as_ref().map(|i| &i.kind) {
        Some(SceneItemKind::Transition(t)) => Some(t.kind.node),
        None => None,
        other => panic!("{other:?}"),
    };
    let after = block(1);
    assert_eq!(after.place.node, Place::After);
    assert_eq!(after.anchor.name, "reply");
    assert_eq!(after.shot.name.name, "glance");
    assert_eq!(after.shot.statements.len(), 2);
    let b = after.block.as_ref().expect("block form");
    assert_eq!(kind(&b.lead), None);
    assert_eq!(kind(&b.trail), Some(TransitionKind::Dissolve));
    // The block keeps the shot's own span, from `shot` to its `}`.
    assert!(BLOCK[b.span.range()].starts_with("shot glance 2s {"));
    assert!(BLOCK[b.span.range()].ends_with('}'));

    let before = block(2);
    assert_eq!(before.place.node, Place::Before);
    let b = before.block.as_ref().expect("block form");
    assert_eq!(kind(&b.lead), Some(TransitionKind::WipeLeft));
    assert_eq!(kind(&b.trail), None);

    let both = block(3);
    let b = both.block.as_ref().expect("block form");
    assert_eq!(kind(&b.lead), Some(TransitionKind::Cut));
    assert_eq!(kind(&b.trail), Some(TransitionKind::FadeToBlack));
    // The short form has no block, and its tree's JSON form no `block` key.
    let short = clean("insert shot a 1s after b { prompt \"x\" }");
    let ItemKind::Insert(short) = &short.items[0].kind else {
        panic!()
    };
    assert!(short.block.is_none());
    assert!(!serde_json::to_string(short).unwrap().contains("block"));
}

#[test]
fn the_formatter_keeps_the_block_form_and_its_meaning() {
    let formatted = format(BLOCK).expect("formats");
    assert!(
        formatted.contains("insert after reply {\n    shot glance 2s {\n"),
        "{formatted}"
    );
    let trailing = formatted
        .lines()
        .find(|l| l.ends_with("// a trailing comment"))
        .expect("the comment is kept");
    assert!(
        trailing.starts_with("    } "),
        "it trails the shot's brace: {formatted}"
    );
    assert!(
        formatted.contains("// a trailing comment\n    dissolve 12f\n}\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("insert before bridge {\n    // the join from what precedes `bridge`\n    wipe left 500ms\n    shot look 1s {\n        prompt \"the bridge\"\n    }\n}\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains("insert after bridge {\n    cut\n    shot last 1s {\n        prompt \"the end\"\n    }\n    fade to black 1s\n}\n"),
        "{formatted}"
    );
    assert!(same_meaning(&clean(BLOCK), &clean(&formatted)));
    assert_eq!(format(&formatted).expect("formats again"), formatted);
}

#[test]
fn an_insert_block_holds_one_shot_and_one_transition_a_side() {
    for src in [
        // Two shots.
        "insert after a {\n    shot b 1s { prompt \"b\" }\n    shot c 1s { prompt \"c\" }\n}\n",
        // Two transitions on one side.
        "insert after a {\n    cut\n    dissolve 1s\n    shot b 1s { prompt \"b\" }\n}\n",
        // No shot.
        "insert after a {\n    dissolve 1s\n}\n",
        // Scene sound is the scene's, not an insert's.
        "insert after a {\n    play theme\n    shot b 1s { prompt \"b\" }\n}\n",
    ] {
        let p = parse(FileId(0), src);
        assert_eq!(p.diagnostics.len(), 1, "{src}: {:#?}", p.diagnostics);
        assert_eq!(
            p.diagnostics[0].code.0, "E0001",
            "{src}: {:#?}",
            p.diagnostics
        );
        assert!(p.file.items.is_empty(), "{src}");
    }
}

#[test]
fn a_broken_statement_in_an_insert_block_keeps_the_rest() {
    let src = "insert before reply {\n    dissolve 1s\n    shot glance 2s {\n        aiko walks to\n        prompt \"a glance\"\n    }\n}\n";
    let p = parse(FileId(0), src);
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    let ItemKind::Insert(insert) = &p.file.items[0].kind else {
        panic!("{:?}", p.file.items)
    };
    assert_eq!(insert.anchor.name, "reply");
    assert_eq!(
        insert.shot.statements.len(),
        1,
        "the good statement is kept"
    );
    assert!(insert.block.as_ref().is_some_and(|b| b.lead.is_some()));
}
