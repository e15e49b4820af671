//! Byte offsets ⇄ editor positions.
//!
//! The AST counts bytes of UTF-8; editors count UTF-16 code units within a line. Every
//! conversion goes through here so that a line with `é` or an emoji before the cursor still
//! lands on the right character.

/// A position as editors count it: a 0-based line and a column in UTF-16 code units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the first character of each line.
    starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex {
            starts,
            len: text.len() as u32,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len as usize) as u32;
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len) as usize
    }

    /// End of the line's content (before its `\n`, and before a `\r` preceding it).
    fn line_end(&self, text: &str, line: usize) -> usize {
        let end = match self.starts.get(line + 1) {
            Some(&next) => next as usize - 1,
            None => self.len as usize,
        };
        let start = self.line_start(line);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// The position of byte `offset`. Offsets inside a multi-byte character are moved back
    /// to its start; offsets past the end clamp to the end.
    pub fn position(&self, text: &str, offset: usize) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        LineCol {
            line: line as u32,
            col: character as u32,
        }
    }

    /// The byte offset of a position. A column past the end of its line clamps to the line's
    /// end (as the protocol asks); a line past the end of the text clamps to the end. A column
    /// between the two halves of a surrogate pair lands after the character.
    pub fn offset(&self, text: &str, position: LineCol) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.line_start(line);
        let end = self.line_end(text, line);
        let mut units = 0u32;
        for (i, c) in text[start..end].char_indices() {
            if units >= position.col {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_non_ascii() {
        let text = "a é 😀 b\nsecond\r\nthird";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap();
        let p = index.position(text, b);
        // `a`, space, `é`, space, the emoji (two UTF-16 units), space.
        assert_eq!(p, LineCol { line: 0, col: 7 });
        assert_eq!(index.offset(text, p), b);
        let third = text.find("third").unwrap();
        assert_eq!(index.position(text, third), LineCol { line: 2, col: 0 });
        // Past the end of a CRLF line clamps before the `\r`.
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 99 }),
            text.find("\r").unwrap()
        );
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }), text.len());
    }
}
