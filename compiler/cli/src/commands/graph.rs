//! `scenec graph FILE [--format dot|json]`

use std::path::Path;

use crate::args::GraphFormat;
use crate::exit::{tool_error, Outcome};
use crate::load;

pub fn run(file: &Path, format: GraphFormat) -> Outcome {
    if !file.is_file() {
        return tool_error(format!("{}: no such file", file.display()));
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
