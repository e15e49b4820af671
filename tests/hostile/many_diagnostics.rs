//! Item 5: printing human diagnostics was quadratic (40,000 unknown names took 95 s; the same
//! as JSON 0.6 s), and `{(` ×10,000 printed 10,001 reports. Reports now read only the lines
//! around their spans, JSON is written as it is made, columns are counted from a block index,
//! and at most 100 diagnostics are kept per file (human, JSON and the language server alike),
//! with a note counting the rest.
//!
//! Time is bounded by CPU seconds (`prlimit --cpu`), which a loaded machine does not stretch
//! the way it stretches wall-clock time: the quadratic printer needed minutes here.

use crate::common::Project;
use crate::harness::{scenec, Bounds, MB};

/// Plenty for a linear printer in a debug build; a quadratic one takes minutes of CPU.
const PRINT_BOUND: Bounds = Bounds {
    cpu_seconds: 30,
    wall: std::time::Duration::from_secs(600),
};

#[test]
fn forty_thousand_unknown_names_print_in_linear_time() {
    let p = Project::new();
    let mut text = String::from(
        "location street { description \"a wet street\" }\nscene s at street { shot a 2s {\n",
    );
    for i in 0..40_000 {
        text.push_str(&format!(" ghost{i} at center\n"));
    }
    text.push_str("} }\n");
    p.write("film.scene", &text);
    let run = scenec(p.dir.path(), &["check", "film.scene"], PRINT_BOUND);
    run.expect(1, "E0101")
        .expect(
            1,
            "note: 39900 more errors in `film.scene` not shown (at most 100 per file",
        )
        .within_memory(200 * MB);
    assert_eq!(
        run.stderr.matches("× ").count(),
        100,
        "{}",
        &run.stderr[..2000]
    );
    // The summary still counts every error.
    assert!(
        run.stderr.trim_end().ends_with("40000 errors"),
        "{}",
        &run.stderr[run.stderr.len() - 300..]
    );
    // JSON keeps the same hundred; stdout stays JSON and the count goes to stderr.
    let json = scenec(
        p.dir.path(),
        &["check", "--format", "json", "film.scene"],
        PRINT_BOUND,
    );
    json.expect(1, "note: 39900 more errors in `film.scene` not shown");
    let all: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 100);
}

#[test]
fn ten_thousand_broken_openings_show_a_hundred_reports() {
    let p = Project::new();
    p.write("film.scene", &"{(".repeat(10_000));
    let run = scenec(p.dir.path(), &["check", "film.scene"], PRINT_BOUND);
    run.expect(1, "E00")
        .expect(1, "more errors in `film.scene` not shown");
    assert_eq!(run.stderr.matches("× ").count(), 100);
    assert!(run.stderr.trim_end().ends_with("10001 errors"));
    // A one-line file: each report shows a cut of the line, not all 20,000 bytes of it.
    assert!(
        run.stderr.len() < 100 * 4_000,
        "{} bytes of reports",
        run.stderr.len()
    );
}

#[test]
fn a_long_line_is_cut_around_the_span() {
    let p = Project::new();
    let padding = "x".repeat(100_000);
    p.write(
        "film.scene",
        &format!("location street {{ description \"{padding}\" }}\nscene s at street {{ shot a 2s {{ ghost at center }} }} // {padding}\n"),
    );
    let run = scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK);
    run.expect(1, "E0101").expect(1, "film.scene:2:");
    assert!(run.stderr.len() < 5_000, "{}", run.stderr);
}
