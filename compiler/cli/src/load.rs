//! Loading a film: check it, time its dialogue, print its diagnostics, and hand back the typed
//! film and its plan when it has no errors.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use scene_check::{Checked, RealFs};
use scene_voice::{SpeechTiming, Voices};

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

/// The project's scratch voices: eSpeak NG when it is installed (else the reading-speed
/// estimate), lines cached in `.scene-cache/voices/` across runs.
pub fn voices(project_root: &Path) -> Voices {
    Voices::open(Some(
        project_root
            .join(".scene-cache")
            .join(scene_voice::CACHE_DIR),
    ))
}

/// Check `entry`; when it has no errors, plan it with the project's scratch voices and report
/// what only the plan finds with the checker's diagnostics: the dialogue timing's (W0201–W0203,
/// and E0309 for subtitles too long for the MP4) and the plan's warnings for `backend`
/// (`scene_plan::lint`, W0401–W0403). Prints nothing.
pub fn check_and_lint(entry: &Path, backend: BackendName) -> Checked {
    let mut checked = scene_check::check_entry(entry, &RealFs);
    if checked.has_errors() {
        return checked;
    }
    let voices = voices(&checked.project_root);
    let plan = scene_plan::plan(&checked.film, &voices);
    let warnings = scene_plan::lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        text_budget(backend),
    );
    checked.add_diagnostics(plan.dialogue.diagnostics.into_iter().chain(warnings));
    checked
}

/// Scratch voices kept for a session: `watch` keeps one across edits, so a re-plan only speaks
/// the lines that changed.
#[derive(Default)]
pub struct SessionVoices {
    current: Option<(PathBuf, Voices)>,
}

impl SessionVoices {
    pub fn for_root(&mut self, root: &Path) -> &Voices {
        if self.current.as_ref().is_some_and(|(r, _)| r != root) {
            self.current = None;
        }
        &self
            .current
            .get_or_insert_with(|| (root.to_path_buf(), voices(root)))
            .1
    }
}

/// Check `entry` and, when it has no errors, plan it with the session's voices; the planner's
/// dialogue-timing diagnostics join the checker's, which are printed to stderr. No plan when
/// either found an error: the timing's E0309 stops a render as the checker's errors do.
pub fn check_and_plan(
    entry: &Path,
    session: &mut SessionVoices,
) -> (Checked, Option<scene_plan::FilmPlan>) {
    let mut checked = scene_check::check_entry(entry, &RealFs);
    let plan = plan_checked(&mut checked, session);
    (checked, plan)
}

/// Plan a checked film with the session's voices (when it has no errors: this is where lines
/// are first spoken and cached); the planner's dialogue-timing diagnostics join the checker's,
/// and all of them are printed to stderr. `None` when either found an error.
pub fn plan_checked(
    checked: &mut Checked,
    session: &mut SessionVoices,
) -> Option<scene_plan::FilmPlan> {
    let plan = (!checked.has_errors()).then(|| {
        let speech: &dyn SpeechTiming = session.for_root(&checked.project_root);
        let plan = scene_plan::plan(&checked.film, speech);
        checked.add_diagnostics(plan.dialogue.diagnostics.iter().cloned());
        plan
    });
    let plan = plan.filter(|_| !checked.has_errors());
    print_diagnostics(checked, DiagFormat::Human);
    plan
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
            if errors + warnings > 0 {
                eprintln!("{}", summary(errors, warnings));
            }
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

/// Check and plan with the project's scratch voices; `None` (diagnostics already printed) when
/// the script has errors.
pub fn plan(entry: &Path) -> Option<(Checked, scene_plan::FilmPlan)> {
    let (checked, plan) = check_and_plan(entry, &mut SessionVoices::default());
    Some((checked, plan?))
}

/// The text budget of a backend: previz reads no text, so no prompt is too long for it.
pub fn text_budget(backend: BackendName) -> scene_plan::tokens::TextBudget {
    match backend {
        BackendName::Previz => scene_plan::tokens::TextBudget::NONE,
        BackendName::Ltx => scene_plan::tokens::TextBudget::LTX,
        BackendName::Ltx2 => scene_plan::tokens::TextBudget::LTX2,
    }
}
