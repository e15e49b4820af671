//! `scenec check FILE… [--format human|json] [--backend previz|ltx]`
//!
//! A film without errors is also planned, and the plan's warnings (`scene_plan::lint`: subjects
//! the camera loses, entrances onto another subject, prompts longer than the backend reads) are
//! printed with the checker's.

use std::path::PathBuf;

use scene_check::RealFs;

use crate::args::{BackendName, DiagFormat};
use crate::exit::Outcome;
use crate::load::print_diagnostics;

pub fn run(files: &[PathBuf], format: DiagFormat, backend: BackendName) -> Outcome {
    let mut any_error = false;
    for file in files {
        if let Err(outcome) = crate::load::require_entry(file) {
            return outcome;
        }
        let mut checked = scene_check::check_entry(file, &RealFs);
        crate::load::add_plan_warnings(&mut checked, backend);
        print_diagnostics(&checked, format);
        any_error |= checked.has_errors();
    }
    if any_error {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}
