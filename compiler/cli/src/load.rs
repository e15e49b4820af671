//! Loading a film: check it, print its diagnostics, and hand back the typed film when it has no
//! errors.

use std::io::IsTerminal;
use std::path::Path;

use scene_check::{Checked, RealFs};

use crate::args::{BackendName, DiagFormat};
use crate::exit::{tool_error, Outcome};

/// The entry file must exist (exit 2 otherwise). What it is — a FIFO, a folder, a file too
/// large — the checker reports with a code, without ever opening it.
pub fn require_entry(file: &Path) -> Result<(), Outcome> {
    match std::fs::metadata(file) {
        Ok(_) => Ok(()),
        Err(_) => Err(tool_error(format!("{}: no such file", file.display()))),
    }
}

/// Check `entry` and print its diagnostics to stderr (human) — warnings included. Returns the
/// checked program whether or not it has errors; callers decide.
pub fn check_and_report(entry: &Path) -> Checked {
    let checked = scene_check::check_entry(entry, &RealFs);
    print_diagnostics(&checked, DiagFormat::Human);
    checked
}

pub fn print_diagnostics(checked: &Checked, format: DiagFormat) {
    match format {
        DiagFormat::Human => {
            if checked.diagnostics.is_empty() {
                return;
            }
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", scene_check::render::human(checked, color));
            let (errors, warnings) = checked.counts();
            eprintln!("{}", summary(errors, warnings));
        }
        DiagFormat::Json => {
            crate::out::print_with(|out| scene_check::render::write_json(out, checked));
            // stdout holds JSON only; what did not fit is said beside it.
            for s in &checked.suppressed {
                eprintln!(
                    "{}",
                    scene_check::render::suppressed_note(
                        &checked.sources,
                        s.file,
                        s.errors,
                        s.warnings
                    )
                );
            }
        }
    }
}

pub(crate) fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Check and plan; `None` (diagnostics already printed) when the script has errors.
pub fn plan(entry: &Path) -> Option<(Checked, scene_plan::FilmPlan)> {
    let checked = check_and_report(entry);
    if checked.has_errors() {
        return None;
    }
    let plan = scene_plan::plan(&checked.film);
    Some((checked, plan))
}

/// The text budget of a backend: previz reads no text, so no prompt is too long for it.
pub fn text_budget(backend: BackendName) -> scene_plan::tokens::TextBudget {
    match backend {
        BackendName::Previz => scene_plan::tokens::TextBudget::NONE,
        BackendName::Ltx => scene_plan::tokens::TextBudget::LTX,
        BackendName::Ltx2 => scene_plan::tokens::TextBudget::LTX2,
    }
}

/// Plans an error-free film and adds the plan's warnings to its diagnostics, sorted with them.
pub fn add_plan_warnings(checked: &mut Checked, backend: BackendName) {
    if checked.has_errors() {
        return;
    }
    let plan = scene_plan::plan(&checked.film);
    let warnings = scene_plan::lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        text_budget(backend),
    );
    checked.diagnostics.extend(warnings);
    checked.diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.span.end, a.code).cmp(&(
            b.span.file,
            b.span.start,
            b.span.end,
            b.code,
        ))
    });
}
