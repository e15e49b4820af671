//! A guard in front of the protocol transport: only well-framed messages reach it.
//!
//! The transport stops reading for good when a header block fails to parse (random bytes on
//! stdin end the session). This filter resynchronises at the next `Content-Length:` header,
//! drops whatever garbage came before it, and hands the transport one clean frame at a time.
//! A frame whose body is not valid JSON would end the session too, so it is answered here with
//! a parse error (id `null`, as the protocol asks) and not passed on. Replies from this filter
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
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32700, "message": format!("Parse error: {detail}") }
    })
    .to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
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
                    if let Err(e) =
                        serde_json::from_slice::<serde_json::Value>(&buf[header..header + body])
                    {
                        let _ = replies.send(parse_error(&e.to_string()));
                        buf.drain(..header + body);
                        continue;
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
