//! End-to-end: the server survives bad input and exits when told to.

mod common;

use common::{project, uri, Server};
use serde_json::json;

fn still_answers(s: &mut Server) {
    let r = s.request("scene/stats", json!(null));
    assert!(
        r["result"]["parses"].is_u64(),
        "server stopped answering: {r}"
    );
}

#[test]
fn exit_after_shutdown_ends_the_process() {
    let (_d, root) = project(&[]);
    let s = Server::initialized(&root);
    assert_eq!(s.shutdown(), Some(0));
}

#[test]
fn malformed_json_gets_a_parse_error_and_the_server_lives_on() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let body = b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ";
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    s.write_raw(&framed);
    let err = s.response_to_null();
    assert_eq!(err["error"]["code"], -32700, "{err}");
    // Valid JSON that is not a request.
    s.send(&json!({ "jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": { "textDocument": 5 } }));
    still_answers(&mut s);
    // Answered with an error: against its id, or (when the message itself does not decode as a
    // request) against `null`.
    assert!(
        s.backlog
            .iter()
            .any(|m| (m["id"] == 7 || m["id"].is_null()) && m.get("error").is_some()),
        "no error for the bad request: {:?}",
        s.backlog
    );
    s.shutdown();
}

#[test]
fn random_bytes_do_not_kill_the_server() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    // A deterministic byte soup, with a framed message after it.
    let mut x: u32 = 0x1234_5678;
    let soup: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x & 0xff) as u8
        })
        .filter(|b| *b != b'C') // never start a valid header by accident
        .collect();
    s.write_raw(&soup);
    s.write_raw(b"\r\n\r\n");
    still_answers(&mut s);
    assert!(s.is_running());
    s.shutdown();
}

#[test]
fn unknown_methods_and_notifications_are_handled() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let r = s.request("scene/doesNotExist", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    s.notify("scene/someNotification", json!({ "x": 1 }));
    s.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///never/opened.scene", "version": 2 }, "contentChanges": [{ "text": "x" }] }));
    s.notify("textDocument/didChange", json!({ "garbage": true }));
    still_answers(&mut s);
    s.shutdown();
}

#[test]
fn a_five_megabyte_file_is_handled() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let line = "character c { description \"a very long file used to test the size limit é\" }\n";
    let text = line.repeat(5 * 1024 * 1024 / line.len() + 1);
    assert!(text.len() > 5 * 1024 * 1024);
    let u = uri(&root.join("big.scene"));
    s.open(&u, &text);
    let diags = s.diagnostics(&u, Some(1));
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("too large")),
        "{diags:?}"
    );
    let r = s.at(
        "textDocument/completion",
        &u,
        json!({"line": 3, "character": 5}),
        json!({}),
    );
    assert!(r.get("result").is_some(), "{r}");
    let r = s.at(
        "textDocument/semanticTokens/full",
        &u,
        json!(null),
        json!({}),
    );
    assert!(r.get("result").is_some() || r.get("error").is_some());
    still_answers(&mut s);
    s.shutdown();
}

#[test]
fn random_text_documents_never_crash_features() {
    let (_d, root) = project(&[]);
    let mut s = Server::initialized(&root);
    let u = uri(&root.join("noise.scene"));
    let mut x: u32 = 99;
    let alphabet: Vec<char> =
        "scene shot camera {}()\"\"\" /* */ // , ; 6s 30% é 😀 \n\t#-> at on aiko ="
            .chars()
            .collect();
    let text: String = (0..3000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            alphabet[x as usize % alphabet.len()]
        })
        .collect();
    s.open(&u, &text);
    s.diagnostics(&u, Some(1));
    for line in 0..40u32 {
        for method in [
            "textDocument/completion",
            "textDocument/hover",
            "textDocument/definition",
        ] {
            let r = s.at(
                method,
                &u,
                json!({"line": line, "character": line * 3 % 17}),
                json!({}),
            );
            assert!(r.get("result").is_some() || r.get("error").is_some(), "{r}");
        }
    }
    for method in [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
    ] {
        let r = s.at(method, &u, json!(null), json!({}));
        assert!(r.get("result").is_some(), "{method}: {r}");
    }
    still_answers(&mut s);
    s.shutdown();
}
