//! End-to-end: the real `scene-lsp` binary over stdio, one feature per test.

mod common;

use common::{cursor, labels, position, project, uri, Server};
use serde_json::{json, Value};

const CAST: &str = r#"// The cast.
character aiko {
    name "Aiko"
    description "a young woman in a red raincoat"
    voice "soft alto"
    color #d62828
}

character ren {
    description "an old friend in a grey coat"
}
"#;

const FILM: &str = r#"import std.camera
import "cast/aiko.scene"

film "Neon Rain" {
    size 768x512
    fps 24
}

location street {
    description "a neon-lit Tokyo street"
    time night
    weather rain
}

sound theme = music "audio/theme.wav"

scene arrival at street {
    play theme

    shot opening 6s {
        camera wide, dolly in 30%
        aiko enters left, walks to center over 4s
        prompt "rain falls in silver streaks"
        at 3s "a train passes behind her"
    }
    dissolve 1s
    shot reply 3s {
        continues opening
        camera closeup on aiko
        aiko says "It's been ten years." (V.O.)
    }
}
"#;

/// A valid, silent 0.1 s WAV file (16-bit mono PCM at 8 kHz): the checker reads assets by content.
fn wav() -> Vec<u8> {
    let samples = 800u32;
    let data = samples * 2;
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&16000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data.to_le_bytes());
    w.resize(w.len() + data as usize, 0);
    w
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Server) {
    let (dir, root) = project(&[("film.scene", FILM), ("cast/aiko.scene", CAST)]);
    std::fs::create_dir_all(root.join("audio")).unwrap();
    std::fs::write(root.join("audio/theme.wav"), wav()).unwrap();
    let server = Server::initialized(&root);
    (dir, root, server)
}

/// Opens `film.scene` with `text` (containing a `$0`) and returns its URI and the cursor.
fn open_at(server: &mut Server, root: &std::path::Path, fixture: &str) -> (String, Value) {
    let (text, pos) = cursor(fixture);
    let u = uri(&root.join("film.scene"));
    server.open(&u, &text);
    (u, pos)
}

fn film_with(marker_at: &str, replacement: &str) -> String {
    assert!(
        FILM.contains(marker_at),
        "fixture text not found: {marker_at}"
    );
    FILM.replacen(marker_at, replacement, 1)
}

#[test]
fn syntax_errors_are_published_with_codes_and_utf16_ranges() {
    let (_d, root, mut s) = setup();
    // Non-ASCII text before the error on the same line: columns are UTF-16 code units.
    let text = "location é {\n    description \"café ☕ 😀\" } }\n";
    let u = uri(&root.join("film.scene"));
    s.open(&u, text);
    let diags = s.diagnostics(&u, Some(1));
    assert!(!diags.is_empty(), "expected a syntax error");
    for d in &diags {
        assert!(
            d["code"].as_str().is_some_and(|c| c.starts_with('E')),
            "{d}"
        );
        assert_eq!(d["source"], "scenec");
    }
    // The stray `}` after the emoji: count UTF-16 units by hand.
    let line1 = "    description \"café ☕ 😀\" } }";
    let last_brace = line1.rfind('}').unwrap();
    let col = line1[..last_brace].encode_utf16().count();
    assert!(
        diags
            .iter()
            .any(|d| d["range"]["start"] == json!({"line": 1, "character": col})),
        "no diagnostic at the stray brace (1:{col}): {diags:?}"
    );
    s.shutdown();
}

#[test]
fn diagnostics_follow_each_change_and_clear() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    let first = s.diagnostics(&u, Some(1));
    assert!(
        first.iter().all(|d| d["severity"] != 1),
        "the fixture has errors: {first:?}"
    );
    s.change_full(&u, 2, &FILM.replace("shot reply 3s {", "shot reply {"));
    let broken = s.diagnostics(&u, Some(2));
    assert!(
        broken.iter().any(|d| d["severity"] == 1),
        "no error after breaking the shot header"
    );
    // An incremental edit: put the duration back.
    let text = FILM.replace("shot reply 3s {", "shot reply {");
    let at = text.find("shot reply ").unwrap() + "shot reply ".len();
    s.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": u, "version": 3 },
            "contentChanges": [{ "range": { "start": position(&text, at), "end": position(&text, at) }, "text": "3s " }]
        }),
    );
    let fixed = s.diagnostics(&u, Some(3));
    assert!(
        fixed.iter().all(|d| d["severity"] != 1),
        "still errors after the fix: {fixed:?}"
    );
    s.shutdown();
}

#[test]
fn stale_changes_are_ignored_and_only_the_changed_document_is_reparsed() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    s.diagnostics(&u, Some(1));
    let before = s.request("scene/stats", json!(null))["result"].clone();
    s.change_full(&u, 5, &FILM.replace("fps 24", "fps 25"));
    s.diagnostics(&u, Some(5));
    let after = s.request("scene/stats", json!(null))["result"].clone();
    let delta = |key: &str| after[key].as_u64().unwrap() - before[key].as_u64().unwrap();
    let items = |v: &serde_json::Value, key: &str| v["items"][key].as_u64().unwrap();
    assert_eq!(
        delta("parses"),
        1,
        "an edit to film.scene must re-parse film.scene only"
    );
    // In film.scene, only the `film` block changed: it is the one item parsed again, by the
    // server; the checker reused the server's trees (whole, or item by item when its file ids
    // differ from the server's).
    assert_eq!(
        items(&after, "parsed") - items(&before, "parsed"),
        1,
        "{after}"
    );
    assert!(
        items(&after, "reused") - items(&before, "reused") >= 5,
        "the other five items were not reused: {after}"
    );
    // The imported cast file and the stdlib did not change: the checker did not parse them.
    assert!(delta("filesReused") >= 1, "{after}");
    // An older version arriving late changes nothing.
    s.change_full(&u, 4, "garbage {{{");
    let r = s.at("textDocument/documentSymbol", &u, json!(null), json!({}));
    let names: Vec<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    assert!(
        names.contains(&"arrival"),
        "the stale change was applied: {names:?}"
    );
    s.shutdown();
}

#[test]
fn completion_knows_the_context() {
    let (_d, root, mut s) = setup();
    let cases: Vec<(&str, String, Vec<&str>, Vec<&str>)> = vec![
        (
            "top level",
            format!("{FILM}\n$0"),
            vec!["character", "scene", "import", "film"],
            vec!["dolly", "aiko"],
        ),
        (
            "statement start in a shot",
            film_with("        prompt \"rain", "        $0\n        prompt \"rain"),
            vec!["camera", "aiko", "ren", "continues"],
            vec!["film", "street"],
        ),
        (
            "after camera",
            film_with("camera wide, dolly in 30%", "camera $0"),
            vec!["wide", "closeup", "over_shoulder", "medium"],
            vec!["aiko", "pan"],
        ),
        (
            "after camera …,",
            film_with("camera wide, dolly in 30%", "camera wide, $0"),
            vec!["pan", "dolly", "orbit", "handheld"],
            vec!["aiko"],
        ),
        (
            "after on",
            film_with("camera closeup on aiko", "camera closeup on $0"),
            vec!["aiko", "ren"],
            vec!["wide"],
        ),
        (
            "after orbit",
            film_with("camera wide, dolly in 30%", "camera wide, orbit $0"),
            vec!["aiko", "ren"],
            vec!["wide"],
        ),
        (
            "scene at",
            film_with("scene arrival at street", "scene arrival at $0"),
            vec!["street"],
            vec!["aiko"],
        ),
        (
            "after play",
            film_with("    play theme\n", "    play $0\n"),
            vec!["theme"],
            vec!["aiko"],
        ),
        (
            "after continues",
            film_with("continues opening", "continues $0"),
            vec!["opening"],
            vec!["reply", "aiko"],
        ),
        (
            "after a character",
            film_with("aiko says", "aiko $0"),
            vec!["enters", "says", "does", "walks"],
            vec!["wide"],
        ),
        (
            "after enters",
            film_with("aiko enters left", "aiko enters $0"),
            vec!["left", "right", "back"],
            vec![],
        ),
        (
            "film block field",
            film_with("    fps 24\n", "    fps 24\n    $0\n"),
            vec!["seed", "look", "style"],
            vec!["description"],
        ),
        (
            "location field",
            film_with("    time night\n", "    time night\n    $0\n"),
            vec!["weather", "ambience"],
            vec!["voice"],
        ),
        (
            "location time",
            film_with("    time night\n", "    time $0\n"),
            vec!["dawn", "night"],
            vec![],
        ),
        (
            "unit after a shot duration",
            film_with("shot reply 3s {", "shot reply 3$0 {"),
            vec!["3s", "3ms", "3f"],
            vec!["3mm"],
        ),
        (
            "unit after dolly in",
            film_with("dolly in 30%", "dolly in 30$0"),
            vec!["30%"],
            vec!["30s"],
        ),
        (
            "scene level",
            film_with("    dissolve 1s\n", "    dissolve 1s\n    $0\n"),
            vec!["shot …", "dissolve", "play"],
            vec!["camera"],
        ),
    ];
    for (name, fixture, want, not) in cases {
        let (u, pos) = open_at(&mut s, &root, &fixture);
        let r = s.at("textDocument/completion", &u, pos, json!({}));
        let got = labels(&r);
        for w in want {
            assert!(
                got.iter().any(|g| g == w),
                "{name}: expected `{w}` in {got:?}"
            );
        }
        for n in not {
            assert!(
                !got.iter().any(|g| g == n),
                "{name}: did not expect `{n}` in {got:?}"
            );
        }
    }
    // Inside a string: nothing.
    let (u, pos) = open_at(
        &mut s,
        &root,
        &film_with("rain falls in", "rain $0falls in"),
    );
    let r = s.at("textDocument/completion", &u, pos, json!({}));
    assert!(
        labels(&r).is_empty(),
        "completion inside a string: {:?}",
        labels(&r)
    );
    s.shutdown();
}

#[test]
fn completion_offers_snippets_and_stdlib_presets_with_their_import() {
    let (_d, root, mut s) = setup();
    let no_import = FILM.replace("import std.camera\n", "");
    let (u, pos) = open_at(
        &mut s,
        &root,
        &no_import.replace("camera closeup on aiko", "camera $0"),
    );
    let r = s.at("textDocument/completion", &u, pos, json!({}));
    let items = r["result"].as_array().unwrap();
    let over = items
        .iter()
        .find(|i| i["label"] == "over_shoulder")
        .expect("stdlib preset offered");
    assert_eq!(
        over["additionalTextEdits"][0]["newText"],
        "import std.camera\n"
    );
    let (u, pos) = open_at(&mut s, &root, &format!("{FILM}\n$0"));
    let r = s.at("textDocument/completion", &u, pos, json!({}));
    let items = r["result"].as_array().unwrap();
    let snippet = items
        .iter()
        .find(|i| i["label"] == "character …")
        .expect("character snippet");
    assert_eq!(snippet["insertTextFormat"], 2);
    assert!(snippet["textEdit"]["newText"]
        .as_str()
        .unwrap()
        .contains("description"));
    s.shutdown();
}

#[test]
fn hover_shows_definitions() {
    let (_d, root, mut s) = setup();
    let (u, pos) = open_at(&mut s, &root, &film_with("aiko says", "ai$0ko says"));
    let r = s.at("textDocument/hover", &u, pos, json!({}));
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(md.contains("a young woman in a red raincoat"), "{md}");
    assert!(md.contains("soft alto"), "{md}");
    assert!(md.contains("#d62828"), "{md}");
    // A stdlib preset.
    let (u, pos) = open_at(
        &mut s,
        &root,
        &film_with("camera closeup on aiko", "camera close$0up on aiko"),
    );
    let r = s.at("textDocument/hover", &u, pos, json!({}));
    let md = r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(md.contains("85mm") && md.contains("std.camera"), "{md}");
    s.shutdown();
}

#[test]
fn definition_and_references_cross_files() {
    let (_d, root, mut s) = setup();
    let cast_uri = uri(&root.join("cast/aiko.scene"));
    let (u, pos) = open_at(
        &mut s,
        &root,
        &film_with("camera closeup on aiko", "camera closeup on ai$0ko"),
    );
    let r = s.at("textDocument/definition", &u, pos.clone(), json!({}));
    assert_eq!(r["result"]["uri"], cast_uri.as_str(), "{r}");
    assert_eq!(r["result"]["range"]["start"]["line"], 1);
    let r = s.at(
        "textDocument/references",
        &u,
        pos,
        json!({ "context": { "includeDeclaration": true } }),
    );
    let locs = r["result"].as_array().unwrap();
    // The definition, `aiko enters`, `on aiko`, `aiko says`.
    assert_eq!(locs.len(), 4, "{locs:?}");
    assert!(locs.iter().any(|l| l["uri"] == cast_uri.as_str()));
    // From the cast file (never opened: read from disk), the uses in the film are found too.
    let r = s.at(
        "textDocument/references",
        &cast_uri,
        json!({"line": 1, "character": 11}),
        json!({ "context": { "includeDeclaration": false } }),
    );
    assert_eq!(r["result"].as_array().unwrap().len(), 3, "{r}");
    s.shutdown();
}

#[test]
fn rename_edits_every_file_and_refuses_collisions() {
    let (_d, root, mut s) = setup();
    let cast_uri = uri(&root.join("cast/aiko.scene"));
    let (u, pos) = open_at(&mut s, &root, &film_with("aiko says", "ai$0ko says"));
    let r = s.at("textDocument/prepareRename", &u, pos.clone(), json!({}));
    assert_eq!(r["result"]["placeholder"], "aiko", "{r}");
    let r = s.at(
        "textDocument/rename",
        &u,
        pos.clone(),
        json!({ "newName": "mika" }),
    );
    let changes = &r["result"]["changes"];
    assert_eq!(changes[u.as_str()].as_array().unwrap().len(), 3, "{r}");
    assert_eq!(
        changes[cast_uri.as_str()].as_array().unwrap().len(),
        1,
        "{r}"
    );
    assert!(changes[u.as_str()]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["newText"] == "mika"));
    // `ren` exists: refused.
    let r = s.at(
        "textDocument/rename",
        &u,
        pos.clone(),
        json!({ "newName": "ren" }),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{r}"
    );
    let r = s.at("textDocument/rename", &u, pos, json!({ "newName": "2bad" }));
    assert!(r.get("error").is_some(), "{r}");
    // A stdlib preset cannot be renamed.
    let (u, pos) = open_at(
        &mut s,
        &root,
        &film_with("camera closeup on aiko", "camera clo$0seup on aiko"),
    );
    let r = s.at(
        "textDocument/rename",
        &u,
        pos,
        json!({ "newName": "tight" }),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("standard library"),
        "{r}"
    );
    s.shutdown();
}

#[test]
fn document_symbols_folding_and_semantic_tokens() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    let r = s.at("textDocument/documentSymbol", &u, json!(null), json!({}));
    let syms = r["result"].as_array().unwrap();
    let names: Vec<&str> = syms.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["film \"Neon Rain\"", "street", "theme", "arrival"]
    );
    let shots: Vec<&str> = syms[3]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(shots, vec!["opening", "reply"]);

    let r = s.at("textDocument/foldingRange", &u, json!(null), json!({}));
    let folds = r["result"].as_array().unwrap();
    let scene_line = FILM
        .lines()
        .position(|l| l.starts_with("scene arrival"))
        .unwrap();
    assert!(
        folds.iter().any(|f| f["startLine"] == scene_line),
        "{folds:?}"
    );
    assert!(folds.iter().any(|f| f["kind"] == "imports"), "{folds:?}");

    let r = s.at(
        "textDocument/semanticTokens/full",
        &u,
        json!(null),
        json!({}),
    );
    let data: Vec<u64> = r["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(data.len() % 5, 0);
    // Decode and find the definition of `opening` (a shot, declared): type 9, modifier 1.
    let (mut line, mut col) = (0u64, 0u64);
    let mut found = false;
    let opening = FILM
        .lines()
        .position(|l| l.contains("shot opening"))
        .unwrap() as u64;
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        if line == opening && t[3] == 9 && t[4] == 1 {
            found = true;
            assert_eq!(col, 9);
        }
    }
    assert!(found, "no shot declaration token");
    s.shutdown();
}

/// Semantic tokens decoded: (line, column, length, type).
fn decoded_tokens(r: &Value) -> Vec<(u64, u64, u64, u64)> {
    let data: Vec<u64> = r["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        out.push((line, col, t[2], t[3]));
    }
    out
}

#[test]
fn an_unterminated_string_ends_at_its_line_for_colouring_and_diagnostics_alike() {
    let (_d, root, mut s) = setup();
    // `"rain \` then a newline: the parser ends the string at the end of the line; the
    // colouring must too, so the next line is code, not more string.
    let text = film_with(
        "        at 3s \"a train passes behind her\"\n",
        "        at 3s \"rain \\\n        camera wide\n",
    );
    let u = uri(&root.join("film.scene"));
    s.open(&u, &text);
    let broken_line = text.lines().position(|l| l.contains("\"rain \\")).unwrap() as u64;
    let diags = s.diagnostics(&u, Some(1));
    let e0002: Vec<&Value> = diags.iter().filter(|d| d["code"] == "E0002").collect();
    assert_eq!(e0002.len(), 1, "{diags:?}");
    assert_eq!(e0002[0]["range"]["end"]["line"], broken_line, "{diags:?}");
    let r = s.at(
        "textDocument/semanticTokens/full",
        &u,
        json!(null),
        json!({}),
    );
    let tokens = decoded_tokens(&r);
    let string = tokens
        .iter()
        .find(|t| t.0 == broken_line && t.3 == 1)
        .expect("the string token");
    assert_eq!(
        string.1 + string.2,
        text.lines().nth(broken_line as usize).unwrap().len() as u64,
        "the string runs to the end of its line and no further"
    );
    assert!(
        !tokens.iter().any(|t| t.0 == broken_line + 1 && t.3 == 1),
        "the next line is not string: {tokens:?}"
    );
    assert!(
        tokens
            .iter()
            .any(|t| t.0 == broken_line + 1 && t.1 == 8 && t.2 == 6 && t.3 == 0),
        "`camera` on the next line is a keyword: {tokens:?}"
    );
    s.shutdown();
}

#[test]
fn code_action_defines_a_missing_character() {
    let (_d, root, mut s) = setup();
    let (u, pos) = open_at(&mut s, &root, &film_with("aiko says", "ke$0nji says"));
    let r = s.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": pos, "end": pos }, "context": { "diagnostics": [] } }),
    );
    let actions = r["result"].as_array().unwrap();
    let define = actions
        .iter()
        .find(|a| a["title"] == "Define character `kenji`")
        .expect("define action");
    let edit = &define["edit"]["changes"][u.as_str()][0];
    assert!(
        edit["newText"]
            .as_str()
            .unwrap()
            .starts_with("character kenji {"),
        "{edit}"
    );
    s.shutdown();
}

#[test]
fn code_action_applies_fixes_carried_by_diagnostics() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    let fix_range =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 6 } });
    let diagnostic = json!({
        "range": fix_range, "message": "m", "code": "E0200", "source": "scenec",
        "data": { "fixes": [{ "title": "replace with `aiko`", "uri": u, "range": fix_range, "newText": "aiko" }] }
    });
    let r = s.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": fix_range, "context": { "diagnostics": [diagnostic] } }),
    );
    let a = &r["result"][0];
    assert_eq!(a["title"], "replace with `aiko`");
    assert_eq!(a["edit"]["changes"][u.as_str()][0]["newText"], "aiko");
    s.shutdown();
}

#[test]
fn requests_for_unknown_documents_are_errors_not_crashes() {
    let (_d, root, mut s) = setup();
    let missing = uri(&root.join("nope.scene"));
    let r = s.at(
        "textDocument/hover",
        &missing,
        json!({"line": 0, "character": 0}),
        json!({}),
    );
    assert!(r.get("error").is_some(), "{r}");
    // A never-opened file that exists is read from disk.
    let cast = uri(&root.join("cast/aiko.scene"));
    let r = s.at("textDocument/documentSymbol", &cast, json!(null), json!({}));
    assert_eq!(r["result"].as_array().unwrap().len(), 2, "{r}");
    let r = s.request("textDocument/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert!(s.is_running());
    s.shutdown();
}

/// Polls `f` until it returns `Some` (the plan is computed after diagnostics are published).
fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(t) = f() {
            return t;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("condition never held");
}

#[test]
fn checker_diagnostics_have_codes_help_and_related_locations() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    let text = FILM
        .replace("camera closeup on aiko", "camera closeup on aikko")
        .replace(
            "sound theme = music",
            "location street {\n    description \"again\"\n}\n\nsound theme = music",
        );
    s.open(&u, &text);
    let diags = s.diagnostics(&u, Some(1));
    let unknown = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("aikko"))
        .expect("unknown name reported");
    assert!(
        unknown["code"].as_str().unwrap().starts_with('E'),
        "{unknown}"
    );
    assert!(
        unknown["message"].as_str().unwrap().contains("help:"),
        "{unknown}"
    );
    let dup = diags
        .iter()
        .find(|d| d["relatedInformation"].is_array())
        .expect("duplicate with a related location");
    assert_eq!(
        dup["relatedInformation"][0]["location"]["uri"],
        u.as_str(),
        "{dup}"
    );
    s.shutdown();
}

#[test]
fn hover_on_a_shot_and_inlay_hints_come_from_the_plan() {
    let (_d, root, mut s) = setup();
    let (u, pos) = open_at(
        &mut s,
        &root,
        &film_with("at 3s \"a train", "at 3s \"a tr$0ain"),
    );
    let diags = s.diagnostics(&u, Some(1));
    assert!(
        diags.iter().all(|d| d["severity"] != 1),
        "fixture has errors: {diags:?}"
    );
    let md = eventually(|| {
        let r = s.at("textDocument/hover", &u, pos.clone(), json!({}));
        let md = r["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        md.contains("starts").then_some(md)
    });
    assert!(md.contains("shot `opening`"), "{md}");
    assert!(md.contains("prompt at frame 72"), "{md}");
    assert!(md.contains("a train passes behind her"), "{md}");
    // `reply` starts 1s (24 frames) before `opening` ends: frame 120 = 00:00:05:00.
    let r = s.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": u }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } } }),
    );
    let labels: Vec<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    // Each shot's start, then the line's spoken length after its text, measured by the scratch
    // voice (eSpeak NG is installed here, so no `≈`).
    assert_eq!(labels[..2], ["@ 00:00:00:00", "@ 00:00:05:00"], "{r}");
    assert_eq!(labels.len(), 3, "{r}");
    let spoken: f64 = labels[2]
        .trim_end_matches('s')
        .parse()
        .expect("a length in seconds");
    assert!((0.3..5.0).contains(&spoken), "{r}");
    s.shutdown();
}

#[test]
fn formatting_matches_the_formatter() {
    let (_d, root, mut s) = setup();
    let u = uri(&root.join("film.scene"));
    let messy = FILM.replace("    fps 24\n", "        fps    24\n");
    s.open(&u, &messy);
    let r = s.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    let edits = r["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{r}");
    let expected = scene_syntax::format::format(&messy).unwrap();
    assert_eq!(edits[0]["newText"], expected.as_str());
    s.change_full(&u, 2, "shot {");
    let r = s.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("syntax errors"),
        "{r}"
    );
    s.shutdown();
}
