//! The tree, spans included, for small fixtures.

mod common;

use common::*;

#[test]
fn ok_fixtures_snapshot() {
    insta::glob!("fixtures/ok/*.scene", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let p = parse_clean(&src);
        insta::assert_json_snapshot!(p.file);
    });
}
