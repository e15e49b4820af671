//! `scenec storyboard FILE -o OUT.png`: a contact sheet of every shot, drawn with the previz.

use std::path::Path;

use scene_previz::storyboard::{previz_contact_sheet, write_png};
use scene_previz::Previz;

use crate::exit::{tool_error, Outcome};
use crate::load;

pub fn run(file: &Path, output: &Path) -> Outcome {
    if !file.is_file() {
        return tool_error(format!("{}: no such file", file.display()));
    }
    let Some((checked, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
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
