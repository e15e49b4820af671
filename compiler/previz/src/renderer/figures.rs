//! Characters as figures: a head and a body silhouette in the character's colour, filling the
//! screen box the schedule gives for the frame, with a soft contact shadow and a name tag.
//!
//! Figures are placed in screen space (the schedule's boxes are), so they are drawn over the set.
//! Nearer figures (lower box bottoms) are drawn last.

use scene_plan::schedule::Subject;

use crate::frame::RgbFrame;

use super::raster::{self, mix, parse_hex, Rgb};
use super::sky::Palette;
use super::text::{Style, Text};

/// Colour for subjects whose colour does not parse (the checker normally guarantees `#rrggbb`).
const FALLBACK: Rgb = [0.85, 0.85, 0.85];

/// A subject's box at one frame, in pixels.
#[derive(Clone, Debug)]
pub struct Placed {
    pub name: String,
    pub colour: Rgb,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Placed {
    fn visible(&self, fw: f32, fh: f32) -> bool {
        self.w > 0.5
            && self.h > 0.5
            && self.x < fw
            && self.y < fh
            && self.x + self.w > 0.0
            && self.y + self.h > 0.0
    }
}

/// The subjects' boxes at `frame` (the last box holds if the track is short), nearest last.
pub fn place(subjects: &[Subject], frame: usize, fw: f32, fh: f32) -> Vec<Placed> {
    let mut out: Vec<Placed> = subjects
        .iter()
        .filter_map(|s| {
            let b = s.boxes.get(frame).or_else(|| s.boxes.last())?;
            if !b.iter().all(|v| v.is_finite()) {
                return None;
            }
            Some(Placed {
                name: s.name.clone(),
                colour: parse_hex(&s.color).unwrap_or(FALLBACK),
                x: b[0] as f32 * fw,
                y: b[1] as f32 * fh,
                w: b[2] as f32 * fw,
                h: b[3] as f32 * fh,
            })
        })
        .collect();
    // Stable sort: equal feet keep the subjects' order of first mention.
    out.sort_by(|a, b| (a.y + a.h).total_cmp(&(b.y + b.h)));
    out
}

/// Depth a 1.7 m figure of this screen height stands at, for fog.
fn depth_of(fig: &Placed, focal_px: f32) -> f32 {
    1.7 * focal_px / fig.h.max(1.0)
}

pub fn draw_figures(frame: &mut RgbFrame, figures: &[Placed], p: &Palette, focal_px: f32) {
    let (fw, fh) = (frame.width as f32, frame.height as f32);
    for fig in figures.iter().filter(|f| f.visible(fw, fh)) {
        let fog = p.fog_amount(depth_of(fig, focal_px)) * 0.9;
        let body = mix(raster::scale(fig.colour, p.figure_light), p.fog, fog);
        let head = mix(mix(body, [0.96, 0.86, 0.76], 0.45), p.fog, fog);
        // Contact shadow on the ground under the feet.
        let cx = fig.x + fig.w * 0.5;
        // Body width: the arms' outer edges (±0.55·bw) stay inside the box.
        let bw = fig.w.min(fig.h * 0.38) * 0.9;
        raster::fill_ellipse(
            frame,
            cx,
            fig.y + fig.h,
            bw * 0.62,
            (fig.h * 0.035).max(1.0),
            [0.0; 3],
            0.35 * (1.0 - fog),
        );
        // A dark rim offset down-right separates the silhouette from any background.
        let rim = (fig.h * 0.012).max(1.0);
        silhouette(
            frame,
            fig,
            cx + rim,
            fig.y + rim,
            bw,
            [0.0; 3],
            [0.0; 3],
            0.35 * (1.0 - fog),
        );
        silhouette(frame, fig, cx, fig.y, bw, body, head, 1.0);
    }
}

/// Head, torso, arms, hips and legs within the box, centred at `cx`, body width `bw`.
#[allow(clippy::too_many_arguments)]
fn silhouette(
    frame: &mut RgbFrame,
    fig: &Placed,
    cx: f32,
    top: f32,
    bw: f32,
    body: Rgb,
    head: Rgb,
    alpha: f32,
) {
    let h = fig.h;
    let y = |f: f32| top + h * f;
    let head_r = (h * 0.095).min(bw * 0.36);
    let shoulder = y(0.215);
    let waist = y(0.53);
    let hip = y(0.60);
    let feet = y(1.0);
    let torso = [
        (cx - bw * 0.38, shoulder),
        (cx + bw * 0.38, shoulder),
        (cx + bw * 0.50, shoulder + h * 0.045),
        (cx + bw * 0.38, waist),
        (cx - bw * 0.38, waist),
        (cx - bw * 0.50, shoulder + h * 0.045),
    ];
    raster::fill_convex(frame, &torso, body, alpha);
    let hips = [
        (cx - bw * 0.38, waist - 1.0),
        (cx + bw * 0.38, waist - 1.0),
        (cx + bw * 0.40, hip),
        (cx - bw * 0.40, hip),
    ];
    raster::fill_convex(frame, &hips, body, alpha);
    for side in [-1.0f32, 1.0] {
        let arm = [
            (cx + side * bw * 0.40, shoulder + h * 0.01),
            (cx + side * bw * 0.52, shoulder + h * 0.03),
            (cx + side * bw * 0.55, y(0.56)),
            (cx + side * bw * 0.43, y(0.56)),
        ];
        raster::fill_convex(frame, &arm, body, alpha);
        let leg = [
            (cx + side * bw * 0.03, hip - 1.0),
            (cx + side * bw * 0.38, hip - 1.0),
            (cx + side * bw * 0.33, feet),
            (cx + side * bw * 0.08, feet),
        ];
        raster::fill_convex(frame, &leg, body, alpha);
    }
    // Neck, then the head.
    raster::fill_rect(
        frame,
        cx - head_r * 0.35,
        y(0.16),
        cx + head_r * 0.35,
        shoulder + 1.0,
        head,
        alpha,
    );
    raster::fill_circle(frame, cx, y(0.105), head_r, head, alpha);
}

/// Name tags above the figures' heads, kept inside the frame below `top_limit` (the caption).
pub fn draw_tags(frame: &mut RgbFrame, text: &mut Text, figures: &[Placed], top_limit: f32) {
    let (fw, fh) = (frame.width as f32, frame.height as f32);
    let style = Style::bold(fh * 0.03);
    let m = text.metrics(style);
    for fig in figures.iter().filter(|f| f.visible(fw, fh)) {
        let label = fig.name.as_str();
        if label.is_empty() {
            continue;
        }
        let tw = text.measure(label, style);
        let pad = style.px as f32 * 0.45;
        let swatch = style.px as f32 * 0.55;
        let tag_w = tw + pad * 3.0 + swatch;
        let tag_h = m.ascent - m.descent + pad;
        let cx = fig.x + fig.w * 0.5;
        let x0 = (cx - tag_w * 0.5).clamp(2.0, (fw - tag_w - 2.0).max(2.0));
        let y0 = (fig.y - tag_h - fh * 0.012)
            .clamp(top_limit + 2.0, (fh - tag_h - 2.0).max(top_limit + 2.0));
        raster::fill_round_rect(
            frame,
            x0,
            y0,
            x0 + tag_w,
            y0 + tag_h,
            tag_h * 0.3,
            [0.05, 0.05, 0.06],
            0.72,
        );
        let sy = y0 + (tag_h - swatch) * 0.5;
        raster::fill_round_rect(
            frame,
            x0 + pad,
            sy,
            x0 + pad + swatch,
            sy + swatch,
            swatch * 0.3,
            fig.colour,
            1.0,
        );
        text.draw(
            frame,
            label,
            x0 + pad * 2.0 + swatch,
            y0 + pad * 0.5 + m.ascent,
            style,
            [1.0; 3],
            0.95,
        );
    }
}
