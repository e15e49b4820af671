//! The pest parser generated from `grammar/scene.pest` (the only definition of the syntax).

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../../grammar/scene.pest"]
pub(crate) struct SceneParser;
