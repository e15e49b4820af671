//! The one text prompt LTX-2 gets for a shot, written the way Lightricks' prompting guide
//! describes: the scene and its action in flowing sentences, then what is heard — each line of
//! dialogue in quotation marks after who says it and how it sounds, and the sounds themselves.
//!
//! Only what the schedule holds goes in, so the same shot always gets the same prompt.

use scene_plan::schedule::{ShotSchedule, SoundRole};

/// The shot's prompt: the first keyframe's composed text (look, place, characters, action,
/// camera), each later keyframe's own text as what happens next, the dialogue, the sound cues.
pub fn compose(shot: &ShotSchedule) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(first) = shot.prompt_keyframes.first() {
        push_sentence(&mut parts, &first.text);
        for later in &shot.prompt_keyframes[1..] {
            let text = later.shot_text.trim();
            if !text.is_empty() {
                push_sentence(&mut parts, &format!("Then {}", lowercase_first(text)));
            }
        }
    }
    for line in &shot.dialogue {
        push_sentence(&mut parts, &speech(line));
    }
    let cues = sound_cues(shot);
    if !cues.is_empty() {
        parts.push(cues);
    }
    parts.join(" ")
}

/// One dialogue line as the model reads speech: `Mara, off screen, in a warm low voice,
/// whispering, says: "We should go."`
fn speech(line: &scene_plan::schedule::DialogueLine) -> String {
    let mut who = if line.name.trim().is_empty() {
        line.character.clone()
    } else {
        line.name.clone()
    };
    if line.off_screen {
        who.push_str(", off screen,");
    }
    let voice = line.voice.trim();
    if !voice.is_empty() {
        who.push_str(&format!(" in a voice that is {voice},"));
    }
    if let Some(p) = line.parenthetical.as_deref().map(str::trim) {
        if !p.is_empty() && !p.eq_ignore_ascii_case("V.O.") && !p.eq_ignore_ascii_case("O.S.") {
            who.push_str(&format!(" {p},"));
        }
    }
    format!("{who} says: \"{}\"", line.text.trim())
}

/// The sounds the shot's cues name (effects and ambience; music is left to the files the
/// script plays), as one sentence, or empty. This is also the part of the prompt that the shot
/// cache's keyed schedule does not hold, so the backend adds it to the key.
pub fn sound_cues(shot: &ShotSchedule) -> String {
    let mut names: Vec<String> = Vec::new();
    for cue in &shot.audio {
        if cue.role == SoundRole::Music {
            continue;
        }
        let name = cue.sound.rsplit('/').next().unwrap_or(&cue.sound);
        // An inline asset's name is its file name: drop the extension and separators.
        let name = name
            .rsplit_once('.')
            .map_or(name, |(stem, _)| stem)
            .replace(['_', '-'], " ");
        let name = name.trim().to_string();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        String::new()
    } else {
        format!("Sound: {}.", names.join(", "))
    }
}

fn push_sentence(parts: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if text.ends_with(['.', '!', '?', '"']) {
        parts.push(text.to_string());
    } else {
        parts.push(format!("{text}."));
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use scene_plan::schedule::DialogueLine;

    use super::*;

    #[test]
    fn speech_names_the_speaker_voice_and_manner() {
        let line = DialogueLine {
            character: "mara".into(),
            name: "Mara".into(),
            text: "We should go.".into(),
            voice: "warm and low".into(),
            parenthetical: Some("whispering".into()),
            off_screen: false,
            start_frame: scene_plan::schedule::Frame(0),
            end_frame: scene_plan::schedule::Frame(10),
            spoken_ms: 900,
            scratch_voice: scene_plan::schedule::ScratchVoice {
                language: "en-us".into(),
                variant: "f2".into(),
                pitch: 40,
                range: 50,
                rate: 150,
                gain_db: 0,
                placement: scene_plan::schedule::VoicePlacement::OnScreen,
            },
        };
        assert_eq!(
            speech(&line),
            "Mara in a voice that is warm and low, whispering, says: \"We should go.\""
        );
    }
}
