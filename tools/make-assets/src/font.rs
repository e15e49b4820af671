//! A 5×7 pixel capital font for title cards and end cards.

use crate::canvas::{Canvas, Rgb};

const W: usize = 5;
const H: usize = 7;

fn glyph(c: char) -> Option<[&'static str; H]> {
    Some(match c {
        'A' => [
            " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'B' => [
            "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ",
        ],
        'C' => [
            " ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### ",
        ],
        'D' => [
            "#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ",
        ],
        'E' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####",
        ],
        'F' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ",
        ],
        'G' => [
            " ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####",
        ],
        'H' => [
            "#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'I' => [
            " ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        ],
        'J' => [
            "  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  ",
        ],
        'K' => [
            "#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #",
        ],
        'L' => [
            "#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####",
        ],
        'M' => [
            "#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #",
        ],
        'N' => [
            "#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #",
        ],
        'O' => [
            " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'P' => [
            "#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ",
        ],
        'Q' => [
            " ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #",
        ],
        'R' => [
            "#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #",
        ],
        'S' => [
            " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ",
        ],
        'T' => [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'U' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'V' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ",
        ],
        'W' => [
            "#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # ",
        ],
        'X' => [
            "#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #",
        ],
        'Y' => [
            "#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'Z' => [
            "#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####",
        ],
        '0' => [
            " ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### ",
        ],
        '1' => [
            "  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        ],
        '2' => [
            " ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####",
        ],
        '3' => [
            "#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### ",
        ],
        '4' => [
            "   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # ",
        ],
        '5' => [
            "#####", "#    ", "#### ", "    #", "    #", "#   #", " ### ",
        ],
        '6' => [
            "  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### ",
        ],
        '7' => [
            "#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   ",
        ],
        '8' => [
            " ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### ",
        ],
        '9' => [
            " ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  ",
        ],
        ' ' => [
            "     ", "     ", "     ", "     ", "     ", "     ", "     ",
        ],
        '.' => [
            "     ", "     ", "     ", "     ", "     ", "     ", "  #  ",
        ],
        ',' => [
            "     ", "     ", "     ", "     ", "     ", "  #  ", " #   ",
        ],
        '!' => [
            "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "     ", "  #  ",
        ],
        '-' => [
            "     ", "     ", "     ", " ### ", "     ", "     ", "     ",
        ],
        '\'' => [
            "  #  ", "  #  ", "     ", "     ", "     ", "     ", "     ",
        ],
        ':' => [
            "     ", "  #  ", "     ", "     ", "     ", "  #  ", "     ",
        ],
        '&' => [
            " ##  ", "#  # ", "# #  ", " #   ", "# # #", "#  # ", " ## #",
        ],
        _ => return None,
    })
}

/// Width in pixels of `text` drawn with cells of `scale` pixels.
pub fn text_width(text: &str, scale: f64) -> f64 {
    let n = text.chars().count();
    if n == 0 {
        return 0.0;
    }
    ((n * (W + 1) - 1) as f64) * scale
}

/// Draws `text` with its top-left corner at (x, y). Characters without a glyph are a bug in the
/// caller's constant text, so they are reported rather than skipped.
pub fn draw_text(canvas: &mut Canvas, text: &str, x: f64, y: f64, scale: f64, color: Rgb) {
    for (i, c) in text.chars().enumerate() {
        let rows = glyph(c).unwrap_or_else(|| panic!("no glyph for {c:?} in {text:?}"));
        let left = x + (i * (W + 1)) as f64 * scale;
        for (r, row) in rows.iter().enumerate() {
            for (k, cell) in row.chars().enumerate() {
                if cell == '#' {
                    let px = left + k as f64 * scale;
                    let py = y + r as f64 * scale;
                    canvas.rect(px, py, px + scale, py + scale, color, 1.0);
                }
            }
        }
    }
}

/// Draws `text` centred horizontally on `cx`.
pub fn draw_centered(canvas: &mut Canvas, text: &str, cx: f64, y: f64, scale: f64, color: Rgb) {
    draw_text(
        canvas,
        text,
        cx - text_width(text, scale) / 2.0,
        y,
        scale,
        color,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_is_five_by_seven() {
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!-':&".chars() {
            let g = glyph(c).unwrap();
            assert!(g.iter().all(|row| row.chars().count() == W), "{c:?}");
        }
        assert_eq!(text_width("AB", 2.0), 22.0);
    }
}
