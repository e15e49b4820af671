//! Characters as figures: a head and a body silhouette in the character's colour, filling the
//! screen box the schedule gives for the frame, with a soft contact shadow and a name tag. Props
//! as what they are: a block of their colour filling their box (which the schedule sized from
//! their real dimensions), a long one (a train) with a lit band of windows, never a person.
//!
//! With a key light, figures and props take its colour and are lit from its side: a lit edge
//! toward the light and the far side in shade.
//!
//! Figures are placed in screen space (the schedule's boxes are), so they are drawn over the set.
//! Nearer figures (by depth along the lens axis, from each box's size) are drawn last.

use scene_plan::schedule::{LightSide, Subject, SubjectKind};

use crate::frame::RgbFrame;

use super::facing;
use super::light::Key;
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
    /// A prop's real width and height in metres; `None` for a character.
    pub prop: Option<[f32; 2]>,
    /// Which side of the figure the camera sees.
    pub seen: facing::Seen,
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

/// The subjects' boxes at `frame` (the last box holds if the track is short), farthest from the
/// lens first and nearest last.
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
                prop: (s.kind == SubjectKind::Prop).then(|| {
                    let [w, h] = s.dimensions_m.unwrap_or([0.3, 0.3]);
                    [w as f32, h as f32]
                }),
                seen: facing::Seen::of(
                    s.view_deg
                        .as_ref()
                        .and_then(|v| v.get(frame).or_else(|| v.last()).copied()),
                ),
            })
        })
        .collect();
    // Farthest from the lens first, so a nearer subject is drawn over a farther one even when
    // it is raised or held (its feet higher on screen than those of a figure behind it). The
    // depth scale is the same for every subject of a frame, so any focal length orders them;
    // equal depths fall back to the feet, then (a stable sort) to the order of first mention.
    out.sort_by(|a, b| {
        depth_of(b, 1.0)
            .total_cmp(&depth_of(a, 1.0))
            .then((a.y + a.h).total_cmp(&(b.y + b.h)))
    });
    out
}

/// Distance along the lens axis of a 1.7 m figure (or a prop of its real height) of this screen
/// height: the schedule sized each box as its real height seen at its depth
/// (compiler/plan/src/blocking.rs), so the box gives the depth back. Used for fog, focus and
/// draw order.
pub fn depth_of(fig: &Placed, focal_px: f32) -> f32 {
    let metres = fig.prop.map_or(1.7, |[_, h]| h);
    metres * focal_px / fig.h.max(1.0)
}

pub fn draw_figures(
    frame: &mut RgbFrame,
    figures: &[Placed],
    p: &Palette,
    focal_px: f32,
    key: Option<&Key>,
) {
    let (fw, fh) = (frame.width as f32, frame.height as f32);
    for fig in figures.iter().filter(|f| f.visible(fw, fh)) {
        let fog = p.fog_amount(depth_of(fig, focal_px)) * 0.9;
        let colour = match key {
            Some(k) => {
                let t = k.subject_tint();
                [0, 1, 2].map(|i| fig.colour[i] * t[i])
            }
            None => fig.colour,
        };
        if fig.prop.is_some() {
            draw_prop(frame, fig, colour, p, fog, key);
            continue;
        }
        let body = mix(raster::scale(colour, p.figure_light), p.fog, fog);
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
        match key {
            None => silhouette(frame, fig, cx, fig.y, bw, body, head, 1.0),
            Some(k) => {
                // The figure in the light's colour, shifted toward the light, then the body in
                // shade over it: what shows of the first is the edge the light falls on.
                let lit_body = mix(raster::scale(colour, p.figure_light * 1.25), p.fog, fog);
                let lit_head = mix(mix(lit_body, [0.96, 0.86, 0.76], 0.45), p.fog, fog);
                let edge = bw * (0.08 + 0.1 * k.strength);
                let (dx, dy) = toward(k.side, edge);
                silhouette(frame, fig, cx + dx, fig.y + dy, bw, lit_body, lit_head, 1.0);
                let shade = k.shade();
                silhouette(
                    frame,
                    fig,
                    cx,
                    fig.y,
                    bw,
                    raster::scale(body, shade),
                    raster::scale(head, shade),
                    1.0,
                );
            }
        }
        let (head_r, head_y) = head_of(fig, bw);
        facing::draw_head(frame, fig.seen, cx, head_y, head_r, head, p.fog, fog);
    }
}

/// The radius and centre height of a figure's head, as [`silhouette`] draws it.
fn head_of(fig: &Placed, bw: f32) -> (f32, f32) {
    ((fig.h * 0.095).min(bw * 0.36), fig.y + fig.h * 0.105)
}

/// The screen offset toward a light's side (y down). Front and back light show no edge.
fn toward(side: LightSide, by: f32) -> (f32, f32) {
    match side {
        LightSide::Left => (-by, 0.0),
        LightSide::Right => (by, 0.0),
        LightSide::Above => (0.0, -by),
        LightSide::Below => (0.0, by),
        LightSide::Front | LightSide::Back => (0.0, 0.0),
    }
}

/// A prop: a block filling its box with a dark rim, lit from the key's side (else from above),
/// and a long, low one (a train, a bus) with a band of lit windows.
fn draw_prop(
    frame: &mut RgbFrame,
    fig: &Placed,
    colour: Rgb,
    p: &Palette,
    fog: f32,
    key: Option<&Key>,
) {
    let (x0, y0, x1, y1) = (fig.x, fig.y, fig.x + fig.w, fig.y + fig.h);
    let body = mix(raster::scale(colour, p.figure_light), p.fog, fog);
    let radius = fig.w.min(fig.h) * 0.12;
    let rim = (fig.h.min(fig.w) * 0.04).clamp(1.0, 4.0);
    raster::fill_round_rect(
        frame,
        x0 + rim,
        y0 + rim,
        x1 + rim,
        y1 + rim,
        radius,
        [0.0; 3],
        0.35 * (1.0 - fog),
    );
    raster::fill_round_rect(frame, x0, y0, x1, y1, radius, body, 1.0);
    // The half away from the light in shade; a thin lit band on the edge toward it.
    let (side, shade) = match key {
        Some(k) => (k.side, k.shade()),
        None => (LightSide::Above, 0.8),
    };
    let dark = raster::scale(body, shade);
    let light = mix(body, [1.0; 3], 0.3);
    let band = (fig.w.min(fig.h) * 0.08).max(1.0);
    let (mx, my) = (x0 + fig.w * 0.5, y0 + fig.h * 0.5);
    match side {
        LightSide::Left => {
            raster::fill_rect(frame, mx, y0 + radius, x1, y1 - radius, dark, 1.0);
            raster::fill_rect(frame, x0, y0 + radius, x0 + band, y1 - radius, light, 1.0);
        }
        LightSide::Right => {
            raster::fill_rect(frame, x0, y0 + radius, mx, y1 - radius, dark, 1.0);
            raster::fill_rect(frame, x1 - band, y0 + radius, x1, y1 - radius, light, 1.0);
        }
        LightSide::Above | LightSide::Front => {
            raster::fill_rect(frame, x0 + radius, my, x1 - radius, y1, dark, 1.0);
            raster::fill_rect(frame, x0 + radius, y0, x1 - radius, y0 + band, light, 1.0);
        }
        LightSide::Below => {
            raster::fill_rect(frame, x0 + radius, y0, x1 - radius, my, dark, 1.0);
            raster::fill_rect(frame, x0 + radius, y1 - band, x1 - radius, y1, light, 1.0);
        }
        LightSide::Back => {
            raster::fill_round_rect(frame, x0, y0, x1, y1, radius, dark, 1.0);
            raster::fill_rect(frame, x0 + radius, y0, x1 - radius, y0 + band, light, 1.0);
        }
    }
    if let Some([w_m, h_m]) = fig.prop {
        if w_m > 3.0 * h_m {
            // A band of windows, one a metre and a half apart along the length.
            let count = ((w_m / 1.5).round() as usize).clamp(2, 80);
            let step = fig.w / count as f32;
            let (wy0, wy1) = (y0 + fig.h * 0.3, y0 + fig.h * 0.55);
            let glass = mix(mix(body, [1.0, 0.95, 0.8], 0.7), p.fog, fog);
            for i in 0..count {
                let wx0 = x0 + step * (i as f32 + 0.15);
                raster::fill_rect(frame, wx0, wy0, wx0 + step * 0.7, wy1, glass, 1.0);
            }
        }
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
