//! The previz is a pure function of the schedule: same bytes on every run, whatever the thread
//! count or the order shots are rendered in.

mod previz_common;

use std::path::Path;

use previz_common as common;
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::frame::RgbFrame;
use scene_previz::{Previz, PREVIZ_RENDERER_VERSION};

fn inputs() -> ShotInputs<'static> {
    ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    }
}

fn render(previz: &Previz, film: &scene_plan::schedule::FilmSchedule, i: usize) -> Vec<RgbFrame> {
    previz
        .render_shot(film, &film.shots[i], &inputs(), &mut |_, _| {})
        .unwrap()
}

#[test]
fn identity_names_the_renderer_version() {
    let id = Previz::new().identity();
    assert_eq!(id.name, "previz");
    assert_eq!(id.weights_fingerprint, "");
    assert!(
        id.settings
            .contains(&format!("renderer={PREVIZ_RENDERER_VERSION}")),
        "{}",
        id.settings
    );
}

#[test]
fn frame_count_and_size_follow_the_schedule() {
    let film = common::film(vec![common::opening(17)]);
    let frames = render(&Previz::with_threads(2), &film, 0);
    assert_eq!(frames.len(), 17);
    for f in &frames {
        assert_eq!(
            (f.width, f.height, f.data.len()),
            (common::W, common::H, (common::W * common::H * 3) as usize)
        );
    }
    let mut empty = common::shot("empty", 0);
    empty.camera.clear();
    let film = common::film(vec![empty]);
    assert!(render(&Previz::new(), &film, 0).is_empty());
}

#[test]
fn two_renders_are_byte_identical() {
    let film = common::film(vec![common::opening(12)]);
    let a = render(&Previz::with_threads(1), &film, 0);
    let b = render(&Previz::with_threads(1), &film, 0);
    assert!(a == b);
    // Rain moves: consecutive frames differ.
    assert!(a[0] != a[1]);
}

#[test]
fn thread_count_does_not_change_a_pixel() {
    let film = common::film(vec![common::opening(10)]);
    let one = render(&Previz::with_threads(1), &film, 0);
    for threads in [2, 3, 8] {
        assert!(
            one == render(&Previz::with_threads(threads), &film, 0),
            "{threads} threads differ"
        );
    }
}

#[test]
fn shot_order_and_concurrency_do_not_matter() {
    let mut day = common::shot("reply", 6);
    day.setting.weather = "snow".into();
    let film = common::film(vec![common::opening(6), day]);
    let p = Previz::with_threads(1);
    let forward = (render(&p, &film, 0), render(&p, &film, 1));
    let backward_1 = render(&p, &film, 1);
    let backward_0 = render(&p, &film, 0);
    assert!(forward.0 == backward_0 && forward.1 == backward_1);
    // Both shots at once on two threads.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| render(&Previz::with_threads(2), &film, 0));
        let b = s.spawn(|| render(&Previz::with_threads(2), &film, 1));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(a == forward.0 && b == forward.1);
}

#[test]
fn single_frames_match_the_whole_shot() {
    let film = common::film(vec![common::opening(9)]);
    let all = render(&Previz::new(), &film, 0);
    let some = Previz::new()
        .render_frames(&film, &film.shots[0], &inputs(), &[8, 0, 4])
        .unwrap();
    assert!(some[0] == all[8] && some[1] == all[0] && some[2] == all[4]);
}

#[test]
fn progress_counts_every_frame() {
    let film = common::film(vec![common::opening(7)]);
    let mut seen = Vec::new();
    Previz::with_threads(2)
        .render_shot(&film, &film.shots[0], &inputs(), &mut |d, t| {
            seen.push((d, t))
        })
        .unwrap();
    assert_eq!(seen.last(), Some(&(7, 7)));
    assert_eq!(seen.len(), 7);
}
