//! One module per command.

mod check;
mod farm;
mod fmt;
mod graph;
mod import;
mod schedule;

#[cfg(feature = "render")]
mod cache;
#[cfg(feature = "render")]
mod render;
#[cfg(feature = "render")]
mod storyboard;
#[cfg(feature = "render")]
mod verify;
#[cfg(feature = "render")]
mod watch;

#[cfg(feature = "sign")]
mod provenance;

use crate::args::{Cli, Command};
use crate::exit::Outcome;

pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Check {
            files,
            format,
            backend,
        } => check::run(&files, format, backend),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Schedule { file, shot } => schedule::run(&file, shot.as_deref()),
        Command::Graph { file, format } => graph::run(&file, format),
        Command::Import {
            script,
            output,
            force,
            format,
        } => import::run(&script, output.as_deref(), force, format),
        #[cfg(feature = "render")]
        Command::Render(args) => render::run(&args),
        #[cfg(feature = "render")]
        Command::Storyboard(args) => storyboard::run(&args),
        #[cfg(feature = "render")]
        Command::Watch(args) => watch::run(&args),
        #[cfg(feature = "render")]
        Command::Verify(args) => verify::run(&args),
        Command::Farm(farm) => farm::dispatch(farm),
        #[cfg(feature = "render")]
        Command::Cache { action } => cache::run(action),
        #[cfg(feature = "sign")]
        Command::Provenance(args) => provenance::run(&args),
    }
}
