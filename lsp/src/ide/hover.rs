//! Hover: a name's definition; a keyword's or a field's meaning from the vocabulary; a shot's
//! place in the film from the plan.

use scene_plan::schedule::{FilmSchedule, ShotSchedule, TokenCounter};
use scene_plan::tokens::TextBudget;
use scene_syntax::ast::*;
use scene_syntax::lexer::{self, TokenKind};
use scene_syntax::vocab::{self, ValueType};
use scene_syntax::Span;

use crate::analysis::stdlib;
use crate::analysis::{Analysis, NameKind, Project};
use crate::ide::timecode;

/// The last plan of the film this file belongs to.
pub struct PlanView<'a> {
    pub schedule: &'a FilmSchedule,
    /// The plan is from an earlier, error-free version of the text.
    pub stale: bool,
}

/// What hovering shows: markdown, over a span of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo {
    pub markdown: String,
    pub span: Span,
}

pub fn hover(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
    plan: Option<PlanView>,
) -> Option<HoverInfo> {
    let target = crate::ide::navigation::target_at(project, file, offset);
    let (markdown, span) = match target {
        Some(t) if t.kind == NameKind::Shot => {
            let mut md = match &t.resolved {
                Some(r) => {
                    let mut md = remix_note(file, offset, &r.file).unwrap_or_default();
                    md.push_str(&crate::ide::describe::markdown(&r.file, &r.def));
                    md
                }
                None => format!("**shot `{}`** (not defined)", t.name),
            };
            if let Some(plan) = &plan {
                // On the shot's own name, show its first keyframe; elsewhere the shot's.
                md.push_str(&shot_section(plan, &t.name, 0));
            }
            (md, t.span)
        }
        Some(t) => {
            let md = match &t.resolved {
                Some(r) => {
                    let mut md = remix_note(file, offset, &r.file).unwrap_or_default();
                    md.push_str(&crate::ide::describe::markdown(&r.file, &r.def));
                    md
                }
                None if t.kind == NameKind::Camera && stdlib::is_framing(&t.name) => {
                    format!(
                        "**camera `{}`** — a built-in framing at eye height with a 50mm lens",
                        t.name
                    )
                }
                None => format!("**{} `{}`** is not defined", t.kind.word(), t.name),
            };
            (md, t.span)
        }
        None => {
            // Not on a name: a keyword or a field key explained, and inside a shot the shot's
            // timing and the prompt at the keyframe under the cursor.
            let words = vocabulary(file, offset);
            let shot = plan.and_then(|plan| shot_hover(file, offset, &plan));
            match (words, shot) {
                (Some(w), Some((md, _))) => (format!("{}\n\n---\n\n{md}", w.markdown), w.span),
                (Some(w), None) => (w.markdown, w.span),
                (None, Some(found)) => found,
                (None, None) => return None,
            }
        }
    };
    Some(HoverInfo { markdown, span })
}

/// On the name a remix's `override`, `insert` or `remove` changes: what the change does to the
/// base film's definition (shown after this line), and which file that is in.
fn remix_note(file: &Analysis, offset: usize, base: &Analysis) -> Option<String> {
    let what = file.parse.file.items.iter().find_map(|item| {
        let (name, what) = match &item.kind {
            ItemKind::Override(o) => (
                o.target.name(),
                match &o.target {
                    OverrideTarget::Shot(_) => "replaces, in place,",
                    OverrideTarget::Sound(_) => "replaces",
                    _ => "merges its fields over",
                },
            ),
            ItemKind::Insert(i) if i.anchor.span.contains(offset) => (
                &i.anchor,
                match i.place.node {
                    Place::After => "inserts a shot after",
                    Place::Before => "inserts a shot before",
                },
            ),
            ItemKind::Remove(r) => (&r.name, "removes"),
            _ => return None,
        };
        name.span.contains(offset).then_some(what)
    })?;
    let path = base
        .key
        .path()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(format!(
        "**remix** — {what} the base film's definition (`{path}`):\n\n"
    ))
}

/// A field's key or a keyword under the cursor, explained from the vocabulary.
fn vocabulary(file: &Analysis, offset: usize) -> Option<HoverInfo> {
    if let Some(key) = file.index.field_key_at(offset) {
        let name = file.text.get(key.span.range())?;
        let spec = vocab::field(key.block, name)?;
        let required = if spec.required { ", required" } else { "" };
        let mut md = format!(
            "**`{name}`** — {} field of {}{required}\n\n{}",
            spec.value.doc_name(),
            key.block.noun(),
            spec.doc
        );
        if let ValueType::Word(words) = spec.value {
            md.push('\n');
            for w in words {
                md.push_str(&format!("\n- `{}`: {}", w.word, w.doc));
            }
        }
        md.push_str(&format!("\n\nexample: `{name} {}`", spec.example));
        return Some(HoverInfo {
            markdown: md,
            span: key.span,
        });
    }
    // Keywords are not in the tree (a broken statement has none): find the word among the
    // tokens, so that a word inside a string or comment is not taken for one.
    let tokens = lexer::lex(&file.text).tokens;
    let i = tokens.partition_point(|t| t.end < offset);
    let token = tokens
        .get(i)
        .filter(|t| t.kind == TokenKind::Ident && t.start <= offset)?;
    let (start, end) = (token.start, token.end);
    let word = &file.text[start..end];
    let keyword = vocab::keyword(word)?;
    let mut md = format!("**`{word}`** — keyword");
    for u in keyword.uses {
        md.push_str(&format!("\n\n`{}`\n\n{}", u.syntax, u.doc));
    }
    Some(HoverInfo {
        markdown: md,
        span: Span::new(file.id, start, end),
    })
}

/// The shot around `offset` in words, and the span to show it over.
fn shot_hover(file: &Analysis, offset: usize, plan: &PlanView) -> Option<(String, Span)> {
    let (shot, statement) = shot_at(file, offset)?;
    let frame = match statement.map(|s| &s.kind) {
        Some(StatementKind::Prompt { at: Some(at), .. }) => time_frames(at, plan.schedule.fps),
        _ => Some(0),
    }?;
    let md = format!(
        "**shot `{}`**{}",
        shot.name.name,
        shot_section(plan, &shot.name.name, frame)
    );
    Some((md, statement.map_or(shot.name.span, |s| s.span)))
}

/// The shot (and statement) containing `offset`.
pub fn shot_at(file: &Analysis, offset: usize) -> Option<(&ShotDef, Option<&Statement>)> {
    for item in &file.parse.file.items {
        let ItemKind::Scene(scene) = &item.kind else {
            continue;
        };
        if !item.span.contains(offset) {
            continue;
        }
        for si in &scene.items {
            if let SceneItemKind::Shot(shot) = &si.kind {
                if si.span.contains(offset) {
                    let st = shot.statements.iter().find(|s| s.span.contains(offset));
                    return Some((shot, st));
                }
            }
        }
    }
    None
}

/// A time value in frames at `fps`, rounding to the nearest frame.
pub fn time_frames(v: &Value, fps: u32) -> Option<u32> {
    let ValueKind::Number(n) = &v.kind else {
        return None;
    };
    let seconds = match n.unit? {
        Unit::Seconds => n.value,
        Unit::Millis => n.value / 1000.0,
        Unit::Frames => return Some(n.value.max(0.0) as u32),
        _ => return None,
    };
    Some((seconds * fps as f64 + 0.5).floor().max(0.0) as u32)
}

fn shot_section(plan: &PlanView, name: &str, frame: u32) -> String {
    let Some(shot) = plan.schedule.shots.iter().find(|s| s.name == name) else {
        return if plan.stale {
            "\n\n_not planned yet: the film has errors_".to_owned()
        } else {
            String::new()
        };
    };
    section(plan.schedule.fps, shot, frame, plan.stale)
}

fn section(fps: u32, shot: &ShotSchedule, frame: u32, stale: bool) -> String {
    let start = shot.start_frame.0;
    let mut out = String::new();
    out.push_str(&format!(
        "\n\n- **starts** {} (film frame {start})\n- **duration** {} frames ({:.2}s at {fps} fps)\n- **scene** {}",
        timecode::format(start, fps),
        shot.frames.0,
        shot.frames.0 as f64 / fps.max(1) as f64,
        shot.scene,
    ));
    if !shot.camera_text.is_empty() {
        out.push_str(&format!("\n- **camera** {}", shot.camera_text));
    }
    if let Some(c) = &shot.continues {
        out.push_str(&format!("\n- **continues** `{c}`"));
    }
    let key = shot
        .prompt_keyframes
        .iter()
        .rev()
        .find(|k| k.frame.0 <= frame)
        .or(shot.prompt_keyframes.first());
    if let Some(key) = key {
        let about = match key.tokens.counted_by {
            TokenCounter::Estimate => "about ",
            TokenCounter::Tokenizer => "",
        };
        let budget = TextBudget::LTX;
        let fits = if key.tokens.count > budget.tokens {
            format!(
                "; {} reads {}, the rest is cut",
                budget.backend, budget.tokens
            )
        } else {
            format!(" of the {} {} reads", budget.tokens, budget.backend)
        };
        out.push_str(&format!(
            "\n\n**prompt at frame {}** ({}, {about}{} tokens{fits}):\n\n> {}",
            key.frame.0,
            timecode::format(start + key.frame.0, fps),
            key.tokens.count,
            key.text
        ));
    }
    if stale {
        out.push_str("\n\n_from the last version without errors_");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn hover_at(fixture: &str) -> Option<HoverInfo> {
        let mut f = Fixture::new(fixture);
        let (file, offset) = f.cursor();
        hover(&mut f.project, &file, offset, None)
    }

    #[test]
    fn a_name_shows_its_definition() {
        let h = hover_at(
            "character aiko { description \"a young woman\"; voice \"soft alto\" }\nscene s at x {\n    shot a 2s {\n        ai$0ko enters left\n    }\n}\n",
        )
        .expect("hover");
        assert!(h.markdown.contains("a young woman") && h.markdown.contains("soft alto"));
    }

    #[test]
    fn a_keyword_shows_each_of_its_uses() {
        let h = hover_at(
            "scene s at x {\n    shot a 2s {\n        camera wide, do$0lly in 30%\n    }\n}\n",
        )
        .expect("hover");
        assert!(
            h.markdown.contains("dolly in|out FRACTION"),
            "{}",
            h.markdown
        );
        let h = hover_at("scene s at x {\n    shot a 2s {\n        a$0t 1s \"rain\"\n    }\n}\n")
            .expect("hover");
        // `at` starts statements, follows characters and joins `scene ID at LOCATION`.
        assert_eq!(h.markdown.matches("\n\n`").count(), 3, "{}", h.markdown);
    }

    #[test]
    fn where_the_camera_stands_says_what_it_does() {
        let h = hover_at(
            "scene s at x {\n    shot a 2s {\n        camera full on aiko, fol$0low aiko\n    }\n}\n",
        )
        .expect("hover");
        assert!(h.markdown.contains("follow SUBJECT"), "{}", h.markdown);
        assert!(h.markdown.contains("tracking shot"), "{}", h.markdown);
        let h = hover_at(
            "scene s at x {\n    shot a 2s {\n        camera medium on aiko from beh$0ind\n    }\n}\n",
        )
        .expect("hover");
        assert!(h.markdown.contains("subject's back"), "{}", h.markdown);
        let h = hover_at(
            "scene s at x {\n    shot a 2s {\n        camera over_shoulder on ren pa$0st aiko\n    }\n}\n",
        )
        .expect("hover");
        assert!(h.markdown.contains("near foreground"), "{}", h.markdown);
        let h =
            hover_at("scene s at x {\n    shot a 2s {\n        foc$0us on aiko at 1s\n    }\n}\n")
                .expect("hover");
        assert!(
            h.markdown.contains("metres along the lens axis"),
            "{}",
            h.markdown
        );
        let h = hover_at("scene s at x {\n    shot a 2s {\n        dep$0th shallow\n    }\n}\n")
            .expect("hover");
        assert!(h.markdown.contains("`shallow`"), "{}", h.markdown);
    }

    #[test]
    fn a_field_shows_its_type_and_values() {
        let h = hover_at("location street {\n    ti$0me night\n}\n").expect("hover");
        assert!(
            h.markdown.contains("Word field of a location"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("`dusk`"), "{}", h.markdown);
        let h = hover_at("camera hero {\n    le$0ns 50mm\n}\n").expect("hover");
        assert!(h.markdown.contains("FocalLength"), "{}", h.markdown);
    }

    #[test]
    fn nothing_inside_a_string() {
        assert_eq!(
            hover_at("character aiko { description \"a ca$0mera\" }\n"),
            None
        );
    }
}
