//! The previz draws what language version 2 says: a prop as a block of its size (not a person),
//! a room and no falling rain in an interior, the key light's colour on the frame, and slow
//! motion slowing the weather.

mod previz_common;

use std::path::Path;

use previz_common as common;
use scene_plan::schedule::{Light, LightQuality, LightSide, ShotSchedule, Subject, SubjectKind};
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::frame::RgbFrame;
use scene_previz::Previz;

fn render(shot: ShotSchedule) -> Vec<RgbFrame> {
    let film = common::film(vec![shot]);
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    Previz::with_threads(1)
        .render_shot(&film, &film.shots[0], &inputs, &mut |_, _| {})
        .unwrap()
}

/// A box in the middle of the frame, wide and low, for `frames` frames.
fn subject(kind: SubjectKind, frames: u32) -> Subject {
    let mut s = common::subject(
        "thing",
        "",
        "#2a9d55",
        vec![[0.2, 0.3, 0.6, 0.2]; frames as usize],
    );
    s.kind = kind;
    if kind == SubjectKind::Prop {
        s.dimensions_m = Some([12.0, 4.0]);
    }
    s
}

/// Whether two frames agree below the slate (which shows the frame number).
fn same_picture(a: &RgbFrame, b: &RgbFrame) -> bool {
    let from = (a.height as usize / 8) * a.width as usize * 3;
    a.data[from..] == b.data[from..]
}

fn is_green(p: [u8; 3]) -> bool {
    p[1] as i32 > p[0] as i32 + 30 && p[1] as i32 > p[2] as i32 + 20
}

/// The share of pixels of the box `[x, y, w, h]` (fractions) that are the subject's green.
fn green_share(f: &RgbFrame, b: [f64; 4]) -> f64 {
    let (w, h) = (f.width as f64, f.height as f64);
    let (x0, y0) = ((b[0] * w) as u32, (b[1] * h) as u32);
    let (x1, y1) = (((b[0] + b[2]) * w) as u32, ((b[1] + b[3]) * h) as u32);
    let (mut n, mut g) = (0u32, 0u32);
    for y in y0..y1 {
        for x in x0..x1 {
            n += 1;
            g += u32::from(is_green(f.pixel(x, y)));
        }
    }
    g as f64 / n as f64
}

#[test]
fn a_prop_fills_its_box_and_a_person_does_not() {
    let mut prop = common::shot("prop", 1);
    prop.subjects = vec![subject(SubjectKind::Prop, 1)];
    let mut person = common::shot("prop", 1);
    person.subjects = vec![subject(SubjectKind::Character, 1)];
    let (p, c) = (&render(prop)[0], &render(person)[0]);
    let b = [0.2, 0.3, 0.6, 0.2];
    // A wide box: the person is a thin figure in its middle, the prop the whole block.
    assert!(green_share(p, b) > 0.8, "prop: {}", green_share(p, b));
    assert!(green_share(c, b) < 0.3, "person: {}", green_share(c, b));
    // The left quarter of the box is empty for the person, solid for the prop.
    let left = [0.21, 0.32, 0.12, 0.16];
    assert!(green_share(p, left) > 0.9 && green_share(c, left) < 0.05);
}

#[test]
fn an_interior_has_a_ceiling_and_no_falling_rain() {
    let mut outside = common::shot("rainy", 3);
    outside.setting.weather = "rain".into();
    let mut inside = outside.clone();
    inside.setting.interior = true;
    let out = render(outside);
    let ins = render(inside);
    // Outdoors the rain moves from frame to frame under a still camera; indoors nothing does.
    assert!(!same_picture(&out[0], &out[1]));
    assert!(same_picture(&ins[0], &ins[1]));
    assert!(same_picture(&ins[1], &ins[2]));
    // Looking up: the top rows show a ceiling, not the sky of the exterior.
    let top = |f: &RgbFrame| f.pixel(f.width / 2, 2);
    assert_ne!(top(&out[0]), top(&ins[0]));
}

fn warmth(f: &RgbFrame) -> f64 {
    let (mut r, mut b) = (0u64, 0u64);
    for px in f.data.chunks_exact(3) {
        r += px[0] as u64;
        b += px[2] as u64;
    }
    r as f64 / b.max(1) as f64
}

#[test]
fn a_warm_key_warms_the_frame_and_no_light_changes_nothing() {
    let mut plain = common::shot("lit", 1);
    plain.subjects = vec![subject(SubjectKind::Character, 1)];
    let mut lit = plain.clone();
    lit.lights = vec![Light {
        name: "key".into(),
        from: LightSide::Left,
        quality: Some(LightQuality::Soft),
        kelvin: Some(2700.0),
        color: "#ffa757".into(),
        intensity: 1.0,
        key: true,
    }];
    let (p, l) = (&render(plain.clone())[0], &render(lit.clone())[0]);
    assert!(
        warmth(l) > warmth(p) * 1.05,
        "{} vs {}",
        warmth(l),
        warmth(p)
    );
    // A light switched off draws exactly what no light draws.
    lit.lights[0].intensity = 0.0;
    assert_eq!(render(lit)[0], *p);
}

#[test]
fn slow_motion_slows_the_rain() {
    let mut real = common::shot("rain", 8);
    real.setting.weather = "rain".into();
    let mut slow = real.clone();
    slow.speed = 0.25;
    let (r, s) = (render(real), render(slow));
    // At a quarter speed, the fourth frame shows the rain where real time has it at the first.
    assert!(same_picture(&s[4], &r[1]));
    assert!(!same_picture(&s[1], &r[1]));
}
