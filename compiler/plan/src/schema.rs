//! The JSON Schema of the conditioning schedule, generated from the Rust types so the two cannot
//! drift apart. The committed copy lives at `schema/schedule.schema.json` in the repository; a
//! test regenerates it and fails when they differ (`UPDATE_SCHEMA=1` rewrites it).

use crate::schedule::FilmSchedule;

/// The schema of [`FilmSchedule`] as pretty-printed JSON, with a trailing newline.
pub fn schedule_schema_json() -> String {
    let schema = schemars::schema_for!(FilmSchedule);
    // A schema is plain JSON data: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
