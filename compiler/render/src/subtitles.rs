//! Subtitles from the shots' dialogue: `.srt`, `.vtt`, and the cues of the MP4's mov_text track.
//!
//! A line plays from `shot.start_frame + line.start_frame` to `shot.start_frame + line.end_frame`
//! (exclusive) in film frames, clipped to the shot. Times are milliseconds rounded to the nearest.

use scene_plan::schedule::FilmSchedule;

/// One dialogue line on the film's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// Film frames; `end_frame` exclusive.
    pub start_frame: u32,
    pub end_frame: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    /// Display name of the speaker, with the parenthetical if any (`Aiko (V.O.)`).
    pub speaker: String,
    pub text: String,
}

/// A span of the mov_text track: MP4 text samples may not overlap, so lines spoken at the same
/// time share one sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSample {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

pub fn frame_to_ms(frame: u32, fps: u32) -> u64 {
    let fps = u64::from(fps.max(1));
    (u64::from(frame) * 1000 + fps / 2) / fps
}

/// Every dialogue line of the film, sorted by start (play order breaks ties).
pub fn cues(film: &FilmSchedule) -> Vec<Cue> {
    let mut cues = Vec::new();
    for shot in &film.shots {
        let base = shot.start_frame.0;
        let shot_end = base + shot.frames.0;
        for line in &shot.dialogue {
            let start = (base + line.start_frame.0).min(shot_end);
            let end = (base + line.end_frame.0).min(shot_end);
            if end <= start || line.text.trim().is_empty() {
                continue;
            }
            let speaker = match &line.parenthetical {
                Some(p) if !p.is_empty() => format!("{} ({p})", line.name),
                _ => line.name.clone(),
            };
            cues.push(Cue {
                start_frame: start,
                end_frame: end,
                start_ms: frame_to_ms(start, film.fps),
                end_ms: frame_to_ms(end, film.fps),
                speaker,
                text: line.text.clone(),
            });
        }
    }
    cues.sort_by_key(|c| c.start_frame);
    cues
}

fn clock(ms: u64, separator: char) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{h:02}:{m:02}:{s:02}{separator}{ms:03}")
}

/// A cue's text as one or more lines, never containing a blank line (which would end the cue).
fn cue_lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn to_srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n{}: {}\n\n",
            i + 1,
            clock(cue.start_ms, ','),
            clock(cue.end_ms, ','),
            cue.speaker,
            cue_lines(&cue.text)
        ));
    }
    out
}

fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn to_vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for cue in cues {
        out.push_str(&format!(
            "{} --> {}\n<v {}>{}\n\n",
            clock(cue.start_ms, '.'),
            clock(cue.end_ms, '.'),
            vtt_escape(&cue.speaker).replace('\n', " "),
            vtt_escape(&cue_lines(&cue.text))
        ));
    }
    out
}

/// The mov_text samples: the timeline cut wherever a cue starts or ends, each span showing the
/// cues active in it (in cue order), spans with nothing to show left out.
pub fn text_samples(cues: &[Cue]) -> Vec<TextSample> {
    let mut edges: Vec<u64> = cues.iter().flat_map(|c| [c.start_ms, c.end_ms]).collect();
    edges.sort_unstable();
    edges.dedup();
    let mut samples: Vec<TextSample> = Vec::new();
    for pair in edges.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let text = cues
            .iter()
            .filter(|c| c.start_ms <= start && c.end_ms >= end)
            .map(|c| format!("{}: {}", c.speaker, cue_lines(&c.text)))
            .collect::<Vec<_>>()
            .join("\n");
        if text.is_empty() {
            continue;
        }
        match samples.last_mut() {
            Some(last) if last.end_ms == start && last.text == text => last.end_ms = end,
            _ => samples.push(TextSample {
                start_ms: start,
                end_ms: end,
                text,
            }),
        }
    }
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: u64, end_ms: u64, speaker: &str, text: &str) -> Cue {
        Cue {
            start_frame: 0,
            end_frame: 0,
            start_ms,
            end_ms,
            speaker: speaker.into(),
            text: text.into(),
        }
    }

    #[test]
    fn srt_and_vtt_layout() {
        let cues = vec![
            cue(1000, 2500, "Aiko", "Hello <there>"),
            cue(3_661_001, 3_662_000, "Ben", "Hi"),
        ];
        assert_eq!(
            to_srt(&cues),
            "1\n00:00:01,000 --> 00:00:02,500\nAiko: Hello <there>\n\n2\n01:01:01,001 --> 01:01:02,000\nBen: Hi\n\n"
        );
        assert_eq!(
            to_vtt(&cues),
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Aiko>Hello &lt;there&gt;\n\n01:01:01.001 --> 01:01:02.000\n<v Ben>Hi\n\n"
        );
    }

    #[test]
    fn overlapping_cues_share_samples() {
        let cues = vec![
            cue(0, 2000, "A", "one"),
            cue(1000, 3000, "B", "two"),
            cue(4000, 5000, "A", "three"),
        ];
        let s = text_samples(&cues);
        assert_eq!(
            s,
            vec![
                TextSample {
                    start_ms: 0,
                    end_ms: 1000,
                    text: "A: one".into()
                },
                TextSample {
                    start_ms: 1000,
                    end_ms: 2000,
                    text: "A: one\nB: two".into()
                },
                TextSample {
                    start_ms: 2000,
                    end_ms: 3000,
                    text: "B: two".into()
                },
                TextSample {
                    start_ms: 4000,
                    end_ms: 5000,
                    text: "A: three".into()
                },
            ]
        );
    }
}
