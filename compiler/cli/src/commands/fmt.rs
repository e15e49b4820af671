//! `scenec fmt [--check] FILE…`: canonical formatting, comments kept, idempotent.

use std::path::PathBuf;

use scene_syntax::FileId;

use crate::exit::{tool_error, Outcome};
use crate::write::write_atomically;

pub fn run(files: &[PathBuf], check: bool) -> Outcome {
    let mut unformatted = Vec::new();
    let mut syntax_errors = false;
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => return tool_error(format!("cannot read {}: {e}", file.display())),
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
                syntax_errors = true;
            }
        }
    }
    if syntax_errors || !unformatted.is_empty() {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}
