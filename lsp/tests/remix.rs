//! A remix in the editor: go to definition from an `override` reaches the base film's
//! definition, hover shows what is overridden, and the remix's errors are published with the
//! base's text as related information.

mod common;

use common::{cursor, project, uri, Server};
use serde_json::json;

const CAST: &str = r#"character aiko {
    description "a young woman in a red raincoat"
    voice "soft alto"
}
"#;

const FILM: &str = r#"import "cast/aiko.scene"

film "Neon Rain" {
    fps 24
}

location street {
    description "a neon-lit Tokyo street"
}

scene arrival at street {
    shot opening 2s {
        prompt "rain falls in silver streaks"
    }
    dissolve 1s
    shot reply 3s {
        continues opening
        camera closeup on aiko
    }
}
"#;

const REMIX: &str = r#"film "Neon Rain (remix)" extends "film.scene" {}

override shot reply 3s {
    continues opening
    camera wide on aiko
}

override character aiko {
    description "a young woman in a yellow raincoat"
}

insert shot glance 2s after opening {
    prompt "a glance"
}
"#;

fn open(
    fixture: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Server,
    String,
    serde_json::Value,
) {
    let (dir, root) = project(&[("film.scene", FILM), ("cast/aiko.scene", CAST)]);
    let mut server = Server::initialized(&root);
    let (text, pos) = cursor(fixture);
    std::fs::write(root.join("remix.scene"), &text).unwrap();
    let u = uri(&root.join("remix.scene"));
    server.open(&u, &text);
    (dir, root, server, u, pos)
}

/// A definition reply points at `file`, starting on `line` (0-based).
fn assert_location(r: &serde_json::Value, file: &std::path::Path, line: u64) {
    assert_eq!(r["result"]["uri"], uri(file).as_str(), "{r}");
    assert_eq!(r["result"]["range"]["start"]["line"], line, "{r}");
}

#[test]
fn definition_from_an_override_is_the_bases() {
    let (_d, root, mut s, u, pos) =
        open(&REMIX.replacen("override shot reply", "override shot re$0ply", 1));
    let r = s.at("textDocument/definition", &u, pos, json!({}));
    assert_location(&r, &root.join("film.scene"), 15);

    let (text, pos) =
        cursor(&REMIX.replacen("override character aiko", "override character ai$0ko", 1));
    s.change_full(&u, 2, &text);
    let r = s.at("textDocument/definition", &u, pos, json!({}));
    assert_location(&r, &root.join("cast/aiko.scene"), 0);

    // An insert's anchor is the base's shot too.
    let (text, pos) = cursor(&REMIX.replacen("after opening", "after open$0ing", 1));
    s.change_full(&u, 3, &text);
    let r = s.at("textDocument/definition", &u, pos, json!({}));
    assert_location(&r, &root.join("film.scene"), 11);
    s.shutdown();
}

#[test]
fn hover_on_an_override_shows_what_it_overrides() {
    let (_d, _root, mut s, u, pos) =
        open(&REMIX.replacen("override character aiko", "override character ai$0ko", 1));
    let r = s.at("textDocument/hover", &u, pos, json!({}));
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(md.contains("merges its fields over"), "{md}");
    assert!(md.contains("aiko.scene"), "{md}");
    assert!(
        md.contains("a young woman in a red raincoat"),
        "the base's definition: {md}"
    );
    assert!(md.contains("soft alto"), "{md}");

    let (text, pos) = cursor(&REMIX.replacen("override shot reply", "override shot re$0ply", 1));
    s.change_full(&u, 2, &text);
    let r = s.at("textDocument/hover", &u, pos, json!({}));
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(md.contains("replaces, in place,"), "{md}");
    assert!(md.contains("shot `reply`"), "{md}");
    s.shutdown();
}

#[test]
fn a_remix_has_its_diagnostics_with_the_base_as_related_information() {
    let (_d, root, mut s, u, _) = open(&format!(
        "{}$0",
        REMIX.replacen("override shot reply", "override shot replyy", 1)
    ));
    let diags = s.diagnostics(&u, Some(1));
    let d = diags
        .iter()
        .find(|d| d["code"] == "E0802")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `reply`?"),
        "{d}"
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        uri(&root.join("film.scene")).as_str(),
        "{d}"
    );
    s.shutdown();
}

fn labels(r: &serde_json::Value) -> Vec<String> {
    let items = r["result"]["items"]
        .as_array()
        .or_else(|| r["result"].as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_owned))
        .collect()
}

const BLOCK: &str = r#"film "Neon Rain (remix)" extends "film.scene" {}

insert after opening {
    wipe left 6f
    shot glance 1s {
        prompt "a glance"
    }
}
"#;

#[test]
fn an_insert_block_is_a_piece_of_a_scene_in_the_editor() {
    // Its anchor is the base's shot.
    let (_d, root, mut s, u, pos) = open(&BLOCK.replacen("after opening", "after open$0ing", 1));
    let r = s.at("textDocument/definition", &u, pos, json!({}));
    assert_location(&r, &root.join("film.scene"), 11);
    // The base writes `dissolve 1s` after `opening`: the wipe would replace it (E0807), and the
    // base's transition is the related information.
    let diags = s.diagnostics(&u, Some(1));
    let d = diags
        .iter()
        .find(|d| d["code"] == "E0807")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(d["range"]["start"]["line"], 3, "{d}");
    assert_eq!(
        d["relatedInformation"][0]["location"]["uri"],
        uri(&root.join("film.scene")).as_str(),
        "{d}"
    );
    assert_eq!(
        d["relatedInformation"][0]["location"]["range"]["start"]["line"], 14,
        "{d}"
    );
    // Completion in the block offers what a scene's shots are joined with, not scene sound;
    // inside its shot, shot statements.
    let (text, pos) = cursor(&BLOCK.replacen("    wipe left 6f\n", "    $0\n", 1));
    s.change_full(&u, 2, &text);
    let got = labels(&s.at("textDocument/completion", &u, pos, json!({})));
    for w in ["dissolve", "fade to black", "shot …"] {
        assert!(got.iter().any(|g| g == w), "expected `{w}` in {got:?}");
    }
    for n in ["play", "camera"] {
        assert!(
            !got.iter().any(|g| g == n),
            "did not expect `{n}` in {got:?}"
        );
    }
    let (text, pos) = cursor(&BLOCK.replacen("        prompt \"a glance\"\n", "        $0\n", 1));
    s.change_full(&u, 3, &text);
    let got = labels(&s.at("textDocument/completion", &u, pos, json!({})));
    assert!(got.iter().any(|g| g == "camera"), "{got:?}");
    s.shutdown();
}
