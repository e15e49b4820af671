//! A copy of a TrueType font whose character map names only some characters.
//!
//! fontdue builds the outline of every glyph the character map reaches when it parses a face
//! (DejaVu Sans: about 5,800, a tenth of a second and tens of megabytes per face), before the
//! first frame can be drawn. Almost every frame's text is Latin, so [`super::text`] parses a
//! copy of each face whose map holds only the common characters, and the whole face only when
//! a frame asks for a character outside them.
//!
//! The copy changes nothing else: the glyph outlines, advances, kerning and line metrics are the
//! same tables, so a character the copy maps is rasterised to the same bytes as from the whole
//! face (`text.rs` tests this for every common character). The mapping itself is computed the
//! way fontdue reads a map — every subtable in order, a later one overriding an earlier one,
//! glyph 0 never recorded — so each kept character reaches the glyph it reaches in the whole face.

use std::collections::BTreeMap;

use ttf_parser::Face;

/// The characters of the copy: printable ASCII, Latin-1 and Latin Extended-A, and the general
/// punctuation (dashes, quotes, the ellipsis `wrap` appends), the euro, trade mark and arrows.
pub fn common(ch: char) -> bool {
    matches!(
        ch as u32,
        0x20..=0x7e | 0xa0..=0x17f | 0x2010..=0x2027 | 0x2030..=0x203a | 0x20ac | 0x2122
            | 0x2190..=0x2193
    )
}

/// What the face's map gives each character `keep` accepts, as fontdue would read it.
fn mapping(face: &Face<'_>, keep: impl Fn(char) -> bool) -> BTreeMap<u16, u16> {
    let mut map = BTreeMap::new();
    if let Some(cmap) = face.tables().cmap {
        for subtable in cmap.subtables {
            subtable.codepoints(|cp| {
                let Some(ch) = char::from_u32(cp).filter(|&c| keep(c)) else {
                    return;
                };
                // Only the basic plane fits a format-4 map; `common` holds nothing beyond it.
                let Ok(code) = u16::try_from(ch as u32) else {
                    return;
                };
                if let Some(glyph) = subtable.glyph_index(cp).filter(|g| g.0 != 0) {
                    map.insert(code, glyph.0);
                }
            });
        }
    }
    map
}

/// A `cmap` table with one Windows Unicode (3, 1) format-4 subtable mapping exactly `map`.
fn cmap_table(map: &BTreeMap<u16, u16>) -> Vec<u8> {
    // Runs of consecutive characters whose glyphs are consecutive too share one segment.
    let mut segments: Vec<(u16, u16, u16)> = Vec::new(); // (start, end, delta)
    for (&code, &glyph) in map {
        let delta = glyph.wrapping_sub(code);
        match segments.last_mut() {
            Some((_, end, d)) if *end + 1 == code && *d == delta => *end = code,
            _ => segments.push((code, code, delta)),
        }
    }
    // The map must end with a segment for 0xFFFF that maps it to glyph 0.
    segments.push((0xffff, 0xffff, 1));
    let n = segments.len() as u16;
    let entry_selector = 15 - n.leading_zeros() as u16; // floor(log2(n))
    let search_range = 2u16 << entry_selector;
    let length = 16 + 8 * segments.len();
    let mut sub = Vec::with_capacity(length);
    let put = |v: u16, out: &mut Vec<u8>| out.extend_from_slice(&v.to_be_bytes());
    for v in [
        4,
        length as u16,
        0,
        2 * n,
        search_range,
        entry_selector,
        2 * n - search_range,
    ] {
        put(v, &mut sub);
    }
    for &(_, end, _) in &segments {
        put(end, &mut sub);
    }
    put(0, &mut sub); // reservedPad
    for &(start, _, _) in &segments {
        put(start, &mut sub);
    }
    for &(_, _, delta) in &segments {
        put(delta, &mut sub);
    }
    for _ in &segments {
        put(0, &mut sub); // idRangeOffset: glyph = code + delta
    }
    let mut table = Vec::with_capacity(12 + sub.len());
    for v in [0u16, 1, 3, 1] {
        put(v, &mut table);
    }
    table.extend_from_slice(&12u32.to_be_bytes());
    table.extend_from_slice(&sub);
    table
}

fn checksum(table: &[u8]) -> u32 {
    table.chunks(4).fold(0u32, |sum, word| {
        let mut w = [0u8; 4];
        w[..word.len()].copy_from_slice(word);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// `ttf` with its character map cut down to the characters `keep` accepts: the new map is
/// appended and the table directory's `cmap` record pointed at it, every other table untouched.
pub fn subset(ttf: &[u8], keep: impl Fn(char) -> bool) -> Result<Vec<u8>, String> {
    let face = Face::parse(ttf, 0).map_err(|e| e.to_string())?;
    let table = cmap_table(&mapping(&face, keep));
    let tables = match ttf.get(4..6) {
        Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => return Err("no table directory".into()),
    };
    let record = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&at| ttf.get(at..at + 4) == Some(&b"cmap"[..]))
        .ok_or("no cmap table")?;
    let mut out = ttf.to_vec();
    out.resize(out.len().next_multiple_of(4), 0);
    let offset = u32::try_from(out.len()).map_err(|_| "font too large")?;
    out.extend_from_slice(&table);
    out.resize(out.len().next_multiple_of(4), 0);
    out[record + 4..record + 8].copy_from_slice(&checksum(&table).to_be_bytes());
    out[record + 8..record + 12].copy_from_slice(&offset.to_be_bytes());
    out[record + 12..record + 16].copy_from_slice(&(table.len() as u32).to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    static REGULAR: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

    #[test]
    fn the_copy_maps_exactly_the_common_characters_to_the_same_glyphs() {
        let whole = Face::parse(REGULAR, 0).unwrap();
        let copy = subset(REGULAR, common).unwrap();
        let copy = Face::parse(&copy, 0).unwrap();
        let want = mapping(&whole, common);
        assert!(want.len() > 300, "{} common characters mapped", want.len());
        assert_eq!(mapping(&copy, |_| true), want);
        assert_eq!(copy.glyph_index('Ж'), None);
        assert_eq!(copy.number_of_glyphs(), whole.number_of_glyphs());
        assert_eq!(copy.units_per_em(), whole.units_per_em());
    }

    #[test]
    fn runs_share_segments_and_the_map_ends_at_ffff() {
        let map: BTreeMap<u16, u16> = [(0x41, 36), (0x42, 37), (0x43, 38), (0x61, 68), (0x63, 70)]
            .into_iter()
            .collect();
        let table = cmap_table(&map);
        let seg_x2 = u16::from_be_bytes([table[12 + 6], table[12 + 7]]);
        // A-C, a, c and the 0xFFFF end.
        assert_eq!(seg_x2, 8);
    }
}
