//! Planning: the typed film becomes a shot graph and one conditioning schedule per shot.

pub mod schedule;
