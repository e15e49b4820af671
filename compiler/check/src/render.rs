//! Rendering diagnostics at the edge: miette's graphical reports for people, stable JSON for
//! tools. Diagnostics themselves stay plain data.
//!
//! Human rendering takes time linear in the diagnostics shown, whatever the size of the file:
//! miette is handed a window of a few lines around each diagnostic (see [`FileSource`]), never
//! the whole text, and at most [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics of a file are shown (a
//! [`Checked`] keeps no more); a note counts the rest.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use scene_syntax::{Diagnostic, FileId, Severity, Span};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::limits::MAX_DIAGNOSTICS_PER_FILE;
use crate::load::slash_path;
use crate::sources::Sources;
use crate::{Checked, Suppressed};

/// Width human reports wrap at.
pub const WIDTH: usize = 100;

/// Lines of context miette shows around a label (its default).
const CONTEXT_LINES: usize = 1;

/// Bytes of a long line shown on either side of a span; the rest of the line is cut.
const LONG_LINE_CONTEXT: usize = 240;

/// Bytes of a span underlined at most; a longer span is shown by its beginning (its position
/// and the JSON are exact).
const MAX_LABEL_BYTES: usize = 160;

/// A related span further than this from the primary one is shown in a snippet of its own:
/// miette shows two labels of one snippet with all the text between them.
const MAX_MERGE_BYTES: usize = 2048;

/// Every diagnostic of a checked film, one report each, then a note per file whose
/// diagnostics were too many to keep.
pub fn human(checked: &Checked, color: bool) -> String {
    human_reports(
        &checked.sources,
        &checked.diagnostics,
        &checked.suppressed,
        color,
        WIDTH,
    )
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

/// One report per diagnostic, at most [`MAX_DIAGNOSTICS_PER_FILE`] per file (the first ones in
/// the order given), then a note per file saying how many were not shown.
pub fn human_diagnostics(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    color: bool,
    width: usize,
) -> String {
    human_reports(sources, diagnostics, &[], color, width)
}

fn human_reports(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    suppressed: &[Suppressed],
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
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut files = FileSources::new(sources);
    let mut shown: BTreeMap<FileId, usize> = BTreeMap::new();
    // Per file: errors and warnings not shown.
    let mut hidden: BTreeMap<FileId, (usize, usize)> = suppressed
        .iter()
        .map(|s| (s.file, (s.errors, s.warnings)))
        .collect();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let count = shown.entry(diagnostic.span.file).or_insert(0);
        if *count >= MAX_DIAGNOSTICS_PER_FILE {
            let h = hidden.entry(diagnostic.span.file).or_insert((0, 0));
            match diagnostic.severity {
                Severity::Error => h.0 += 1,
                // The note counts hints with the warnings: neither stops a render.
                Severity::Warning | Severity::Hint => h.1 += 1,
            }
            continue;
        }
        *count += 1;
        let report = Report::new(sources, &mut files, diagnostic);
        if handler.render_report(&mut out, &report).is_err() {
            // Rendering into a String cannot fail on I/O; keep the message if miette refuses.
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
        out.push('\n');
    }
    for (file, (errors, warnings)) in hidden {
        out.push_str(&suppressed_note(sources, file, errors, warnings));
        out.push_str("\n\n");
    }
    out
}

/// "note: 812 more errors in `film.scene` not shown (at most 100 per file)".
pub fn suppressed_note(sources: &Sources, file: FileId, errors: usize, warnings: usize) -> String {
    format!(
        "note: {} in `{}` not shown (at most {MAX_DIAGNOSTICS_PER_FILE} per file)",
        more(errors, warnings),
        slash_path(sources.path(file)),
    )
}

/// "812 more errors and 3 more warnings".
fn more(errors: usize, warnings: usize) -> String {
    let n = |count: usize, word: &str| {
        format!("{count} more {word}{}", if count == 1 { "" } else { "s" })
    };
    match (errors, warnings) {
        (e, 0) => n(e, "error"),
        (0, w) => n(w, "warning"),
        (e, w) => format!("{} and {}", n(e, "error"), n(w, "warning")),
    }
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

/// A span as a human report shows it: clamped, and cut to [`MAX_LABEL_BYTES`].
fn source_span(sources: &Sources, span: Span) -> SourceSpan {
    let (start, mut end) = clamp(sources, span);
    if end - start > MAX_LABEL_BYTES {
        let text = sources.text(span.file);
        end = start + MAX_LABEL_BYTES;
        while !text.is_char_boundary(end) {
            end += 1;
        }
    }
    SourceSpan::new(start.into(), end - start)
}

/// The line starts of each file as miette counts lines, computed once per rendering and only
/// for files that have a diagnostic.
struct FileSources<'a> {
    sources: &'a Sources,
    lines: BTreeMap<FileId, std::sync::Arc<Vec<usize>>>,
}

impl<'a> FileSources<'a> {
    fn new(sources: &'a Sources) -> Self {
        FileSources {
            sources,
            lines: BTreeMap::new(),
        }
    }

    fn get(&mut self, file: FileId) -> FileSource<'a> {
        let text = self.sources.text(file);
        let lines = self
            .lines
            .entry(file)
            .or_insert_with(|| std::sync::Arc::new(miette_line_starts(text)))
            .clone();
        FileSource {
            name: slash_path(self.sources.path(file)),
            text,
            lines,
        }
    }
}

/// Where each line starts, with miette's idea of a line break: `\n`, `\r\n` or a lone `\r`.
fn miette_line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 2;
                continue;
            }
            b'\r' | b'\n' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// A file as miette reads it. miette's own readers scan the text from its first byte for every
/// label, which made a file with thousands of diagnostics quadratic to print; this one finds
/// the lines around a span by binary search and lets miette read only those (cut to
/// [`LONG_LINE_CONTEXT`] bytes either side of the span on a long line). Line numbers, columns
/// and line counts are shifted back, so the report is the one miette would print for the whole
/// text, except that very long lines are cut.
struct FileSource<'a> {
    name: String,
    text: &'a str,
    lines: std::sync::Arc<Vec<usize>>,
}

impl FileSource<'_> {
    /// Index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.lines.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn floor_boundary(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    fn ceil_boundary(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }

    /// Length of line `i` in bytes, its line break included.
    fn line_len(&self, i: usize) -> usize {
        let end = self.lines.get(i + 1).copied().unwrap_or(self.text.len());
        end - self.lines[i]
    }

    /// The byte range of the text miette needs to see for `span` with this much context:
    /// whole lines, with a line to spare on either side. Context lines longer than
    /// [`LONG_LINE_CONTEXT`] twice over are left out, and the span's own lines are cut that far
    /// from it.
    fn window(&self, start: usize, end: usize, before: usize, after: usize) -> (usize, usize) {
        let short = |i: usize| self.line_len(i) <= 2 * LONG_LINE_CONTEXT;
        let start_line = self.line_of(start);
        let end_line = self.line_of(end.saturating_sub(1).max(start));
        let mut first = start_line;
        while first > 0 && start_line - first < before + 1 && short(first - 1) {
            first -= 1;
        }
        let mut last = end_line;
        while last + 1 < self.lines.len() && last - end_line < after + 2 && short(last + 1) {
            last += 1;
        }
        let mut from = self.lines[first];
        let mut to = self.lines.get(last + 1).copied().unwrap_or(self.text.len());
        if start - self.lines[start_line] > LONG_LINE_CONTEXT {
            from = from.max(self.floor_boundary(start - LONG_LINE_CONTEXT));
        }
        let end_line_end = self
            .lines
            .get(self.line_of(end) + 1)
            .copied()
            .unwrap_or(self.text.len());
        if end_line_end.saturating_sub(end) > LONG_LINE_CONTEXT {
            to = to.min(self.ceil_boundary(end + LONG_LINE_CONTEXT));
        }
        (from, to.max(end))
    }
}

impl SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (from, to) = self.window(start, end, context_lines_before, context_lines_after);
        let window = &self.text[from..to];
        let inner = SourceSpan::new((start - from).into(), span.len());
        let contents = window.read_span(&inner, context_lines_before, context_lines_after)?;
        // Lines before the window, and how far into its line the window starts.
        let first_line = self.line_of(from);
        let into_line = from - self.lines[first_line];
        // miette gives a column only without context before; it counts from the line's start.
        let column = if context_lines_before == 0 && contents.line() == 0 {
            contents.column() + into_line
        } else {
            contents.column()
        };
        let data_start = contents.span().offset() + from;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(data_start.into(), contents.span().len()),
            contents.line() + first_line,
            column,
            contents.line_count() + first_line,
        )))
    }
}

/// One diagnostic as miette sees it. Related spans in the primary's file become labels; those in
/// other files become related reports with their own source.
struct Report<'a> {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: FileSource<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(sources: &Sources, files: &mut FileSources<'a>, d: &Diagnostic) -> Report<'a> {
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            (!d.label.is_empty()).then(|| d.label.clone()),
            source_span(sources, d.span),
        )];
        let mut related = Vec::new();
        for r in &d.related {
            let near = r.span.start.abs_diff(d.span.start) as usize <= MAX_MERGE_BYTES;
            if r.span.file == d.span.file && near {
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
                    source: files.get(r.span.file),
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
                Severity::Hint => miette::Severity::Advice,
            },
            help: d.help.clone(),
            source: files.get(d.span.file),
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
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
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
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
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and what is written is UTF-8 JSON.
    let _ = write_json_diagnostics(&mut out, sources, diagnostics);
    String::from_utf8(out).unwrap_or_else(|_| "[]".to_string())
}

/// [`json`], written to `out` as it is made: one diagnostic at a time, with no tree of JSON
/// values in between (for 100,000 diagnostics that tree took over a gigabyte).
pub fn write_json(out: impl std::io::Write, checked: &Checked) -> std::io::Result<()> {
    write_json_diagnostics(out, &checked.sources, &checked.diagnostics)
}

pub fn write_json_diagnostics(
    out: impl std::io::Write,
    sources: &Sources,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let all = AllJson {
        sources,
        diagnostics,
    };
    serde_json::to_writer_pretty(out, &all).map_err(std::io::Error::from)
}

struct AllJson<'a> {
    sources: &'a Sources,
    diagnostics: &'a [Diagnostic],
}

impl Serialize for AllJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.diagnostics
                .iter()
                .map(|d| DiagnosticJson::new(self.sources, d)),
        )
    }
}

/// One diagnostic as JSON. Fields in alphabetical order: the order the output has always had.
#[derive(Serialize)]
struct DiagnosticJson<'a> {
    code: &'a str,
    file: String,
    fixes: Vec<FixJson<'a>>,
    help: Option<&'a str>,
    label: &'a str,
    message: &'a str,
    related: Vec<RelatedJson<'a>>,
    severity: &'static str,
    span: SpanJson,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    file: String,
    message: &'a str,
    span: SpanJson,
}

#[derive(Serialize)]
struct FixJson<'a> {
    file: String,
    replacement: &'a str,
    span: SpanJson,
    title: &'a str,
}

#[derive(Serialize)]
struct SpanJson {
    column: usize,
    end: usize,
    end_column: usize,
    end_line: usize,
    line: usize,
    start: usize,
}

impl SpanJson {
    fn new(sources: &Sources, span: Span) -> SpanJson {
        let (start, end) = clamp(sources, span);
        let (line, column) = sources.offset_line_col(span.file, start);
        let (end_line, end_column) = sources.offset_line_col(span.file, end);
        SpanJson {
            column,
            end,
            end_column,
            end_line,
            line,
            start,
        }
    }
}

impl<'a> DiagnosticJson<'a> {
    fn new(sources: &Sources, d: &'a Diagnostic) -> DiagnosticJson<'a> {
        let file = |span: Span| slash_path(sources.path(span.file));
        DiagnosticJson {
            code: d.code.0,
            file: file(d.span),
            fixes: d
                .fixes
                .iter()
                .map(|f| FixJson {
                    file: file(f.span),
                    replacement: &f.replacement,
                    span: SpanJson::new(sources, f.span),
                    title: &f.title,
                })
                .collect(),
            help: d.help.as_deref(),
            label: &d.label,
            message: &d.message,
            related: d
                .related
                .iter()
                .map(|r| RelatedJson {
                    file: file(r.span),
                    message: &r.message,
                    span: SpanJson::new(sources, r.span),
                })
                .collect(),
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Hint => "hint",
            },
            span: SpanJson::new(sources, d.span),
        }
    }
}

/// `code`, `severity`, `message`, `file`, `span` {`start`, `end` (bytes), `line`, `column`,
/// `end_line`, `end_column` (1-based, columns in characters)}, `label`, `related` [{`file`,
/// `span`, `message`}], `help` (string or null), `fixes` [{`file`, `span`, `replacement`,
/// `title`}].
pub fn diagnostic_json(sources: &Sources, d: &Diagnostic) -> Value {
    serde_json::to_value(DiagnosticJson::new(sources, d)).unwrap_or(Value::Null)
}
