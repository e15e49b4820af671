//! `scenec graph FILE [--format dot|json]`

use std::path::Path;

use crate::args::GraphFormat;
use crate::exit::Outcome;
use crate::load;

pub fn run(file: &Path, format: GraphFormat) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&file) {
        return outcome;
    }
    let Some((_, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
    match format {
        GraphFormat::Dot => crate::out::println(plan.graph.to_dot().trim_end()),
        GraphFormat::Json => crate::out::println(&plan.graph.to_json()),
    }
    Outcome::Success
}
