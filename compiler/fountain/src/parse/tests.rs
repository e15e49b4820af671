//! The constructs of the Fountain syntax page (fountain.io/syntax), one test each, with inline
//! fixtures written after its examples.

use super::parse;
use crate::screenplay::*;

/// Element kinds in order, notes and boneyard included.
fn kinds(src: &str) -> Vec<ElementKind> {
    parse(src).elements.into_iter().map(|e| e.kind).collect()
}

fn action_texts(e: &ElementKind) -> Vec<String> {
    match e {
        ElementKind::Action(a) => a.lines.iter().map(|l| l.text.clone()).collect(),
        other => panic!("not action: {other:?}"),
    }
}

fn speech(e: &ElementKind) -> &Dialogue {
    match e {
        ElementKind::Dialogue(d) => d,
        other => panic!("not dialogue: {other:?}"),
    }
}

fn parts(d: &Dialogue) -> Vec<String> {
    d.parts
        .iter()
        .map(|p| match p {
            DialoguePart::Parenthetical(t) => format!("({})", t.text),
            DialoguePart::Line(t) => t.text.clone(),
            DialoguePart::Lyric(t) => format!("~{}", t.text),
        })
        .collect()
}

fn heading(e: &ElementKind) -> &SceneHeading {
    match e {
        ElementKind::SceneHeading(h) => h,
        other => panic!("not a scene heading: {other:?}"),
    }
}

#[test]
fn scene_headings_by_prefix() {
    let src = "INT. HOUSE - DAY\n\nEXT. HOUSE - DAY\n\nINT HOUSE DAY\n\nint. house - day\n\n\
               INT./EXT. HOUSE - DAY\n\nINT/EXT. HOUSE - DAY\n\nI/E. HOUSE - DAY\n\nI/E HOUSE DAY\n\n\
               EST. HOUSE - DAY\n\nINT - HOUSE - DAY\n\nINT. HOUSE - DAY (1979)";
    let ks = kinds(src);
    assert_eq!(ks.len(), 11);
    for k in &ks {
        heading(k);
    }
    assert_eq!(heading(&ks[3]).text, "int. house - day");
}

#[test]
fn not_scene_headings() {
    // Not followed by a blank line, or not a listed prefix.
    let ks = kinds("INT. HOUSE - DAY\nEXT. HOUSE - DAY\n\nINTERIOR DESIGN\n\nESTABLISHING\n\n... not a scene heading.");
    assert!(
        ks.iter()
            .all(|k| !matches!(k, ElementKind::SceneHeading(_))),
        "{ks:?}"
    );
}

#[test]
fn forced_scene_heading() {
    let ks = kinds("EXT. BRICK'S POOL - DAY\n\n.SNIPER SCOPE POV\n\n...and a pause.");
    let h = heading(&ks[1]);
    assert_eq!(h.text, "SNIPER SCOPE POV");
    assert!(h.forced);
    assert!(matches!(ks[2], ElementKind::Action(_)));
}

#[test]
fn scene_numbers() {
    for (src, text, number) in [
        ("INT. HOUSE - DAY #1#", "INT. HOUSE - DAY", "1"),
        ("INT. HOUSE - DAY #1A#", "INT. HOUSE - DAY", "1A"),
        ("INT. HOUSE - DAY #I-1-A#", "INT. HOUSE - DAY", "I-1-A"),
        ("INT. HOUSE - DAY #1.#", "INT. HOUSE - DAY", "1."),
        (
            "INT. HOUSE - DAY - FLASHBACK (1944) #110A#",
            "INT. HOUSE - DAY - FLASHBACK (1944)",
            "110A",
        ),
    ] {
        let ks = kinds(src);
        let h = heading(&ks[0]);
        assert_eq!(h.text, text);
        assert_eq!(h.number.as_deref(), Some(number));
    }
}

#[test]
fn action_keeps_lines_and_indentation() {
    let ks = kinds("They drink long and well from the beers.\n\nAnd then there's a long beat.\nLonger than is funny.\n\tLong enough to be depressing.");
    assert_eq!(ks.len(), 2);
    assert_eq!(
        action_texts(&ks[1]),
        vec![
            "And then there's a long beat.",
            "Longer than is funny.",
            "\tLong enough to be depressing."
        ]
    );
}

#[test]
fn forced_action() {
    let ks = kinds("!SCANNING THE AISLES...\nWhere is that pit boss?");
    assert_eq!(ks.len(), 1);
    match &ks[0] {
        ElementKind::Action(a) => {
            assert!(a.forced);
            assert_eq!(a.lines[0].text, "SCANNING THE AISLES...");
        }
        other => panic!("{other:?}"),
    }
    // Without `!`, the same text is a cue and its speech.
    assert!(matches!(
        kinds("SCANNING THE AISLES...\nWhere is that pit boss?")[0],
        ElementKind::Dialogue(_)
    ));
}

#[test]
fn character_cues_and_extensions() {
    let ks = kinds("STEEL\nBeer's ready!\n\nMOM (O. S.)\nLuke! Come down for supper!\n\nHANS (on the radio)\nWhat was it you said?\n\nEVE (cont'd)\nI think screenwriting is the best.\n\nR2D2\nBleep Boop.");
    let cues: Vec<(&str, Vec<String>)> = ks
        .iter()
        .map(|k| {
            let d = speech(k);
            (d.cue.name.as_str(), d.cue.extensions.clone())
        })
        .collect();
    assert_eq!(
        cues,
        vec![
            ("STEEL", vec![]),
            ("MOM", vec!["O. S.".to_string()]),
            ("HANS", vec!["on the radio".to_string()]),
            ("EVE", vec!["cont'd".to_string()]),
            ("R2D2", vec![]),
        ]
    );
}

#[test]
fn a_cue_needs_a_letter_speech_below_and_a_blank_line_above() {
    // "23 (O.S.)" has no letter in its name: action.
    assert!(matches!(
        kinds("23 (O.S.)\nCharacter name must include a letter")[0],
        ElementKind::Action(_)
    ));
    // Uppercase with a blank line after it: action, not a cue.
    assert!(matches!(kinds("BANG\n\nmore")[0], ElementKind::Action(_)));
    // Uppercase inside an action paragraph: still action.
    assert_eq!(kinds("He taps the light.\nFWOOSH!\nHe is gone.").len(), 1);
}

#[test]
fn forced_character() {
    let ks = kinds("@McCLANE\nYippie ki-yay! I got my lower-case C back!");
    let d = speech(&ks[0]);
    assert_eq!(d.cue.name, "McCLANE");
    assert!(d.cue.forced);
    assert_eq!(parts(d), vec!["Yippie ki-yay! I got my lower-case C back!"]);
}

#[test]
fn dialogue_with_parentheticals_lyrics_and_two_space_lines() {
    let src = "STEEL\n(starting the engine)\nSo much for retirement!\n(beat)\nTo destiny!\n  \n~Willy Wonka! Willy Wonka!\n(beaming\nwith pride)\nThe end.";
    let ks = kinds(src);
    assert_eq!(ks.len(), 1);
    assert_eq!(
        parts(speech(&ks[0])),
        vec![
            "(starting the engine)",
            "So much for retirement!",
            "(beat)",
            "To destiny!",
            "~Willy Wonka! Willy Wonka!",
            "(beaming with pride)",
            "The end."
        ]
    );
}

#[test]
fn indented_dialogue() {
    let ks = kinds(
        "\t\t\tJACK\n\t\t(in Vietnamese, subtitled)\n\t*Did you know Brick and Steel are retired?*",
    );
    let d = speech(&ks[0]);
    assert_eq!(d.cue.name, "JACK");
    assert_eq!(
        parts(d),
        vec![
            "(in Vietnamese, subtitled)",
            "Did you know Brick and Steel are retired?"
        ]
    );
}

#[test]
fn dual_dialogue() {
    let ks = kinds("BRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement.");
    assert_eq!(ks.len(), 1);
    match &ks[0] {
        ElementKind::DualDialogue(a, b) => {
            assert_eq!(a.cue.name, "BRICK");
            assert_eq!(b.cue.name, "STEEL");
        }
        other => panic!("{other:?}"),
    }
    let p = parse("Action.\n\nSTEEL ^\nAlone.");
    assert_eq!(p.issues.len(), 1);
    assert_eq!(p.issues[0].kind, IssueKind::LoneDualDialogue);
    assert_eq!(p.issues[0].origin.line, 3);
    assert!(matches!(p.elements[1].kind, ElementKind::Dialogue(_)));
}

#[test]
fn transitions() {
    let ks =
        kinds("CUT TO:\n\nSMASH CUT TO:\n\nFADE TO BLACK.\n\n> Burn to White.\n\nCUT TO:  \n\nTO:");
    let texts: Vec<Option<(&str, bool)>> = ks
        .iter()
        .map(|k| match k {
            ElementKind::Transition(t) => Some((t.text.as_str(), t.forced)),
            _ => None,
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            Some(("CUT TO:", false)),
            Some(("SMASH CUT TO:", false)),
            Some(("FADE TO BLACK.", false)),
            Some(("Burn to White.", true)),
            None, // trailing blanks: not a transition
            Some(("TO:", false)),
        ]
    );
}

#[test]
fn indented_transition() {
    assert!(matches!(
        kinds("                CUT TO:\n\nINT. GARAGE - DAY")[0],
        ElementKind::Transition(_)
    ));
}

#[test]
fn centered_text() {
    let ks = kinds("> THE END <\n\n>BRICK BRADDOCK<\n> & DICK STEEL IN <\n\n> Not centered");
    assert_eq!(ks[0], ElementKind::Centered(vec!["THE END".into()]));
    assert_eq!(
        ks[1],
        ElementKind::Centered(vec!["BRICK BRADDOCK".into(), "& DICK STEEL IN".into()])
    );
    assert!(matches!(ks[2], ElementKind::Transition(_)));
}

#[test]
fn lyrics() {
    assert_eq!(
        kinds("~Willy Wonka! Willy Wonka! The amazing chocolatier!\n~Willy Wonka! Willy Wonka! Everybody give a cheer!"),
        vec![ElementKind::Lyrics(vec![
            "Willy Wonka! Willy Wonka! The amazing chocolatier!".into(),
            "Willy Wonka! Willy Wonka! Everybody give a cheer!".into()
        ])]
    );
}

#[test]
fn page_breaks_sections_and_synopses() {
    let ks = kinds("Page one.\n\n===\n\n# ACT I\n\n= Set up the characters.\n\n## CHAPTER 1\n\n### Brick's story\n\n=========\n\nPage three.");
    assert_eq!(ks[1], ElementKind::PageBreak);
    assert_eq!(
        ks[2],
        ElementKind::Section {
            depth: 1,
            text: "ACT I".into()
        }
    );
    assert_eq!(
        ks[3],
        ElementKind::Synopsis("Set up the characters.".into())
    );
    assert_eq!(
        ks[5],
        ElementKind::Section {
            depth: 3,
            text: "Brick's story".into()
        }
    );
    assert_eq!(ks[6], ElementKind::PageBreak);
}

#[test]
fn notes_and_boneyard_are_elements_in_place() {
    let src = "INT. OFFICE - DAY\n\nA man [[It was supposed to be Vietnamese, right?]] sits.\n\n/*\nINT. GARAGE - DAY\n\nBRICK\nCut.\n*/\n\nSTEEL\nKept.";
    let ks = kinds(src);
    assert_eq!(ks.len(), 5, "{ks:?}");
    assert_eq!(action_texts(&ks[1]), vec!["A man  sits."]);
    assert_eq!(
        ks[2],
        ElementKind::Note("It was supposed to be Vietnamese, right?".into())
    );
    assert!(matches!(&ks[3], ElementKind::Boneyard(t) if t.contains("INT. GARAGE - DAY")));
    assert_eq!(speech(&ks[4]).cue.name, "STEEL");
}

#[test]
fn a_note_between_cue_and_speech_keeps_the_speech() {
    let ks = kinds("STEEL\n[[a note]]\nBeer's ready!");
    assert_eq!(parts(speech(&ks[0])), vec!["Beer's ready!"]);
    assert_eq!(ks[1], ElementKind::Note("a note".into()));
}

#[test]
fn emphasis_is_plain_text() {
    let ks = kinds("Steel enters the code on the keypad: **\\*9765\\***\n\nSTEEL\n_Permanently_.");
    assert_eq!(
        action_texts(&ks[0]),
        vec!["Steel enters the code on the keypad: *9765*"]
    );
    assert_eq!(parts(speech(&ks[1])), vec!["Permanently."]);
}

#[test]
fn title_page() {
    let src = "Title:\n\t_**BRICK & STEEL**_\n\t_**FULL RETIRED**_\nCredit: Written by\nAuthor: Stu Maschwitz\n/* Draft date: hidden */\nDraft date: 1/20/2012\nContact:\n\tNext Level Productions\n\t1588 Mission Dr.\n\nEXT. BRICK'S PATIO - DAY";
    let p = parse(src);
    let entries: Vec<(&str, Vec<String>)> = p
        .title_page
        .iter()
        .map(|e| (e.key.as_str(), e.values.clone()))
        .collect();
    assert_eq!(
        entries,
        vec![
            (
                "Title",
                vec!["BRICK & STEEL".to_string(), "FULL RETIRED".to_string()]
            ),
            ("Credit", vec!["Written by".to_string()]),
            ("Author", vec!["Stu Maschwitz".to_string()]),
            ("Draft date", vec!["1/20/2012".to_string()]),
            (
                "Contact",
                vec![
                    "Next Level Productions".to_string(),
                    "1588 Mission Dr.".to_string()
                ]
            ),
        ]
    );
    assert_eq!(
        p.title_value("title", " "),
        Some("BRICK & STEEL FULL RETIRED".into())
    );
    assert!(matches!(p.elements[1].kind, ElementKind::SceneHeading(_)));
    assert!(matches!(p.elements[0].kind, ElementKind::Boneyard(_)));
}

#[test]
fn no_title_page_without_a_known_first_key() {
    let p = parse("FADE IN:\n\nINT. HOUSE - DAY");
    assert!(p.title_page.is_empty());
    // `FADE IN:` does not end in `TO:`: by the syntax it is action (the import reads it).
    assert!(matches!(p.elements[0].kind, ElementKind::Action(_)));
}

#[test]
fn origins_point_at_lines() {
    let p = parse("Title: X\n\nINT. HOUSE - DAY\n\nSTEEL\n(beat)\nHello.\n");
    let lines: Vec<u32> = p.elements.iter().map(|e| e.origin.line).collect();
    assert_eq!(lines, vec![3, 5]);
    let d = speech(&p.elements[1].kind);
    assert_eq!(d.cue.origin.line, 5);
    match &d.parts[1] {
        DialoguePart::Line(t) => {
            assert_eq!(t.origin.line, 7);
            assert_eq!(
                &"Title: X\n\nINT. HOUSE - DAY\n\nSTEEL\n(beat)\nHello.\n"[t.origin.bytes.clone()],
                "Hello."
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn parse_never_panics_on_odd_input() {
    for src in [
        "",
        "\n\n\n",
        "@",
        "^",
        ".",
        ">",
        "<",
        "~",
        "=",
        "#",
        "[[",
        "]]",
        "/*",
        "*/",
        "(",
        "STEEL ^\n(",
        "A\n(\n",
        "\u{FEFF}Title: x",
        "Title:\n\n",
        "> <",
        "><",
        "INT. #1#",
        "** _ * _ **",
        "\\",
    ] {
        let _ = parse(src);
    }
}
