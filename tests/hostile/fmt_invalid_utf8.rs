//! Item 7: `scenec fmt` on a file that is not UTF-8 printed a bare I/O error with no code,
//! where `scenec check` reports E0506. It now reports the same diagnostic, and leaves the file
//! as it was.

use crate::common::Project;
use crate::harness::{scenec, Bounds, Inputs};

#[test]
fn fmt_reports_e0506_for_invalid_utf8() {
    let p = Project::new();
    p.write_bytes("bad.scene", b"character a { description \"\xff\xfe\" }\n");
    p.write("good.scene", "character  b { description \"b\" }\n");
    let inputs = Inputs::of(p.dir.path());
    for args in [&["fmt", "bad.scene"][..], &["fmt", "--check", "bad.scene"]] {
        scenec(p.dir.path(), args, Bounds::QUICK)
            .expect(1, "E0506")
            .expect(1, "stream did not contain valid UTF-8");
    }
    scenec(p.dir.path(), &["check", "bad.scene"], Bounds::QUICK).expect(1, "E0506");
    inputs.unchanged(p.dir.path());
    // The other files of the same run are still formatted.
    let run = scenec(
        p.dir.path(),
        &["fmt", "bad.scene", "good.scene"],
        Bounds::QUICK,
    );
    run.expect(1, "E0506");
    assert_eq!(
        std::fs::read_to_string(p.path("good.scene")).unwrap(),
        "character b {\n    description \"b\"\n}\n"
    );
}

#[test]
fn fmt_of_a_missing_file_is_a_tool_error() {
    let p = Project::new();
    scenec(p.dir.path(), &["fmt", "missing.scene"], Bounds::QUICK).expect(2, "no such file");
}
