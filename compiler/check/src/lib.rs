//! Checking: imports, name resolution, units and types, assets. A program becomes a typed
//! [`film::Film`] plus diagnostics.

pub mod film;
pub mod units;
