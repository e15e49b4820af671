//! Checking with a `ParseCache` gives exactly what a fresh check gives, while parsing only what
//! changed: unchanged files (imports, stdlib) not at all, a changed file item by item.

use std::path::Path;

use scene_check::{check_entry, check_entry_with, Checked, ParseCache, RealFs};

fn same(a: &Checked, b: &Checked, what: &str) {
    assert_eq!(a.diagnostics, b.diagnostics, "diagnostics differ: {what}");
    assert_eq!(
        serde_json::to_string(&a.film).unwrap(),
        serde_json::to_string(&b.film).unwrap(),
        "films differ: {what}"
    );
    assert_eq!(
        a.dependencies, b.dependencies,
        "dependencies differ: {what}"
    );
}

#[test]
fn every_example_checks_the_same_with_a_warm_cache() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let cache = ParseCache::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let film = entry.unwrap().path().join("film.scene");
        if !film.exists() {
            continue;
        }
        let fresh = check_entry(&film, &RealFs);
        same(&fresh, &check_entry_with(&film, &RealFs, &cache), "cold");
        same(&fresh, &check_entry_with(&film, &RealFs, &cache), "warm");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} examples");
    assert!(cache.stats().whole_file_hits >= checked);
}

#[test]
fn an_edit_reparses_one_item_of_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let cast = "character aiko {\n    description \"a young woman\"\n}\n";
    std::fs::write(dir.path().join("cast.scene"), cast).unwrap();
    let mut film = String::from(
        "import \"cast.scene\"\nimport std.camera\n\nfilm \"Reuse\" {\n    fps 24\n}\n\nlocation street {\n    description \"a street\"\n}\n",
    );
    for scene in 0..20 {
        film.push_str(&format!(
            "\nscene s{scene} at street {{\n    shot a{scene} 2s {{\n        camera wide on aiko\n        aiko enters left\n    }}\n}}\n"
        ));
    }
    let path = dir.path().join("film.scene");
    std::fs::write(&path, &film).unwrap();
    let cache = ParseCache::new();
    same(
        &check_entry(&path, &RealFs),
        &check_entry_with(&path, &RealFs, &cache),
        "first",
    );

    // A typo in one scene: an unknown character.
    let edited = film.replacen("aiko enters left", "aiku enters left", 1);
    std::fs::write(&path, &edited).unwrap();
    let before = cache.stats();
    let fresh = check_entry(&path, &RealFs);
    let cached = check_entry_with(&path, &RealFs, &cache);
    let after = cache.stats();
    same(&fresh, &cached, "typo");
    assert!(fresh.has_errors());
    // The import and the stdlib module were not parsed again; in the film, one scene was.
    assert_eq!(after.whole_file_hits - before.whole_file_hits, 2);
    assert_eq!(after.item_misses - before.item_misses, 1);
    assert_eq!(after.item_hits - before.item_hits, 23);
}
