//! What the previz writes on the picture: the active prompt keyframe's text as a caption band
//! (top), a small slate (shot, frame, lens), dialogue as subtitles ("NAME: text", bottom), titles
//! centred and large, and image keyframes as an inset.

use scene_plan::schedule::ShotSchedule;

use crate::frame::RgbFrame;

use super::inset::Inset;
use super::raster::{self, mix, parse_hex, Rgb};
use super::text::{Style, Text};

const WHITE: Rgb = [1.0, 1.0, 1.0];
const INK: Rgb = [0.0, 0.0, 0.0];

/// The shot's own text of the prompt keyframe in force at `frame` (the last one at or before it).
pub fn active_shot_text(shot: &ShotSchedule, frame: u32) -> Option<&str> {
    shot.prompt_keyframes
        .iter()
        .rfind(|k| k.frame.0 <= frame)
        .map(|k| k.shot_text.trim())
        .filter(|t| !t.is_empty())
}

/// Draws the caption band; returns the y below which the picture is free.
pub fn caption(frame: &mut RgbFrame, text: &mut Text, shot: &ShotSchedule, f: u32) -> f32 {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let Some(line) = active_shot_text(shot, f) else {
        return 0.0;
    };
    let style = Style::regular(h * 0.034);
    let m = text.metrics(style);
    let margin = h * 0.022;
    let lines = text.wrap(line, style, w - 4.0 * margin, 2);
    let band = lines.len() as f32 * m.line_height + 2.0 * margin * 0.7;
    raster::fill_rect(frame, 0.0, 0.0, w, band, [0.02, 0.02, 0.03], 0.55);
    let mut baseline = margin * 0.7 + m.ascent;
    for l in &lines {
        let lw = text.measure(l, style);
        text.draw(
            frame,
            l,
            (w - lw) * 0.5,
            baseline,
            style,
            [0.96, 0.95, 0.9],
            1.0,
        );
        baseline += m.line_height;
    }
    band
}

/// The slate in the top-left corner: shot name, frame and lens.
pub fn slate(
    frame: &mut RgbFrame,
    text: &mut Text,
    shot: &ShotSchedule,
    f: u32,
    focal_mm: f64,
    top: f32,
) {
    let h = frame.height as f32;
    let style = Style::regular(h * 0.025);
    let m = text.metrics(style);
    let label = format!(
        "{}  {}/{}  {:.0}mm",
        shot.name,
        f + 1,
        shot.frames.0,
        focal_mm
    );
    let pad = style.px as f32 * 0.4;
    let x0 = h * 0.02;
    let y0 = top + h * 0.015;
    let tw = text.measure(&label, style);
    raster::fill_round_rect(
        frame,
        x0,
        y0,
        x0 + tw + 2.0 * pad,
        y0 + m.ascent - m.descent + pad,
        pad,
        [0.0; 3],
        0.45,
    );
    text.draw(
        frame,
        &label,
        x0 + pad,
        y0 + pad * 0.5 + m.ascent,
        style,
        [0.9, 0.9, 0.9],
        0.9,
    );
}

/// Dialogue active at `f`, as subtitles stacked up from the bottom.
pub fn subtitles(frame: &mut RgbFrame, text: &mut Text, shot: &ShotSchedule, f: u32) {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let style = Style::regular(h * 0.042);
    let m = text.metrics(style);
    let active: Vec<_> = shot
        .dialogue
        .iter()
        .filter(|d| d.start_frame.0 <= f && f < d.end_frame.0)
        .collect();
    if active.is_empty() {
        return;
    }
    // Lay out every line first: the block grows upwards from the bottom margin.
    let mut blocks: Vec<(String, Rgb, Vec<String>)> = Vec::new();
    for d in &active {
        let name = if d.name.trim().is_empty() {
            d.character.as_str()
        } else {
            d.name.as_str()
        };
        let prefix = match &d.parenthetical {
            Some(p) if !p.trim().is_empty() => format!("{} ({}):", name.to_uppercase(), p.trim()),
            _ => format!("{}:", name.to_uppercase()),
        };
        let colour = shot
            .subjects
            .iter()
            .find(|s| s.character == d.character)
            .and_then(|s| parse_hex(&s.color))
            .map(|c| mix(c, WHITE, 0.45))
            .unwrap_or([1.0, 0.9, 0.55]);
        let lines = text.wrap(&format!("{prefix} {}", d.text.trim()), style, w * 0.86, 3);
        blocks.push((prefix, colour, lines));
    }
    let total: usize = blocks.iter().map(|b| b.2.len()).sum();
    let mut baseline = h - h * 0.055 - (total as f32 - 1.0) * m.line_height;
    for (prefix, colour, lines) in &blocks {
        for (i, l) in lines.iter().enumerate() {
            let lw = text.measure(l, style);
            let x = (w - lw) * 0.5;
            match l.strip_prefix(prefix.as_str()).filter(|_| i == 0) {
                Some(rest) => {
                    text.draw_outlined(frame, prefix, x, baseline, style, *colour, INK, 1.0);
                    let px = x + text.measure(prefix, style);
                    text.draw_outlined(frame, rest, px, baseline, style, WHITE, INK, 1.0);
                }
                None => text.draw_outlined(frame, l, x, baseline, style, WHITE, INK, 1.0),
            }
            baseline += m.line_height;
        }
    }
}

/// Titles active at `f`, centred, fading in and out.
pub fn titles(frame: &mut RgbFrame, text: &mut Text, shot: &ShotSchedule, f: u32, fps: u32) {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let style = Style::bold(h * 0.085);
    let m = text.metrics(style);
    for t in shot
        .titles
        .iter()
        .filter(|t| t.start_frame.0 <= f && f < t.end_frame.0)
    {
        let len = t.end_frame.0 - t.start_frame.0;
        let ramp = (fps / 3).min(len / 4).max(1) as f32;
        let from_start = (f - t.start_frame.0) as f32 + 1.0;
        let to_end = (t.end_frame.0 - f) as f32;
        let alpha = (from_start / ramp).min(to_end / ramp).min(1.0);
        let lines = text.wrap(t.text.trim(), style, w * 0.84, 3);
        let block = lines.len() as f32 * m.line_height;
        let mut baseline = (h - block) * 0.5 + m.ascent;
        for l in &lines {
            let lw = text.measure(l, style);
            text.draw_outlined(frame, l, (w - lw) * 0.5, baseline, style, WHITE, INK, alpha);
            baseline += m.line_height;
        }
    }
}

/// The latest image keyframe at or before `f`, framed in the top-right corner.
pub fn inset(frame: &mut RgbFrame, text: &mut Text, insets: &[Inset], f: u32, top: f32) {
    let Some(ins) = insets.iter().rfind(|i| i.frame <= f) else {
        return;
    };
    let (w, h) = (frame.width as f32, frame.height as f32);
    let border = (h / 256.0).max(1.0).round();
    let x = (w - h * 0.02 - ins.width as f32).round();
    let y = (top + h * 0.015).round();
    raster::fill_rect(
        frame,
        x - border,
        y - border,
        x + ins.width as f32 + border,
        y + ins.height as f32 + border,
        [0.95; 3],
        1.0,
    );
    raster::blit(frame, &ins.rgb, ins.width, ins.height, x as i32, y as i32);
    let style = Style::bold(h * 0.022);
    let m = text.metrics(style);
    let lw = text.measure(&ins.label, style);
    let ly = y + ins.height as f32 + border;
    raster::fill_rect(
        frame,
        x - border,
        ly,
        x + ins.width as f32 + border,
        ly + m.line_height + border,
        [0.0; 3],
        0.6,
    );
    text.draw(
        frame,
        &ins.label,
        x + (ins.width as f32 - lw) * 0.5,
        ly + m.ascent + border * 0.5,
        style,
        WHITE,
        1.0,
    );
}
