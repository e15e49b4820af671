//! Text from the embedded DejaVu Sans (regular and bold; Bitstream Vera licence, see
//! `assets/LICENSE-DejaVu.txt`), rasterised with fontdue and cached per glyph and size.
//!
//! fontdue is built without its SIMD paths, so a glyph's coverage is the same bytes on every
//! machine. Pen positions are rounded to whole pixels.

use std::collections::HashMap;
use std::sync::OnceLock;

use fontdue::{Font, FontSettings};

use crate::error::RenderError;
use crate::frame::RgbFrame;

use super::cmap;
use super::raster::{self, Rgb};

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A face at a pixel size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Style {
    pub face: Face,
    pub px: u32,
}

impl Style {
    pub fn regular(px: f32) -> Style {
        Style {
            face: Face::Regular,
            px: px.round().max(6.0) as u32,
        }
    }
    pub fn bold(px: f32) -> Style {
        Style {
            face: Face::Bold,
            px: px.round().max(6.0) as u32,
        }
    }
}

/// The common characters of both faces ([`cmap::common`]): what almost every frame draws.
pub struct Fonts {
    regular: Font,
    bold: Font,
}

fn ttf(face: Face) -> &'static [u8] {
    match face {
        Face::Regular => REGULAR_TTF,
        Face::Bold => BOLD_TTF,
    }
}

fn parse(ttf: &[u8], face: Face, settings: FontSettings) -> Result<Font, String> {
    Font::from_bytes(ttf, settings).map_err(|e| format!("{face:?} face: {e}"))
}

/// The settings both copies of a face are parsed with. The scale changes the outlines fontdue
/// keeps, so it is the same for both; substitutions only serve fontdue's glyph-index calls,
/// which this module does not make.
fn settings(load_substitutions: bool) -> FontSettings {
    FontSettings {
        scale: 40.0,
        load_substitutions,
        ..FontSettings::default()
    }
}

/// The embedded fonts' common characters, parsed once per process (a few milliseconds).
pub fn fonts() -> Result<&'static Fonts, RenderError> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    let parsed = FONTS.get_or_init(|| {
        let common = |face: Face| {
            let copy =
                cmap::subset(ttf(face), cmap::common).map_err(|e| format!("{face:?} face: {e}"))?;
            parse(&copy, face, settings(false))
        };
        Ok(Fonts {
            regular: common(Face::Regular)?,
            bold: common(Face::Bold)?,
        })
    });
    parsed.as_ref().map_err(|message| RenderError::Backend {
        backend: "previz".into(),
        shot: String::new(),
        message: format!("embedded font: {message}"),
    })
}

/// A whole face, parsed the first time a frame draws a character outside the common ones
/// (about a tenth of a second). `None` if it does not parse, which the embedded faces do (the
/// common copy, the same tables, parsed before any frame).
fn whole(face: Face) -> Option<&'static Font> {
    static REGULAR: OnceLock<Option<Font>> = OnceLock::new();
    static BOLD: OnceLock<Option<Font>> = OnceLock::new();
    let cell = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    cell.get_or_init(|| parse(ttf(face), face, settings(true)).ok())
        .as_ref()
}

struct Glyph {
    xmin: i32,
    ymin: i32,
    width: usize,
    height: usize,
    advance: f32,
    coverage: Vec<u8>,
}

/// Rasterised glyphs of one render, keyed by face, character and size. Lookups only, never
/// iterated, so a `HashMap` cannot leak its order into a frame.
pub struct Text {
    fonts: &'static Fonts,
    glyphs: HashMap<(Face, char, u32), Glyph>,
}

/// Vertical metrics of a style, in pixels.
#[derive(Clone, Copy, Debug)]
pub struct LineMetrics {
    pub ascent: f32,
    pub descent: f32,
    pub line_height: f32,
}

impl Text {
    pub fn new() -> Result<Text, RenderError> {
        Ok(Text {
            fonts: fonts()?,
            glyphs: HashMap::new(),
        })
    }

    /// The common copy of a face: its line metrics are the whole face's.
    fn font(&self, face: Face) -> &'static Font {
        match face {
            Face::Regular => &self.fonts.regular,
            Face::Bold => &self.fonts.bold,
        }
    }

    /// The face that draws `chars`: the common copy when it maps them all, else the whole face
    /// (the same glyphs, so the choice never changes a pixel).
    fn font_for(&self, face: Face, chars: &[char]) -> &'static Font {
        if chars.iter().all(|&c| cmap::common(c)) {
            self.font(face)
        } else {
            whole(face).unwrap_or_else(|| self.font(face))
        }
    }

    fn glyph(&mut self, style: Style, ch: char) -> &Glyph {
        let font = self.font_for(style.face, &[ch]);
        self.glyphs
            .entry((style.face, ch, style.px))
            .or_insert_with(|| {
                let (m, coverage) = font.rasterize(ch, style.px as f32);
                Glyph {
                    xmin: m.xmin,
                    ymin: m.ymin,
                    width: m.width,
                    height: m.height,
                    advance: m.advance_width,
                    coverage,
                }
            })
    }

    pub fn metrics(&self, style: Style) -> LineMetrics {
        let px = style.px as f32;
        match self.font(style.face).horizontal_line_metrics(px) {
            Some(m) => LineMetrics {
                ascent: m.ascent,
                descent: m.descent,
                line_height: m.new_line_size,
            },
            None => LineMetrics {
                ascent: px * 0.93,
                descent: -px * 0.24,
                line_height: px * 1.17,
            },
        }
    }

    fn kern(&self, style: Style, a: char, b: char) -> f32 {
        self.font_for(style.face, &[a, b])
            .horizontal_kern(a, b, style.px as f32)
            .unwrap_or(0.0)
    }

    /// Advance width of a single line of text.
    pub fn measure(&mut self, text: &str, style: Style) -> f32 {
        let mut x = 0.0f32;
        let mut prev: Option<char> = None;
        for ch in text.chars().filter(|c| !c.is_control()) {
            if let Some(p) = prev {
                x += self.kern(style, p, ch);
            }
            x += self.glyph(style, ch).advance;
            prev = Some(ch);
        }
        x
    }

    /// Breaks text into lines no wider than `max_width` at spaces (a word longer than a line is
    /// broken by characters); newlines in the text start new lines. At most `max_lines` lines;
    /// the last one ends with an ellipsis when text was cut.
    pub fn wrap(
        &mut self,
        text: &str,
        style: Style,
        max_width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut cut = false;
        'paragraphs: for para in text.split('\n') {
            let mut line = String::new();
            for word in para.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, style) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    if lines.len() >= max_lines {
                        cut = true;
                        break 'paragraphs;
                    }
                }
                // The word alone: break it by characters if it still does not fit.
                let mut piece = String::new();
                for ch in word.chars() {
                    piece.push(ch);
                    if self.measure(&piece, style) > max_width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(ch);
                        if lines.len() >= max_lines {
                            cut = true;
                            break 'paragraphs;
                        }
                    }
                }
                line = piece;
            }
            if !line.is_empty() {
                if lines.len() >= max_lines {
                    cut = true;
                    break;
                }
                lines.push(line);
            }
        }
        if cut {
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.measure(&format!("{last}…"), style) > max_width {
                    last.pop();
                }
                let trimmed = last.trim_end().to_string();
                *last = format!("{trimmed}…");
            }
        }
        lines
    }

    /// Draws one line with its left end at `x` and its baseline at `baseline`.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        frame: &mut RgbFrame,
        text: &str,
        x: f32,
        baseline: f32,
        style: Style,
        rgb: Rgb,
        alpha: f32,
    ) {
        let col = raster::rgb8(rgb);
        let mut pen = x;
        let mut prev: Option<char> = None;
        for ch in text.chars().filter(|c| !c.is_control()) {
            if let Some(p) = prev {
                pen += self.kern(style, p, ch);
            }
            let g = self.glyph(style, ch);
            let gx = pen.round() as i32 + g.xmin;
            let gy = baseline.round() as i32 - g.ymin - g.height as i32;
            raster::blend_mask(frame, &g.coverage, g.width, g.height, gx, gy, col, alpha);
            pen += g.advance;
            prev = Some(ch);
        }
    }

    /// Draws a line with a dark outline around it, readable on any picture.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_outlined(
        &mut self,
        frame: &mut RgbFrame,
        text: &str,
        x: f32,
        baseline: f32,
        style: Style,
        rgb: Rgb,
        outline: Rgb,
        alpha: f32,
    ) {
        let r = (style.px as f32 / 14.0).max(1.0).round();
        for (dx, dy) in [
            (-r, 0.0),
            (r, 0.0),
            (0.0, -r),
            (0.0, r),
            (-r, -r),
            (r, -r),
            (-r, r),
            (r, r),
        ] {
            self.draw(
                frame,
                text,
                x + dx,
                baseline + dy,
                style,
                outline,
                alpha * 0.7,
            );
        }
        self.draw(frame, text, x, baseline, style, rgb, alpha);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(face: Face) -> (Font, Font) {
        let copy = cmap::subset(ttf(face), cmap::common).unwrap();
        (
            parse(&copy, face, settings(false)).unwrap(),
            parse(ttf(face), face, settings(true)).unwrap(),
        )
    }

    fn common_chars() -> Vec<char> {
        (0u32..0x3000)
            .filter_map(char::from_u32)
            .filter(|&c| cmap::common(c))
            .collect()
    }

    /// The pixel sizes the overlays, tags and storyboards use at the example films' sizes.
    const SIZES: [f32; 8] = [6.0, 9.0, 11.0, 13.0, 17.0, 22.0, 30.0, 44.0];

    /// The common copy draws every common character exactly as the whole face does: the same
    /// metrics and coverage bytes at every size, and the same kerning and line metrics.
    #[test]
    fn the_common_copy_draws_what_the_whole_face_draws() {
        let chars = common_chars();
        for face in [Face::Regular, Face::Bold] {
            let (copy, whole) = both(face);
            for &px in &SIZES {
                for &ch in &chars {
                    let (a, ca) = copy.rasterize(ch, px);
                    let (b, cb) = whole.rasterize(ch, px);
                    let key = |m: fontdue::Metrics| {
                        (m.xmin, m.ymin, m.width, m.height, m.advance_width.to_bits())
                    };
                    assert_eq!(key(a), key(b), "{face:?} {ch:?} at {px}px");
                    assert_eq!(ca, cb, "{face:?} {ch:?} at {px}px");
                }
                let metrics = |f: &Font| {
                    f.horizontal_line_metrics(px).map(|m| {
                        (
                            m.ascent.to_bits(),
                            m.descent.to_bits(),
                            m.new_line_size.to_bits(),
                        )
                    })
                };
                assert_eq!(metrics(&copy), metrics(&whole));
                for a in chars.iter().copied().filter(char::is_ascii_graphic) {
                    for b in chars.iter().copied().filter(char::is_ascii_graphic) {
                        assert_eq!(
                            copy.horizontal_kern(a, b, px).map(f32::to_bits),
                            whole.horizontal_kern(a, b, px).map(f32::to_bits),
                            "{face:?} kern {a:?}{b:?} at {px}px"
                        );
                    }
                }
            }
        }
    }

    /// A character outside the common ones comes from the whole face: a real glyph, not the
    /// copy's missing-glyph box; and a pair with one of them is kerned by the whole face.
    #[test]
    fn other_characters_come_from_the_whole_face() {
        let mut text = Text::new().unwrap();
        let style = Style::regular(20.0);
        let zhe = text.glyph(style, 'Ж').coverage.clone();
        let (copy, whole) = both(Face::Regular);
        assert_eq!(zhe, whole.rasterize('Ж', 20.0).1);
        assert_ne!(zhe, copy.rasterize('Ж', 20.0).1, "the copy has no Ж");
        assert_eq!(
            text.kern(style, 'A', 'Ж').to_bits(),
            whole
                .horizontal_kern('A', 'Ж', 20.0)
                .unwrap_or(0.0)
                .to_bits()
        );
    }
}
