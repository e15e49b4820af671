//! Planning a 1,000-shot film.

#[path = "../tests/common/mod.rs"]
mod common;

use scene_check::film::{Ease, Framing, MoveKind, PresetRef, TimeOfDay, Weather};
use scene_check::units::{Angle, Fraction};

fn main() {
    divan::main();
}

/// 50 scenes of 20 five-second shots, each with a character walking in, two prompts and a move.
fn thousand_shots() -> scene_check::film::Film {
    let mut b = common::FilmBuilder::new("Long");
    let aiko = b.character("aiko", "a young woman in a red raincoat");
    let loc = b.location(
        "street",
        "a neon-lit street",
        TimeOfDay::Night,
        Weather::Rain,
    );
    for s in 0..50 {
        let scene = b.scene(&format!("scene{s}"), loc);
        for i in 0..20 {
            let id = b.shot(scene, &format!("shot{s}_{i}"), 120);
            let m = if i % 2 == 0 {
                MoveKind::Dolly(Fraction(0.3))
            } else {
                MoveKind::Pan(Angle(30.0))
            };
            b.camera_moves(
                id,
                Some(PresetRef::Framing(Framing::Wide)),
                vec![common::mv(m, 0, 120, Ease::InOut)],
            );
            b.block(
                id,
                aiko,
                vec![
                    common::key(0, -0.15, 0.85, 1.0),
                    common::key(72, 0.5, 0.85, 1.0),
                ],
            );
            b.prompt(id, 0, "rain falls");
            b.prompt(id, 60, "a train passes");
        }
    }
    b.build()
}

#[divan::bench(sample_count = 10)]
fn plan_1000_shots(bencher: divan::Bencher) {
    let film = thousand_shots();
    bencher.bench(|| {
        scene_plan::plan(
            divan::black_box(&film),
            &scene_voice::ReadingSpeed::new("benchmark"),
        )
    });
}
