//! A guard in front of the protocol transport: only well-framed messages reach it.
//!
//! The transport stops reading for good when a header block fails to parse (random bytes on
//! stdin end the session). This filter resynchronises at the next `Content-Length:` header,
//! drops whatever garbage came before it, and hands the transport one clean frame at a time.
//! A frame whose body is not valid JSON would end the session too, so it is answered here with
//! a parse error (id `null`, as the protocol asks) and not passed on; so is valid JSON that is
//! not a JSON-RPC message (`{"foo":1}`, `[]`, `null`), answered as an invalid request (with its
//! id when it has one). Replies from this filter
//! and from the server are merged onto stdout whole frame by whole frame, never interleaved.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const HEADER: &[u8] = b"Content-Length:";
/// Header blocks longer than this are garbage.
const MAX_HEADER: usize = 4096;
/// Bodies larger than this are refused (and skipped).
const MAX_BODY: usize = 256 * 1024 * 1024;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// What the front of the buffer holds.
enum Next {
    /// A complete frame: header length and body length.
    Frame(usize, usize),
    /// Drop this many bytes of garbage.
    Skip(usize),
    NeedMore,
}

fn next(buf: &[u8]) -> Next {
    let Some(at) = find(buf, HEADER) else {
        // Keep a tail that might be the start of a header.
        return match buf.len().checked_sub(HEADER.len()) {
            Some(n) if n > 0 => Next::Skip(n),
            _ => Next::NeedMore,
        };
    };
    if at > 0 {
        return Next::Skip(at);
    }
    let Some(end) = find(&buf[..buf.len().min(MAX_HEADER)], b"\r\n\r\n") else {
        return if buf.len() >= MAX_HEADER {
            Next::Skip(1)
        } else {
            Next::NeedMore
        };
    };
    let header = String::from_utf8_lossy(&buf[..end]);
    let length = header
        .split("\r\n")
        .find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .filter(|n| *n <= MAX_BODY);
    match length {
        Some(n) if buf.len() >= end + 4 + n => Next::Frame(end + 4, n),
        Some(_) => Next::NeedMore,
        None => Next::Skip(end + 4),
    }
}

fn parse_error(detail: &str) -> Vec<u8> {
    error_frame(
        serde_json::Value::Null,
        -32700,
        &format!("Parse error: {detail}"),
    )
}

fn error_frame(id: serde_json::Value, code: i64, message: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message }
    })
    .to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Whether a JSON value is a JSON-RPC 2.0 message the transport can take: a request or
/// notification (a string `method`), or a response to one of the server's requests (an `id` with
/// a `result` or an `error`). Batches are not part of LSP.
fn is_message(v: &serde_json::Value) -> bool {
    let Some(o) = v.as_object() else {
        return false;
    };
    let id_ok = o
        .get("id")
        .is_none_or(|id| id.is_number() || id.is_string() || id.is_null());
    o.get("jsonrpc").and_then(|j| j.as_str()) == Some("2.0")
        && id_ok
        && (o.get("method").is_some_and(|m| m.is_string())
            || (o.contains_key("id") && (o.contains_key("result") || o.contains_key("error"))))
}

/// The answer to valid JSON that is not a message: an invalid request, with its id when it
/// carries a usable one.
fn invalid_request(v: &serde_json::Value) -> Vec<u8> {
    let id = v
        .get("id")
        .filter(|id| id.is_number() || id.is_string())
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    error_frame(
        id,
        -32600,
        "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    )
}

/// Copies clean frames from `input` to `output` until `input` ends; answers frames that are not
/// JSON through `replies`.
pub async fn filter(
    mut input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    replies: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        loop {
            match next(&buf) {
                Next::Frame(header, body) => {
                    match serde_json::from_slice::<serde_json::Value>(&buf[header..header + body]) {
                        Err(e) => {
                            let _ = replies.send(parse_error(&e.to_string()));
                            buf.drain(..header + body);
                            continue;
                        }
                        Ok(v) if !is_message(&v) => {
                            let _ = replies.send(invalid_request(&v));
                            buf.drain(..header + body);
                            continue;
                        }
                        Ok(_) => {}
                    }
                    let frame = format!("Content-Length: {body}\r\n\r\n");
                    let ok = output.write_all(frame.as_bytes()).await.is_ok()
                        && output.write_all(&buf[header..header + body]).await.is_ok()
                        && output.flush().await.is_ok();
                    if !ok {
                        return;
                    }
                    buf.drain(..header + body);
                }
                Next::Skip(n) => {
                    eprintln!("scene-lsp: skipped {n} bytes of input that are not an LSP message");
                    buf.drain(..n);
                }
                Next::NeedMore => break,
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Writes the server's frames and the filter's replies to `stdout`, each frame whole. Ends when
/// the server's output ends.
pub async fn merge(
    mut server: impl AsyncRead + Unpin,
    mut replies: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    mut stdout: impl AsyncWrite + Unpin,
) {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut replies_open = true;
    loop {
        tokio::select! {
            read = server.read(&mut chunk) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Next::Frame(header, body) = next(&buf) {
                    if stdout.write_all(&buf[..header + body]).await.is_err() || stdout.flush().await.is_err() {
                        return;
                    }
                    buf.drain(..header + body);
                }
            }
            reply = replies.recv(), if replies_open => {
                match reply {
                    Some(bytes) => {
                        if stdout.write_all(&bytes).await.is_err() || stdout.flush().await.is_err() {
                            return;
                        }
                    }
                    None => replies_open = false,
                }
            }
        }
    }
}
