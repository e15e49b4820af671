//! The films in `examples/prompts/` (translated from published text-to-video prompts) render in
//! previz: every shot gives its schedule's frame count at the film's size, the same bytes twice,
//! and the things the prompts asked for are drawn where the schedule puts them.

use std::path::{Path, PathBuf};

use scene_check::{check_entry, RealFs};
use scene_plan::schedule::FilmSchedule;
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::frame::RgbFrame;
use scene_previz::Previz;

const FILMS: [&str; 4] = [
    "robot_workshop",
    "platform_dawn",
    "interrogation",
    "winter_creature",
];

fn schedule(name: &str) -> FilmSchedule {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/prompts")
        .join(format!("{name}.scene"));
    let checked = check_entry(&path, &RealFs);
    assert!(!checked.has_errors(), "{name}: {:#?}", checked.diagnostics);
    scene_plan::plan(&checked.film, &scene_voice::Voices::open(None)).schedule
}

fn render(film: &FilmSchedule, shot: usize) -> Vec<RgbFrame> {
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    Previz::with_threads(1)
        .render_shot(film, &film.shots[shot], &inputs, &mut |_, _| {})
        .unwrap()
}

/// The mean colour of the box `[x, y, w, h]` (fractions of the frame), clipped to the frame.
fn mean(f: &RgbFrame, b: [f64; 4]) -> [f64; 3] {
    let (w, h) = (f.width as f64, f.height as f64);
    let x0 = (b[0].max(0.0) * w) as u32;
    let y0 = (b[1].max(0.0) * h) as u32;
    let x1 = (((b[0] + b[2]).min(1.0)) * w) as u32;
    let y1 = (((b[1] + b[3]).min(1.0)) * h) as u32;
    let mut sum = [0.0; 3];
    let mut n = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = f.pixel(x, y);
            for c in 0..3 {
                sum[c] += p[c] as f64;
            }
            n += 1.0;
        }
    }
    sum.map(|s| s / n)
}

#[test]
fn every_shot_of_every_translated_film_renders_its_frames() {
    for name in FILMS {
        let film = schedule(name);
        for (i, shot) in film.shots.iter().enumerate() {
            let frames = render(&film, i);
            assert_eq!(frames.len(), shot.frames.0 as usize, "{name}/{}", shot.name);
            for f in &frames {
                assert_eq!((f.width, f.height), (768, 512), "{name}/{}", shot.name);
            }
        }
    }
}

#[test]
fn a_translated_film_renders_the_same_bytes_twice() {
    let film = schedule("winter_creature");
    let (a, b) = (render(&film, 0), render(&film, 0));
    assert!(a.iter().zip(&b).all(|(x, y)| x.data == y.data));
}

#[test]
fn the_workshop_bulb_is_drawn_as_a_small_warm_shape_in_its_box() {
    let film = schedule("robot_workshop");
    let shot = &film.shots[0];
    let bulb = shot
        .subjects
        .iter()
        .find(|s| s.character == "bulb")
        .unwrap();
    let frames = render(&film, 0);
    // At the end of the shot, when the focus has racked to it.
    let last = frames.len() - 1;
    let b = bulb.boxes[last];
    // The middle of the bulb's box: the pale-yellow prop under the warm key, brighter and
    // warmer than the wall above it.
    let inner = [b[0] + b[2] * 0.3, b[1] + b[3] * 0.3, b[2] * 0.4, b[3] * 0.4];
    let c = mean(&frames[last], inner);
    assert!(c[0] > c[2] + 20.0, "bulb colour {c:?}");
    let above = [b[0], b[1] - b[3] * 1.5, b[2], b[3]];
    let d = mean(&frames[last], above);
    assert!(
        c.iter().sum::<f64>() > d.iter().sum::<f64>(),
        "bulb {c:?} vs the wall above {d:?}"
    );
}

/// Whether a pixel is the green of the figure in `a_written_point_is_drawn_there_from_every_side`.
fn is_green(p: [u8; 3]) -> bool {
    p[1] as i32 > p[0] as i32 + 40 && p[1] as i32 > p[2] as i32 + 30
}

/// The mean column and the lowest row (fractions of the frame) of the frame's green pixels,
/// below the slate.
fn green_figure(f: &RgbFrame) -> (f64, f64) {
    let (mut sum, mut n, mut lowest) = (0.0, 0.0, 0u32);
    for y in f.height / 8..f.height {
        for x in 0..f.width {
            if is_green(f.pixel(x, y)) {
                sum += x as f64 + 0.5;
                n += 1.0;
                lowest = lowest.max(y + 1);
            }
        }
    }
    assert!(n > 50.0, "no figure drawn ({n} green pixels)");
    (sum / n / f.width as f64, lowest as f64 / f.height as f64)
}

#[test]
fn a_written_point_is_drawn_there_from_every_side() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    let shot = |name: &str, side: &str| {
        format!("    shot {name} 250ms {{ camera full on aiko{side}; aiko at (60%, 80%), walks to (35%, 80%) over 125ms }}\n")
    };
    std::fs::write(
        &path,
        format!(
            "film \"Sides\" {{ size 384x256; fps 24 }}\n\
             character aiko {{ description \"a woman in a green coat\"; color #10d040 }}\n\
             location yard {{ description \"a paved yard\"; time day; weather clear }}\n\
             scene s at yard {{\n{}{}{}{}}}\n",
            shot("front", ""),
            shot("behind", " from behind"),
            shot("left", " from left"),
            shot("right", " from right"),
        ),
    )
    .unwrap();
    let checked = check_entry(&path, &RealFs);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let film = scene_plan::plan(&checked.film, &scene_voice::Voices::open(None)).schedule;
    let aiko_box = |i: usize, f: usize| {
        let shot = &film.shots[i];
        shot.subjects
            .iter()
            .find(|s| s.character == "aiko")
            .unwrap()
            .boxes[f]
    };
    let last = film.shots[0].frames.0 as usize - 1;
    // From the front the written x is her centre line (to the stage's perspective, within 1 %),
    // where she stands and where she walks to.
    for (f, x) in [(0, 0.6), (last, 0.35)] {
        let b = aiko_box(0, f);
        assert!(
            (b[0] + b[2] / 2.0 - x).abs() < 0.01,
            "front, frame {f}: box {b:?}"
        );
    }
    for (i, shot) in film.shots.iter().enumerate() {
        let frames = render(&film, i);
        for f in [0, last] {
            let (b, front) = (aiko_box(i, f), aiko_box(0, f));
            // From every side the schedule puts her box where the front camera sees her...
            for k in 0..4 {
                assert!(
                    (b[k] - front[k]).abs() < 1e-6,
                    "{}, frame {f}: box {b:?}, front {front:?}",
                    shot.name
                );
            }
            // ...and previz draws her there: her centre line and her feet.
            let (x, feet) = (b[0] + b[2] / 2.0, b[1] + b[3]);
            let (gx, gfeet) = green_figure(&frames[f]);
            assert!(
                (gx - x).abs() < 0.02 && (gfeet - feet).abs() < 0.03,
                "{}, frame {f}: drawn at {gx}, feet {gfeet}; box {b:?}",
                shot.name
            );
        }
    }
}
