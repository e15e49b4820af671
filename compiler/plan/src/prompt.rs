//! Prompts: the composed text at each prompt keyframe, the negative prompt, per-frame
//! interpolation weights, and the look's generation settings.
//!
//! A keyframe's text is a list of sentences, what is particular to the shot first: the shot's
//! own text; the action each character holds by then as "Name action"; each character in frame
//! during the keyframe as "Name: description"; the camera in words. Then what is shared: look
//! style and film (or shot) style; the location; time and weather. Empty parts are left out.

use scene_check::film::{Film, Look, Shot, TimeOfDay, Weather};

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

/// The shot's keyframes as (frame, shot text). A keyframe starts at frame 0, at every written
/// prompt (prompts at one frame merge in the order written), at every timed action, and at each
/// frame of `arrivals` (where a subject comes into view), so that nothing written waits for a
/// later keyframe to reach the prompt. A keyframe's shot text is the written prompt in force
/// then: prompt texts replace one another, as in prompt travel; before the first, it is empty.
pub fn keyframes(shot: &Shot, arrivals: &[u32]) -> Vec<(u32, String)> {
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
        .chain(arrivals.iter().map(|f| (*f).min(last)))
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
    pub setting: String,
    pub camera: &'a str,
}

/// What one keyframe says that is particular to the shot at that time.
pub struct Particular<'a> {
    /// The written prompt in force.
    pub shot_text: &'a str,
    /// "Name action", the action each subject holds by then.
    pub actions: &'a [String],
    /// "Name: description" of the subjects in frame.
    pub in_frame: &'a [String],
}

/// Compose one keyframe: what is particular to the shot first (its text, actions, subjects in
/// frame, camera), then what it shares with every shot there (look and style, location, time and
/// weather). A text encoder that reads fewer tokens than the prompt has cuts its end, so the end
/// is where the words that every other shot repeats belong.
pub fn compose(cx: &Context, particular: &Particular) -> String {
    let style = cx.style.join(", ");
    let mut parts: Vec<&str> = vec![particular.shot_text];
    parts.extend(particular.actions.iter().map(String::as_str));
    parts.extend(particular.in_frame.iter().map(String::as_str));
    parts.push(cx.camera);
    parts.extend([style.as_str(), cx.location, cx.setting.as_str()]);
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
    fn sentences_are_punctuated_once() {
        assert_eq!(sentences(&["a", "", "b.", " c? "]), "a. b. c?");
    }
}
