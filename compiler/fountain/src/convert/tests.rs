//! The conversion, construct by construct: what each Fountain element becomes, which coded
//! warning it raises, and that every film written checks without errors.

use scene_syntax::FileId;

use super::{import, Conversion, Options};

fn run(src: &str) -> Conversion {
    match import(
        src,
        &Options {
            file: FileId(0),
            name: "test.fountain",
            speech: &scene_voice::ReadingSpeed::new(
                "the conversion tests time lines by reading speed",
            ),
        },
    ) {
        Ok(c) => c,
        Err(e) => panic!("unprintable:\n{}\n{:?}", e.text, e.errors),
    }
}

fn text(src: &str) -> String {
    run(src).text.expect("a film")
}

fn codes(c: &Conversion) -> Vec<(&'static str, u32)> {
    c.diagnostics
        .iter()
        .map(|d| (d.code.0, d.span.start))
        .collect()
}

fn code_list(c: &Conversion) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.0).collect()
}

/// Checks `text` as a film with the real checker; returns its diagnostics' codes.
fn check(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("film.scene");
    std::fs::write(&path, text).expect("write");
    let checked = scene_check::check_entry(&path, &scene_check::RealFs);
    checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

fn assert_checks_clean(text: &str) {
    let diags = check(text);
    assert!(diags.is_empty(), "{diags:#?}\n{text}");
}

const BRICK: &str = "\
Title:
\t_**BRICK & STEEL**_
\t_**FULL RETIRED**_
Credit: Written by
Author: Stu Maschwitz

EXT. BRICK'S PATIO - DAY

A gorgeous day.  The sun is shining.  But BRICK BRADDOCK, retired police detective, is sitting quietly, contemplating -- something.

STEEL
Beer's ready!

BRICK
Are they cold?

Steel sits.  They laugh at the dumb joke.

STEEL
(beer raised)
To retirement.

BRICK ^
To retirement.

SMASH CUT TO:

INT. TRAILER HOME - NIGHT

[[It was supposed to be Vietnamese, right?]]

JACK (O.S.)
(in Vietnamese, subtitled)
*Did you know Brick and Steel are retired?*

> THE END <
";

#[test]
fn a_small_screenplay_becomes_this_film() {
    let expected = r#"// Imported from test.fountain by `scenec import`.
// Character and location descriptions are placeholders to rewrite; shot lengths follow the
// page for action (55 lines a minute) and the reading speed for dialogue (docs/import.md).

film "BRICK & STEEL FULL RETIRED" {
    // Credit: Written by
    // Author: Stu Maschwitz
}

// STEEL: first speaks at line 11.
character steel {
    name "Steel"
    description "Steel"
}

// BRICK: introduced at line 9, first speaks at line 14.
character brick {
    name "Brick"
    description "But BRICK BRADDOCK, retired police detective, is sitting quietly, contemplating -- something."
}

// JACK: first speaks at line 32.
character jack {
    name "Jack"
    description "Jack"
}

location bricks_patio {
    description "Brick's patio, exterior"
    time day
}

location trailer_home {
    description "Trailer home, interior"
    time night
}

scene bricks_patio at bricks_patio {
    // EXT. BRICK'S PATIO - DAY
    shot a_gorgeous_day_the 4.4s {
        camera wide
        brick at center
        prompt "A gorgeous day. The sun is shining. But BRICK BRADDOCK, retired police detective, is sitting quietly, contemplating -- something."
    }
    shot steel_beers_ready 1.5s {
        camera medium on steel
        steel at center
        steel says "Beer's ready!"
    }
    shot brick_are_they_cold 1.5s {
        camera medium on brick
        brick at center
        brick says "Are they cold?"
    }
    shot steel_sits_they_laugh 2.2s {
        steel at center
        steel does "sits. They laugh at the dumb joke."
    }
    shot steel_brick_to_retirement 1.5s {
        camera medium
        steel at left
        brick at right
        steel says "To retirement." (beer raised)
        brick says "To retirement." at 0f
    }
}

scene trailer_home at trailer_home {
    // INT. TRAILER HOME - NIGHT
    // [[It was supposed to be Vietnamese, right?]]
    cut // SMASH CUT TO:
    shot jack_did_you_know 3.3s {
        // (in Vietnamese, subtitled)
        jack says "Did you know Brick and Steel are retired?" (O.S.)
    }
    shot the_end 3s {
        title "THE END"
    }
}
"#;
    let c = run(BRICK);
    let got = c.text.clone().expect("a film");
    assert_eq!(got, expected, "\n{got}");
    assert_checks_clean(&got);
    assert_eq!(
        code_list(&c),
        vec!["W0702", "W0701", "W0701", "W0702", "W0701", "W0710"]
    );
    assert_eq!(c.summary.shots, 7);
    assert_eq!(c.summary.lines, 5);
    assert_eq!(c.summary.characters, 3);
}

#[test]
fn output_is_canonical() {
    let t = text(BRICK);
    assert_eq!(scene_syntax::format(&t).expect("formats"), t);
}

#[test]
fn import_is_deterministic() {
    assert_eq!(text(BRICK), text(BRICK));
}

#[test]
fn transitions_join_shots_and_fade_out_ends_the_film() {
    let src = "FADE IN:\n\nINT. HOUSE - DAY\n\nA door opens.\n\nDISSOLVE TO:\n\nINT. HOUSE - NIGHT\n\nIt closes.\n\nFADE OUT.\n\nFADE IN:\n\nEXT. STREET - DAY\n\nRain.\n\nWIPE TO:\n\nEXT. STREET - NIGHT\n\nSnow.\n\n> BURN TO PINK.\n\nEXT. FIELD - DUSK\n\nWind.\n\nCUT TO:\n\nDISSOLVE TO:\n\nEXT. FIELD - DAWN\n\nSun.\n\nFADE TO BLACK.";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    for line in [
        "dissolve 1s // DISSOLVE TO:",
        "fade 1s // FADE OUT. FADE IN:",
        "wipe right 1s // WIPE TO:",
        "cut // BURN TO PINK.",
        "cut\n",
        "// DISSOLVE TO:",
        "fade to black 1s // FADE TO BLACK.",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    // The opening FADE IN: (before any shot), the unknown BURN TO PINK., and the DISSOLVE TO:
    // right after CUT TO:.
    let warned: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code.0, "W0704" | "W0705"))
        .map(|d| (d.code.0, &src[d.span.start as usize..d.span.end as usize]))
        .collect();
    assert_eq!(
        warned,
        vec![
            ("W0705", "FADE IN:"),
            ("W0704", "> BURN TO PINK."),
            ("W0705", "DISSOLVE TO:")
        ]
    );
}

#[test]
fn a_transition_after_the_last_shot_is_a_comment() {
    let c = run("INT. HOUSE - DAY\n\nA door.\n\nCUT TO:");
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert!(t.contains("    // CUT TO:\n}"), "{t}");
    assert!(code_list(&c).contains(&"W0705"));
}

#[test]
fn transitions_never_outlast_the_shots_they_join() {
    // Two one-line speeches (1.5 s each) joined by a slow dissolve (2 s).
    let t = text("INT. A - DAY\n\nBOB\nHi.\n\nSLOW DISSOLVE TO:\n\nINT. B - DAY\n\nBOB\nHo.");
    assert!(t.contains("dissolve 0.7s // SLOW DISSOLVE TO:"), "{t}");
    assert_checks_clean(&t);
}

#[test]
fn extensions_and_parentheticals() {
    let src = "INT. HOUSE - DAY\n\nMOM (V.O.)\n(whispering)\nCome home.\n\nMOM (CONT'D)\nNow.\n\nHANS (on the radio)\nWhat was it you said?\n(beat)\nRepeat it.\n(sighs)\n\nEVE (O.C.)\nHere.\n\nTOM\n(to Bob; quietly)\nHi.";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    for line in [
        "        // (whispering)\n        mom says \"Come home.\" (V.O.)",
        "mom says \"Now.\"\n",
        "hans says \"What was it you said?\" (on the radio)",
        "hans says \"Repeat it.\" (beat)",
        // After both lines and the pause between them: 34 + 7 + 24 frames.
        "hans does \"sighs\" at 65f",
        "eve says \"Here.\" (O.S.)",
        "        // (to Bob; quietly)\n        tom says \"Hi.\" (to Bob, quietly)",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    // The V.O. wryly and the parenthetical with `;` are kept as comments, with a warning each.
    assert_eq!(code_list(&c).iter().filter(|c| **c == "W0710").count(), 2);
    // CONT'D is the same character.
    assert_eq!(c.summary.characters, 4);
}

#[test]
fn lyrics_in_a_speech_are_sung_lines_and_alone_are_a_prompt() {
    let src = "INT. HALL - NIGHT\n\nSINGER\n~These are the songs\n~That I sing.\n\n~Willy Wonka! Willy Wonka!";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert!(
        t.contains("singer says \"These are the songs That I sing.\" (sings)"),
        "{t}"
    );
    assert!(
        t.contains("prompt \"singing: Willy Wonka! Willy Wonka!\""),
        "{t}"
    );
    assert!(code_list(&c).contains(&"W0707"));
}

#[test]
fn notes_boneyard_sections_synopses_and_page_breaks_are_comments() {
    let src = "# ACT ONE\n\n= Brick and Steel retire.\n\nINT. HOUSE - DAY\n\nA man [[inline note]] waits.\n\n/*\nINT. CUT SCENE - DAY\n\nGone.\n*/\n\n===\n\n## Sequence\n\nHe leaves.";
    let t = text(src);
    assert_checks_clean(&t);
    for line in [
        "// # ACT ONE",
        "// = Brick and Steel retire.",
        "// [[inline note]]",
        "// /*",
        "// INT. CUT SCENE - DAY",
        "// */",
        "// ===",
        "// ## Sequence",
        "prompt \"A man waits.\"",
    ] {
        assert!(t.contains(line), "missing {line:?} in\n{t}");
    }
    assert!(!t.contains("Gone.\"")); // boneyard is never a shot
}

#[test]
fn content_before_the_first_heading_opens_the_first_scene() {
    let src = "Title: T\n\n**Note: a writer's note.**\n\nINT. HOUSE - DAY\n\nA door.";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    let first_scene = t.find("scene house at house").expect("scene");
    assert!(t[first_scene..].contains("prompt \"Note: a writer's note.\""));
    assert!(codes(&c).contains(&("W0706", 10)));
}

#[test]
fn a_screenplay_without_headings_plays_at_an_opening_location() {
    let c = run("BOB\nHi.\n\nHe waves.");
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert!(t.contains("location opening {"));
    assert!(t.contains("scene opening at opening {"));
    assert!(code_list(&c).contains(&"W0706"));
}

#[test]
fn nothing_to_film_is_an_error() {
    for src in [
        "",
        "Title: Only a title\nAuthor: Me",
        "[[just a note]]",
        "INT. HOUSE - DAY",
    ] {
        let c = run(src);
        if src.starts_with("INT.") {
            // A heading alone is an establishing shot.
            let t = c.text.clone().expect("a film");
            assert!(t.contains("camera wide"));
            assert_checks_clean(&t);
            continue;
        }
        assert!(c.text.is_none(), "{src:?}");
        assert_eq!(code_list(&c), vec!["E0701"], "{src:?}");
    }
}

#[test]
fn malformed_fountain_is_warned() {
    let c = run("INT. HOUSE - DAY\n\nA [[never closed.\n\nSTEEL ^\nAlone.\n\n/* to the end");
    assert_checks_clean(c.text.as_deref().expect("a film"));
    assert_eq!(code_list(&c).iter().filter(|c| **c == "W0708").count(), 3);
}

#[test]
fn scene_headings_without_a_time_and_continuing_ones() {
    let c = run("EXT. POOL - NIGHT\n\nSplash.\n\n.SNIPER SCOPE POV\n\nCrosshairs.\n\nINT. HOUSE - CONTINUOUS\n\nDrip.");
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert!(
        t.contains(
            "location sniper_scope_pov {\n    description \"Sniper scope pov\"\n    time night\n}"
        ),
        "{t}"
    );
    assert!(
        t.contains("location house {\n    description \"House, interior\"\n    time night\n}"),
        "{t}"
    );
    assert_eq!(code_list(&c).iter().filter(|c| **c == "W0703").count(), 1);
}

#[test]
fn identifiers_are_legal_unique_and_unreserved() {
    let src = "INT. CAMERA - DAY\n\nSCENE\nHi.\n\n2ND OFFICER\nHo.\n\nDR. NÚÑEZ\nHey.\n\nケン\nこんにちは\n\nBOB\nOne.\n\nBOB!\nstill bob? no: a cue has no `!`.\n\n@Bob\nTwo.";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    for def in [
        "location camera_ {",
        "character scene_ {",
        "character _2nd_officer {",
        "character dr_nunez {",
        "character u30b1_u30f3 {",
        "character bob {",
    ] {
        assert!(t.contains(def), "missing {def:?} in\n{t}");
    }
    // `@Bob` is BOB again: cue names compare without case.
    assert_eq!(c.summary.characters, 5);
}

#[test]
fn long_speeches_and_actions_split_into_shots_under_a_minute() {
    let sentence = "This sentence has exactly sixty characters in it, all right. ";
    let speech = sentence.repeat(20); // 1,200 characters: 80 s at 15 a second
    let action = format!("{}\n", sentence.trim()).repeat(70); // 70 printed lines
    let src = format!("INT. HALL - DAY\n\nBOB\n{speech}\n\n{action}");
    let c = run(&src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert_eq!(code_list(&c).iter().filter(|c| **c == "W0709").count(), 2);
    assert!(c.summary.shots >= 4, "{}", c.summary.shots);
    // Every word of the speech is still said.
    let said: String = t
        .lines()
        .filter_map(|l| l.trim().strip_prefix("bob says \""))
        .map(|l| l.split("\"").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        said.split_whitespace().count(),
        speech.split_whitespace().count()
    );
}

#[test]
fn many_characters_in_one_action() {
    let src = "INT. ROOM - DAY\n\nANN\nA.\n\nBEN\nB.\n\nCAL\nC.\n\nDEE\nD.\n\nAnn, Ben, Cal and Dee sit down.";
    let t = text(src);
    assert_checks_clean(&t);
    assert!(t.contains("ann at (20%, 85%)"), "{t}");
    assert!(t.contains("dee at (80%, 85%)"), "{t}");
    assert!(
        t.contains("ann does \"Ann, Ben, Cal and Dee sit down.\"")
            || t.contains("prompt \"Ann, Ben"),
        "{t}"
    );
}

#[test]
fn strange_text_survives_as_strings() {
    let src = "INT. \"QUOTED\" ROOM - DAY\n\nA sign reads \"EXIT \\\\ WAY\" /* and */ here; {braces} // slashes.\n\nBOB\nShe said \"no\" \\ twice.";
    let c = run(src);
    let t = c.text.clone().expect("a film");
    assert_checks_clean(&t);
    assert!(t.contains(r#"bob says "She said \"no\" \\ twice.""#), "{t}");
}

#[test]
fn text_that_is_not_utf8_is_e0702_at_its_first_bad_byte() {
    let Err((shown, d)) = super::decode(b"INT. CAF\xc9 - DAY\n\nHe waits.", FileId(0)) else {
        panic!("decoded");
    };
    assert_eq!(d.code.0, "E0702");
    assert_eq!(d.span.start, 8);
    assert!(shown.starts_with("INT. CAF\u{fffd} - DAY"));
    assert_eq!(
        &shown[d.span.start as usize..d.span.end as usize],
        "\u{fffd}"
    );
    assert_eq!(
        super::decode("é".as_bytes(), FileId(0)).ok().as_deref(),
        Some("é")
    );
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md"),
    )
    .expect("docs/diagnostics.md");
    for code in super::codes::ALL {
        assert!(
            docs.contains(&format!("### {code}")),
            "docs/diagnostics.md does not document {code}"
        );
    }
}
