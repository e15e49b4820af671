//! The title page: `Key: value` lines at the very start of the file, up to the first blank line.
//! A value may sit on the key's line or on the indented lines below it (`Contact:` and an
//! address). The page is recognised only when its first key is one Fountain names, so that a
//! script opening with `FADE IN:` is not mistaken for one.

use super::inline::plain;
use super::lines::Line;
use crate::screenplay::{Origin, TitleEntry};

/// The keys the Fountain syntax lists for a title page (compared without case).
const KNOWN_KEYS: &[&str] = &[
    "title",
    "credit",
    "author",
    "authors",
    "source",
    "draft date",
    "date",
    "contact",
    "copyright",
    "notes",
    "revision",
];

/// Reads the title page from the start of `lines`; returns its entries and how many lines it
/// used (zero when there is none).
pub fn title_page(lines: &[Line]) -> (Vec<TitleEntry>, usize) {
    let first = lines
        .iter()
        .position(|l| !l.is_blank())
        .unwrap_or(lines.len());
    let Some((key, _)) = lines.get(first).and_then(|l| key_value(&l.text)) else {
        return (Vec::new(), 0);
    };
    if !KNOWN_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
        return (Vec::new(), 0);
    }
    let mut entries: Vec<TitleEntry> = Vec::new();
    let mut used = first;
    for line in &lines[first..] {
        if line.is_blank() {
            break;
        }
        used += 1;
        let indented = line.text.starts_with('\t') || line.text.starts_with("   ");
        match key_value(&line.text) {
            Some((key, value)) if !indented => {
                let value = plain(value.trim());
                entries.push(TitleEntry {
                    key: key.to_string(),
                    values: if value.is_empty() {
                        Vec::new()
                    } else {
                        vec![value]
                    },
                    origin: line.origin.clone(),
                });
            }
            _ => {
                // A continuation line: it belongs to the key above it.
                if let Some(entry) = entries.last_mut() {
                    let value = plain(line.text.trim());
                    if !value.is_empty() {
                        entry.values.push(value);
                    }
                    entry.origin = Origin {
                        bytes: entry.origin.bytes.start..line.origin.bytes.end,
                        line: entry.origin.line,
                    };
                }
            }
        }
    }
    (entries, used)
}

/// `Key: value` where the key is letters, digits, blanks, `_` or `-`, starting with a letter.
fn key_value(text: &str) -> Option<(&str, &str)> {
    let (key, value) = text.split_once(':')?;
    let mut chars = key.chars();
    let first = chars.next()?;
    let ok = first.is_alphabetic()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-');
    ok.then_some((key.trim_end(), value))
}
