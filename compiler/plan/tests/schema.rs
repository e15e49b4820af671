//! The committed JSON Schema matches the types, and produced schedules validate against it.

mod common;

use std::path::PathBuf;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/schedule.schema.json")
}

#[test]
fn committed_schema_is_up_to_date() {
    let generated = scene_plan::schema::schedule_schema_json();
    let path = committed_path();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &generated).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/schedule.schema.json is out of date with the schedule types in \
         compiler/plan/src/schedule.rs.\nRegenerate it with:\n    UPDATE_SCHEMA=1 cargo test -p scene-plan --test schema\n\
         and commit the result (bump SCHEDULE_VERSION if a field changed meaning or disappeared)."
    );
}

#[test]
fn produced_schedules_validate() {
    let schema: serde_json::Value =
        serde_json::from_str(&scene_plan::schema::schedule_schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for film in [common::simple(&[("a", 24), ("b", 48)]), common::rich_film()] {
        let value = serde_json::to_value(common::plan(&film).schedule).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    // And a broken one does not.
    let mut value =
        serde_json::to_value(common::plan(&common::simple(&[("a", 24)])).schedule).unwrap();
    value["shots"][0]["frames"] = serde_json::json!("many");
    assert!(!validator.is_valid(&value));
}
