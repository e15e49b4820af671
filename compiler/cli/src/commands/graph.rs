//! `scenec graph FILE [--format dot|json]`
//!
//! For a remix each shot is marked with where it comes from: in DOT a line of its label and a
//! fill (overridden amber, inserted green, inherited grey outline); in JSON a `remix` field on
//! each node (`inherited`, `overridden` or `inserted`) and a top-level `remix` object with the
//! base film and the removed shots.

use std::path::Path;

use scene_check::remix::ShotOrigin;

use crate::args::GraphFormat;
use crate::exit::Outcome;
use crate::load;

pub fn run(file: &Path, format: GraphFormat) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&file) {
        return outcome;
    }
    let Some((checked, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
    let Some(remix) = checked.remix.as_ref() else {
        match format {
            GraphFormat::Dot => crate::out::println(plan.graph.to_dot().trim_end()),
            GraphFormat::Json => crate::out::println(&plan.graph.to_json()),
        }
        return Outcome::Success;
    };
    match format {
        GraphFormat::Dot => {
            let dot = plan.graph.to_dot_with(|node| {
                let origin = remix.origin(&node.name);
                let attrs = match origin {
                    ShotOrigin::Overridden => "style=filled, fillcolor=\"#ffd98a\"",
                    ShotOrigin::Inserted => "style=filled, fillcolor=\"#b7e4c7\"",
                    ShotOrigin::Inherited => "color=\"#888888\", fontcolor=\"#555555\"",
                };
                Some((origin.word().to_string(), attrs.to_string()))
            });
            crate::out::println(dot.trim_end());
        }
        GraphFormat::Json => {
            let mut json: serde_json::Value =
                serde_json::from_str(&plan.graph.to_json()).unwrap_or_default();
            if let Some(nodes) = json.get_mut("nodes").and_then(|n| n.as_array_mut()) {
                for node in nodes {
                    let name = node
                        .get("name")
                        .and_then(|n| n.as_str())
                        .unwrap_or_default()
                        .to_string();
                    node["remix"] = remix.origin(&name).word().into();
                }
            }
            json["remix"] = serde_json::json!({
                "base": crate::remix::base_path(&checked, remix),
                "removed": remix.removed,
            });
            json.sort_all_objects();
            crate::out::println(&serde_json::to_string_pretty(&json).unwrap_or_default());
        }
    }
    Outcome::Success
}
