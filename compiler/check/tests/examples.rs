//! The example films check clean and lower to the film their scripts describe.

use std::path::PathBuf;

use scene_check::{check_entry, render, RealFs};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .join("film.scene")
}

#[test]
fn every_example_checks_without_errors() {
    for name in [
        "neon_rain",
        "coffee_pirates",
        "gold_rush_newsreel",
        "product_ad",
        "red_balloon",
        "the_reunion",
    ] {
        let checked = check_entry(&example(name), &RealFs);
        let report = render::human(&checked, false);
        assert!(!checked.has_errors(), "{name}:\n{report}");
        assert!(!checked.film.shots.is_empty(), "{name} has shots");
    }
}
