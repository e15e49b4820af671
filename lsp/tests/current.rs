//! End-to-end: the editor always sees the current version. Hover and inlay hints asked for in the
//! same breath as an edit answer from that edit; a newer plan is announced to clients that ask;
//! unsaved buffers, files changed on disk, odd frames and oversized files all get an answer.

mod common;

use common::{position, project, uri, Server};
use serde_json::{json, Value};

const FILM: &str = r#"film "Breath" { fps 24 }
character aiko { description "a young woman in a red raincoat" }
location street { description "a wet street" }
scene s at street {
    shot opening 6s {
        camera wide
        aiko at center
        prompt "rain falls"
    }
    dissolve 1s
    shot reply 3s {
        camera closeup on aiko
        aiko does "smiles"
    }
}
"#;

fn all_hints(s: &mut Server, u: &str) -> Vec<String> {
    let r = s.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": u }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } } }),
    );
    r["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|h| h["label"].as_str().unwrap().to_owned())
        .collect()
}

fn hover_text(s: &mut Server, u: &str, text: &str, at: &str) -> String {
    let pos = position(text, text.find(at).unwrap() + at.len() - 1);
    let r = s.at("textDocument/hover", u, pos, json!({}));
    r["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn hover_and_inlay_hints_in_the_same_breath_as_an_edit_answer_from_that_edit() {
    let (_d, root) = project(&[("film.scene", FILM)]);
    let mut s = Server::initialized(&root);
    let u = uri(&root.join("film.scene"));
    // Asked right after opening, before any diagnostics: the plan is made on demand.
    s.open(&u, FILM);
    assert_eq!(
        all_hints(&mut s, &u),
        vec!["@ 00:00:00:00", "@ 00:00:05:00"]
    );
    // The dissolve grows to 2s: `reply` starts at 4s. Asked without waiting for anything.
    let edited = FILM.replace("dissolve 1s", "dissolve 2s");
    s.change_full(&u, 2, &edited);
    assert_eq!(
        all_hints(&mut s, &u),
        vec!["@ 00:00:00:00", "@ 00:00:04:00"],
        "hints of the current version"
    );
    let md = hover_text(&mut s, &u, &edited, "shot reply");
    assert!(md.contains("film frame 96"), "{md}");
    assert!(!md.contains("last version without errors"), "{md}");
    // The shot's hover says how long its prompt is for the text encoder.
    assert!(md.contains("tokens of the 256 ltx reads"), "{md}");
    // An edit with an error: the previous plan, marked as such.
    let broken = edited.replace("camera closeup on aiko", "camera closeup on aikko");
    s.change_full(&u, 3, &broken);
    let md = hover_text(&mut s, &u, &broken, "shot reply");
    assert!(md.contains("last version without errors"), "{md}");
    s.shutdown();
}

#[test]
fn a_newer_plan_is_announced_to_clients_that_support_refresh() {
    let (_d, root) = project(&[("film.scene", FILM)]);
    let mut s = Server::start();
    let r = s.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri(&root),
            "capabilities": { "workspace": { "inlayHint": { "refreshSupport": true } } }
        }),
    );
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    s.notify("initialized", json!({}));
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    let refresh = s
        .try_wait_for_request("workspace/inlayHint/refresh")
        .expect("a workspace/inlayHint/refresh request once the plan lands");
    s.send(&json!({ "jsonrpc": "2.0", "id": refresh["id"], "result": null }));
    assert_eq!(
        all_hints(&mut s, &u),
        vec!["@ 00:00:00:00", "@ 00:00:05:00"]
    );
    s.shutdown();
}

#[test]
fn an_untitled_buffer_gets_checker_diagnostics() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let u = "untitled:Untitled-1";
    s.open(
        u,
        &FILM.replace("camera closeup on aiko", "camera closeup on aikko"),
    );
    let diags = s.diagnostics(u, Some(1));
    assert!(
        diags.iter().any(|d| d["code"] == "E0101"),
        "the checker's unknown-name error: {diags:?}"
    );
    s.shutdown();
}

#[test]
fn a_cast_file_changed_on_disk_rechecks_the_film_that_imports_it() {
    let film = format!(
        "import \"cast.scene\"\n{}",
        FILM.replace(
            "character aiko { description \"a young woman in a red raincoat\" }\n",
            ""
        )
    );
    let cast = "character aiko { description \"a young woman in a red raincoat\" }\n";
    let (_d, root) = project(&[("film.scene", &film), ("cast.scene", cast)]);
    let mut s = Server::initialized(&root);
    let u = uri(&root.join("film.scene"));
    s.open(&u, &film);
    let diags = s.diagnostics(&u, Some(1));
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    // Another program renames the character in the cast file.
    std::fs::write(root.join("cast.scene"), cast.replace("aiko", "akiko")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join("cast.scene")), "type": 2 }] }),
    );
    let p = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "E0101"))
    });
    assert!(p["diagnostics"].is_array());
    s.shutdown();
}

#[test]
fn json_that_is_not_a_json_rpc_message_is_answered_and_the_server_keeps_serving() {
    let (_d, root) = project(&[("film.scene", FILM)]);
    let mut s = Server::initialized(&root);
    for body in [
        r#"{"foo":1}"#,
        "[]",
        "null",
        "42",
        r#"{"jsonrpc":"2.0","id":"odd"}"#,
    ] {
        s.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        let answer = s
            .try_wait_for_error()
            .unwrap_or_else(|| panic!("no answer to {body}"));
        assert_eq!(answer["error"]["code"], -32600, "{body}: {answer}");
        assert!(s.is_running(), "the server lives after {body}");
    }
    let u = uri(&root.join("film.scene"));
    s.open(&u, FILM);
    assert_eq!(all_hints(&mut s, &u).len(), 2);
    s.shutdown();
}

#[test]
fn a_file_over_four_mebibytes_gets_a_coded_diagnostic() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let line = "character c { description \"a very long file used to test the size limit\" }\n";
    let text = line.repeat(4 * 1024 * 1024 / line.len() + 2);
    let u = uri(&root.join("big.scene"));
    s.open(&u, &text);
    let diags = s.diagnostics(&u, Some(1));
    assert!(
        diags.iter().any(|d| d["code"] == "W0901"),
        "the size limit's code: {diags:?}"
    );
    s.shutdown();
}

trait Waits {
    fn try_wait_for_request(&mut self, method: &str) -> Option<Value>;
    fn try_wait_for_error(&mut self) -> Option<Value>;
}

impl Waits for Server {
    /// A request from the server (a message with a method and an id).
    fn try_wait_for_request(&mut self, method: &str) -> Option<Value> {
        let deadline = std::time::Instant::now() + common::TIMEOUT;
        loop {
            if let Some(i) = self
                .backlog
                .iter()
                .position(|m| m["method"] == method && m.get("id").is_some())
            {
                return Some(self.backlog.remove(i));
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            // A throwaway request pumps the messages that arrived into the backlog.
            let _ = self.request("scene/stats", json!(null));
        }
    }

    /// A response carrying an error and no method.
    fn try_wait_for_error(&mut self) -> Option<Value> {
        let deadline = std::time::Instant::now() + common::TIMEOUT;
        loop {
            if let Some(i) = self
                .backlog
                .iter()
                .position(|m| m.get("error").is_some() && m.get("method").is_none())
            {
                return Some(self.backlog.remove(i));
            }
            if std::time::Instant::now() > deadline {
                return None;
            }
            let _ = self.request("scene/stats", json!(null));
        }
    }
}
