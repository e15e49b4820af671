//! Every source file of a compilation: its path, text, line index and parsed tree, by `FileId`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use scene_syntax::ast;
use scene_syntax::{FileId, Parse, Span};

/// Where a file came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A file on disk (canonical path).
    File(PathBuf),
    /// A standard-library module compiled into the tool (`camera` for `std.camera`).
    Std(&'static str),
}

#[derive(Clone, Debug)]
pub struct Source {
    pub origin: Origin,
    /// The path as shown to the writer: the canonical path for files, `std/<module>.scene` for
    /// standard-library modules.
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Characters before each [`CHAR_BLOCK`]-byte block: columns in characters on a long line
    /// cost one block's count, not the whole line's (a one-line file with thousands of
    /// diagnostics made JSON output quadratic).
    char_blocks: Vec<usize>,
    /// The parse, shared with the [`crate::Parses`] that handed it out.
    parse: Arc<Parse>,
}

/// The files of one compilation. `FileId(n)` is the n-th file added; the entry file is
/// `FileId(0)`.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<Source>,
}

impl Sources {
    pub fn new() -> Self {
        Sources::default()
    }

    /// A single file (for rendering diagnostics of a file that was parsed on its own).
    pub fn single(path: &Path, text: &str) -> Self {
        let mut sources = Sources::new();
        sources.push(
            Origin::File(path.to_path_buf()),
            path.to_path_buf(),
            text.to_string(),
        );
        sources
    }

    /// Adds a file with an empty tree (see [`Sources::set_ast`]). Returns its id.
    pub fn push(&mut self, origin: Origin, path: PathBuf, text: String) -> FileId {
        let id = FileId(self.files.len() as u32);
        let parse = Arc::new(Parse {
            file: ast::SourceFile {
                file: id,
                items: Vec::new(),
                comments: Vec::new(),
            },
            diagnostics: Vec::new(),
        });
        let line_starts = line_starts(&text);
        let char_blocks = char_blocks(&text);
        self.files.push(Source {
            origin,
            path,
            text,
            line_starts,
            char_blocks,
            parse,
        });
        id
    }

    pub fn set_ast(&mut self, file: FileId, ast: ast::SourceFile) {
        self.set_parse(
            file,
            Arc::new(Parse {
                file: ast,
                diagnostics: Vec::new(),
            }),
        );
    }

    /// Sets the file's tree to that of `parse` (its diagnostics are the caller's to report).
    pub fn set_parse(&mut self, file: FileId, parse: Arc<Parse>) {
        if let Some(source) = self.files.get_mut(file.0 as usize) {
            source.parse = parse;
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = FileId> + '_ {
        (0..self.files.len()).map(|i| FileId(i as u32))
    }

    pub fn get(&self, file: FileId) -> Option<&Source> {
        self.files.get(file.0 as usize)
    }

    /// The file's path as shown to the writer. An unknown id gives an empty path.
    pub fn path(&self, file: FileId) -> &Path {
        self.get(file)
            .map(|s| s.path.as_path())
            .unwrap_or(Path::new(""))
    }

    pub fn text(&self, file: FileId) -> &str {
        self.get(file).map(|s| s.text.as_str()).unwrap_or("")
    }

    pub fn ast(&self, file: FileId) -> Option<&ast::SourceFile> {
        self.get(file).map(|s| &s.parse.file)
    }

    pub fn origin(&self, file: FileId) -> Option<&Origin> {
        self.get(file).map(|s| &s.origin)
    }

    /// The 1-based line and column (in characters) of the span's start.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.offset_line_col(span.file, span.start as usize)
    }

    /// The 1-based line and column (in characters) of the span's end.
    pub fn end_line_col(&self, span: Span) -> (usize, usize) {
        self.offset_line_col(span.file, span.end as usize)
    }

    /// The 1-based line and column (in characters) of a byte offset. Offsets past the end (or
    /// inside a character) are clamped.
    pub fn offset_line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let Some(source) = self.get(file) else {
            return (1, 1);
        };
        let mut offset = offset.min(source.text.len());
        while !source.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match source.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = source.line_starts.get(line).copied().unwrap_or(0);
        let column = source.chars_before(offset) - source.chars_before(start) + 1;
        (line + 1, column)
    }

    /// The text of a span (empty when out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }
}

/// Bytes per block of [`Source::char_blocks`].
const CHAR_BLOCK: usize = 4096;

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
fn starts_char(b: &u8) -> bool {
    (*b as i8) >= -0x40
}

fn char_blocks(text: &str) -> Vec<usize> {
    let mut blocks = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
    let mut before = 0;
    for block in text.as_bytes().chunks(CHAR_BLOCK) {
        blocks.push(before);
        before += block.iter().filter(|b| starts_char(b)).count();
    }
    blocks
}

impl Source {
    /// Characters in the text before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let from = block * CHAR_BLOCK;
        self.char_blocks.get(block).copied().unwrap_or(0)
            + self.text.as_bytes()[from.min(offset)..offset]
                .iter()
                .filter(|b| starts_char(b))
                .count()
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_in_characters() {
        let sources = Sources::single(Path::new("a.scene"), "ab\nçd\n");
        let f = FileId(0);
        assert_eq!(sources.offset_line_col(f, 0), (1, 1));
        assert_eq!(sources.offset_line_col(f, 3), (2, 1));
        // `d` is after a two-byte character.
        assert_eq!(sources.offset_line_col(f, 5), (2, 2));
        assert_eq!(sources.offset_line_col(f, 4), (2, 1));
        assert_eq!(sources.offset_line_col(f, 99), (3, 1));
    }

    #[test]
    fn columns_on_a_long_line_count_characters_across_blocks() {
        let text = format!(
            "x\n{}é{}",
            "a".repeat(CHAR_BLOCK * 3),
            "b".repeat(CHAR_BLOCK)
        );
        let sources = Sources::single(Path::new("a.scene"), &text);
        let f = FileId(0);
        for offset in [2, 3, CHAR_BLOCK, CHAR_BLOCK * 3 + 2, text.len()] {
            let expected = text[2..offset].chars().count() + 1;
            assert_eq!(
                sources.offset_line_col(f, offset),
                (2, expected),
                "{offset}"
            );
        }
    }
}
