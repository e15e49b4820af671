//! A readable diff of two shot schedules: which prompt text, which camera value, which timing.

use serde_json::Value;

/// One difference, at a path such as `prompt_keyframes[1].shot_text`.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: String,
    /// `None` when the value was added.
    pub before: Option<String>,
    /// `None` when the value was removed.
    pub after: Option<String>,
    /// For summarised per-frame arrays: how many entries differ, of how many.
    pub summary: Option<(usize, usize)>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
        match self.summary {
            Some((n, of)) => write!(
                f,
                "{}: {n} of {of} entries differ; first: {} → {}",
                self.path,
                show(&self.before),
                show(&self.after)
            ),
            None => write!(
                f,
                "{}: {} → {}",
                self.path,
                show(&self.before),
                show(&self.after)
            ),
        }
    }
}

/// Per-frame arrays: summarised as one line each rather than a line per frame.
const PER_FRAME: &[&str] = &["camera", "prompt_weights", "boxes"];

/// Differences between two shot schedules (as JSON), `start_frame` excluded.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out.retain(|c| c.path != "start_frame");
    out
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => {
            let s = other.to_string();
            if s.len() > 160 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(160).map(|(i, _)| i).unwrap_or(s.len())]
                )
            } else {
                s
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            for (k, va) in ma {
                match mb.get(k) {
                    Some(vb) => walk(&join(path, k), va, vb, out),
                    None => out.push(Change {
                        path: join(path, k),
                        before: Some(render(va)),
                        after: None,
                        summary: None,
                    }),
                }
            }
            for (k, vb) in mb {
                if !ma.contains_key(k) {
                    out.push(Change {
                        path: join(path, k),
                        before: None,
                        after: Some(render(vb)),
                        summary: None,
                    });
                }
            }
        }
        (Value::Array(xa), Value::Array(xb)) => {
            let key = path.rsplit('.').next().unwrap_or(path);
            let key = key.split('[').next().unwrap_or(key);
            if PER_FRAME.contains(&key) {
                let differing: Vec<usize> = (0..xa.len().max(xb.len()))
                    .filter(|&i| xa.get(i) != xb.get(i))
                    .collect();
                let first = differing[0];
                let mut first_changes = Vec::new();
                walk(
                    &format!("{path}[{first}]"),
                    xa.get(first).unwrap_or(&Value::Null),
                    xb.get(first).unwrap_or(&Value::Null),
                    &mut first_changes,
                );
                let (before, after) = match first_changes.first() {
                    Some(c) => (
                        Some(format!(
                            "{} {}",
                            c.path,
                            c.before.clone().unwrap_or_default()
                        )),
                        c.after.clone(),
                    ),
                    None => (xa.get(first).map(render), xb.get(first).map(render)),
                };
                let len_note = if xa.len() != xb.len() {
                    format!(" (length {} → {})", xa.len(), xb.len())
                } else {
                    String::new()
                };
                out.push(Change {
                    path: format!("{path}{len_note}"),
                    before,
                    after,
                    summary: Some((differing.len(), xa.len().max(xb.len()))),
                });
            } else {
                for i in 0..xa.len().max(xb.len()) {
                    let p = format!("{path}[{i}]");
                    match (xa.get(i), xb.get(i)) {
                        (Some(va), Some(vb)) => walk(&p, va, vb, out),
                        (Some(va), None) => out.push(Change {
                            path: p,
                            before: Some(render(va)),
                            after: None,
                            summary: None,
                        }),
                        (None, Some(vb)) => out.push(Change {
                            path: p,
                            before: None,
                            after: Some(render(vb)),
                            summary: None,
                        }),
                        (None, None) => {}
                    }
                }
            }
        }
        _ => out.push(Change {
            path: path.to_string(),
            before: Some(render(a)),
            after: Some(render(b)),
            summary: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_changed_text_by_path() {
        let a = json!({"prompt_keyframes": [{"frame": 0, "shot_text": "rain falls"}], "start_frame": 10});
        let b = json!({"prompt_keyframes": [{"frame": 0, "shot_text": "snow falls"}], "start_frame": 99});
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1, "start_frame is not a content change: {d:?}");
        assert_eq!(
            d[0].to_string(),
            "prompt_keyframes[0].shot_text: \"rain falls\" → \"snow falls\""
        );
    }

    #[test]
    fn summarises_per_frame_arrays() {
        let cam = |z: f64| json!({"position": [0.0, 1.6, z], "yaw": 0.0});
        let a = json!({"camera": (0..10).map(|i| cam(i as f64)).collect::<Vec<_>>()});
        let b = json!({"camera": (0..10).map(|i| cam(if i >= 4 { i as f64 + 1.0 } else { i as f64 })).collect::<Vec<_>>()});
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].summary, Some((6, 10)));
        assert!(
            d[0].to_string().contains("camera[4].position[2] 4.0 → 5.0"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn added_and_removed_fields() {
        let d = diff(&json!({"a": 1}), &json!({"b": 2}));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].to_string(), "a: 1 → (absent)");
        assert_eq!(d[1].to_string(), "b: (absent) → 2");
    }
}
