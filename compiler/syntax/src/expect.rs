//! Syntax errors in words a writer understands. pest reports the set of rules it tried at the
//! point of failure; this module turns that set into "expected a duration such as `6s`" and
//! recognises the common mistakes that deserve their own message (a space before a unit, an
//! unknown unit, an unknown statement). Rule names never reach the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::codes;
use crate::diagnostic::{Code, Diagnostic};
use crate::grammar::Rule;
use crate::span::{FileId, Span};
use crate::vocab::{self, Context as VocabContext};

/// What kind of piece failed: decides the wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// A whole top-level item.
    TopLevel,
    /// The header of a block definition (before its `{`).
    Header,
    /// The header of a shot.
    ShotHeader,
    /// A field of a definition block.
    Field,
    /// An item of a scene.
    Scene,
    /// A statement of a shot.
    Shot,
}

/// The help line of an unknown unit. It names every unit of [`vocab::UNITS`] (a test checks).
const UNIT_HELP: &str =
    "units are s, ms, f (frames), % , mm, m, deg, dB and x (a factor), written right after the number";

fn is_unit(word: &str) -> bool {
    vocab::unit(word).is_some()
}

fn ticked_words(context: VocabContext) -> Vec<String> {
    vocab::words_in(context).map(vocab::ticked).collect()
}

/// Describes a pest failure on the piece `src[base..end]`.
pub(crate) fn syntax_error(
    file: FileId,
    src: &str,
    base: usize,
    end: usize,
    context: Context,
    error: &Error<Rule>,
) -> Diagnostic {
    let rel = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let pos = (base + rel).min(end);
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => {
            return Diagnostic::new(
                codes::E0001,
                Span::new(file, base, end),
                "this line is too deeply nested to parse",
            )
            .with_label("too deeply nested");
        }
    };
    let piece = &src[base..end];
    let first = leading_word(piece);
    let first_end = base + (piece.len() - piece.trim_start().len()) + first.len();
    let mut found = Found::at(src, pos, end);
    if found.len == 0 && matches!(context, Context::Header | Context::ShotHeader) {
        found.text = "`{`".to_string();
    }

    if let Some(d) = space_before_unit(file, src, base, pos, end) {
        return d;
    }
    if let Some(d) = unknown_unit(file, src, pos, end) {
        return d;
    }

    let after_first = pos >= first_end && src[first_end..pos].trim().is_empty();
    let at_start = src[base..pos].trim().is_empty();
    match context {
        Context::TopLevel
            if (at_start || after_first) && !vocab::is_in(first, VocabContext::Item) =>
        {
            let shown = if first.is_empty() {
                found.text.clone()
            } else {
                format!("`{first}`")
            };
            let mut d = Diagnostic::new(
                codes::E0010,
                word_span(file, src, base, end),
                format!("expected a definition, found {shown}"),
            )
            .with_label("not a definition")
            .with_help(format!(
                "a file holds {} items",
                vocab::join_and(&ticked_words(VocabContext::Item))
            ));
            if starts_scene_item(first) {
                d = d.with_help(
                    "shots, transitions and `play`/`stop` belong inside a `scene NAME at LOCATION { … }` block",
                );
            } else if vocab::starts_statement(first) {
                d = d.with_help(format!(
                    "`{first}` statements belong inside a `shot NAME DURATION {{ … }}` block"
                ));
            }
            return d;
        }
        Context::Scene if (at_start || after_first) && !starts_scene_item(first) => {
            let shown = if first.is_empty() {
                found.text.clone()
            } else {
                format!("`{first}`")
            };
            let mut d = Diagnostic::new(
                codes::E0011,
                word_span(file, src, base, end),
                format!("expected a shot, a transition, `play` or `stop` in a scene, found {shown}"),
            )
            .with_label("not a scene item")
            .with_help("a scene holds `shot NAME DURATION { … }`, transitions (`cut`, `dissolve 1s`, `fade 1s`, `fade to black 1s`, `wipe left 1s`) and `play`/`stop`");
            if vocab::starts_statement(first) || vocab::is_in(first, VocabContext::Action) {
                d = d.with_help(format!(
                    "`{first}` is a shot statement: put it inside a `shot NAME DURATION {{ … }}` block"
                ));
            }
            return d;
        }
        Context::Shot if (at_start || after_first) && !vocab::starts_statement(first) => {
            if first.is_empty() {
                return expected_diag(
                    codes::E0009,
                    file,
                    pos,
                    &found,
                    "a statement (camera, lens, at, prompt, continues, keyframe, title, a setting, or a character's name and what they do)",
                );
            }
            return Diagnostic::new(
                codes::E0009,
                word_span(file, src, base, end),
                format!(
                    "unknown statement `{first}` in a shot; expected one of: {}; or a character's name followed by {}",
                    vocab::statement_starters().collect::<Vec<_>>().join(", "),
                    vocab::words_in(VocabContext::Action).collect::<Vec<_>>().join(", "),
                ),
            )
            .with_label("unknown statement")
            .with_help(format!(
                "if `{first}` is a character, say what they do, as in `{first} enters left` or `{first} says \"…\"`"
            ));
        }
        _ => {}
    }

    // Generic: list what was expected. When the statement started with a keyword, the
    // character-statement reading of it is not what the writer meant.
    let keyword_led = context == Context::Shot && vocab::starts_statement(first) && after_first;
    let filtered: Vec<Rule> = positives
        .iter()
        .copied()
        .filter(|&r| {
            !(keyword_led && is_action_rule(r) && !(r == Rule::kw_at && first == "keyframe"))
        })
        .collect();
    let positives = if filtered.is_empty() {
        positives
    } else {
        filtered
    };
    if let Some(d) = odd_character(file, src, pos, end) {
        return d;
    }
    let mut words: Vec<String> = Vec::new();
    for rule in positives {
        let phrase = phrase(rule, context);
        if !words.contains(&phrase) {
            words.push(phrase);
        }
    }
    if words.is_empty() {
        return Diagnostic::new(
            codes::E0001,
            Span::new(file, pos, pos + found.len),
            format!("unexpected {}", found.text),
        )
        .with_label("not expected here");
    }
    if found.text.starts_with("`#") {
        return Diagnostic::new(
            codes::E0001,
            Span::new(file, pos, pos + found.len),
            format!(
                "expected a color such as `#d62828` (`#` and six hex digits), found {}",
                found.text
            ),
        )
        .with_label("not a color");
    }
    if found.text == "`(`" && words.iter().any(|w| w.starts_with("a parenthetical")) {
        return Diagnostic::new(
            codes::E0001,
            Span::new(file, pos, end),
            "unclosed parenthetical: expected `)`",
        )
        .with_label("this parenthetical is not closed")
        .with_help("close it on the same line, as in `(whispering)`");
    }
    if keyword_led && first == "camera" && words.len() == 1 && words[0] == "a name" {
        return expected_diag(
            codes::E0001,
            file,
            pos,
            &found,
            "a camera preset such as `wide` or `closeup`",
        );
    }
    let takes_value = context == Context::Field || keyword_led;
    if takes_value && after_first && words.iter().any(|w| w == "a value") {
        let mut d = expected_diag(
            codes::E0001,
            file,
            pos,
            &found,
            &format!("a value after `{first}`"),
        );
        d = d.with_help(format!(
            "write the value on the same line, as in `{first} \"…\"`"
        ));
        return d;
    }
    expected_diag(codes::E0001, file, pos, &found, &vocab::join_or(&words))
}

/// A character that has no place in the language outside strings and comments.
fn odd_character(file: FileId, src: &str, pos: usize, end: usize) -> Option<Diagnostic> {
    let c = src[pos..end].chars().next()?;
    if c.is_alphanumeric() || c.is_whitespace() || "{}();,=#-\"%._>".contains(c) {
        return None;
    }
    let shown = if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}`")
    };
    Some(
        Diagnostic::new(
            codes::E0014,
            Span::new(file, pos, pos + c.len_utf8()),
            format!("unexpected character {shown}"),
        )
        .with_label("not part of the language")
        .with_help("text with such characters belongs in a string: `\"…\"`"),
    )
}

fn is_action_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::gait
            | Rule::enters
            | Rule::exits
            | Rule::place
            | Rule::move_to
            | Rule::does
            | Rule::says
    ) || keyword(rule).is_some_and(|w| vocab::is_in(&w, VocabContext::Action))
}

/// A shot, a transition, `play` or `stop`: what a scene holds.
fn starts_scene_item(word: &str) -> bool {
    vocab::is_in(word, VocabContext::SceneItem) || vocab::is_in(word, VocabContext::Transition)
}

fn expected_diag(
    code: Code,
    file: FileId,
    pos: usize,
    found: &Found,
    expected: &str,
) -> Diagnostic {
    Diagnostic::new(
        code,
        Span::new(file, pos, pos + found.len),
        format!("expected {expected}, found {}", found.text),
    )
    .with_label(format!("expected {expected}"))
}

/// The token at the point of failure, for "found …".
struct Found {
    text: String,
    len: usize,
}

impl Found {
    fn at(src: &str, pos: usize, end: usize) -> Found {
        let rest = &src[pos..end];
        let Some(c) = rest.chars().next() else {
            return Found {
                text: "the end of the line".to_string(),
                len: 0,
            };
        };
        if c == '"' {
            return Found {
                text: "a string".to_string(),
                len: 1,
            };
        }
        if c == '\n' {
            return Found {
                text: "the end of the line".to_string(),
                len: 0,
            };
        }
        let word_len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '%' | '#' | '-')))
            .unwrap_or(rest.len());
        let len = if word_len == 0 {
            c.len_utf8()
        } else {
            word_len.min(64)
        };
        let len = (0..=len)
            .rev()
            .find(|&l| rest.is_char_boundary(l))
            .unwrap_or(0);
        let shown = &rest[..len];
        let text = if c.is_control() {
            format!("the character U+{:04X}", c as u32)
        } else {
            format!("`{shown}`")
        };
        Found { text, len }
    }
}

/// The span of the piece's first word (or its first character).
fn word_span(file: FileId, src: &str, base: usize, end: usize) -> Span {
    let piece = &src[base..end];
    let lead = piece.len() - piece.trim_start().len();
    let start = base + lead;
    let found = Found::at(src, start, end);
    Span::new(file, start, start + found.len.max(1).min(end - start))
}

fn leading_word(text: &str) -> &str {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return "";
    }
    &t[..end]
}

/// `6 s`: the failure is at a unit that follows a number after a space.
fn space_before_unit(
    file: FileId,
    src: &str,
    base: usize,
    pos: usize,
    end: usize,
) -> Option<Diagnostic> {
    let rest = &src[pos..end];
    let unit_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '%'))
        .unwrap_or(rest.len());
    let unit = &rest[..unit_len];
    if !is_unit(unit) {
        return None;
    }
    let before = &src[base..pos];
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.len() == before.len() {
        return None;
    }
    // After the last character that is not part of a number (which may be wider than a byte).
    let num_start = trimmed
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let number = &trimmed[num_start..];
    if !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let start = base + num_start;
    let joined = format!("{number}{unit}");
    Some(
        Diagnostic::new(
            codes::E0007,
            Span::new(file, start, pos + unit_len),
            format!("a space between a number and its unit: write `{joined}`"),
        )
        .with_label("remove the space")
        .with_fix(
            Span::new(file, start, pos + unit_len),
            joined.clone(),
            format!("write `{joined}`"),
        ),
    )
}

/// `6sec`, `12px`: a number glued to letters that are not a unit.
fn unknown_unit(file: FileId, src: &str, pos: usize, end: usize) -> Option<Diagnostic> {
    let rest = &src[pos..end];
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    let digits = word.strip_prefix('-').unwrap_or(word);
    let num_len = digits
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(digits.len());
    if num_len == 0 || num_len == digits.len() || !digits.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let suffix = &digits[num_len..];
    if !suffix.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') || is_unit(suffix) {
        return None;
    }
    let suggestion = match suffix {
        "sec" | "secs" | "second" | "seconds" => Some("s"),
        "msec" | "millis" => Some("ms"),
        "frames" | "frame" | "fr" => Some("f"),
        "degrees" | "degree" | "d" => Some("deg"),
        "db" | "DB" => Some("dB"),
        "cm" | "km" => None,
        _ => None,
    };
    let span = Span::new(file, pos, pos + word_len);
    let mut d = Diagnostic::new(
        codes::E0008,
        span,
        format!("unknown unit `{suffix}` in `{word}`"),
    )
    .with_label("unknown unit")
    .with_help(UNIT_HELP);
    if let Some(u) = suggestion {
        let fixed = format!("{}{}", &word[..word.len() - suffix.len()], u);
        d = d.with_fix(span, fixed.clone(), format!("write `{fixed}`"));
    }
    Some(d)
}

/// A rule in words.
fn phrase(rule: Rule, context: Context) -> String {
    let listed = |context: VocabContext| vocab::join_or(&ticked_words(context));
    let s = match rule {
        Rule::EOI => match context {
            Context::Header | Context::ShotHeader => "`{`",
            _ => "the end of the line",
        },
        Rule::ident => "a name",
        Rule::string | Rule::plain_string | Rule::triple_string => "a string in quotes",
        Rule::number => "a number",
        Rule::value => "a value",
        Rule::size => "a size such as `1280x720`",
        Rule::color => "a color such as `#d62828`",
        Rule::point | Rule::lparen => "a point such as `(40%, 60%)`",
        Rule::point_coord => "a coordinate such as `40%`",
        Rule::shot_duration => "a duration such as `6s` after the shot name",
        Rule::duration => "a duration such as `2s`",
        Rule::time => "a time such as `3s`",
        Rule::gain => "a gain such as `-6dB`",
        Rule::focal => "a focal length such as `50mm`",
        Rule::angle => "an angle such as `30deg`",
        Rule::fraction => "a fraction such as `30%`",
        Rule::distance => "a distance such as `2m`",
        Rule::sound_target => "a sound's name or a file path in quotes",
        Rule::asset => "a file path in quotes, such as `\"audio/theme.ogg\"`",
        Rule::sound_role => return listed(VocabContext::SoundRole),
        Rule::module_path => "a module path such as `std.camera`",
        Rule::block_kw | Rule::block_def | Rule::block_def_header => return definition_blocks(),
        Rule::field => "a field such as `description \"…\"`",
        Rule::side => return listed(VocabContext::Side),
        Rule::position => {
            let mut words = ticked_words(VocabContext::Position);
            words.push("a point such as `(40%, 60%)`".to_string());
            return vocab::join_or(&words);
        }
        Rule::gait => "`walks` or `runs`",
        Rule::transition_kind | Rule::transition => "a transition",
        Rule::camera_move => {
            let moves: Vec<&str> = vocab::words_in(VocabContext::Move).collect();
            return format!("a camera move ({})", vocab::join_or(&moves));
        }
        Rule::lens_spec | Rule::lens_stmt => "`lens`",
        Rule::timing => "`over` or `from`",
        Rule::ease => "`ease`",
        Rule::parenthetical => "a parenthetical such as `(whispering)`",
        Rule::fade_in | Rule::fade_out => "`fade`",
        Rule::setting | Rule::setting_key => "a setting",
        Rule::camera_stmt
        | Rule::prompt_at
        | Rule::play_at
        | Rule::stop_at
        | Rule::prompt_stmt
        | Rule::continues_stmt
        | Rule::keyframe_stmt
        | Rule::title_stmt
        | Rule::character_stmt => "a statement",
        Rule::enters | Rule::exits | Rule::place | Rule::move_to | Rule::does | Rule::says => {
            let actions: Vec<&str> = vocab::words_in(VocabContext::Action).collect();
            return format!("what the character does ({})", actions.join(", "));
        }
        Rule::shot | Rule::shot_header => "`shot`",
        Rule::scene_play => "`play`",
        Rule::scene_stop => "`stop`",
        Rule::import => "`import`",
        Rule::film | Rule::film_header => "`film`",
        Rule::sound_def => "`sound`",
        Rule::scene | Rule::scene_header => "`scene`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::rparen => "`)`",
        Rule::comma => "`,`",
        Rule::arrow => "`->`",
        Rule::equals => "`=`",
        other => {
            return keyword(other)
                .map_or_else(|| "something else".to_string(), |k| format!("`{k}`"))
        }
    };
    s.to_string()
}

/// `` `character`, `location`, `look` or `camera` ``: the blocks written `KEYWORD ID { … }`.
fn definition_blocks() -> String {
    let words: Vec<String> = vocab::Block::ALL
        .into_iter()
        .filter(|b| b.is_definition())
        .map(|b| vocab::ticked(b.keyword()))
        .collect();
    vocab::join_or(&words)
}

/// The word of a `kw_*` rule, from its name (the grammar's naming convention).
fn keyword(rule: Rule) -> Option<String> {
    let name = format!("{rule:?}");
    name.strip_prefix("kw_").map(str::to_string)
}

/// `fps 24 s` in a field: the grammar reads `s` as a second value, but it is a detached unit.
pub(crate) fn detached_unit(src: &str, number: Span, unit: Span) -> Option<Diagnostic> {
    let unit_text = &src[unit.range()];
    let between = &src[number.end as usize..unit.start as usize];
    if !is_unit(unit_text)
        || between.is_empty()
        || !between.bytes().all(|b| b == b' ' || b == b'\t')
    {
        return None;
    }
    let joined = format!("{}{unit_text}", &src[number.range()]);
    let span = number.join(unit);
    Some(
        Diagnostic::new(
            codes::E0007,
            span,
            format!("a space between a number and its unit: write `{joined}`"),
        )
        .with_label("remove the space")
        .with_fix(span, joined.clone(), format!("write `{joined}`")),
    )
}

pub(crate) fn internal(file: FileId, start: usize, end: usize) -> Diagnostic {
    Diagnostic::new(
        codes::E0099,
        Span::new(file, start, end),
        "the parser could not build this piece of the file",
    )
    .with_label("parsed, but not understood")
    .with_help("this is a bug in scenec; please report it with this file")
}

pub(crate) fn after_block(
    file: FileId,
    src: &str,
    from: usize,
    end: usize,
    close: usize,
) -> Diagnostic {
    let found = Found::at(src, from, end);
    Diagnostic::new(
        codes::E0013,
        Span::new(file, from, from + found.len.max(1).min(end - from)),
        format!(
            "expected the end of the line after `}}`, found {}",
            found.text
        ),
    )
    .with_label("start this on a new line")
    .with_related(Span::new(file, close, close + 1), "the block ends here")
    .with_help("put each definition and statement on its own line (or separate them with `;`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_help_names_every_unit() {
        let listed: Vec<&str> = UNIT_HELP
            .trim_start_matches("units are ")
            .split(", written")
            .next()
            .unwrap_or("")
            .split([',', ' '])
            .filter(|w| !w.is_empty() && !w.starts_with('(') && !w.ends_with(')'))
            .filter(|w| *w != "and" && *w != "a")
            .collect();
        let units: Vec<&str> = vocab::UNITS.iter().map(|u| u.suffix).collect();
        assert_eq!(
            listed, units,
            "UNIT_HELP in compiler/syntax/src/expect.rs must name every unit of the vocabulary"
        );
    }
}
