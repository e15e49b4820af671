//! Every code the command line reports (compiler/cli/src/codes.rs) is documented in
//! docs/diagnostics.md and produced by some test of this suite.

use std::path::Path;

#[test]
fn every_command_line_code_is_documented_and_tested() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = std::fs::read_to_string(root.join("compiler/cli/src/codes.rs")).unwrap();
    let codes: Vec<&str> = source
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(codes.len() >= 3, "{codes:?}");
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    let mut tests = String::new();
    for entry in std::fs::read_dir(root.join("tests/hostile"))
        .unwrap()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "rs") && entry.file_name() != "codes.rs" {
            tests += &std::fs::read_to_string(entry.path()).unwrap();
        }
    }
    for code in codes {
        assert!(
            docs.contains(&format!("### {code}")),
            "docs/diagnostics.md does not document {code}"
        );
        assert!(
            tests.contains(&format!("\"{code}\"")),
            "no test of tests/hostile expects {code}"
        );
    }
}
