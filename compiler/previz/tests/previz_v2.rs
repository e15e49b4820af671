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

/// A lantern held up 2 m from a 35 mm camera at eye level, in front of a figure 6 m away: the
/// boxes the planner gives them (compiler/plan/src/blocking.rs). The prop's base is higher on
/// screen than the figure's feet, but it is nearer the lens, so it is drawn over the figure.
#[test]
fn a_held_prop_nearer_the_lens_is_drawn_over_a_figure_behind_it() {
    // F = 35 / 36 · 768 px; a box is its real height · F / depth, and a point h metres below
    // the 1.6 m eye line at depth z lands at H/2 + F · h / z.
    let f = 35.0 / 36.0 * common::W as f64;
    let (w, h) = (common::W as f64, common::H as f64);
    let at = |width_m: f64, height_m: f64, base_m: f64, depth: f64| {
        let (bw, bh) = (width_m * f / depth / w, height_m * f / depth / h);
        let bottom = (h * 0.5 + f * (1.6 - base_m) / depth) / h;
        [0.5 - bw * 0.5, bottom - bh, bw, bh]
    };
    let figure = at(0.5, 1.7, 0.0, 6.0);
    let lantern = at(0.3, 0.3, 1.2, 2.0);
    // The case the feet order got wrong: the lantern's base is above the figure's feet.
    assert!(lantern[1] + lantern[3] < figure[1] + figure[3]);
    let mut person = common::subject("keeper", "", "#d62828", vec![figure]);
    person.description = "a shopkeeper".into();
    let mut held = common::subject("lantern", "", "#2a9d55", vec![lantern]);
    held.kind = SubjectKind::Prop;
    held.dimensions_m = Some([0.3, 0.3]);
    let middle = [
        lantern[0] + lantern[2] * 0.3,
        lantern[1] + lantern[3] * 0.3,
        lantern[2] * 0.4,
        lantern[3] * 0.4,
    ];
    // Either order of mention: the depth decides, not the script.
    for subjects in [
        vec![person.clone(), held.clone()],
        vec![held.clone(), person.clone()],
    ] {
        let mut shot = common::shot("held", 1);
        shot.subjects = subjects;
        let frame = &render(shot)[0];
        assert!(
            green_share(frame, middle) > 0.9,
            "the lantern is hidden: {}",
            green_share(frame, middle)
        );
        // And the figure is there, behind it: its left leg shows below the lantern.
        let leg = frame.pixel(
            ((figure[0] + figure[2] * 0.5) * w - 0.2 * figure[2] * w * 0.9) as u32,
            ((figure[1] + figure[3] * 0.9) * h) as u32,
        );
        assert!(leg[0] as i32 > leg[1] as i32 + 40, "{leg:?}");
    }
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

/// The pixel at the middle of a figure's head, for a box `[x, y, w, h]` (fractions).
fn head_pixel(f: &RgbFrame, b: [f64; 4]) -> [u8; 3] {
    let (w, h) = (f.width as f64, f.height as f64);
    let x = (b[0] + b[2] / 2.0) * w;
    let y = (b[1] + b[3] * 0.105) * h;
    f.pixel(x as u32, y as u32)
}

/// A face is light (skin mixed into the figure's colour); hair is dark.
fn is_skin(p: [u8; 3]) -> bool {
    p.iter().map(|c| *c as u32).sum::<u32>() / 3 > 110
}

#[test]
fn from_behind_shows_the_back_of_the_head_and_a_profile_its_side() {
    let b = [0.4, 0.2, 0.12, 0.7];
    let with_view = |view: Option<f64>| {
        let mut s = common::shot("sides", 1);
        let mut aiko = common::subject("aiko", "", "#1d70b8", vec![b]);
        aiko.view_deg = view.map(|v| vec![v]);
        s.subjects = vec![aiko];
        render(s).remove(0)
    };
    let (unsaid, front, behind) = (
        with_view(None),
        with_view(Some(5.0)),
        with_view(Some(180.0)),
    );
    // Without `view_deg`, and from the front, the figure is drawn exactly as it always was.
    assert!(same_picture(&unsaid, &front));
    assert!(
        is_skin(head_pixel(&front, b)),
        "{:?}",
        head_pixel(&front, b)
    );
    let back = head_pixel(&behind, b);
    assert!(!is_skin(back) && back.iter().all(|c| *c < 90), "{back:?}");
    // In profile the face is toward the side the figure faces: skin on that side of the head.
    let right = with_view(Some(90.0));
    let (w, h) = (right.width as f64, right.height as f64);
    let r = (b[3] * h * 0.095).min(b[2] * w * 0.9 * 0.36);
    let (cx, cy) = ((b[0] + b[2] / 2.0) * w, (b[1] + b[3] * 0.105) * h);
    let at = |dx: f64| right.pixel((cx + dx) as u32, cy as u32);
    assert!(is_skin(at(r * 0.7)), "face side {:?}", at(r * 0.7));
    assert!(
        !is_skin(at(-r * 0.6)),
        "back of the head {:?}",
        at(-r * 0.6)
    );
}

#[test]
fn a_followed_figure_stays_put_while_the_world_moves() {
    // What `follow` plans: the camera travels sideways, the subject's box does not move.
    let frames = 12;
    let b = [0.3, 0.25, 0.1, 0.6];
    let mut s = common::shot("track", frames);
    s.camera = (0..frames)
        .map(|f| common::camera([f as f64 * 0.25, 1.6, 0.0], 0.0, -2.0, 35.0))
        .collect();
    s.subjects = vec![common::subject(
        "aiko",
        "",
        "#1d70b8",
        vec![b; frames as usize],
    )];
    let out = render(s);
    let (first, last) = (&out[0], &out[frames as usize - 1]);
    let (w, h) = (first.width as f64, first.height as f64);
    // The figure's torso is the same pixels on the first and last frame...
    let torso = |f: &RgbFrame| {
        f.pixel(
            ((b[0] + b[2] / 2.0) * w) as u32,
            ((b[1] + b[3] * 0.4) * h) as u32,
        )
    };
    assert_eq!(torso(first), torso(last));
    // ...while the set behind it moved: the right half of the frame, below the slate, changed.
    let row = |f: &RgbFrame, y: u32| -> Vec<[u8; 3]> {
        ((f.width * 6 / 10)..f.width)
            .map(|x| f.pixel(x, y))
            .collect()
    };
    let changed = (h as u32 / 3..h as u32 * 9 / 10)
        .step_by(8)
        .filter(|&y| row(first, y) != row(last, y))
        .count();
    assert!(changed > 10, "only {changed} rows of the set moved");
}

/// Sum of absolute differences between horizontal neighbours over a region (fractions): how
/// much fine detail it shows.
fn detail(f: &RgbFrame, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> u64 {
    let (w, h) = (f.width as f64, f.height as f64);
    let mut sum = 0u64;
    for y in (y0 * h) as u32..(y1 * h) as u32 {
        for x in (x0 * w) as u32..(x1 * w) as u32 - 1 {
            let (a, b) = (f.pixel(x, y), f.pixel(x + 1, y));
            sum += (0..3)
                .map(|c| (a[c] as i32 - b[c] as i32).unsigned_abs() as u64)
                .sum::<u64>();
        }
    }
    sum
}

#[test]
fn shallow_focus_blurs_by_depth_and_a_rack_moves_the_sharpness() {
    use scene_plan::schedule::Depth;
    // Two figures: a near one (tall box) and a far one (short box).
    let near = [0.15, 0.2, 0.14, 0.75];
    let far = [0.65, 0.45, 0.05, 0.2];
    let focal_px = 50.0 / 24.0 * 512.0;
    let near_m = 1.7 * focal_px / (0.75 * 512.0);
    let far_m = 1.7 * focal_px / (0.2 * 512.0);
    let frame = |depth: Depth, focus_m: Option<f64>| {
        let mut s = common::shot("focus", 1);
        s.camera = vec![scene_plan::schedule::CameraFrame {
            focus_m,
            ..common::camera([0.0, 1.6, 0.0], 0.0, 0.0, 50.0)
        }];
        s.depth = depth;
        s.subjects = vec![
            common::subject("aiko", "", "#d62828", vec![near]),
            common::subject("kenji", "", "#1d70b8", vec![far]),
        ];
        render(s).remove(0)
    };
    let sharp = frame(Depth::Normal, None);
    let on_near = frame(Depth::Shallow, Some(near_m as f64));
    let on_far = frame(Depth::Shallow, Some(far_m as f64));
    let deep = frame(Depth::Deep, Some(near_m as f64));
    // Deep focus draws exactly what no focus does.
    assert!(same_picture(&sharp, &deep));
    // The street between the figures (the set, at infinity for the lens) loses its detail.
    let set = (0.3, 0.5, 0.6, 0.95);
    assert!(
        detail(&on_near, set) * 2 < detail(&sharp, set),
        "{} vs {}",
        detail(&on_near, set),
        detail(&sharp, set)
    );
    // Focused near, the near figure keeps its edges and the far one loses them; racked to the
    // far one, the other way round.
    let near_region = (
        near[0] - 0.02,
        near[1] + 0.1,
        near[0] + near[2] + 0.02,
        near[1] + 0.5,
    );
    let far_region = (
        far[0] - 0.01,
        far[1],
        far[0] + far[2] + 0.01,
        far[1] + far[3],
    );
    // (The near figure's region holds background too, blurred in both, so its ratio is lower.)
    assert!(detail(&on_near, near_region) > detail(&on_far, near_region) * 6 / 5);
    assert!(detail(&on_far, far_region) > detail(&on_near, far_region) * 3 / 2);
}
