//! `check_entry` returns a result for any input: arbitrary text, and the language reference's
//! example truncated or mutated.

use proptest::prelude::*;
use scene_check::{check_entry, render, RealFs};

fn example() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../syntax/tests/fixtures/language_example.scene"),
    )
    .unwrap()
}

/// Checks `text` as a project's entry (with a small asset tree beside it) and renders the result.
fn check(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("audio")).unwrap();
    std::fs::write(dir.path().join("audio/theme.ogg"), b"OggS not really").unwrap();
    let entry = dir.path().join("film.scene");
    std::fs::write(&entry, text).unwrap();
    let checked = check_entry(&entry, &RealFs);
    let _ = render::human(&checked, false);
    let _ = render::json(&checked);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        check(&text);
    }

    #[test]
    fn scene_like_tokens(words in proptest::collection::vec(
        prop_oneof![
            Just("shot"), Just("scene"), Just("at"), Just("{"), Just("}"), Just("6s"), Just("-1s"),
            Just("camera"), Just("wide"), Just("dolly"), Just("in"), Just("30%"), Just("aiko"),
            Just("enters"), Just("left"), Just(","), Just("\n"), Just("\"text\""), Just("continues"),
            Just("import"), Just("\"film.scene\""), Just("dissolve"), Just("99999999999999999999999"),
            Just("fps"), Just("0"), Just("film"), Just("character"), Just("description"), Just("(50%, 200%)"),
            Just("says"), Just("over"), Just("0f"), Just("from"), Just("to"), Just("location"), Just("street"),
        ],
        0..80,
    )) {
        check(&words.join(" "));
    }

    #[test]
    fn truncated_example(cut in 0usize..2000) {
        let text = example();
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        check(&text[..cut]);
    }

    #[test]
    fn mutated_example(at in 0usize..2000, len in 0usize..20, insert in "\\PC{0,12}") {
        let mut text = example();
        let mut start = at.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.replace_range(start..end, &insert);
        check(&text);
    }
}
