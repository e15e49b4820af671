//! Compiler diagnostics as LSP diagnostics: the same code, message and help as `scenec check`,
//! related locations for duplicates and cycles, and the machine-applicable fixes carried in
//! `data` so that a code action can apply them without asking the server's state.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
    Uri,
};

use crate::analysis::film_check::{Document, Outcome};
use crate::analysis::project::MAX_FILE_BYTES;

/// A file of the film larger than the language server analyses (4 MiB): documented in
/// docs/diagnostics.md with the codes it shares a namespace with.
pub const TOO_LARGE: scene_syntax::Code = scene_syntax::Code("W0901");
use crate::proto::convert;

/// Maps a compiler span to a place in a client document; `None` for text the client cannot open
/// (the stdlib).
pub trait SpanMap {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)>;
}

fn document_uri(document: &Document) -> Option<Uri> {
    match document {
        Document::Uri(u) => u.parse().ok(),
        Document::Path(p) => crate::proto::uri::from_path(p),
    }
}

impl SpanMap for Outcome {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)> {
        let file = self.file(span.file)?;
        let uri = document_uri(&file.document)?;
        Some((
            uri,
            convert::range_in(
                &file.text,
                &file.lines,
                span.start as usize..span.end as usize,
            ),
        ))
    }
}

/// A check's diagnostics by document URI, every document of the film listed (those without
/// diagnostics empty, so that their old ones are cleared).
pub fn publish_list(outcome: &Outcome) -> BTreeMap<String, (Uri, Vec<Diagnostic>)> {
    let mut out = to_lsp(&outcome.diagnostics, outcome);
    for f in &outcome.files {
        if let Some(uri) = document_uri(&f.document) {
            out.entry(uri.as_str().to_owned())
                .or_insert_with(|| (uri, Vec::new()));
        }
    }
    for t in &outcome.too_large {
        let Some(uri) = document_uri(&t.document) else {
            continue;
        };
        out.entry(uri.as_str().to_owned())
            .or_insert_with(|| (uri.clone(), Vec::new()))
            .1
            .push(Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String(TOO_LARGE.0.into())),
                source: Some("scene-lsp".into()),
                message: format!(
                    "this file is too large for the language server ({:.1} MiB, the limit is {} MiB); it is not analysed",
                    t.bytes as f64 / (1024.0 * 1024.0),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
                ..Diagnostic::default()
            });
    }
    out
}

/// URIs published for an entry last time that have nothing now: they must be cleared.
pub fn cleared(
    before: &BTreeSet<String>,
    now: &BTreeMap<String, (Uri, Vec<Diagnostic>)>,
) -> Vec<Uri> {
    before
        .iter()
        .filter(|u| !now.contains_key(*u))
        .filter_map(|u| u.parse().ok())
        .collect()
}

/// A fix as stored in a diagnostic's `data`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FixData {
    pub title: String,
    pub uri: Uri,
    pub range: Range,
    #[serde(rename = "newText")]
    pub new_text: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub fixes: Vec<FixData>,
}

/// Converts diagnostics and groups them by document. Diagnostics whose primary span lies in a
/// file the client cannot open are dropped.
pub fn to_lsp(
    diagnostics: &[scene_syntax::Diagnostic],
    map: &dyn SpanMap,
) -> BTreeMap<String, (Uri, Vec<Diagnostic>)> {
    let mut out: BTreeMap<String, (Uri, Vec<Diagnostic>)> = BTreeMap::new();
    for d in diagnostics {
        let Some((uri, range)) = map.locate(d.span) else {
            continue;
        };
        let lsp = convert(d, range, map);
        out.entry(uri.as_str().to_owned())
            .or_insert_with(|| (uri.clone(), Vec::new()))
            .1
            .push(lsp);
    }
    out
}

pub fn convert(d: &scene_syntax::Diagnostic, range: Range, map: &dyn SpanMap) -> Diagnostic {
    let severity = match d.severity {
        scene_syntax::Severity::Error => DiagnosticSeverity::ERROR,
        scene_syntax::Severity::Warning => DiagnosticSeverity::WARNING,
        scene_syntax::Severity::Hint => DiagnosticSeverity::HINT,
    };
    let mut message = d.message.clone();
    if !d.label.is_empty() && d.label != d.message {
        message.push_str(&format!(" ({})", d.label));
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let (uri, range) = map.locate(r.span)?;
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: r.message.clone(),
            })
        })
        .collect();
    let fixes: Vec<FixData> = d
        .fixes
        .iter()
        .filter_map(|f| {
            let (uri, range) = map.locate(f.span)?;
            Some(FixData {
                title: f.title.clone(),
                uri,
                range,
                new_text: f.replacement.clone(),
            })
        })
        .collect();
    Diagnostic {
        range,
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.0.to_owned())),
        source: Some("scenec".to_owned()),
        message,
        related_information: if related.is_empty() {
            None
        } else {
            Some(related)
        },
        data: if fixes.is_empty() {
            None
        } else {
            serde_json::to_value(DiagnosticData { fixes }).ok()
        },
        ..Diagnostic::default()
    }
}
