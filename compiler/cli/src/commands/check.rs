//! `scenec check FILE… [--format human|json]`

use std::path::PathBuf;

use scene_check::RealFs;

use crate::args::DiagFormat;
use crate::exit::Outcome;
use crate::load::print_diagnostics;

pub fn run(files: &[PathBuf], format: DiagFormat) -> Outcome {
    let mut any_error = false;
    for file in files {
        if let Err(outcome) = crate::load::require_entry(file) {
            return outcome;
        }
        let checked = scene_check::check_entry(file, &RealFs);
        print_diagnostics(&checked, format);
        any_error |= checked.has_errors();
    }
    if any_error {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}
