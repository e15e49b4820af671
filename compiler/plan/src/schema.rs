//! The JSON Schema of the conditioning schedule, generated from the Rust types so the two cannot
//! drift apart. The committed copy lives at `schema/schedule.schema.json` in the repository; a
//! test regenerates it and fails when they differ (`UPDATE_SCHEMA=1` rewrites it).

use crate::schedule::FilmSchedule;

/// The schema of [`FilmSchedule`] as pretty-printed JSON, with a trailing newline.
pub fn schedule_schema_json() -> String {
    let schema = schemars::schema_for!(FilmSchedule);
    // Keys sorted, so that the committed file does not depend on whether something in the
    // build (the `c2pa` crate does) turned on serde_json's `preserve_order`.
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    value.sort_all_objects();
    // A schema is plain JSON data: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
