//! Rendering diagnostics at the edge: miette's graphical reports for people, stable JSON for
//! tools. Diagnostics themselves stay plain data.

use std::fmt;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use scene_syntax::{Diagnostic, Severity, Span};
use serde_json::{json, Value};

use crate::load::slash_path;
use crate::sources::Sources;
use crate::Checked;

/// Width human reports wrap at.
pub const WIDTH: usize = 100;

/// Every diagnostic of a checked film, one report each.
pub fn human(checked: &Checked, color: bool) -> String {
    human_diagnostics(&checked.sources, &checked.diagnostics, color, WIDTH)
}

/// Diagnostics of one file parsed on its own (for `scenec fmt`).
pub fn human_for_source(
    path: &Path,
    source: &str,
    diagnostics: &[Diagnostic],
    color: bool,
) -> String {
    human_diagnostics(&Sources::single(path, source), diagnostics, color, WIDTH)
}

pub fn human_diagnostics(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report::new(sources, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail on I/O; keep the message if miette refuses.
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        out.push('\n');
    }
    out
}

/// A span clamped to its file's text and to character boundaries.
fn clamp(sources: &Sources, span: Span) -> (usize, usize) {
    let text = sources.text(span.file);
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn source_span(sources: &Sources, span: Span) -> SourceSpan {
    let (start, end) = clamp(sources, span);
    SourceSpan::new(start.into(), end - start)
}

fn named(sources: &Sources, file: scene_syntax::FileId) -> NamedSource<String> {
    NamedSource::new(
        slash_path(sources.path(file)),
        sources.text(file).to_string(),
    )
}

/// One diagnostic as miette sees it. Related spans in the primary's file become labels; those in
/// other files become related reports with their own source.
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(sources: &Sources, d: &Diagnostic) -> Report {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            (!d.label.is_empty()).then(|| d.label.clone()),
            source_span(sources, d.span),
        )];
        let mut related = Vec::new();
        for r in &d.related {
            if r.span.file == d.span.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.message.clone()),
                    source_span(sources, r.span),
                ));
            } else {
                related.push(Report {
                    message: r.message.clone(),
                    code: None,
                    severity: miette::Severity::Advice,
                    help: None,
                    source: named(sources, r.span.file),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source_span(sources, r.span),
                    )],
                    related: Vec::new(),
                });
            }
        }
        Report {
            message: d.message.clone(),
            code: Some(d.code.to_string()),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: d.help.clone(),
            source: named(sources, d.span.file),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// Every diagnostic of a checked film as a JSON array (see [`diagnostic_json`]).
pub fn json(checked: &Checked) -> String {
    json_diagnostics(&checked.sources, &checked.diagnostics)
}

pub fn json_diagnostics(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let all: Vec<Value> = diagnostics
        .iter()
        .map(|d| diagnostic_json(sources, d))
        .collect();
    // Keys in alphabetical order whatever map serde_json was built with (a build that links
    // the `c2pa` crate turns on its `preserve_order`): the output is the same from every build.
    let mut all = Value::Array(all);
    all.sort_all_objects();
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_string())
}

fn span_json(sources: &Sources, span: Span) -> Value {
    let (start, end) = clamp(sources, span);
    let (line, column) = sources.offset_line_col(span.file, start);
    let (end_line, end_column) = sources.offset_line_col(span.file, end);
    json!({
        "start": start,
        "end": end,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

/// `code`, `severity`, `message`, `file`, `span` {`start`, `end` (bytes), `line`, `column`,
/// `end_line`, `end_column` (1-based, columns in characters)}, `label`, `related` [{`file`,
/// `span`, `message`}], `help` (string or null), `fixes` [{`file`, `span`, `replacement`,
/// `title`}].
pub fn diagnostic_json(sources: &Sources, d: &Diagnostic) -> Value {
    let file = |span: Span| slash_path(sources.path(span.file));
    json!({
        "code": d.code.0,
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": d.message,
        "file": file(d.span),
        "span": span_json(sources, d.span),
        "label": d.label,
        "related": d.related.iter().map(|r| json!({
            "file": file(r.span),
            "span": span_json(sources, r.span),
            "message": r.message,
        })).collect::<Vec<_>>(),
        "help": d.help,
        "fixes": d.fixes.iter().map(|f| json!({
            "file": file(f.span),
            "span": span_json(sources, f.span),
            "replacement": f.replacement,
            "title": f.title,
        })).collect::<Vec<_>>(),
    })
}
