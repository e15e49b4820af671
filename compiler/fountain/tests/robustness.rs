//! Any text imports without a panic, and whatever film the importer writes parses, is canonical
//! and checks without errors: screenplays are assembled at random from Fountain's constructs,
//! hostile text included.

use proptest::prelude::*;
use scene_fountain::convert::{import, Options};
use scene_syntax::FileId;

/// Pieces of screenplays: every construct, and text that is hard to carry into `.scene`.
fn piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "INT. HOUSE - DAY",
        "EXT. BRICK'S PATIO - NIGHT",
        "INT./EXT. CAR - MOVING - DUSK",
        ".SNIPER SCOPE POV",
        "INT. HOUSE - DAY #1A#",
        "STEEL\nBeer's ready!",
        "BRICK ^\nScrew retirement.",
        "STEEL ^\nAlone.",
        "MOM (V.O.)\n(whispering)\nCome home.",
        "HANS (on the radio)\nWhat?\n(beat)\nRepeat it.\n(sighs)",
        "@McCLANE\nYippie ki-yay!",
        "SINGER\n~These are the songs\n~That I sing.",
        "~Willy Wonka!",
        "A gorgeous day.  The sun is shining.",
        "Steel sits.  They laugh.",
        "!FORCED ACTION\nmore",
        "CUT TO:",
        "SMASH CUT TO:",
        "DISSOLVE TO:",
        "FADE OUT.",
        "FADE IN:",
        "> BURN TO PINK.",
        "> THE END <",
        "> A <\n> B <",
        "# Act One",
        "= A synopsis.",
        "===",
        "[[A note.]]",
        "[[unclosed note",
        "/* boneyard\nINT. GONE - DAY\n*/",
        "/* unclosed boneyard",
        "Title: A Title\nAuthor: Someone",
        "A \"quoted\" line with \\ backslash; {braces} // and /* stars */",
        "TOM\n(to Bob; \"quietly\" {x})\nHi.",
        "ケン\nこんにちは",
        "2ND OFFICER\nSir.",
        "CAMERA\nRolling.",
        "  ",
        "",
    ])
    .prop_map(str::to_string);
    let text = "[ -~\u{e9}\u{30b1}\n\t]{0,60}";
    prop_oneof![4 => fixed, 1 => text]
}

fn screenplay() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..14).prop_map(|ps| ps.join("\n\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_film_written_checks(src in screenplay()) {
        let c = import(&src, &Options { file: FileId(0), name: "random.fountain", speech: &scene_voice::ReadingSpeed::new("random screenplays are timed by reading speed") })
            .map_err(|e| TestCaseError::fail(format!("unprintable: {:?}\n{}", e.errors, e.text)))?;
        for d in &c.diagnostics {
            prop_assert!((d.span.end as usize) <= src.len());
        }
        match &c.text {
            None => prop_assert!(c.diagnostics.iter().any(|d| d.code.0 == "E0701")),
            Some(film) => {
                prop_assert_eq!(&scene_syntax::format(film).expect("parses"), film);
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("film.scene");
                std::fs::write(&path, film).unwrap();
                let checked = scene_check::check_entry(&path, &scene_check::RealFs);
                let errors: Vec<String> = checked
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                prop_assert!(errors.is_empty(), "{:#?}\n--- source\n{}\n--- film\n{}", errors, src, film);
            }
        }
    }
}
