//! `scenec fmt [--check] FILE…`: canonical formatting, comments kept, idempotent.
//!
//! Files are read as the checker reads an entry file: a FIFO or device is refused without
//! being opened, a file over the script size limit is not read, and text that is not UTF-8 is
//! reported with the same code `scenec check` gives it.

use std::path::{Path, PathBuf};

use scene_check::{RealFs, ScriptError};
use scene_syntax::FileId;
use scene_voice::atomic_write::write_atomically;

use crate::exit::{tool_error, Outcome};

pub fn run(files: &[PathBuf], check: bool) -> Outcome {
    let mut unformatted = Vec::new();
    let mut failed = false;
    for file in files {
        if let Err(outcome) = crate::load::require_entry(file) {
            return outcome;
        }
        let source = match scene_check::read_script(&RealFs, file) {
            Ok(s) => s,
            Err(e) => {
                report_unreadable(file, &e);
                failed = true;
                continue;
            }
        };
        match scene_syntax::format::format(&source) {
            Ok(formatted) if formatted == source => {}
            Ok(formatted) => {
                if check {
                    println!("{}", file.display());
                    unformatted.push(file);
                } else if let Err(e) = write_atomically(file, formatted.as_bytes()) {
                    return tool_error(format!("cannot write {}: {e}", file.display()));
                }
            }
            Err(_) => {
                // Show the syntax errors the way `check` does.
                let parse = scene_syntax::parse(FileId(0), &source);
                eprint!(
                    "{}",
                    scene_check::render::human_for_source(file, &source, &parse.diagnostics, false)
                );
                eprintln!("{}: not formatted: it has syntax errors", file.display());
                failed = true;
            }
        }
    }
    if failed || !unformatted.is_empty() {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}

/// The checker's diagnostic for a file it cannot read as a script (E0506, E0508).
fn report_unreadable(file: &Path, error: &ScriptError) {
    let shown = file
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| file.to_path_buf());
    let diagnostic = scene_check::entry_diagnostic(FileId(0), &shown, error);
    eprint!(
        "{}",
        scene_check::render::human_for_source(&shown, "", &[diagnostic], false)
    );
    eprintln!("{}: not formatted", file.display());
}
