//! `scenec import SCRIPT.fountain [-o FILE.scene] [--force] [--format human|json]`: a film
//! started from a screenplay (docs/import.md).
//!
//! The importer's diagnostics point at the Fountain file; the film it writes is then checked
//! like any other, and the checker's diagnostics (if any) point at the `.scene` file. Exit 0
//! when the film was written and checks without errors, 1 when the screenplay or the film has
//! errors, 2 when the tool failed (I/O, an output that exists, an internal error).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use scene_check::{render, RealFs, Sources};
use scene_fountain::convert::{self, Options};
use scene_syntax::{Diagnostic, FileId};
use scene_voice::atomic_write::write_atomically;

use crate::args::DiagFormat;
use crate::exit::{tool_error, Outcome};

pub fn run(script: &Path, output: Option<&Path>, force: bool, format: DiagFormat) -> Outcome {
    let bytes = match std::fs::read(script) {
        Ok(b) => b,
        Err(e) => return tool_error(format!("cannot read {}: {e}", script.display())),
    };
    let output: PathBuf = output.map_or_else(|| script.with_extension("scene"), Path::to_path_buf);
    if same_file(script, &output) {
        return tool_error(format!(
            "{} would overwrite the screenplay itself; name another output with -o",
            output.display()
        ));
    }
    if output.exists() && !force {
        return tool_error(format!(
            "{} exists; pass --force to replace it",
            output.display()
        ));
    }
    let report = Report { format };
    let source = match convert::decode(&bytes, FileId(0)) {
        Ok(s) => s,
        Err((shown, diagnostic)) => {
            report.print(&Sources::single(script, &shown), &[diagnostic], &[]);
            return Outcome::Failed;
        }
    };
    let name = script.file_name().map_or_else(
        || script.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Each line is timed by the scratch voice the planner will give it (eSpeak NG, else the
    // reading-speed estimate), so every line fits the shot made for it.
    let voices = scene_voice::Voices::open(None);
    let conversion = match convert::import(
        &source,
        &Options {
            file: FileId(0),
            name: &name,
            speech: &voices,
        },
    ) {
        Ok(c) => c,
        Err(bug) => {
            return tool_error(format!(
                "internal error: the importer wrote a film the parser refuses ({} errors, the first: {}); please report it with the screenplay",
                bug.errors.len(),
                bug.errors
                    .first()
                    .map_or_else(String::new, |d| format!("{} {}", d.code, d.message))
            ))
        }
    };
    let sources = Sources::single(script, &source);
    let Some(text) = &conversion.text else {
        report.print(&sources, &conversion.diagnostics, &[]);
        return Outcome::Failed;
    };
    if let Err(e) = write_atomically(&output, text.as_bytes()) {
        return tool_error(format!("cannot write {}: {e}", output.display()));
    }
    let checked = scene_check::check_entry(&output, &RealFs);
    report.print(&sources, &conversion.diagnostics, &[&checked]);
    if format == DiagFormat::Human {
        let s = conversion.summary;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        eprintln!(
            "imported {} into {}: {}, {}, {}, {}, {} of dialogue",
            script.display(),
            output.display(),
            plural(s.scenes, "scene"),
            plural(s.shots, "shot"),
            plural(s.characters, "character"),
            plural(s.locations, "location"),
            plural(s.lines, "line"),
        );
    }
    if checked.has_errors() {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}

struct Report {
    format: DiagFormat,
}

impl Report {
    /// The importer's diagnostics (in the screenplay), then the checker's (in the film).
    fn print(&self, sources: &Sources, import: &[Diagnostic], checked: &[&scene_check::Checked]) {
        match self.format {
            DiagFormat::Human => {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!(
                    "{}",
                    render::human_diagnostics(sources, import, color, render::WIDTH)
                );
                for c in checked {
                    eprint!("{}", render::human(c, color));
                }
                let all = import
                    .iter()
                    .chain(checked.iter().flat_map(|c| c.diagnostics.iter()));
                let (errors, warnings) =
                    all.fold(
                        (0, 0),
                        |(e, w), d| {
                            if d.is_error() {
                                (e + 1, w)
                            } else {
                                (e, w + 1)
                            }
                        },
                    );
                if errors + warnings > 0 {
                    eprintln!("{}", crate::load::summary(errors, warnings));
                }
            }
            DiagFormat::Json => {
                let mut all: Vec<serde_json::Value> = import
                    .iter()
                    .map(|d| render::diagnostic_json(sources, d))
                    .collect();
                for c in checked {
                    all.extend(
                        c.diagnostics
                            .iter()
                            .map(|d| render::diagnostic_json(&c.sources, d)),
                    );
                }
                let text = serde_json::to_string_pretty(&serde_json::Value::Array(all))
                    .unwrap_or_else(|_| "[]".to_string());
                crate::out::println(&text);
            }
        }
    }
}

/// Whether two paths name one file (the output may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
