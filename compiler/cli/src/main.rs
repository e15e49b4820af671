//! `scenec`: the command line of the scene compiler.
//!
//! Exit codes (ARCHITECTURE.md, Invariants): 0 success; 1 the input has errors (diagnostics, a formatting
//! difference under `--check`, a regression under `verify`); 2 the tool itself failed (I/O,
//! usage, an encoder error); 3 `scenec farm status` found shots not done yet.

mod args;
// Every code is raised by a render-side command (render, verify, storyboard).
#[cfg(feature = "render")]
mod codes;
mod commands;
mod exit;
#[cfg(feature = "render")]
mod guard;
mod load;
mod out;
#[cfg(feature = "render")]
mod progress;
mod remix;
#[cfg(feature = "sign")]
mod signing;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    let outcome = commands::run(cli);
    outcome.into()
}
