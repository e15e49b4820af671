//! The corpus of bad inputs: each case is a small project written into a temporary directory and
//! checked from its `film.scene`. The human rendering (no colour, fixed width) and the JSON are
//! snapshot-tested; every checker code must be triggered by some case and documented.

use std::collections::BTreeSet;
use std::path::Path;

use scene_check::{check_entry, codes, render, Checked, RealFs};

const PRELUDE: &str = "character aiko { description \"a woman in a red raincoat\" }\n\
character mara { description \"a woman in a green coat\" }\n\
location street { description \"a wet street\" }\n";

/// A base film for the remix cases (`!`: used as is).
const BASE: &str = "!film \"Base\" { fps 24 }\n\
character aiko { description \"a woman in a red raincoat\" }\n\
location street { description \"a wet street\" }\n\
scene s at street {\n shot opening 2s { prompt \"rain\" }\n dissolve 1s\n shot reply 2s { continues opening }\n}";

/// (name, files). `film.scene` is the entry; `PRELUDE` is prepended to it unless the text starts
/// with `!` (then it is used as is, without the `!`).
const CASES: &[(&str, &[(&str, &str)])] = &[
    ("E0101_unknown_character", &[("film.scene", "scene s at street { shot a 2s { akio at center } }")]),
    ("E0102_unknown_location", &[("film.scene", "scene s at stret { shot a 2s { prompt \"rain\" } }")]),
    (
        "E0103_unknown_sound",
        &[("film.scene", "sound thunder = sfx \"audio/thunder.wav\"\nscene s at street { shot a 2s { at 1s play thundr } }")],
    ),
    ("E0104_unknown_look", &[("film.scene", "film \"T\" { look noir }\nscene s at street { shot a 2s { prompt \"x\" } }")]),
    (
        "E0105_unknown_camera",
        &[("film.scene", "camera hero { framing medium }\nscene s at street { shot a 2s { camera heros } }")],
    ),
    ("E0106_unknown_shot", &[("film.scene", "scene s at street { shot a 2s { prompt \"x\" }\n shot b 2s { continues aa } }")]),
    (
        "E0107_prop_as_character",
        &[(
            "film.scene",
            "prop train { description \"a silver train\"; dimensions 60m 4m }\nprop lantern { description \"a paper lantern\" }\n\
scene s at street { shot a 4s {\n train at left\n train says \"Toot.\"\n train walks to right\n train holds lantern\n} }",
        )],
    ),
    (
        "E0108_character_as_prop",
        &[(
            "film.scene",
            "scene s at street { shot a 4s {\n aiko moves to right\n aiko at (50%, 85%) above 2m\n aiko holds mara\n} }",
        )],
    ),
    (
        "E0107_prop_drops",
        &[(
            "film.scene",
            "prop lantern { description \"a paper lantern\" }\nprop map { description \"a folded map\" }\n\
scene s at street { shot a 2s {\n lantern drops map\n lantern says \"Ahem.\" (V.O.)\n} }",
        )],
    ),
    (
        "E0108_drops_a_character",
        &[("film.scene", "scene s at street { shot a 2s {\n aiko drops mara at 1s\n} }")],
    ),
    (
        "E0109_unknown_prop",
        &[("film.scene", "prop lantern { description \"a paper lantern\" }\nscene s at street { shot a 2s { aiko holds lantren } }")],
    ),
    (
        "W0303_insert_on_a_character",
        &[(
            "film.scene",
            "import std.camera\nprop key { description \"a brass key\"; dimensions 0.06m 0.02m }\n\
scene s at street { shot a 2s { camera insert on aiko }\n shot b 2s { camera insert on key } }",
        )],
    ),
    (
        "H0101_film_shadows_std",
        &[
            (
                "film.scene",
                "import std.camera\nimport std.look\nimport \"looks.scene\"\ncamera insert { framing closeup }\n\
film \"T\" { look noir }\nscene s at street { shot a 2s { camera insert on aiko } }",
            ),
            ("looks.scene", "look noir { style \"our own noir\"; grade sepia }"),
        ],
    ),
    (
        "E0110_film_files_define_one_preset_twice",
        &[
            (
                "film.scene",
                "import std.camera\nimport \"more.scene\"\ncamera insert { framing closeup }\n\
scene s at street { shot a 2s { camera insert on aiko } }",
            ),
            ("more.scene", "camera insert { framing medium }"),
        ],
    ),
    ("E0110_duplicate_definition", &[("film.scene", "character aiko { description \"again\" }")]),
    ("E0110_character_and_prop", &[("film.scene", "prop mara { description \"a mannequin\" }")]),
    ("E0111_duplicate_shot", &[("film.scene", "scene s at street { shot a 2s { prompt \"x\" }\n shot a 2s { prompt \"y\" } }")]),
    ("E0112_two_film_blocks", &[("film.scene", "film \"One\" { fps 24 }\nfilm \"Two\" { fps 24 }")]),
    ("E0113_field_twice", &[("film.scene", "film \"T\" {\n fps 24\n fps 30\n}")]),
    (
        "E0107_pov_of_a_prop",
        &[(
            "film.scene",
            "import std.camera\nprop lamp { description \"a street lamp\"; dimensions 0.4m 4m }\n\
scene s at street { shot a 2s { camera pov of lamp on aiko } }",
        )],
    ),
    (
        "E0105_unknown_preset_lists_the_nearest",
        &[("film.scene", "import std.camera\nscene s at street { shot a 2s { camera medium_close on aiko } }")],
    ),
    (
        "E0114_camera_subject_itself",
        &[(
            "film.scene",
            "import std.camera\nscene s at street { shot a 2s { camera over_shoulder on aiko past aiko }\n\
shot b 2s { camera pov of aiko on aiko } }",
        )],
    ),
    (
        "E0115_viewpoint_clauses",
        &[(
            "film.scene",
            "import std.camera\nscene s at street { shot a 2s { camera over_shoulder past aiko }\n\
shot b 2s { camera pov of aiko on mara from behind }\n\
shot c 2s { camera pov of mara on aiko past aiko } }",
        )],
    ),
    (
        "W0302_keep_and_pan",
        &[(
            "film.scene",
            "scene s at street { shot a 4s {\n aiko at left, walks to right over 3s\n camera medium on aiko, keep aiko, pan left 20deg from 1s to 2s, follow akio\n} }",
        )],
    ),
    (
        "E0113_focus_twice_at_one_time",
        &[(
            "film.scene",
            "scene s at street { shot a 4s {\n depth shallow\n focus on aiko at 1s\n focus on mara at 1s\n focus on aiko at 9s\n} }",
        )],
    ),
    ("E0120_unknown_field", &[("film.scene", "character kenji { description \"a man\"\n colour #ff0000 }")]),
    ("E0121_missing_description", &[("film.scene", "character kenji { name \"Kenji\" }")]),
    (
        "E0201_unit_mismatch",
        &[(
            "film.scene",
            "film \"T\" { fps 24s }\nscene s at street { shot a 6s {\n camera wide, dolly in 30deg\n lens 2m\n} }",
        )],
    ),
    ("E0202_wrong_kind", &[("film.scene", "film \"T\" { fps \"24\" }")]),
    ("E0203_value_count", &[("film.scene", "film \"T\" { fps 24 30 }")]),
    ("E0204_not_whole", &[("film.scene", "film \"T\" { fps 23.976 }")]),
    ("E0205_enum_value", &[("film.scene", "location park { description \"a park\"\n time noon\n weather sunny }")]),
    ("E0301_fps_range", &[("film.scene", "film \"T\" { fps 240 }")]),
    ("E0302_size", &[("film.scene", "film \"T\" { size 770x5000 }")]),
    ("E0303_shot_length", &[("film.scene", "scene s at street { shot a 61s { prompt \"x\" } }")]),
    (
        "E0304_gain",
        &[("film.scene", "sound thunder = sfx \"audio/thunder.wav\" 20dB\nscene s at street { shot a 2s { at 0s play thunder -90dB } }")],
    ),
    ("E0305_fraction", &[("film.scene", "scene s at street { shot a 2s { camera wide, dolly in 150%\n aiko at (120%, 50%) } }")]),
    ("E0306_seed", &[("film.scene", "film \"T\" { seed 99999999999999999999 }\nscene s at street { shot a 2s { seed -1 } }")]),
    ("E0307_duration", &[("film.scene", "scene s at street { shot a 2s { aiko walks to center over 0s } }")]),
    ("E0308_range", &[("film.scene", "film \"T\" { guidance 0\n steps 0 }\ncamera c { lens 0mm }")]),
    (
        "E0308_number_too_large",
        &[("film.scene", "scene s at street { shot a 2s { aiko at center\n at {HUGE}s \"x\"\n camera wide, crane up {HUGE}m } }")],
    ),
    (
        "E0308_prop_size_and_height",
        &[(
            "film.scene",
            "prop crate { description \"a crate\"; dimensions 0m 2000m }\nprop kite { description \"a kite\"; dimensions 1m }\n\
scene s at street { shot a 2s { crate at center above -1m } }",
        )],
    ),
    (
        "E0313_light_temperature",
        &[("film.scene", "location shop { description \"a shop\"\n light key from left soft 800K }")],
    ),
    (
        "E0314_light_intensity",
        &[("film.scene", "scene s at street { shot a 2s { light key from left 1500% } }")],
    ),
    (
        "E0315_speed",
        &[("film.scene", "scene s at street { shot a 2s { speed 0.5% }\n shot b 2s { speed 20x } }")],
    ),
    ("E0316_loudness", &[("film.scene", "film \"T\" { loudness -3LUFS }")]),
    (
        "E0203_light_shape",
        &[(
            "film.scene",
            "location shop { description \"a shop\"\n light key\n light fill at left\n light rim from back 40% hard\n}\n\
scene s at street { shot a 2s { light key from up\n light fill from left 3200\n light fill from right } }",
        )],
    ),
    ("E0401_time_outside_shot", &[("film.scene", "scene s at street { shot opening 6s { at 7s \"a train passes\" } }")]),
    (
        "E0402_ends_after_shot",
        &[("film.scene", "scene s at street { shot a 6s {\n camera wide, crane up 1m over 8s\n aiko enters left, walks to right over 7s\n} }")],
    ),
    (
        "E0403_continues_later_shot",
        &[("film.scene", "scene s at street { shot a 2s { continues b }\n shot b 2s { prompt \"x\" } }")],
    ),
    (
        "E0404_continues_cycle",
        &[("film.scene", "scene s at street { shot a 2s { continues b }\n shot b 2s { continues a }\n shot c 2s { continues c } }")],
    ),
    (
        "E0405_transition_too_long",
        &[("film.scene", "scene s at street { shot a 2s { prompt \"x\" }\n dissolve 3s\n shot b 6s { prompt \"y\" } }")],
    ),
    (
        "E0408_drop_not_held",
        &[(
            "film.scene",
            "prop lantern { description \"a paper lantern\" }\n\
scene s at street { shot a 4s {\n aiko holds lantern\n mara drops lantern at 1s\n aiko drops lantern at 2s\n aiko drops lantern at 3s\n} }",
        )],
    ),
    ("E0406_reversed_range", &[("film.scene", "scene s at street { shot a 6s { camera wide, pan left 30deg from 3s to 1s } }")]),
    (
        "E0407_misplaced_transition",
        &[("film.scene", "scene s at street { dissolve 1s\n shot a 2s { prompt \"x\" }\n dissolve 1s }")],
    ),
    ("E0501_import_not_found", &[("film.scene", "import \"cast/nobody.scene\"")]),
    ("E0502_import_outside_root", &[("scene.toml", ""), ("film.scene", "import \"../elsewhere.scene\"")]),
    (
        "E0503_import_cycle",
        &[
            ("film.scene", "import \"a.scene\""),
            ("a.scene", "import \"b.scene\"\ncharacter kenji { description \"a man\" }"),
            ("b.scene", "import \"a.scene\""),
        ],
    ),
    ("E0504_unknown_std_module", &[("film.scene", "import std.cameras")]),
    ("E0505_film_in_import", &[("film.scene", "import \"cast.scene\""), ("cast.scene", "film \"Cast\" { fps 24 }")]),
    ("E0506_entry_unreadable", &[]),
    ("E0507_import_not_a_file", &[("film.scene", "import \"cast.scene\""), ("cast.scene/", "")]),
    ("E0508_script_too_large", &[("film.scene", "import \"big.scene\""), ("big.scene", "{LARGE}")]),
    ("E0601_asset_missing", &[("film.scene", "scene s at street { shot a 2s { keyframe at 0s \"keyframes/missing.png\" } }")]),
    ("E0602_asset_outside_root", &[("film.scene", "character kenji { description \"a man\"\n reference \"../../etc/passwd\" }")]),
    (
        "E0603_unsupported_asset",
        &[("film.scene", "sound theme = music \"refs/face.png\"\nscene s at street { shot a 2s { keyframe at 0s \"notes.png\" } }")],
    ),
    (
        "E0604_asset_not_a_file",
        &[("film.scene", "scene s at street { shot a 2s { keyframe at 0s \"refs/shots\" } }"), ("refs/shots/", "")],
    ),
    (
        "E0605_asset_too_large",
        &[("film.scene", "scene s at street { shot a 2s { keyframe at 0s \"refs/wide.png\" } }"), ("refs/wide.png", "{PNG}")],
    ),
    (
        "E0502_extends_outside_root",
        &[("scene.toml", ""), ("film.scene", "!film \"Remix\" extends \"../elsewhere.scene\" {}")],
    ),
    ("E0801_change_outside_remix", &[("film.scene", "film \"Plain\" { fps 24 }\nremove shot a")]),
    (
        "E0802_override_unknown_name",
        &[
            ("film.scene", "!film \"Remix\" extends \"base.scene\" {}\noverride character aikko { description \"a woman in yellow\" }\nremove shot closing"),
            ("base.scene", BASE),
        ],
    ),
    (
        "E0802_override_a_prop_as_a_character",
        &[
            ("film.scene", "!film \"Remix\" extends \"base.scene\" {}\noverride character lamp { description \"a lamplighter\" }"),
            ("base.scene", "!film \"Base\" { fps 24 }\nprop lamp { description \"a street lamp\" }\nlocation street { description \"a wet street\" }\n\
scene s at street {\n shot opening 2s { lamp at center }\n}"),
        ],
    ),
    (
        "E0803_insert_unknown_anchor",
        &[
            ("film.scene", "!film \"Remix\" extends \"base.scene\" {}\ninsert shot glance 2s after replyy { prompt \"a glance\" }"),
            ("base.scene", BASE),
        ],
    ),
    (
        "E0804_remove_breaks_continues",
        &[("film.scene", "!film \"Remix\" extends \"base.scene\" {}\nremove shot opening"), ("base.scene", BASE)],
    ),
    (
        "E0805_extends_cycle",
        &[
            ("film.scene", "!film \"Remix\" extends \"middle.scene\" {}"),
            ("middle.scene", "!film \"Middle\" extends \"film.scene\" {}"),
        ],
    ),
    (
        "E0806_changed_twice",
        &[
            ("film.scene", "!film \"Remix\" extends \"base.scene\" {}\noverride shot reply 2s { prompt \"again\" }\nremove shot reply"),
            ("base.scene", BASE),
        ],
    ),
    (
        "E0807_transition_replaces_the_bases",
        &[
            ("film.scene", "!film \"Remix\" extends \"base.scene\" {}\ninsert after opening {\n    wipe left 12f\n    shot glance 1s { prompt \"a glance\" }\n}"),
            ("base.scene", BASE),
        ],
    ),
    (
        "W0101_absent_speaker",
        &[("film.scene", "scene s at street { shot a 3s {\n aiko at center\n mara says \"Hello.\"\n aiko says \"Hi.\" (V.O.)\n} }")],
    ),
    (
        "W0301_keyframes_too_close",
        &[("film.scene", "scene s at street { shot a 2s { keyframe at 0s \"refs/face.png\"\n keyframe at 4f \"refs/face.png\" } }")],
    ),
    ("W0302_same_axis", &[("film.scene", "scene s at street { shot a 4s { camera wide, pan right 30deg, orbit 20deg over 2s, dolly in 10% } }")]),
    (
        "many_errors_at_once",
        &[
            (
                "film.scene",
                "import std.look\nimport \"cast.scene\"\nfilm \"Many\" { fps 24s\n size 768x500\n look cinematik }\n\
sound theme = music \"audio/missing.ogg\"\n\
scene arrival at street {\n play theme fade in 2s\n shot opening 6s {\n  camera wide, dolly in 30deg, lens 2m\n  akio enters left, walks to center over 4s\n  at 7s \"rain\"\n  mara says \"Where are you?\"\n }\n dissolve 10s\n shot reply 3s { continues openin\n  kenji at left }\n}",
            ),
            ("cast.scene", "character kenji { colour #00ff00 }"),
        ],
    ),
];

fn png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A mono 16-bit WAV of `samples` silent samples at 8 kHz.
fn wav(samples: u32) -> Vec<u8> {
    let data = samples * 2;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&8000u32.to_le_bytes());
    b.extend_from_slice(&16000u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    b.resize(b.len() + data as usize, 0);
    b
}

/// A PNG of `width` x `height` pixels as far as the checker reads one: signature, header
/// chunk, and the start of (empty) image data.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8], out: &mut Vec<u8>| {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        let mut crc = 0xffff_ffffu32;
        for &b in &body {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&(!crc).to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(b"IHDR", &ihdr, &mut out);
    chunk(b"IDAT", &[], &mut out);
    chunk(b"IEND", &[], &mut out);
    out
}

/// Writes the case's project (with shared assets) into `dir`/project. In a file's text,
/// `{HUGE}` is a 309-digit number, `{LARGE}` (a whole file) a script one byte over the size
/// limit and `{PNG}` (a whole file) the header of a 20000x100 image; a path ending in `/` is a
/// folder.
fn write_project(dir: &Path, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = dir.join("project");
    std::fs::create_dir_all(root.join("refs")).unwrap();
    std::fs::create_dir_all(root.join("audio")).unwrap();
    std::fs::write(root.join("refs/face.png"), png()).unwrap();
    std::fs::write(root.join("audio/thunder.wav"), wav(8000)).unwrap();
    std::fs::write(root.join("notes.png"), "these are notes, not an image").unwrap();
    for (path, text) in files {
        let full = root.join(path);
        if path.ends_with('/') {
            std::fs::create_dir_all(full).unwrap();
            continue;
        }
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        match *text {
            "{LARGE}" => {
                let limit = scene_check::limits::MAX_SCRIPT_BYTES as usize;
                std::fs::write(full, "/".repeat(limit + 1)).unwrap();
                continue;
            }
            "{PNG}" => {
                std::fs::write(full, png_header(20_000, 100)).unwrap();
                continue;
            }
            _ => {}
        }
        let text = text.replace("{HUGE}", &format!("2{}", "0".repeat(308)));
        let text = match (*path, text.strip_prefix('!')) {
            ("film.scene", None) => format!("{PRELUDE}{text}\n"),
            (_, Some(raw)) => raw.to_string(),
            _ => text.to_string(),
        };
        std::fs::write(full, text).unwrap();
    }
    root.join("film.scene")
}

fn rendered(checked: &Checked) -> String {
    render::human_diagnostics(&checked.sources, &checked.diagnostics, false, 100)
}

#[test]
fn corpus() {
    let mut seen = BTreeSet::new();
    for (name, files) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let entry = write_project(dir.path(), files);
        let checked = check_entry(&entry, &RealFs);
        for d in &checked.diagnostics {
            seen.insert(d.code.0);
        }
        let expected = name.split('_').next().unwrap();
        if expected.starts_with('E') || expected.starts_with('W') || expected.starts_with('H') {
            assert!(
                checked.diagnostics.iter().any(|d| d.code.0 == expected),
                "{name} should report {expected}:\n{}",
                rendered(&checked)
            );
        }
        insta::assert_snapshot!(format!("{name}.human"), rendered(&checked));
        insta::assert_snapshot!(format!("{name}.json"), render::json(&checked));
    }
    // The dialogue-timing codes come from the planner, which measures spoken lengths; its
    // corpus (scene-plan's tests/speech_corpus.rs) triggers each of them.
    let missing: Vec<&str> = codes::ALL
        .iter()
        .filter(|c| !codes::PLANNER.contains(c))
        .map(|c| c.0)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no corpus case triggers: {missing:?}"
    );
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md"),
    )
    .unwrap();
    // Syntax codes are read from their source: every `pub const` in scene_syntax's codes.rs.
    let syntax_codes = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../syntax/src/codes.rs"),
    )
    .unwrap();
    let syntax = syntax_codes
        .lines()
        .filter_map(|l| l.strip_prefix("pub const "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string);
    let checker = codes::ALL.iter().map(|c| c.0.to_string());
    let all: Vec<String> = checker.chain(syntax).collect();
    assert!(all.len() > codes::ALL.len(), "syntax codes were found");
    for code in all {
        assert!(
            docs.contains(&format!("### {code}")),
            "docs/diagnostics.md does not document {code}"
        );
    }
}
