//! The camera of a shot: where it starts (framing, height, lens), how its moves carry it frame by
//! frame, and how it reads in words. The model and its maths are documented in
//! `docs/camera-model.md`; the constants below are the ones that document names.

use scene_check::film::{
    CameraHeight, CameraMove, Ease, Film, Framing, MoveKind, PresetRef, Shot, SubjectId,
};

use crate::geometry::{aim, Pose, Vec3, SENSOR_HEIGHT_MM};
use crate::schedule::CameraFrame;
use crate::seed::SplitMix64;
use crate::viewpoint;

/// The reference person every framing is measured against.
pub const PERSON_HEIGHT_M: f64 = 1.7;
pub const PERSON_WIDTH_M: f64 = 0.5;
/// The lens of a shot and preset that names none.
pub const DEFAULT_FOCAL_MM: f64 = 50.0;
/// Top-of-head margin kept by the tighter framings, as a fraction of the covered height.
const HEADROOM: f64 = 0.05;
/// Where, in the frame, wide framings put the feet of a subject on the stage line.
pub const STAGE_FEET_Y: f64 = 0.85;
/// A dolly never brings the camera closer to its target than this fraction of the start distance.
const DOLLY_MIN_SCALE: f64 = 0.05;

/// Height of the scene a framing fits into the vertical field of view, at the subject.
pub fn covered_height(framing: Framing) -> f64 {
    PERSON_HEIGHT_M
        * match framing {
            Framing::ExtremeWide => 12.0,
            Framing::Wide => 4.0,
            Framing::Full => 1.2,
            Framing::MediumFull => 0.8,
            Framing::Medium => 0.6,
            Framing::MediumCloseup => 0.42,
            Framing::Closeup => 0.3,
            Framing::ExtremeCloseup => 0.12,
        }
}

/// The height the camera aims at on the subject's vertical axis. Wide framings (full and wider)
/// put the feet at [`STAGE_FEET_Y`] of the frame; medium and close-ups keep the top of the head
/// [`HEADROOM`] below the frame's top edge; an extreme close-up centres on the eyes.
pub fn aim_height(framing: Framing) -> f64 {
    let h = covered_height(framing);
    match framing {
        Framing::ExtremeWide | Framing::Wide | Framing::Full => (STAGE_FEET_Y - 0.5) * h,
        Framing::MediumFull | Framing::Medium | Framing::MediumCloseup | Framing::Closeup => {
            PERSON_HEIGHT_M + HEADROOM * h - h / 2.0
        }
        Framing::ExtremeCloseup => 1.58,
    }
}

/// Framings that show a standing person whole, and the ground around them.
pub fn frames_the_stage(framing: Framing) -> bool {
    matches!(
        framing,
        Framing::ExtremeWide | Framing::Wide | Framing::Full
    )
}

pub fn camera_height(height: CameraHeight) -> f64 {
    match height {
        CameraHeight::Ground => 0.3,
        CameraHeight::Low => 0.8,
        CameraHeight::Eye => 1.6,
        CameraHeight::High => 3.0,
        CameraHeight::Overhead => 8.0,
    }
}

/// `d = covered / (2 tan(vfov / 2))` with `tan(vfov / 2) = 12 mm / f`: the horizontal distance
/// from the camera to the stage line.
pub fn subject_distance(framing: Framing, focal_mm: f64) -> f64 {
    covered_height(framing) / (2.0 * (SENSOR_HEIGHT_MM / 2.0 / focal_mm))
}

/// Eased progress of a move that covers frames `start..end` (end exclusive), at `frame`: 0 up to
/// its first frame, 1 from its last frame on.
pub fn progress(start: u32, end: u32, frame: u32, ease: Ease) -> f64 {
    if frame <= start {
        return if end <= start + 1 && frame == start {
            1.0
        } else {
            0.0
        };
    }
    let last = end.saturating_sub(1).max(start + 1);
    let u = ((frame - start) as f64 / (last - start) as f64).min(1.0);
    apply_ease(ease, u)
}

/// Quadratic ease in and out, smoothstep for in-out: every curve maps 0 → 0 and 1 → 1, and the
/// eased ends start or finish with zero speed.
pub fn apply_ease(ease: Ease, u: f64) -> f64 {
    match ease {
        Ease::Linear => u,
        Ease::In => u * u,
        Ease::Out => 1.0 - (1.0 - u) * (1.0 - u),
        Ease::InOut => u * u * (3.0 - 2.0 * u),
    }
}

/// The resolved set-up of a shot's camera before any move.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rig {
    pub framing: Framing,
    pub height: CameraHeight,
    /// Focal length at frame 0.
    pub focal_mm: f64,
    /// Written by the shot or its preset (so worth saying in the prompt).
    pub lens_written: bool,
    pub roll: f64,
    /// Horizontal distance from the camera to the stage line.
    pub distance: f64,
    pub aim_height: f64,
    pub camera_y: f64,
}

impl Rig {
    pub fn of(film: &Film, shot: &Shot) -> Rig {
        let preset = shot.camera.preset.map(|p| match p {
            PresetRef::Defined(id) => {
                let c = film.camera(id);
                (
                    c.framing,
                    c.height,
                    c.lens.map(|l| l.0),
                    c.angle.map(|a| a.0),
                )
            }
            PresetRef::Framing(f) => (Some(f), None, None, None),
        });
        let (framing, height, preset_lens, angle) = preset.unwrap_or((None, None, None, None));
        let framing = framing.unwrap_or(Framing::Medium);
        let height = height.unwrap_or(CameraHeight::Eye);
        let written = shot.camera.lens.map(|l| l.from.0).or(preset_lens);
        // A focal length must be positive for any of the maths to mean something; the checker's
        // unit rules make that so, and a non-positive value falls back to the default.
        let focal_mm = written.filter(|f| *f > 0.0).unwrap_or(DEFAULT_FOCAL_MM);
        Rig {
            framing,
            height,
            focal_mm,
            lens_written: written.is_some(),
            roll: angle.unwrap_or(0.0),
            distance: subject_distance(framing, focal_mm),
            aim_height: aim_height(framing),
            camera_y: camera_height(height),
        }
    }

    /// The point on the stage line the un-aimed camera looks at.
    pub fn stage_target(&self) -> Vec3 {
        Vec3::new(0.0, self.aim_height, self.distance)
    }

    /// The camera the stage is laid out for: at x = z = 0, looking straight down the z axis at
    /// the stage target, without roll. Stage points are fractions of *this* view.
    pub fn stage_view(&self) -> Pose {
        let position = Vec3::new(0.0, self.camera_y, 0.0);
        let (_, pitch) = aim(position, self.stage_target());
        Pose {
            position,
            yaw: 0.0,
            pitch,
            roll: 0.0,
            focal_mm: self.focal_mm,
        }
    }
}

/// World positions the camera needs from the blocking: a character's feet (a prop's base) at a
/// shot frame.
pub trait Stage {
    fn position(&self, subject: SubjectId, frame: u32) -> Option<Vec3>;
    /// A prop's height, for aiming at its middle; `None` for a character.
    fn prop_height(&self, subject: SubjectId) -> Option<f64>;
}

/// Where the camera of a shot starts, before any move: its position, the point its moves
/// (dollies, orbits) work toward, and its yaw and pitch.
#[derive(Clone, Copy, Debug)]
pub struct Opening {
    pub position: Vec3,
    pub target: Vec3,
    pub yaw: f64,
    pub pitch: f64,
}

/// The opening camera of `shot`: the stage view aimed `on` its subject, then carried to the
/// side it stands on (`from`), or into a character's eyes (`pov of`).
pub fn opening(shot: &Shot, rig: &Rig, stage: &dyn Stage, aspect: f64) -> Opening {
    let start = rig.stage_view();
    // `on SUBJECT` aims the camera at where that character or prop stands at frame 0; otherwise
    // the camera looks at the stage target.
    let on = shot.camera.on.and_then(|c| stage.position(c, 0));
    let target = shot
        .camera
        .on
        .zip(on)
        .map(|(c, p)| {
            // Full and wider framings frame the stage around the subject's feet, whatever it
            // is; closer ones frame a prop's middle (a character's aim height is its face).
            let y = match stage.prop_height(c) {
                Some(h) if !frames_the_stage(rig.framing) => p.y + h / 2.0,
                _ => rig.aim_height,
            };
            Vec3::new(p.x, y, p.z)
        })
        .unwrap_or_else(|| rig.stage_target());
    if let Some(pov) = viewpoint::pov_opening(shot, rig, stage) {
        return pov;
    }
    let (yaw0, pitch0) = match (on, shot.camera.on.and_then(|c| written_x(shot, c))) {
        // A written point is where the subject appears (docs/camera-model.md, "Subjects"): in
        // full and wider framings both its x and its feet's y hold, and the stage view is laid
        // out so that they do; closer framings keep their own height and turn until x holds.
        (Some(_), Some(_)) if frames_the_stage(rig.framing) => (start.yaw, start.pitch),
        // A subject the shot places nowhere stands at the stage view's centre, feet at
        // `STAGE_FEET_Y`: already centred as the framing frames it, and every other subject's
        // written point holds only in the stage view.
        (Some(_), None)
            if frames_the_stage(rig.framing)
                && shot.camera.on.is_some_and(|c| unplaced(shot, c)) =>
        {
            (start.yaw, start.pitch)
        }
        (Some(feet), Some(x)) => {
            let (yaw, pitch) = aim(start.position, target);
            let pose = Pose {
                position: start.position,
                yaw,
                pitch,
                roll: rig.roll,
                focal_mm: rig.focal_mm,
            };
            (yaw_placing(pose, feet, x, aspect).unwrap_or(yaw), pitch)
        }
        _ => aim(start.position, target),
    };
    // `from SIDE` swings the whole set-up about the subject (the stage's middle without one),
    // as an orbit would; the blocking has swung with it (`viewpoint::swing_stage`), so every
    // subject keeps its written place in frame and the set turns behind them.
    let side = viewpoint::side_degrees(shot.camera.side);
    let centre = on.unwrap_or(target);
    Opening {
        position: viewpoint::swing(start.position, centre, side),
        target,
        yaw: yaw0 + side,
        pitch: pitch0,
    }
}

/// The camera of every frame of `shot`.
pub fn track(
    shot: &Shot,
    rig: &Rig,
    stage: &dyn Stage,
    aspect: f64,
    fps: u32,
    seed: u64,
) -> Vec<CameraFrame> {
    let open = opening(shot, rig, stage, aspect);
    let shake = Shake::new(seed);
    let pivots: Vec<Option<Vec3>> = shot
        .camera
        .moves
        .iter()
        .map(|m| match m.kind {
            MoveKind::Orbit {
                around: Some(c), ..
            } => stage.position(c, m.start.0),
            _ => None,
        })
        .collect();
    let carried = viewpoint::Carried::of(shot, rig, stage);
    let pose = |frame: u32| {
        let pose = pose_at(
            shot,
            rig,
            open.position,
            open.target,
            (open.yaw, open.pitch),
            &pivots,
            &shake,
            fps,
            frame,
        );
        carried.apply(pose, frame)
    };
    let kept = viewpoint::Kept::of(shot, stage, aspect, &pose);
    (0..shot.frames.0)
        .map(|frame| {
            let pose = kept.apply(pose(frame), frame, &pose);
            CameraFrame {
                position: pose.position.to_array(),
                yaw: pose.yaw,
                pitch: pose.pitch,
                roll: pose.roll,
                focal_mm: pose.focal_mm,
                focus_m: None,
            }
        })
        .collect()
}

/// The x a subject's written position gives it at frame 0: its first stage key's, when that is
/// in the frame (an entrance starts outside it, and then the camera centres on the subject).
pub(crate) fn written_x(shot: &Shot, subject: SubjectId) -> Option<f64> {
    let first = shot
        .blocking
        .iter()
        .find(|b| b.subject == subject)?
        .keys
        .first()?;
    (0.0..=1.0).contains(&first.at.x).then_some(first.at.x)
}

/// True when the shot gives `subject` no stage key and no hand to ride in, so that it stands at
/// the centre of the stage view (`blocking::tracks`).
fn unplaced(shot: &Shot, subject: SubjectId) -> bool {
    let held = shot
        .holds
        .iter()
        .any(|h| SubjectId::Prop(h.prop) == subject);
    !held
        && shot
            .blocking
            .iter()
            .filter(|b| b.subject == subject)
            .all(|b| b.keys.is_empty())
}

/// The yaw, near `pose`'s, at which the box of a subject standing at `feet` is centred on `x`
/// across the frame: bisection, since turning right moves everything left on screen
/// monotonically within half a field of view either way.
fn yaw_placing(pose: Pose, feet: Vec3, x: f64, aspect: f64) -> Option<f64> {
    let half_hfov = (pose.tan_half_vfov() * aspect).atan().to_degrees();
    let centre_at = |yaw: f64| -> Option<f64> {
        let frame = CameraFrame {
            position: pose.position.to_array(),
            yaw,
            pitch: pose.pitch,
            roll: pose.roll,
            focal_mm: pose.focal_mm,
            focus_m: None,
        };
        let b = crate::blocking::screen_box(&frame, feet, aspect);
        (b[2] > 0.0).then(|| b[0] + b[2] / 2.0)
    };
    // Left bound: the subject appears right of `x`; right bound: left of it.
    let (mut lo, mut hi) = (pose.yaw - half_hfov, pose.yaw + half_hfov);
    if centre_at(lo)? < x || centre_at(hi)? > x {
        return None;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if centre_at(mid)? > x {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

#[allow(clippy::too_many_arguments)]
fn pose_at(
    shot: &Shot,
    rig: &Rig,
    position0: Vec3,
    target: Vec3,
    (yaw0, pitch0): (f64, f64),
    pivots: &[Option<Vec3>],
    shake: &Shake,
    fps: u32,
    frame: u32,
) -> Pose {
    let moves = &shot.camera.moves;
    let p = |m: &CameraMove| progress(m.start.0, m.end.0, frame, m.ease);

    // Dollies scale the camera's offset from its target: the camera travels along the line it
    // started aimed down, by the written fraction of its starting distance.
    let dolly: f64 = moves
        .iter()
        .map(|m| {
            if let MoveKind::Dolly(f) = m.kind {
                f.0 * p(m)
            } else {
                0.0
            }
        })
        .sum();
    let mut position = target + (position0 - target) * (1.0 - dolly).max(DOLLY_MIN_SCALE);

    let mut yaw = yaw0;
    let mut pitch = pitch0;
    let mut orbit_yaw = 0.0;
    let mut handheld = 0.0f64;
    for (m, pivot) in moves.iter().zip(pivots) {
        let k = p(m);
        match m.kind {
            MoveKind::Pan(a) => yaw += a.0 * k,
            MoveKind::Tilt(a) => pitch += a.0 * k,
            MoveKind::Orbit { angle, .. } => {
                let centre = pivot.unwrap_or(target);
                let phi = (angle.0 * k).to_radians();
                let (s, c) = phi.sin_cos();
                let (dx, dz) = (position.x - centre.x, position.z - centre.z);
                // Clockwise seen from above (y up, z away): the camera swings to its left and
                // turns right by the same angle, so it keeps facing the centre.
                position.x = centre.x + dx * c + dz * s;
                position.z = centre.z - dx * s + dz * c;
                yaw += angle.0 * k;
                orbit_yaw += angle.0 * k;
            }
            MoveKind::Handheld => {
                if frame >= m.start.0 && frame < m.end.0.max(m.start.0 + 1) {
                    handheld = 1.0;
                }
            }
            MoveKind::Dolly(_)
            | MoveKind::Truck(_)
            | MoveKind::Crane(_)
            | MoveKind::Static
            | MoveKind::Follow(_)
            | MoveKind::Keep(_) => {}
        }
    }
    // Trucks run along the rig's right, which turns with orbits but not with pans.
    let rig_yaw = (yaw0 + orbit_yaw).to_radians();
    let rig_right = Vec3::new(rig_yaw.cos(), 0.0, -rig_yaw.sin());
    for m in moves {
        match m.kind {
            MoveKind::Truck(d) => position = position + rig_right * (d.0 * p(m)),
            MoveKind::Crane(d) => position.y += d.0 * p(m),
            _ => {}
        }
    }

    let mut roll = rig.roll;
    if handheld > 0.0 {
        let t = frame as f64 / fps.max(1) as f64;
        let s = shake.at(t);
        position = position + Vec3::new(s[0], s[1], s[2]);
        yaw += s[3];
        pitch += s[4];
        roll += s[5];
    }

    let focal_mm = match shot.camera.lens {
        Some(lens) => match lens.to {
            Some(to) if to.0 > 0.0 => {
                rig.focal_mm
                    + (to.0 - rig.focal_mm) * progress(lens.start.0, lens.end.0, frame, lens.ease)
            }
            _ => rig.focal_mm,
        },
        None => rig.focal_mm,
    };
    Pose {
        position,
        yaw: normalize_degrees(yaw),
        pitch,
        roll,
        focal_mm,
    }
}

/// Keeps yaw in (-180, 180] so a track that turns all the way round stays readable.
pub fn normalize_degrees(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    if r > 180.0 {
        r - 360.0
    } else {
        r
    }
}

/// The deterministic hand-held shake: per channel (x, y, z in metres; yaw, pitch, roll in
/// degrees) a sum of three sines whose frequencies (0.4–2.4 Hz) and phases come from the shot's
/// seed. Peak amplitudes are a few centimetres and a few tenths of a degree.
struct Shake {
    channels: [[(f64, f64, f64); 3]; 6],
}

impl Shake {
    const AMPLITUDE: [f64; 6] = [0.012, 0.010, 0.008, 0.25, 0.2, 0.15];

    fn new(seed: u64) -> Shake {
        let mut rng = SplitMix64::new(seed ^ 0x68616e_6468656c64); // "handheld"
        let mut channels = [[(0.0, 0.0, 0.0); 3]; 6];
        for (c, channel) in channels.iter_mut().enumerate() {
            for (i, wave) in channel.iter_mut().enumerate() {
                let freq = 0.4 + 2.0 * rng.next_f64();
                let phase = std::f64::consts::TAU * rng.next_f64();
                // Higher partials are quieter, as in a real operator's sway.
                let amp = Shake::AMPLITUDE[c] / (1 << i) as f64;
                *wave = (freq, phase, amp);
            }
        }
        Shake { channels }
    }

    fn at(&self, t: f64) -> [f64; 6] {
        let mut out = [0.0; 6];
        for (o, channel) in out.iter_mut().zip(&self.channels) {
            *o = channel
                .iter()
                .map(|(freq, phase, amp)| amp * (std::f64::consts::TAU * freq * t + phase).sin())
                .sum();
        }
        out
    }
}

/// The camera in words, as it enters the prompt: framing, height, lens, angle and motion
/// ("wide shot, eye level, the camera slowly dollies in").
pub fn describe(film: &Film, shot: &Shot, rig: &Rig, fps: u32) -> String {
    let mut parts = Vec::new();
    let framing = match rig.framing {
        Framing::ExtremeWide => "extreme wide shot",
        Framing::Wide => "wide shot",
        Framing::Full => "full shot",
        Framing::MediumFull => "medium full shot",
        Framing::Medium => "medium shot",
        Framing::MediumCloseup => "medium close-up",
        Framing::Closeup => "close-up",
        Framing::ExtremeCloseup => "extreme close-up",
    };
    parts.push(viewpoint::framed(film, shot, framing));
    parts.push(
        match rig.height {
            CameraHeight::Ground => "ground level",
            CameraHeight::Low => "low angle",
            CameraHeight::Eye => "eye level",
            CameraHeight::High => "high angle",
            CameraHeight::Overhead => "overhead view",
        }
        .to_string(),
    );
    if rig.lens_written {
        parts.push(format!("{} lens", mm(rig.focal_mm)));
    }
    if rig.roll != 0.0 {
        parts.push("dutch angle".to_string());
    }
    let focus = crate::focus::words(film, shot);
    if !focus.is_empty() {
        parts.push(focus);
    }

    let seconds =
        |m: &CameraMove| (m.end.0.saturating_sub(m.start.0).max(1)) as f64 / fps.max(1) as f64;
    let mut motions = Vec::new();
    let mut styles = Vec::new();
    for m in &shot.camera.moves {
        let secs = seconds(m);
        let (adverb_rate, slow, fast, verb) = match m.kind {
            MoveKind::Pan(a) => (a.0.abs() / secs, 8.0, 30.0, format!("pans {}", side(a.0))),
            MoveKind::Tilt(a) => (
                a.0.abs() / secs,
                8.0,
                30.0,
                format!("tilts {}", if a.0 >= 0.0 { "up" } else { "down" }),
            ),
            MoveKind::Dolly(f) => (
                f.0.abs() / secs,
                0.06,
                0.2,
                format!("dollies {}", if f.0 >= 0.0 { "in" } else { "out" }),
            ),
            MoveKind::Truck(d) => (d.0.abs() / secs, 0.25, 1.0, format!("trucks {}", side(d.0))),
            MoveKind::Crane(d) => (
                d.0.abs() / secs,
                0.25,
                1.0,
                format!("cranes {}", if d.0 >= 0.0 { "up" } else { "down" }),
            ),
            MoveKind::Orbit { around, angle } => {
                let centre = match around.or(shot.camera.on) {
                    Some(c) => film.subject_name(c),
                    None => "the subject".to_string(),
                };
                (
                    angle.0.abs() / secs,
                    12.0,
                    45.0,
                    format!("orbits around {centre}"),
                )
            }
            MoveKind::Handheld => {
                styles.push("handheld camera".to_string());
                continue;
            }
            MoveKind::Static => {
                styles.push("static camera".to_string());
                continue;
            }
            MoveKind::Follow(x) => {
                styles.push(format!("tracking shot following {}", film.subject_name(x)));
                continue;
            }
            MoveKind::Keep(x) => {
                motions.push(format!("keeps {} in frame", film.subject_name(x)));
                continue;
            }
        };
        motions.push(format!("{}{verb}", adverb(adverb_rate, slow, fast)));
    }
    if let Some(lens) = shot.camera.lens {
        if let Some(to) = lens.to.filter(|to| to.0 > 0.0 && to.0 != rig.focal_mm) {
            let secs = (lens.end.0.saturating_sub(lens.start.0).max(1)) as f64 / fps.max(1) as f64;
            let rate = (to.0 / rig.focal_mm).log2().abs() / secs;
            let dir = if to.0 > rig.focal_mm { "in" } else { "out" };
            motions.push(format!(
                "{}zooms {dir} to {}",
                adverb(rate, 0.15, 0.6),
                mm(to.0)
            ));
        }
    }
    if motions.is_empty() && styles.is_empty() {
        styles.push("static camera".to_string());
    }
    parts.extend(styles);
    if !motions.is_empty() {
        parts.push(format!("the camera {}", join_and(&motions)));
    }
    parts.join(", ")
}

fn side(amount: f64) -> &'static str {
    if amount >= 0.0 {
        "right"
    } else {
        "left"
    }
}

fn adverb(rate: f64, slow: f64, fast: f64) -> &'static str {
    if rate < slow {
        "slowly "
    } else if rate >= fast {
        "quickly "
    } else {
        ""
    }
}

fn mm(focal: f64) -> String {
    if focal.fract() == 0.0 {
        format!("{focal:.0}mm")
    } else {
        format!("{focal}mm")
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
