//! Compiler diagnostics as LSP diagnostics: the same code, message and help as `scenec check`,
//! related locations for duplicates and cycles, and the machine-applicable fixes carried in
//! `data` so that a code action can apply them without asking the server's state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
    Uri,
};

/// Maps a compiler span to a place in a client document; `None` for text the client cannot open
/// (the stdlib).
pub trait SpanMap {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)>;
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
