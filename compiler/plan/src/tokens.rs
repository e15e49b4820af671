//! How long a composed prompt is for a backend's text encoder, and which words a backend that
//! reads fewer tokens would never see.
//!
//! The front end loads no tokenizer (it builds without the model crate), so it estimates: a T5
//! SentencePiece vocabulary gives most short English words one piece, splits long or rare words
//! into pieces of about five letters, digits one by one, and punctuation into pieces of its own.
//! The estimate errs long rather than short, so a warning comes early rather than late.

use crate::schedule::{TokenCount, TokenCounter};

/// Tokens the `ltx` backend's T5 reads per prompt, `</s>` included: the reference pipeline's
/// `max_sequence_length` (diffusers' `LTXConditionPipeline` defaults to 256), and the model
/// crate's `text_encoder::MAX_SEQUENCE_LENGTH`.
pub const LTX_TEXT_TOKENS: u32 = 256;

/// Tokens the `ltx2` backend's Gemma 3 reads per prompt.
pub const LTX2_TEXT_TOKENS: u32 = 1024;

/// A backend's text budget, as `scenec check --backend` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextBudget {
    /// The backend's name, for messages.
    pub backend: &'static str,
    /// Tokens it reads, the end-of-sequence token included.
    pub tokens: u32,
}

impl TextBudget {
    /// The default model backend.
    pub const LTX: TextBudget = TextBudget {
        backend: "ltx",
        tokens: LTX_TEXT_TOKENS,
    };
    /// The LTX-2 backend: Gemma 3 reads up to 1024 tokens, `<bos>` included (the reference
    /// pipeline's `max_sequence_length`; the model crate's `ltx2::text::MAX_SEQUENCE_LENGTH`).
    /// Gemma's vocabulary is larger than T5's, so the T5-shaped estimate errs long here too.
    pub const LTX2: TextBudget = TextBudget {
        backend: "ltx2",
        tokens: LTX2_TEXT_TOKENS,
    };
    /// A backend that reads no text (previz): nothing is too long for it.
    pub const NONE: TextBudget = TextBudget {
        backend: "previz",
        tokens: u32::MAX,
    };
}

/// Estimated pieces of one whitespace-separated word.
pub fn word_tokens(word: &str) -> u32 {
    let mut count = 0u32;
    let mut letters = 0u32;
    let flush = |letters: &mut u32, count: &mut u32| {
        if *letters > 0 {
            // Up to seven letters: one piece; beyond, a piece per five more (rounded up).
            *count += 1 + (letters.saturating_sub(7)).div_ceil(5);
            *letters = 0;
        }
    };
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
        } else {
            flush(&mut letters, &mut count);
            // A digit or a mark: a piece of its own.
            count += 1;
        }
    }
    flush(&mut letters, &mut count);
    count
}

/// The estimated count of `text`, `</s>` included.
pub fn estimate(text: &str) -> TokenCount {
    let words: u32 = text.split_whitespace().map(word_tokens).sum();
    TokenCount {
        count: words + 1,
        counted_by: TokenCounter::Estimate,
    }
}

/// The words a backend reading `budget` tokens never sees: `None` when the whole text fits,
/// else the byte offset in `text` of the first word that does not fit whole (everything from
/// there on is cut).
pub fn cut_at(text: &str, budget: u32) -> Option<usize> {
    // One token is the end-of-sequence marker, always kept.
    let room = budget.saturating_sub(1);
    let mut used = 0u32;
    let mut offset = 0usize;
    for word in text.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim();
        if !trimmed.is_empty() {
            used += word_tokens(trimmed);
            if used > room {
                return Some(offset);
            }
        }
        offset += word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_are_one_piece_and_marks_their_own() {
        assert_eq!(word_tokens("rain"), 1);
        assert_eq!(word_tokens("rain."), 2);
        assert_eq!(word_tokens("reflecting"), 2);
        assert_eq!(word_tokens("12"), 2);
        assert_eq!(estimate("a red fox.").count, 5);
    }

    #[test]
    fn the_cut_falls_on_the_first_word_past_the_budget() {
        // "a b c d" is four tokens, five with `</s>`.
        assert_eq!(cut_at("a b c d", 5), None);
        assert_eq!(cut_at("a b c d", 4), Some(6));
        assert_eq!(&"a b c d"[6..], "d");
    }
}
