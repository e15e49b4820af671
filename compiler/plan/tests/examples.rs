//! Every example script that checks clean plans into a schedule that keeps the schedule's
//! invariants and validates against the committed schema.

use std::path::PathBuf;

use scene_check::{check_entry, RealFs};

#[test]
fn examples_plan_and_validate() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let schema: serde_json::Value =
        serde_json::from_str(&scene_plan::schema::schedule_schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().join("film.scene")))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut planned = 0;
    let voices = scene_voice::Voices::open(None);
    for entry in &entries {
        let checked = check_entry(entry, &RealFs);
        if checked.has_errors() {
            // The checker's own tests own its diagnostics; only error-free films are planned.
            continue;
        }
        // With the scratch voices, as `scenec schedule` plans.
        let plan = scene_plan::plan(&checked.film, &voices);
        let s = &plan.schedule;
        let value = serde_json::to_value(s).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", entry.display());
        let end = s.shots.iter().map(|x| x.end_frame()).max().unwrap_or(0);
        assert_eq!(s.frames.0, end, "{}", entry.display());
        for shot in &s.shots {
            let n = shot.frames.0 as usize;
            let at = format!("{} / {}", entry.display(), shot.name);
            assert_eq!(shot.camera.len(), n, "{at}");
            assert_eq!(shot.prompt_weights.len(), n, "{at}");
            assert_eq!(
                shot.prompt_keyframes.first().map(|k| k.frame.0),
                Some(0),
                "{at}"
            );
            for row in &shot.prompt_weights {
                assert_eq!(row.len(), shot.prompt_keyframes.len(), "{at}");
                assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{at}");
            }
            for subject in &shot.subjects {
                assert_eq!(subject.boxes.len(), n, "{at}");
                assert!(
                    subject.boxes.iter().flatten().all(|v| v.is_finite()),
                    "{at}"
                );
            }
            assert!(
                shot.camera
                    .iter()
                    .all(|c| c.position.iter().all(|v| v.is_finite()) && c.focal_mm > 0.0),
                "{at}"
            );
        }
        assert_eq!(plan.graph.render_order().len(), s.shots.len());
        planned += 1;
    }
    eprintln!("planned {planned} of {} examples", entries.len());
    assert!(planned > 0, "no example checked clean: {entries:?}");
}
