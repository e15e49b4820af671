//! `scenec schedule FILE [--shot NAME]`: the conditioning schedule as JSON on stdout.

use std::path::Path;

use crate::exit::{tool_error, Outcome};
use crate::load;

pub fn run(file: &Path, shot: Option<&str>) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&file) {
        return outcome;
    }
    let Some((_, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
    let json = match shot {
        None => serde_json::to_string_pretty(&plan.schedule),
        Some(name) => match plan.schedule.shots.iter().find(|s| s.name == name) {
            Some(s) => serde_json::to_string_pretty(s),
            None => {
                let names: Vec<&str> = plan
                    .schedule
                    .shots
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                eprintln!(
                    "error: the film has no shot `{name}`; its shots are: {}",
                    names.join(", ")
                );
                return Outcome::Failed;
            }
        },
    };
    match json {
        Ok(text) => {
            crate::out::println(&text);
            Outcome::Success
        }
        Err(e) => tool_error(e),
    }
}
