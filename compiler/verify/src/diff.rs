//! A readable diff of two shot schedules: which prompt text, which camera value, which timing.
//! Entries of lists that have a name (an audio cue's sound, a dialogue line's speaker, a subject)
//! are named in words; frame fields read as frames; long texts show only the words that changed.

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
    /// What the changed entry is, in words (`cue "piano"`, `line by mara`), when the path goes
    /// through a named list entry.
    pub label: Option<String>,
    /// For long texts: the words that changed, instead of both whole texts.
    pub words: Option<String>,
}

impl Change {
    fn new(path: String, before: Option<String>, after: Option<String>) -> Change {
        Change {
            path,
            before,
            after,
            summary: None,
            label: None,
            words: None,
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Frame numbers and frame counts read as what they are.
        let frame_field = self.path.ends_with("frame");
        let count_field = self.path.ends_with("frames");
        let show = |v: &Option<String>| match v {
            Some(v) if frame_field && v.parse::<u64>().is_ok() => format!("frame {v}"),
            Some(v) if count_field && v.parse::<u64>().is_ok() => format!("{v} frames"),
            Some(v) => v.clone(),
            None => "(absent)".into(),
        };
        if let Some(label) = &self.label {
            write!(f, "{label}: ")?;
        }
        if let Some(words) = &self.words {
            return write!(f, "{}: {words}", self.path);
        }
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
                    None => out.push(Change::new(join(path, k), Some(render(va)), None)),
                }
            }
            for (k, vb) in mb {
                if !ma.contains_key(k) {
                    out.push(Change::new(join(path, k), None, Some(render(vb))));
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
                    summary: Some((differing.len(), xa.len().max(xb.len()))),
                    ..Change::new(format!("{path}{len_note}"), before, after)
                });
            } else {
                for i in 0..xa.len().max(xb.len()) {
                    let p = format!("{path}[{i}]");
                    let from = out.len();
                    match (xa.get(i), xb.get(i)) {
                        (Some(va), Some(vb)) => walk(&p, va, vb, out),
                        (Some(va), None) => out.push(Change::new(p, Some(render(va)), None)),
                        (None, Some(vb)) => out.push(Change::new(p, None, Some(render(vb)))),
                        (None, None) => {}
                    }
                    if let Some(label) = xa.get(i).or(xb.get(i)).and_then(entry_label) {
                        for c in &mut out[from..] {
                            c.label.get_or_insert_with(|| label.clone());
                        }
                    }
                }
            }
        }
        (Value::String(sa), Value::String(sb)) if sa.len().max(sb.len()) > LONG_TEXT => {
            out.push(Change {
                words: Some(changed_words(sa, sb)),
                ..Change::new(path.to_string(), Some(render(a)), Some(render(b)))
            })
        }
        _ => out.push(Change::new(
            path.to_string(),
            Some(render(a)),
            Some(render(b)),
        )),
    }
}

/// Texts longer than this are shown by their changed words only.
const LONG_TEXT: usize = 80;

/// A list entry in words, from the field that names it: an audio cue's sound, a dialogue line's
/// speaker, a subject's character.
fn entry_label(v: &Value) -> Option<String> {
    let field = |k: &str| v.get(k).and_then(Value::as_str);
    if let Some(sound) = field("sound") {
        Some(format!("cue {sound:?}"))
    } else if let (Some(who), Some(_)) = (field("character"), field("text")) {
        Some(format!("line by {who}"))
    } else {
        field("character").map(|who| format!("subject {who}"))
    }
}

/// The words that differ between two texts, as `"old words" → "new words"` per changed run
/// (a longest common subsequence of words decides what stayed).
pub fn changed_words(a: &str, b: &str) -> String {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    // lcs[i][j]: common words of wa[i..] and wb[j..].
    let mut lcs = vec![vec![0u32; wb.len() + 1]; wa.len() + 1];
    for i in (0..wa.len()).rev() {
        for j in (0..wb.len()).rev() {
            lcs[i][j] = if wa[i] == wb[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut runs: Vec<String> = Vec::new();
    let (mut gone, mut came): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let mut flush = |gone: &mut Vec<&str>, came: &mut Vec<&str>| {
        if gone.is_empty() && came.is_empty() {
            return;
        }
        runs.push(match (gone.is_empty(), came.is_empty()) {
            (false, false) => format!("{:?} → {:?}", gone.join(" "), came.join(" ")),
            (false, true) => format!("{:?} removed", gone.join(" ")),
            _ => format!("{:?} added", came.join(" ")),
        });
        gone.clear();
        came.clear();
    };
    while i < wa.len() || j < wb.len() {
        if i < wa.len() && j < wb.len() && wa[i] == wb[j] {
            flush(&mut gone, &mut came);
            i += 1;
            j += 1;
        } else if j < wb.len() && (i == wa.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            came.push(wb[j]);
            j += 1;
        } else {
            gone.push(wa[i]);
            i += 1;
        }
    }
    flush(&mut gone, &mut came);
    if runs.is_empty() {
        "only whitespace changed".to_string()
    } else {
        format!("words {}", runs.join("; "))
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
    fn a_moved_cue_is_named_and_read_in_frames() {
        let cue = |f: u32| json!({"audio": [{"sound": "piano", "start_frame": f, "gain_db": 0.0}]});
        let d = diff(&cue(7), &cue(14));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "cue \"piano\": audio[0].start_frame: frame 7 → frame 14"
        );
    }

    #[test]
    fn a_long_prompt_shows_the_changed_words_only() {
        let text = |w: &str| {
            format!("Mara {w} at the water. Mara: a woman in a green coat, her hair tied back. A quiet harbour at dusk, gulls over the pier.")
        };
        let d = diff(
            &json!({"prompt_keyframes": [{"text": text("looks")}]}),
            &json!({"prompt_keyframes": [{"text": text("stares hard")}]}),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "prompt_keyframes[0].text: words \"looks\" → \"stares hard\""
        );
        assert_eq!(
            changed_words("a b c d", "a c d e"),
            "words \"b\" removed; \"e\" added"
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
