//! `scenec`: the command line of the scene compiler.
//!
//! Exit codes (ARCHITECTURE.md, Invariants): 0 success; 1 the input has errors (diagnostics, a formatting
//! difference under `--check`, a regression under `verify`); 2 the tool itself failed (I/O,
//! usage, an encoder error).

mod args;
mod commands;
mod exit;
mod load;
mod out;
#[cfg(feature = "render")]
mod progress;
mod write;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = args::Cli::parse();
    let outcome = commands::run(cli);
    outcome.into()
}
