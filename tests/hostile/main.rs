//! The adversarial suite: one module per way a hostile input or a hostile file system tried to
//! break `scenec`, each asserting the coded error, bounds on time and memory, and that no input
//! changed. Built as the `hostile` test of the `scenec` crate:
//! `cargo test -p scenec --test hostile`. README.md beside this file lists the cases.

#[path = "../../compiler/cli/tests/common/mod.rs"]
mod common;
mod harness;

mod check_before_render;
mod codes;
mod fifo;
mod fmt_invalid_utf8;
mod fuzz;
mod large_films;
mod many_diagnostics;
mod non_finite_numbers;
mod properties;
mod unbounded_reads;

#[cfg(feature = "render")]
mod empty_film;
#[cfg(feature = "render")]
mod goldens;
#[cfg(feature = "render")]
mod output_overwrites_input;
#[cfg(feature = "render")]
mod signals_and_temps;
