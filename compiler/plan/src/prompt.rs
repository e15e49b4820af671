//! Prompts: the composed text at each prompt keyframe, the negative prompt, per-frame
//! interpolation weights, and the look's generation settings.
//!
//! A keyframe's text is a list of sentences, what is particular to the shot first: the shot's
//! own text; the action each subject holds by then as "Name action", and who holds or dropped
//! what; each character in frame during the keyframe as "Name: description" and each prop in
//! frame by its description; the camera in words; the speed ("slow motion"). Then what is shared:
//! look style and film (or shot) style; the location; "interior" for an interior, time and
//! weather; the lights in words. Empty parts are left out.

use scene_check::film::{Film, Location, Look, Setting, Shot, TimeOfDay, Weather};

use crate::schedule::{Frame, LookInfo, PromptKeyframe};

pub const DEFAULT_GUIDANCE: f64 = 3.0;
pub const DEFAULT_STEPS: u32 = 40;
pub const DEFAULT_GRADE: &str = "neutral";

/// The look, settings and negative prompt that apply to a shot.
pub struct Resolved<'a> {
    pub look: Option<&'a Look>,
    pub info: LookInfo,
    pub style: Vec<&'a str>,
    pub negative: String,
    pub guidance: f64,
    pub steps: u32,
    pub strength: f64,
}

/// Shot `look` > film `look`; settings shot > look > film > default.
pub fn resolve<'a>(film: &'a Film, shot: &'a Shot) -> Resolved<'a> {
    let o = &shot.overrides;
    let look = o.look.or(film.look).map(|id| film.look(id));
    let info = LookInfo {
        name: look.map(|l| l.id.clone()),
        grade: look
            .and_then(|l| l.grade.clone())
            .unwrap_or_else(|| DEFAULT_GRADE.to_string()),
    };
    let style: Vec<&str> = [
        look.and_then(|l| l.style.as_deref()),
        o.style.as_deref().or(film.style.as_deref()),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    let negative = [
        film.negative.as_deref(),
        look.and_then(|l| l.negative.as_deref()),
        o.negative.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let guidance = o
        .guidance
        .or(look.and_then(|l| l.guidance))
        .or(film.guidance)
        .unwrap_or(DEFAULT_GUIDANCE);
    let steps = o
        .steps
        .or(look.and_then(|l| l.steps))
        .or(film.steps)
        .unwrap_or(DEFAULT_STEPS);
    let strength = o.strength.map(|s| s.0).unwrap_or(1.0);
    Resolved {
        look,
        info,
        style,
        negative,
        guidance,
        steps,
        strength,
    }
}

pub fn time_words(t: TimeOfDay) -> &'static str {
    match t {
        TimeOfDay::Dawn => "at dawn",
        TimeOfDay::Day => "in daylight",
        TimeOfDay::Dusk => "at dusk",
        TimeOfDay::Night => "at night",
    }
}

pub fn weather_words(w: Weather) -> &'static str {
    match w {
        Weather::Clear => "clear weather",
        Weather::Rain => "in the rain",
        Weather::Snow => "in the snow",
        Weather::Fog => "in fog",
    }
}

/// How the setting reads: time and weather outdoors ("at night, in the rain"); indoors
/// "interior", the time, and the weather as seen through the windows ("interior, at night, rain
/// against the windows").
pub fn setting_words(location: &Location) -> String {
    match location.setting {
        Setting::Exterior => format!(
            "{}, {}",
            time_words(location.time),
            weather_words(location.weather)
        ),
        Setting::Interior => {
            let mut parts = vec!["interior", time_words(location.time)];
            match location.weather {
                Weather::Clear => {}
                Weather::Rain => parts.push("rain against the windows"),
                Weather::Snow => parts.push("snow falling outside the windows"),
                Weather::Fog => parts.push("fog outside the windows"),
            }
            parts.join(", ")
        }
    }
}

/// How a shot's speed reads: nothing at real time, "slow motion" below it ("extreme slow
/// motion" at a quarter speed or less), "fast motion" above it ("time-lapse" from four times).
pub fn speed_words(speed: f64) -> &'static str {
    match speed {
        s if s <= 0.25 => "extreme slow motion",
        s if s < 1.0 => "slow motion",
        s if s >= 4.0 => "time-lapse, fast motion",
        s if s > 1.0 => "fast motion",
        _ => "",
    }
}

/// "Aiko holds the lantern" for each prop in a hand at `frame`, and "Aiko drops the lantern"
/// for each prop dropped by then (until it is picked up again).
pub fn hands_words(film: &Film, shot: &Shot, frame: u32) -> Vec<String> {
    let mut out = Vec::new();
    for (i, h) in shot.holds.iter().enumerate() {
        let holder = &film.character(h.holder).name;
        let prop = film.subject_name(scene_check::film::SubjectId::Prop(h.prop));
        let held = h.start.0 <= frame && h.end.is_none_or(|e| frame < e.0);
        let taken_again = shot.holds[i + 1..]
            .iter()
            .any(|n| n.prop == h.prop && n.start.0 <= frame);
        if held {
            out.push(format!("{holder} holds {prop}"));
        } else if h.dropped && h.end.is_some_and(|e| e.0 <= frame) && !taken_again {
            out.push(format!("{holder} drops {prop}"));
        }
    }
    out
}

/// The shot's keyframes as (frame, shot text). A keyframe starts at frame 0, at every written
/// prompt (prompts at one frame merge in the order written), at every timed action, and at each
/// frame of `events` (where a subject comes into view, or a hand takes or lets go of a prop), so
/// that nothing written waits for a later keyframe to reach the prompt. A keyframe's shot text is
/// the written prompt in force then: prompt texts replace one another, as in prompt travel;
/// before the first, it is empty.
pub fn keyframes(shot: &Shot, events: &[u32]) -> Vec<(u32, String)> {
    let last = shot.frames.0.saturating_sub(1);
    let mut written: Vec<(u32, String)> = Vec::new();
    let mut prompts: Vec<_> = shot.prompts.iter().collect();
    prompts.sort_by_key(|p| p.frame.0);
    for p in prompts {
        let frame = p.frame.0.min(last);
        match written.last_mut() {
            Some((f, text)) if *f == frame => {
                *text = sentences(&[text.as_str(), p.text.as_str()]);
            }
            _ => written.push((frame, p.text.clone())),
        }
    }
    let mut frames: Vec<u32> = std::iter::once(0)
        .chain(written.iter().map(|(f, _)| *f))
        .chain(shot.actions.iter().map(|a| a.frame.0.min(last)))
        .chain(events.iter().map(|f| (*f).min(last)))
        .collect();
    frames.sort_unstable();
    frames.dedup();
    frames
        .into_iter()
        .map(|frame| {
            let text = written
                .iter()
                .rev()
                .find(|(f, _)| *f <= frame)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (frame, text)
        })
        .collect()
}

/// Everything a keyframe's text is composed from, except what changes per keyframe.
pub struct Context<'a> {
    pub style: &'a [&'a str],
    pub location: &'a str,
    /// [`setting_words`].
    pub setting: String,
    /// The lights in words (`lighting::words`); empty without lights.
    pub lighting: String,
    pub camera: &'a str,
    /// [`speed_words`].
    pub speed: &'static str,
}

/// What one keyframe says that is particular to the shot at that time.
pub struct Particular<'a> {
    /// The written prompt in force.
    pub shot_text: &'a str,
    /// "Name action", the action each subject holds by then; then who holds or dropped what.
    pub actions: &'a [String],
    /// "Name: description" of the characters in frame, and the descriptions of props in frame.
    pub in_frame: &'a [String],
}

/// Compose one keyframe: what is particular to the shot first (its text, actions, subjects in
/// frame, camera, speed), then what it shares with every shot there (look and style, location,
/// interior, time and weather, lights). A text encoder that reads fewer tokens than the prompt
/// has cuts its end, so the end is where the words that every other shot repeats belong.
pub fn compose(cx: &Context, particular: &Particular) -> String {
    let style = cx.style.join(", ");
    let mut parts: Vec<&str> = vec![particular.shot_text];
    parts.extend(particular.actions.iter().map(String::as_str));
    parts.extend(particular.in_frame.iter().map(String::as_str));
    parts.extend([cx.camera, cx.speed]);
    parts.extend([
        style.as_str(),
        cx.location,
        cx.setting.as_str(),
        cx.lighting.as_str(),
    ]);
    sentences(&parts)
}

/// Joins non-empty parts as sentences: each ends with `.`, `!` or `?`, separated by a space.
pub fn sentences(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
        if !part.ends_with(['.', '!', '?']) {
            out.push('.');
        }
    }
    out
}

/// A keyframe with its estimated token count (a backend with its tokenizer loaded may count
/// again, exactly).
pub fn keyframe(frame: u32, text: String, shot_text: String) -> PromptKeyframe {
    PromptKeyframe {
        frame: Frame(frame),
        tokens: crate::tokens::estimate(&text),
        text,
        shot_text,
    }
}

/// Per frame, one weight per keyframe: linear between the two keyframes around the frame (so
/// they sum to 1), all on the first before it and all on the last after it.
pub fn weights(keys: &[u32], frames: u32) -> Vec<Vec<f32>> {
    (0..frames)
        .map(|f| {
            let mut w = vec![0.0f32; keys.len()];
            if keys.is_empty() {
                return w;
            }
            let next = keys.iter().position(|&k| k > f);
            match next {
                Some(0) => w[0] = 1.0,
                None => w[keys.len() - 1] = 1.0,
                Some(i) => {
                    let (k0, k1) = (keys[i - 1], keys[i]);
                    let t = (f - k0) as f32 / (k1 - k0) as f32;
                    w[i - 1] = 1.0 - t;
                    w[i] = t;
                }
            }
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_and_interpolate() {
        let w = weights(&[0, 10, 20], 30);
        for row in &w {
            let s: f32 = row.iter().sum();
            assert!((s - 1.0).abs() < 1e-6);
        }
        assert_eq!(w[0], vec![1.0, 0.0, 0.0]);
        assert_eq!(w[5], vec![0.5, 0.5, 0.0]);
        assert_eq!(w[10], vec![0.0, 1.0, 0.0]);
        assert_eq!(w[29], vec![0.0, 0.0, 1.0]);
    }

    #[test]
    fn before_the_first_key_all_weight_is_on_it() {
        let w = weights(&[5, 10], 12);
        assert_eq!(w[0], vec![1.0, 0.0]);
        assert_eq!(w[11], vec![0.0, 1.0]);
    }

    #[test]
    fn speed_reads_as_slow_or_fast_motion() {
        assert_eq!(speed_words(1.0), "");
        assert_eq!(speed_words(0.5), "slow motion");
        assert_eq!(speed_words(0.25), "extreme slow motion");
        assert_eq!(speed_words(2.0), "fast motion");
        assert_eq!(speed_words(10.0), "time-lapse, fast motion");
    }

    #[test]
    fn sentences_are_punctuated_once() {
        assert_eq!(sentences(&["a", "", "b.", " c? "]), "a. b. c?");
    }
}
