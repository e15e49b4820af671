//! The vocabulary of the language as data: every keyword with the contexts it is used in, the
//! units, the fixed word sets (framings, heights, times of day, weathers, grades), the kinds of
//! names, and the fields of each block with the kind of value they take.
//!
//! Everything that needs to know "which words exist" reads these tables: the parser's error
//! messages and recovery (`expect.rs`, `chunk.rs`), the checker's field handling
//! (`compiler/check/src/fields.rs`), the language server's completion, colouring, hover and
//! rename, and — through `tests/vocabulary.rs`, which compares them both ways —
//! `grammar/scene.pest` and `docs/language.md`.
//!
//! Architecture Invariant: a word is written once, here (plus its grammar rule and its row in
//! the docs, which the test asks for by name). No other crate keeps its own list of keywords,
//! units, word sets or field names.
//!
//! - A keyword: one [`Keyword`] entry with its contexts, and its `kw_*` rule used in the grammar.
//! - A field or a per-shot setting: one [`FieldSpec`] entry (a setting also gets its `kw_*` rule
//!   in `setting_key`); the checker reads, type- and range-checks it by its [`ValueType`], and the
//!   pass that builds the film places the value. A new kind of value is a new [`ValueType`]
//!   variant and its arm in the checker's reader.
//! - A word of a set: one [`Word`] in its set, and its meaning in the checker's `FromWord`.
//! - A unit: one [`UnitSpec`], its `ast::Unit` variant and the grammar's `unit` rule (and the
//!   unknown-unit help line in `expect.rs`, which a test keeps in step).

mod fields;
mod keywords;
mod words;

pub use fields::{AssetKind, Block, FieldSpec, NumberRange, ValueType, FIELDS};
pub use keywords::{Context, Keyword, Use, KEYWORDS, STD};
pub use words::{
    Quantity, UnitSpec, Word, DEPTHS, FRAMINGS, GRADES, HEIGHTS, LIGHT_QUALITIES, LIGHT_SIDES,
    SETTINGS, TIMES, UNITS, WEATHERS,
};

use crate::ast::Unit;

/// The kinds of names the language has; each kind is its own namespace (shot names are unique
/// within a film).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    Character,
    /// A thing that is not a person (`prop train { … }`); props share the characters'
    /// namespace.
    Prop,
    Location,
    Sound,
    Look,
    Camera,
    Scene,
    Shot,
}

impl NameKind {
    /// Whether a name written where a `self` is expected may be defined as a `def`: characters
    /// and props share one namespace, so a character's place (a blocking chain, `camera … on`,
    /// `orbit`) takes a prop too.
    pub fn admits(self, def: NameKind) -> bool {
        self == def || (self == NameKind::Character && def == NameKind::Prop)
    }

    /// The keyword that defines a name of this kind.
    pub fn word(self) -> &'static str {
        match self {
            NameKind::Character => "character",
            NameKind::Prop => "prop",
            NameKind::Location => "location",
            NameKind::Sound => "sound",
            NameKind::Look => "look",
            NameKind::Camera => "camera",
            NameKind::Scene => "scene",
            NameKind::Shot => "shot",
        }
    }
}

/// The keyword entry for `word`, if it is a keyword.
pub fn keyword(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word == word)
}

/// Whether `word` is a keyword of the grammar (a `kw_*` rule), in any context. Shot settings
/// (`seed`, `strength`, …) are keywords too: they are the fields of [`Block::Shot`].
pub fn is_keyword(word: &str) -> bool {
    keyword(word).is_some() || field(Block::Shot, word).is_some()
}

/// The keywords used in `context`, in table order (the order messages list them in).
pub fn keywords_in(context: Context) -> impl Iterator<Item = &'static Keyword> {
    KEYWORDS.iter().filter(move |k| k.use_in(context).is_some())
}

/// The words of [`keywords_in`].
pub fn words_in(context: Context) -> impl Iterator<Item = &'static str> {
    keywords_in(context).map(|k| k.word)
}

/// Whether `word` is used in `context`.
pub fn is_in(word: &str, context: Context) -> bool {
    keyword(word).is_some_and(|k| k.use_in(context).is_some())
}

/// The words that may start a statement of a shot: the keyword-led statements, then the per-shot
/// settings. A statement that starts with anything else is read as a character's.
pub fn statement_starters() -> impl Iterator<Item = &'static str> {
    words_in(Context::Statement).chain(fields_of(Block::Shot).map(|f| f.key))
}

/// Whether `word` may start a statement of a shot (see [`statement_starters`]).
pub fn starts_statement(word: &str) -> bool {
    is_in(word, Context::Statement) || field(Block::Shot, word).is_some()
}

/// A word no definition may be renamed to: one that starts or joins a construct somewhere, so a
/// name spelled like it could not be written everywhere a name goes. Words that only ever fill a
/// fixed slot after another keyword (`left`, `in_out`, `black`) can still be names, as can the
/// fields of definition blocks; the shot settings cannot.
pub fn is_reserved(word: &str) -> bool {
    word == STD
        || field(Block::Shot, word).is_some()
        || keyword(word).is_some_and(|k| k.uses.iter().any(|u| !u.context.is_argument()))
}

/// The fields of `block`, in table order (the order messages and completion list them in).
pub fn fields_of(block: Block) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |f| f.block == block)
}

/// The field `key` of `block`.
pub fn field(block: Block, key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.block == block && f.key == key)
}

/// The unit written `suffix`.
pub fn unit(suffix: &str) -> Option<&'static UnitSpec> {
    UNITS.iter().find(|u| u.suffix == suffix)
}

/// The table entry of an AST unit.
pub fn unit_spec(unit: Unit) -> &'static UnitSpec {
    // Every `Unit` variant has its entry (checked by a test below), so the fallback is never taken.
    UNITS.iter().find(|u| u.unit == unit).unwrap_or(&UNITS[0])
}

/// The units of one kind of quantity, in table order.
pub fn units_of(quantity: Quantity) -> impl Iterator<Item = &'static UnitSpec> {
    UNITS.iter().filter(move |u| u.quantity == quantity)
}

/// `a, b or c`.
pub fn join_or<S: AsRef<str>>(words: &[S]) -> String {
    join(words, " or ")
}

/// `a, b and c`.
pub fn join_and<S: AsRef<str>>(words: &[S]) -> String {
    join(words, " and ")
}

fn join<S: AsRef<str>>(words: &[S], last_sep: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{}{last_sep}{}", init.join(", "), last.as_ref())
        }
    }
}

/// `` `word` ``: a word as messages quote it.
pub fn ticked(word: &str) -> String {
    format!("`{word}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_is_listed_once_with_a_use() {
        for (i, k) in KEYWORDS.iter().enumerate() {
            assert!(!k.uses.is_empty(), "`{}` has no use", k.word);
            assert!(
                KEYWORDS[i + 1..].iter().all(|o| o.word != k.word),
                "`{}` is listed twice: give the one entry several uses",
                k.word
            );
            for u in k.uses {
                assert!(
                    k.uses.iter().filter(|o| o.context == u.context).count() == 1,
                    "`{}` has two uses in {:?}",
                    k.word,
                    u.context
                );
                assert!(!u.doc.is_empty() && !u.syntax.is_empty(), "`{}`", k.word);
            }
        }
    }

    #[test]
    fn fields_are_unique_per_block_and_documented() {
        for (i, f) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[i + 1..]
                    .iter()
                    .all(|o| !(o.block == f.block && o.key == f.key)),
                "{:?} `{}` is listed twice",
                f.block,
                f.key
            );
            assert!(!f.doc.is_empty() && !f.example.is_empty(), "`{}`", f.key);
        }
    }

    #[test]
    fn every_ast_unit_has_one_entry() {
        use Unit::*;
        for u in [
            Seconds,
            Millis,
            Frames,
            Percent,
            Millimetres,
            Metres,
            Degrees,
            Decibels,
            Factor,
            Kelvin,
            Lufs,
        ] {
            assert_eq!(UNITS.iter().filter(|s| s.unit == u).count(), 1, "{u:?}");
            assert_eq!(unit_spec(u).unit, u);
            assert_eq!(unit(u.suffix()).map(|s| s.unit), Some(u));
        }
    }

    #[test]
    fn reserved_words_are_the_leading_keywords_and_the_shot_settings() {
        for w in [
            "camera", "at", "to", "over", "music", "seed", "strength", "std",
        ] {
            assert!(is_reserved(w), "{w}");
        }
        for w in [
            "left", "center", "in", "in_out", "black", "up", "size", "aiko",
        ] {
            assert!(!is_reserved(w), "{w}");
        }
    }

    #[test]
    fn joins_read_as_english() {
        assert_eq!(join_or(&["a"]), "a");
        assert_eq!(join_or(&["a", "b"]), "a or b");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
    }
}
