//! Previz frame rendering speed at 768x512: one thread, one shot of a night street in the rain
//! with a dolly, a figure, a caption and a subtitle (the heaviest ordinary case).
//!
//! `CARGO_TARGET_DIR=/work/target-previz cargo bench -p scene-previz --bench previz`

#[path = "../tests/previz_common/mod.rs"]
mod common;

use std::path::Path;

use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::Previz;

fn main() {
    divan::main();
}

/// 24 frames (one second of film) per iteration.
#[divan::bench(sample_count = 10)]
fn previz_second_one_thread(bencher: divan::Bencher) {
    let film = common::film(vec![common::opening(24)]);
    let previz = Previz::with_threads(1);
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    bencher
        .counter(divan::counter::ItemsCount::new(24usize))
        .bench(|| {
            previz
                .render_shot(&film, &film.shots[0], &inputs, &mut |_, _| {})
                .unwrap()
        });
}

/// The same second on every core.
#[divan::bench(sample_count = 10)]
fn previz_second_all_threads(bencher: divan::Bencher) {
    let film = common::film(vec![common::opening(24)]);
    let previz = Previz::new();
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    bencher
        .counter(divan::counter::ItemsCount::new(24usize))
        .bench(|| {
            previz
                .render_shot(&film, &film.shots[0], &inputs, &mut |_, _| {})
                .unwrap()
        });
}

/// `examples/prompts/ten_props.scene` planned from the script.
fn ten_props() -> scene_plan::schedule::FilmSchedule {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/prompts/ten_props.scene");
    let checked = scene_check::check_entry(&path, &scene_check::RealFs);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    scene_plan::plan(&checked.film, &scene_voice::Voices::open(None)).schedule
}

/// Renders the first shot of `film` on one thread, every frame per iteration.
fn bench_first_shot(bencher: divan::Bencher, film: &scene_plan::schedule::FilmSchedule) {
    let frames = film.shots[0].frames.0 as usize;
    let previz = Previz::with_threads(1);
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    bencher
        .counter(divan::counter::ItemsCount::new(frames))
        .bench(|| {
            previz
                .render_shot(film, &film.shots[0], &inputs, &mut |_, _| {})
                .unwrap()
        });
}

/// Issue 12's load: `examples/prompts/ten_props.scene`, ten props and three lights in an
/// interior at 768x512 with a dolly and a rack focus, planned from the script; its whole 4 s shot
/// (96 frames) per iteration on one thread (10x real time is 4.17 ms a frame for the whole
/// render, encode included).
#[divan::bench(sample_count = 10)]
fn previz_ten_props_three_lights(bencher: divan::Bencher) {
    bench_first_shot(bencher, &ten_props());
}

/// The same shot with the focus taken off every frame (no depth-of-field blur): the difference
/// from the row above is what the rack focus costs.
#[divan::bench(sample_count = 10)]
fn previz_ten_props_without_focus(bencher: divan::Bencher) {
    let mut film = ten_props();
    for camera in &mut film.shots[0].camera {
        camera.focus_m = None;
    }
    bench_first_shot(bencher, &film);
}
