//! Parsing (and formatting) a generated 1,000-shot file.
//! `cargo bench -p scene-syntax --bench parse`

use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

/// A film of 1,000 shots in 100 scenes, each shot with the statements a real script uses.
fn thousand_shots() -> String {
    let mut src = String::from(
        "import std.camera\n\nfilm \"Bench\" {\n    size 768x512\n    fps 24\n    seed 7\n}\n\n\
         character aiko {\n    description \"a young woman in a red raincoat\"\n    color #d62828\n}\n\n\
         location street {\n    description \"a neon-lit street\"\n    time night\n}\n\n\
         sound thunder = sfx \"audio/thunder.wav\"\n",
    );
    for scene in 0..100 {
        src.push_str(&format!("\nscene s{scene} at street {{\n"));
        for shot in 0..10 {
            let n = scene * 10 + shot;
            src.push_str(&format!(
                "    shot shot{n} 6s {{\n        camera wide, dolly in 30% over 4s ease in_out // push in\n        \
                 aiko enters left, walks to center over 4s\n        at 0s \"rain falls in silver streaks\"\n        \
                 at 3s \"a train passes behind her\"\n        at 2s play thunder -3dB\n        \
                 aiko says \"It's been ten years.\" (whispering)\n    }}\n    dissolve 1s\n"
            ));
        }
        src.push_str("}\n");
    }
    src
}

#[divan::bench]
fn parse_1000_shots(bencher: Bencher) {
    let src = thousand_shots();
    assert!(scene_syntax::parse(scene_syntax::FileId(0), &src)
        .diagnostics
        .is_empty());
    bencher.bench(|| scene_syntax::parse(scene_syntax::FileId(0), black_box(&src)));
}

/// The same file with one error per scene, so every scene goes through recovery.
#[divan::bench]
fn parse_1000_shots_with_100_errors(bencher: Bencher) {
    let src = thousand_shots().replace("shot0 6s", "shot0 6 s").replace("camera wide, dolly in 30% over 4s ease in_out // push in\n        aiko enters left, walks to center over 4s\n        at 0s \"rain falls in silver streaks\"\n        at 3s \"a train passes behind her\"\n        at 2s play thunder -3dB\n        aiko says \"It's been ten years.\" (whispering)\n    }\n    dissolve 1s\n}", "zoom 2x\n    }\n}");
    assert!(!scene_syntax::parse(scene_syntax::FileId(0), &src)
        .diagnostics
        .is_empty());
    bencher.bench(|| scene_syntax::parse(scene_syntax::FileId(0), black_box(&src)));
}

#[divan::bench]
fn format_1000_shots(bencher: Bencher) {
    let src = thousand_shots();
    bencher.bench(|| scene_syntax::format(black_box(&src)));
}
