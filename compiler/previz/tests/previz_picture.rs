//! The previz shows what the schedule says: camera moves, light, figures, captions, keyframes.

mod previz_common;

use std::path::Path;

use previz_common as common;
use scene_plan::schedule::{Conditioning, ConditioningSource, Frame, PromptKeyframe, ShotSchedule};
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use scene_previz::Previz;

fn render_in(shot: ShotSchedule, root: &Path) -> Result<Vec<RgbFrame>, RenderError> {
    let film = common::film(vec![shot]);
    let inputs = ShotInputs {
        project_root: root,
        continued_frame: None,
    };
    Previz::new().render_shot(&film, &film.shots[0], &inputs, &mut |_, _| {})
}

fn render(shot: ShotSchedule) -> Vec<RgbFrame> {
    render_in(shot, Path::new(".")).unwrap()
}

/// A shot whose camera track is `cams`, one frame per entry.
fn moving(name: &str, cams: Vec<scene_plan::schedule::CameraFrame>) -> ShotSchedule {
    let mut s = common::shot(name, cams.len() as u32);
    s.prompt_weights = vec![vec![1.0]; cams.len()];
    s.camera = cams;
    s
}

fn mean_brightness(f: &RgbFrame) -> f64 {
    f.data.iter().map(|&v| v as f64).sum::<f64>() / f.data.len() as f64
}

/// Mean absolute difference between `b` and `a` shifted by `dx` pixels (b(x) vs a(x + dx)), over
/// rows `rows`.
fn shift_error(a: &RgbFrame, b: &RgbFrame, dx: i32, rows: std::ops::Range<u32>) -> f64 {
    let (mut sum, mut n) = (0u64, 0u64);
    for y in rows {
        for x in 0..b.width as i32 {
            let xa = x + dx;
            if xa < 0 || xa >= a.width as i32 {
                continue;
            }
            let (pa, pb) = (a.pixel(xa as u32, y), b.pixel(x as u32, y));
            sum += (0..3)
                .map(|c| (pa[c] as i32 - pb[c] as i32).unsigned_abs() as u64)
                .sum::<u64>();
            n += 1;
        }
    }
    sum as f64 / n as f64
}

/// Error between `b` and `a` magnified by `s` about the frame centre, over rows `rows`.
fn zoom_error(a: &RgbFrame, b: &RgbFrame, s: f64, rows: std::ops::Range<u32>) -> f64 {
    let (cx, cy) = (a.width as f64 / 2.0, a.height as f64 / 2.0);
    let (mut sum, mut n) = (0u64, 0u64);
    for y in rows {
        for x in 0..b.width {
            let xa = cx + (x as f64 + 0.5 - cx) / s;
            let ya = cy + (y as f64 + 0.5 - cy) / s;
            let (pa, pb) = (a.pixel(xa as u32, ya as u32), b.pixel(x, y));
            sum += (0..3)
                .map(|c| (pa[c] as i32 - pb[c] as i32).unsigned_abs() as u64)
                .sum::<u64>();
            n += 1;
        }
    }
    sum as f64 / n as f64
}

fn best<T: Copy>(candidates: impl Iterator<Item = T>, err: impl Fn(T) -> f64) -> T {
    let mut best: Option<(f64, T)> = None;
    for c in candidates {
        let e = err(c);
        if best.is_none_or(|(b, _)| e < b) {
            best = Some((e, c));
        }
    }
    best.unwrap().1
}

#[test]
fn pan_right_moves_the_picture_left() {
    let cams = vec![
        common::camera([0.0, 1.6, 0.0], 0.0, 0.0, 35.0),
        common::camera([0.0, 1.6, 0.0], 5.0, 0.0, 35.0),
    ];
    let f = render(moving("pan", cams));
    // 5 degrees at a focal length of 35/36 × 768 px: the picture moves left by F·tan(5°) ≈ 65 px.
    let expected = 35.0 / 36.0 * 768.0 * (5.0f64).to_radians().tan();
    let dx = best((-120..=120).step_by(1), |dx| {
        shift_error(&f[0], &f[1], dx, 80..250)
    });
    assert!(
        (dx as f64 - expected).abs() <= 4.0,
        "pan right shifted content by {dx}, expected about {expected}"
    );
    // And a pan left the other way.
    let cams = vec![
        common::camera([0.0, 1.6, 0.0], 0.0, 0.0, 35.0),
        common::camera([0.0, 1.6, 0.0], -5.0, 0.0, 35.0),
    ];
    let f = render(moving("pan", cams));
    let dx = best((-120..=120).step_by(1), |dx| {
        shift_error(&f[0], &f[1], dx, 80..250)
    });
    assert!(
        (dx as f64 + expected).abs() <= 4.0,
        "pan left shifted content by {dx}"
    );
}

#[test]
fn dolly_in_magnifies_the_set_and_zoom_grows_the_grid() {
    // Dolly in 4 m: the set (in front of the camera) grows about the centre of the frame.
    let cams: Vec<_> = (0..5)
        .map(|i| common::camera([0.0, 1.6, i as f64], 0.0, 0.0, 35.0))
        .collect();
    let f = render(moving("dolly", cams));
    assert!(
        f.windows(2).all(|w| w[0] != w[1]),
        "every dolly frame changes"
    );
    let s = best((0..=40).map(|i| 1.0 + i as f64 * 0.01), |s| {
        zoom_error(&f[0], &f[4], s, 60..240)
    });
    assert!(
        s > 1.04,
        "dolly in should magnify the picture, best scale {s}"
    );
    let s_out = best((0..=40).map(|i| 1.0 - i as f64 * 0.005), |s| {
        zoom_error(&f[4], &f[0], s, 60..240)
    });
    assert!(
        s_out < 0.98,
        "dolly out should shrink the picture, best scale {s_out}"
    );

    // Zoom 24 mm → 48 mm: the ground grid's lines along a row near the bottom spread apart.
    let cams = vec![
        common::camera([0.0, 1.6, 0.0], 0.0, -8.0, 24.0),
        common::camera([0.0, 1.6, 0.0], 0.0, -8.0, 48.0),
    ];
    let f = render(moving("zoom", cams));
    let lines = |fr: &RgbFrame| -> usize {
        // Grid lines are brighter than the ground around them: count rising edges.
        let y = fr.height - 30;
        let lum: Vec<i32> = (0..fr.width)
            .map(|x| fr.pixel(x, y).iter().map(|&v| v as i32).sum())
            .collect();
        lum.windows(2).filter(|w| w[1] - w[0] > 24).count()
    };
    let (wide, tele) = (lines(&f[0]), lines(&f[1]));
    assert!(
        wide > tele + 2,
        "zooming in should show fewer, larger grid cells ({wide} vs {tele})"
    );
}

#[test]
fn tilt_up_moves_the_horizon_down() {
    let cams = vec![
        common::camera([0.0, 1.6, 0.0], 0.0, 0.0, 35.0),
        common::camera([0.0, 1.6, 0.0], 0.0, 6.0, 35.0),
    ];
    let mut s = moving("tilt", cams);
    s.setting.location = "open field".into(); // trees, a clearing: the horizon is visible
    let f = render(s);
    // The horizon is where the sky's blue gives way to the ground along the middle column.
    let horizon = |fr: &RgbFrame| {
        (0..fr.height).find(|&y| {
            let p = fr.pixel(fr.width / 2, y);
            (p[2] as i32) < (p[0] as i32) + 10
        })
    };
    let (a, b) = (horizon(&f[0]).unwrap(), horizon(&f[1]).unwrap());
    let expected = 35.0 / 36.0 * 768.0 * (6.0f64).to_radians().tan();
    assert!(
        b > a && ((b - a) as f64 - expected).abs() < 6.0,
        "horizon {a} -> {b}, expected a drop of {expected}"
    );
}

#[test]
fn night_is_darker_than_day_and_dawn_in_between() {
    let at = |time: &str| {
        let mut s = common::shot("light", 1);
        s.setting.time = time.into();
        mean_brightness(&render(s)[0])
    };
    let (day, dawn, dusk, night) = (at("day"), at("dawn"), at("dusk"), at("night"));
    assert!(day > night + 60.0, "day {day} night {night}");
    assert!(
        dawn > night && dusk > night && day > dusk,
        "dawn {dawn} dusk {dusk}"
    );
}

#[test]
fn weather_changes_the_picture_deterministically() {
    let base = {
        let s = common::shot("weather", 2);
        render(s)
    };
    for w in ["rain", "snow", "fog"] {
        let mut s = common::shot("weather", 2);
        s.setting.weather = w.into();
        let a = render(s.clone());
        assert!(a[0] != base[0], "{w} looks like clear weather");
        assert!(a == render(s), "{w} is not deterministic");
        if w != "fog" {
            assert!(a[0] != a[1], "{w} does not fall");
        }
    }
}

fn near(p: [u8; 3], c: [u8; 3], tol: i32) -> bool {
    (0..3).all(|i| (p[i] as i32 - c[i] as i32).abs() <= tol)
}

#[test]
fn a_subject_is_drawn_in_its_colour_inside_its_box_only() {
    let colour = [0x2a, 0x9d, 0x8f];
    let bx = [0.40, 0.30, 0.15, 0.50];
    let mut s = common::shot("figure", 2);
    s.setting.location = "open field".into();
    s.subjects = vec![common::subject(
        "ren",
        "Ren",
        "#2a9d8f",
        vec![bx, [0.05, 0.30, 0.15, 0.50]],
    )];
    let f = render(s);
    let (w, h) = (common::W as f64, common::H as f64);
    let (x0, y0, x1, y1) = (
        bx[0] * w,
        bx[1] * h,
        (bx[0] + bx[2]) * w,
        (bx[1] + bx[3]) * h,
    );
    // The torso's centre is exactly the colour.
    let torso = f[0].pixel(((x0 + x1) / 2.0) as u32, (y0 + 0.37 * (y1 - y0)) as u32);
    assert!(near(torso, colour, 3), "torso {torso:?}");
    let (mut inside, mut outside) = (0, 0);
    for y in 0..f[0].height {
        for x in 0..f[0].width {
            if !near(f[0].pixel(x, y), colour, 12) {
                continue;
            }
            let (xf, yf) = (x as f64 + 0.5, y as f64 + 0.5);
            // The name tag's swatch sits just above the box.
            let tag = yf < y0 && yf > y0 - 0.09 * h && xf > x0 - 0.1 * w && xf < x1 + 0.1 * w;
            if xf >= x0 && xf < x1 && yf >= y0 && yf < y1 {
                inside += 1;
            } else if !tag {
                outside += 1;
            }
        }
    }
    let area = (x1 - x0) * (y1 - y0);
    assert!(
        inside as f64 > 0.35 * area,
        "figure covers {inside} of {area} box pixels"
    );
    assert_eq!(outside, 0, "the subject's colour appears outside its box");
    // Next frame, the box moved left, and so did the figure (the vignette darkens it a little).
    let moved = f[1].pixel(((0.05 + 0.075) * w) as u32, (y0 + 0.37 * (y1 - y0)) as u32);
    assert!(
        near(moved, colour, 12)
            && !near(
                f[1].pixel(((x0 + x1) / 2.0) as u32, (y0 + 0.37 * (y1 - y0)) as u32),
                colour,
                12
            )
    );
}

#[test]
fn off_screen_boxes_draw_nothing() {
    let mut s = common::shot("gone", 1);
    s.subjects = vec![common::subject(
        "ren",
        "Ren",
        "#2a9d8f",
        vec![[1.3, 0.3, 0.15, 0.5]],
    )];
    let with = render(s.clone());
    s.subjects.clear();
    assert!(with == render(s));
}

/// Near-white pixels in the top `rows` rows.
fn bright_pixels(f: &RgbFrame, rows: std::ops::Range<u32>) -> usize {
    rows.flat_map(|y| (0..f.width).map(move |x| (x, y)))
        .filter(|&(x, y)| f.pixel(x, y).iter().all(|&v| v > 200))
        .count()
}

#[test]
fn caption_appears_when_its_keyframe_is_active() {
    let mut s = common::shot("caption", 12);
    s.setting.time = "night".into();
    s.prompt_keyframes = vec![
        PromptKeyframe {
            frame: Frame(0),
            text: "a street".into(),
            shot_text: String::new(),
        },
        PromptKeyframe {
            frame: Frame(6),
            text: "…".into(),
            shot_text: "a train passes behind her".into(),
        },
    ];
    let f = render(s);
    // The slate sits in the top-left corner; look at the middle of the top band.
    let band = |fr: &RgbFrame| {
        (0..30u32)
            .flat_map(|y| (200..568u32).map(move |x| (x, y)))
            .filter(|&(x, y)| fr.pixel(x, y).iter().all(|&v| v > 180))
            .count()
    };
    assert_eq!(band(&f[5]), 0);
    assert!(band(&f[6]) > 60, "caption text pixels: {}", band(&f[6]));
    assert!(f[6] == f[6].clone() && f[11] != f[5]);
}

#[test]
fn dialogue_and_titles_show_while_active() {
    let mut s = common::shot("talk", 10);
    s.setting.time = "night".into();
    s.dialogue = common::opening(10).dialogue; // frames 3..10
    s.titles = vec![scene_plan::schedule::Title {
        text: "TEN YEARS LATER".into(),
        start_frame: Frame(0),
        end_frame: Frame(3),
    }];
    let f = render(s);
    let bottom = |fr: &RgbFrame| bright_pixels(fr, 440..500);
    let middle = |fr: &RgbFrame| bright_pixels(fr, 200..300);
    assert_eq!(bottom(&f[2]), 0);
    assert!(bottom(&f[5]) > 100, "subtitle pixels {}", bottom(&f[5]));
    assert!(middle(&f[1]) > 300, "title pixels {}", middle(&f[1]));
    assert_eq!(middle(&f[5]), 0);
}

#[test]
fn mono_grade_is_grey_and_grades_differ() {
    let graded = |g: &str| {
        let mut s = common::shot("graded", 1);
        s.look.grade = g.into();
        render(s).remove(0)
    };
    let mono = graded("mono");
    assert!(mono
        .data
        .chunks_exact(3)
        .all(|p| p[0] == p[1] && p[1] == p[2]));
    let names = [
        "neutral",
        "teal_orange",
        "mono",
        "sepia",
        "warm",
        "cool",
        "bleach",
        "pastel",
    ];
    let frames: Vec<_> = names.iter().map(|g| graded(g)).collect();
    for i in 0..frames.len() {
        for j in i + 1..frames.len() {
            assert!(
                frames[i] != frames[j],
                "{} and {} look the same",
                names[i],
                names[j]
            );
        }
    }
    let warm = mean_channel(&frames[4]);
    let cool = mean_channel(&frames[5]);
    assert!(warm[0] - warm[2] > cool[0] - cool[2] + 10.0);
}

fn mean_channel(f: &RgbFrame) -> [f64; 3] {
    let mut acc = [0.0; 3];
    for p in f.data.chunks_exact(3) {
        for c in 0..3 {
            acc[c] += p[c] as f64;
        }
    }
    acc.map(|v| v / (f.data.len() / 3) as f64)
}

#[test]
fn image_keyframe_shows_as_an_inset_from_its_frame() {
    let dir = tempfile::tempdir().unwrap();
    let red = RgbFrame::filled(64, 48, [250, 10, 10]);
    scene_previz::storyboard::write_png(&red, &dir.path().join("key.png")).unwrap();
    let mut s = common::shot("keyed", 6);
    s.conditioning = vec![Conditioning {
        frame: Frame(3),
        source: ConditioningSource::Image {
            path: "key.png".into(),
            sha256: String::new(),
        },
        strength: 1.0,
    }];
    let f = render_in(s.clone(), dir.path()).unwrap();
    let reds = |fr: &RgbFrame| {
        (0..fr.height / 2)
            .flat_map(|y| (fr.width / 2..fr.width).map(move |x| (x, y)))
            .filter(|&(x, y)| near(fr.pixel(x, y), [250, 10, 10], 2))
            .count()
    };
    assert_eq!(reds(&f[2]), 0);
    let thumb = (768.0f64 * 0.22).round() * (768.0f64 * 0.22 * 48.0 / 64.0).round();
    assert!(
        reds(&f[3]) as f64 > 0.95 * thumb,
        "inset pixels {}",
        reds(&f[3])
    );
    assert!(reds(&f[5]) as f64 > 0.95 * thumb);

    // A missing file and a file that is not an image are errors that name the file.
    let err = render_in(s.clone(), Path::new("/nonexistent-previz-root")).unwrap_err();
    assert!(
        matches!(err, RenderError::Io { ref path, .. } if path.ends_with("key.png")),
        "{err}"
    );
    std::fs::write(dir.path().join("key.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let err = render_in(s, dir.path()).unwrap_err();
    assert!(
        matches!(err, RenderError::Decode { ref path, .. } if path.ends_with("key.png")),
        "{err}"
    );
}
