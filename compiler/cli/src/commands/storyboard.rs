//! `scenec storyboard FILE -o OUT.png`: a contact sheet of every shot, drawn with the previz.

use std::path::Path;

use scene_previz::storyboard::{previz_contact_sheet, write_png};
use scene_previz::Previz;

use crate::exit::{tool_error, Outcome};
use crate::load;

pub fn run(file: &Path, output: &Path) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&file) {
        return outcome;
    }
    let Some((checked, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
    if plan.schedule.shots.is_empty() {
        return super::render::no_shots();
    }
    if let Err(outcome) = crate::guard::outputs(
        &checked,
        &super::render::cache_dir(&checked.project_root),
        None,
        &[output],
    ) {
        return outcome;
    }
    let sheet = match previz_contact_sheet(&plan.schedule, &Previz::new(), &checked.project_root) {
        Ok(s) => s,
        Err(e) => return tool_error(e),
    };
    match write_png(&sheet, output) {
        Ok(()) => {
            eprintln!(
                "wrote {} ({}x{}, {} shots)",
                output.display(),
                sheet.width,
                sheet.height,
                plan.schedule.shots.len()
            );
            Outcome::Success
        }
        Err(e) => tool_error(e),
    }
}
