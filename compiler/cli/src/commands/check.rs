//! `scenec check FILE… [--format human|json] [--backend previz|ltx]`
//!
//! A film without errors is also planned, its dialogue timed with the project's scratch voices,
//! and what the plan finds is printed with the checker's diagnostics: the dialogue timing's
//! (W0201–W0203, and E0309 for subtitles the MP4 cannot hold) and the plan's warnings
//! (`scene_plan::lint`: subjects the camera loses, entrances onto another subject, prompts longer
//! than the backend reads).

use std::path::PathBuf;

use crate::args::{BackendName, DiagFormat};
use crate::exit::Outcome;
use crate::load::print_diagnostics;

pub fn run(files: &[PathBuf], format: DiagFormat, backend: BackendName) -> Outcome {
    let mut any_error = false;
    for file in files {
        if let Err(outcome) = crate::load::require_entry(file) {
            return outcome;
        }
        let checked = crate::load::check_and_lint(file, backend);
        print_diagnostics(&checked, format);
        any_error |= checked.has_errors();
    }
    if any_error {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}
