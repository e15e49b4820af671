//! The vocabulary table (`compiler/syntax/src/vocab/`) against the two other places that name
//! words: the grammar (`grammar/scene.pest`) and the reference (`docs/language.md`). A word added
//! to one and not the others fails here, with a message that names the word and where to add it.

use std::collections::BTreeSet;

use scene_syntax::vocab::{self, Block, Context, ValueType};

const VOCAB: &str = "compiler/syntax/src/vocab/";

fn read(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    std::fs::read_to_string(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn set<I: IntoIterator<Item = S>, S: Into<String>>(words: I) -> BTreeSet<String> {
    words.into_iter().map(Into::into).collect()
}

fn words_in(context: Context) -> BTreeSet<String> {
    set(vocab::words_in(context))
}

fn shot_settings() -> BTreeSet<String> {
    set(vocab::fields_of(Block::Shot).map(|f| f.key))
}

/// Compares two sets of words both ways; `missing_in_a` and `missing_in_b` say where a word
/// should be added when only the other side has it.
fn same(
    what: &str,
    a: &BTreeSet<String>,
    missing_in_a: &str,
    b: &BTreeSet<String>,
    missing_in_b: &str,
) {
    let mut problems = Vec::new();
    for w in b.difference(a) {
        problems.push(format!("{what}: `{w}` is missing from {missing_in_a}"));
    }
    for w in a.difference(b) {
        problems.push(format!("{what}: `{w}` is missing from {missing_in_b}"));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The grammar

/// The rules of a pest grammar: name → body (between the outer braces).
struct Grammar {
    rules: Vec<(String, String)>,
}

impl Grammar {
    fn parse(text: &str) -> Grammar {
        let mut rules = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < text.len() {
            let line_end = text[i..].find('\n').map_or(text.len(), |p| i + p);
            let line = &text[i..line_end];
            let head = line.split('=').next().unwrap_or("").trim();
            let is_rule = !line.starts_with("//")
                && line.contains('=')
                && !head.is_empty()
                && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let Some(open) = is_rule.then(|| line.find('{')).flatten() else {
                i = line_end + 1;
                continue;
            };
            // The body runs to the matching brace; braces inside quotes do not count.
            let mut depth = 0;
            let mut j = i + open;
            let mut quote: Option<u8> = None;
            while j < bytes.len() {
                let b = bytes[j];
                match quote {
                    Some(_) if b == b'\\' => j += 1,
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'{' => depth += 1,
                    None if b == b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    None => {}
                }
                j += 1;
            }
            rules.push((head.to_string(), text[i + open + 1..j].to_string()));
            i = j + 1;
        }
        Grammar { rules }
    }

    fn body(&self, rule: &str) -> &str {
        self.rules
            .iter()
            .find(|(n, _)| n == rule)
            .map(|(_, b)| b.as_str())
            .unwrap_or_else(|| panic!("grammar/scene.pest has no rule `{rule}`"))
    }

    /// Every `kw_*` rule's word (checked against the rule's name).
    fn keywords(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (name, body) in &self.rules {
            let Some(word) = name.strip_prefix("kw_") else {
                continue;
            };
            let literal = quoted(body);
            assert_eq!(
                literal,
                [word.to_string()],
                "grammar/scene.pest: `{name}` should match exactly \"{word}\""
            );
            out.insert(word.to_string());
        }
        out
    }

    /// The keywords a rule refers to directly.
    fn keywords_of(&self, rule: &str) -> BTreeSet<String> {
        atoms(self.body(rule))
            .into_iter()
            .filter_map(|a| a.strip_prefix("kw_").map(str::to_string))
            .collect()
    }

    /// The keywords that can begin a match of `rule`: each alternative's first atom, followed
    /// through the rules it names.
    fn leading(&self, rule: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.leading_expr(self.body(rule), &mut out, 0);
        out
    }

    fn leading_expr(&self, expr: &str, out: &mut BTreeSet<String>, depth: usize) {
        assert!(depth < 32, "the grammar's rules nest too deeply to follow");
        for alternative in split_top(expr, '|') {
            let alternative = alternative.trim();
            let first = split_top(alternative, '~')
                .into_iter()
                .map(str::trim)
                .find(|p| !p.starts_with('&') && !p.starts_with('!'))
                .unwrap_or("");
            if let Some(inner) = first
                .strip_prefix('(')
                .and_then(|s| s.trim_end_matches(['?', '*', '+']).strip_suffix(')'))
            {
                self.leading_expr(inner, out, depth + 1);
            } else {
                let atom = first.trim_end_matches(['?', '*', '+']);
                if let Some(word) = atom.strip_prefix("kw_") {
                    out.insert(word.to_string());
                } else if atom.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !atom.is_empty()
                    && self.rules.iter().any(|(n, _)| n == atom)
                    && !atom.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                {
                    self.leading_expr(self.body(atom), out, depth + 1);
                }
            }
        }
    }
}

/// The string literals of a rule body.
fn quoted(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// The identifiers of a rule body, outside quotes.
fn atoms(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_quote = false;
    for c in body.chars() {
        if c == '"' {
            in_quote = !in_quote;
        }
        if !in_quote && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// `expr` split at `sep` outside parentheses and quotes.
fn split_top(expr: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_quote, mut start) = (0i32, false, 0);
    for (i, c) in expr.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => depth -= 1,
            c if c == sep && !in_quote && depth == 0 => {
                out.push(&expr[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&expr[start..]);
    out
}

fn grammar() -> Grammar {
    Grammar::parse(&read("grammar/scene.pest"))
}

#[test]
fn every_grammar_keyword_is_in_the_vocabulary_and_back() {
    let g = grammar();
    let mut table = set(vocab::KEYWORDS.iter().map(|k| k.word));
    table.extend(shot_settings());
    same(
        "keywords",
        &g.keywords(),
        "grammar/scene.pest (add a `kw_WORD = @{ \"WORD\" ~ !ident_char }` rule and use it)",
        &table,
        &format!("the vocabulary (add a `Keyword` to KEYWORDS in {VOCAB}keywords.rs, or a `Block::Shot` field to FIELDS in {VOCAB}fields.rs)"),
    );
    for k in vocab::KEYWORDS {
        assert!(vocab::is_keyword(k.word));
    }
}

#[test]
fn every_unit_of_the_grammar_is_in_the_vocabulary_and_back() {
    let g = grammar();
    same(
        "units",
        &set(quoted(g.body("unit"))),
        "the `unit` rule of grammar/scene.pest",
        &set(vocab::UNITS.iter().map(|u| u.suffix)),
        &format!("UNITS in {VOCAB}words.rs"),
    );
}

#[test]
fn the_grammar_uses_each_keyword_in_its_contexts() {
    let g = grammar();
    let rule = |r: &str| format!("the grammar's `{r}` rule");
    let table =
        |c: Context| format!("the keywords with a `Context::{c:?}` use in {VOCAB}keywords.rs");
    let union = |a: BTreeSet<String>, b: BTreeSet<String>| -> BTreeSet<String> {
        a.union(&b).cloned().collect()
    };

    same(
        "items",
        &g.leading("item"),
        &rule("item"),
        &words_in(Context::Item),
        &table(Context::Item),
    );
    same(
        "scene items",
        &g.leading("scene_item"),
        &rule("scene_item"),
        &union(words_in(Context::SceneItem), words_in(Context::Transition)),
        &format!(
            "{} or {}",
            table(Context::SceneItem),
            table(Context::Transition)
        ),
    );
    same(
        "transitions",
        &union(g.leading("transition"), g.leading("transition_kind")),
        &rule("transition"),
        &words_in(Context::Transition),
        &table(Context::Transition),
    );
    same(
        "shot statements",
        &g.leading("statement"),
        &rule("statement"),
        &union(words_in(Context::Statement), shot_settings()),
        &format!(
            "{} or the `Block::Shot` fields in {VOCAB}fields.rs",
            table(Context::Statement)
        ),
    );
    same(
        "shot settings",
        &g.keywords_of("setting_key"),
        &rule("setting_key"),
        &shot_settings(),
        &format!("the `Block::Shot` fields in {VOCAB}fields.rs"),
    );
    same(
        "actions",
        &g.leading("action"),
        &rule("action"),
        &words_in(Context::Action),
        &table(Context::Action),
    );
    same(
        "camera moves",
        &g.leading("camera_move"),
        &rule("camera_move"),
        &words_in(Context::Move),
        &table(Context::Move),
    );
    same(
        "camera clauses",
        &g.leading("camera_clause"),
        &rule("camera_clause"),
        &union(words_in(Context::Move), words_in(Context::CameraClause)),
        &format!(
            "{} or {}",
            table(Context::Move),
            table(Context::CameraClause)
        ),
    );
    same(
        "sound roles",
        &g.keywords_of("sound_role"),
        &rule("sound_role"),
        &words_in(Context::SoundRole),
        &table(Context::SoundRole),
    );
    same(
        "sides",
        &g.keywords_of("side"),
        &rule("side"),
        &words_in(Context::Side),
        &table(Context::Side),
    );
    same(
        "positions",
        &g.keywords_of("position"),
        &rule("position"),
        &words_in(Context::Position),
        &table(Context::Position),
    );
    let after = |rules: &[&str], lead: &[&str]| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for r in rules {
            out.extend(g.keywords_of(r));
        }
        for l in lead {
            out.remove(*l);
        }
        out
    };
    same(
        "eases",
        &after(&["ease"], &["ease"]),
        &rule("ease"),
        &words_in(Context::Ease),
        &table(Context::Ease),
    );
    same(
        "horizontal directions",
        &after(&["pan_head", "truck_head"], &["pan", "truck"]),
        &rule("pan_head"),
        &words_in(Context::Horizontal),
        &table(Context::Horizontal),
    );
    same(
        "vertical directions",
        &after(&["tilt_head", "crane_head"], &["tilt", "crane"]),
        &rule("tilt_head"),
        &words_in(Context::Vertical),
        &table(Context::Vertical),
    );
    same(
        "in and out",
        &after(&["dolly_head", "fade_in", "fade_out"], &["dolly", "fade"]),
        &rule("dolly_head"),
        &words_in(Context::InOut),
        &table(Context::InOut),
    );
    let blocks = set(Block::ALL
        .into_iter()
        .filter(|b| b.is_definition())
        .map(|b| b.keyword()));
    same(
        "definition blocks",
        &g.keywords_of("block_kw"),
        &rule("block_kw"),
        &blocks,
        "`Block::is_definition`",
    );
    for w in words_in(Context::FadeTo) {
        assert!(
            g.keywords_of("transition_kind").contains(&w),
            "`{w}` is not used in `transition_kind`"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The reference

/// docs/language.md as sections (the heading line and the text up to the next heading of the
/// same or a higher level).
struct Docs {
    text: String,
}

impl Docs {
    fn load() -> Docs {
        Docs {
            text: read("docs/language.md"),
        }
    }

    /// The text under the heading that starts with `heading`, up to the next heading of the same
    /// or a higher level.
    fn section(&self, heading: &str) -> &str {
        let level = heading.chars().take_while(|&c| c == '#').count();
        let start = self
            .text
            .lines()
            .scan(0, |offset, line| {
                let at = *offset;
                *offset += line.len() + 1;
                Some((at, line))
            })
            .find(|(_, l)| l.starts_with(heading))
            .map(|(at, _)| at)
            .unwrap_or_else(|| panic!("docs/language.md has no heading `{heading}`"));
        let body_start = start + self.text[start..].find('\n').map_or(0, |p| p + 1);
        let mut end = self.text.len();
        let mut offset = body_start;
        for line in self.text[body_start..].lines() {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
                end = offset;
                break;
            }
            offset += line.len() + 1;
        }
        &self.text[body_start..end]
    }
}

/// The rows of the first table in `text` whose header's first cell is `first_header`.
fn table(text: &str, first_header: &str, where_: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut found = false;
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            if found {
                break;
            }
            continue;
        }
        let cells = cells(line);
        if !found {
            if cells.first().map(String::as_str) == Some(first_header) {
                found = true;
            }
            continue;
        }
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        rows.push(cells);
    }
    assert!(
        found,
        "docs/language.md, {where_}: no table with a `{first_header}` column"
    );
    rows
}

/// The cells of a table row; `\|` is a `|` inside a cell.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

/// The code spans of a cell: "`wipe left D`, `wipe right D`" → ["wipe left D", "wipe right D"].
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// Code spans that are one identifier.
fn ticked_words(cells: &[String]) -> BTreeSet<String> {
    cells
        .iter()
        .flat_map(|c| code_spans(c))
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect()
}

fn first_word(code: &str) -> String {
    code.split_whitespace().next().unwrap_or("").to_string()
}

#[test]
fn the_units_table_lists_every_unit_with_its_type() {
    let docs = Docs::load();
    let where_ = "§4 Values, units and types";
    let rows = table(
        docs.section("## 4. Values, units and types"),
        "unit",
        where_,
    );
    let mut listed = BTreeSet::new();
    for row in &rows {
        let Some(unit) = code_spans(&row[0]).into_iter().next() else {
            continue; // `none`: a plain number
        };
        if let Some(spec) = vocab::unit(&unit) {
            assert_eq!(
                row[1],
                spec.quantity.name(),
                "docs/language.md, {where_}: the unit `{unit}` is a {}",
                spec.quantity.name()
            );
        }
        listed.insert(unit);
    }
    same(
        "units",
        &listed,
        &format!("the units table of docs/language.md {where_} (add a row `| `UNIT` | TYPE | examples | notes |`)"),
        &set(vocab::UNITS.iter().map(|u| u.suffix)),
        &format!("UNITS in {VOCAB}words.rs"),
    );
}

#[test]
fn each_block_table_lists_its_fields_with_their_types() {
    let docs = Docs::load();
    let sections = [
        (Block::Film, "### `film \"Title\" { … }`", "field"),
        (Block::Character, "### `character ID { … }`", "field"),
        (Block::Location, "### `location ID { … }`", "field"),
        (Block::Look, "### `look ID { … }`", "field"),
        (Block::Camera, "### `camera ID { … }`", "field"),
        (Block::Shot, "## 14. Per-shot settings", "setting"),
    ];
    for (block, heading, header) in sections {
        let where_ = format!("the table under `{heading}`");
        let rows = table(docs.section(heading), header, &where_);
        let keys: Vec<String> = rows
            .iter()
            .map(|r| first_word(&code_spans(&r[0]).into_iter().next().unwrap_or_default()))
            .collect();
        let specs: Vec<&str> = vocab::fields_of(block).map(|f| f.key).collect();
        same(
            &format!("fields of {}", block.noun()),
            &set(keys.iter().cloned()),
            &format!("docs/language.md, {where_} (add a row `| `KEY` | TYPE | … |`)"),
            &set(specs.iter().copied()),
            &format!("FIELDS in {VOCAB}fields.rs (add a `FieldSpec` for Block::{block:?})"),
        );
        assert_eq!(
            keys, specs,
            "docs/language.md, {where_}: list the fields in the order of FIELDS in {VOCAB}fields.rs"
        );
        for (row, key) in rows.iter().zip(&keys) {
            let Some(spec) = vocab::field(block, key) else {
                continue;
            };
            assert_eq!(
                row[1],
                spec.value.doc_name(),
                "docs/language.md, {where_}: `{key}` takes a {}",
                spec.value.doc_name()
            );
            let required = row.iter().any(|c| c.contains("**required**"));
            assert_eq!(
                required,
                spec.required,
                "docs/language.md, {where_}: `{key}` is {}required in {VOCAB}fields.rs",
                if spec.required { "" } else { "not " }
            );
            if let ValueType::Word(words) = spec.value {
                same(
                    &format!("the values of `{key}`"),
                    &ticked_words(&row[2..]),
                    &format!("docs/language.md, {where_}, the row of `{key}`"),
                    &set(words.iter().map(|w| w.word)),
                    &format!("its word set in {VOCAB}words.rs"),
                );
            }
        }
    }
}

#[test]
fn the_statement_tables_list_every_keyword_of_their_context() {
    let docs = Docs::load();
    let leading = |rows: &[Vec<String>]| -> BTreeSet<String> {
        rows.iter()
            .flat_map(|r| code_spans(&r[0]))
            .map(|c| first_word(&c))
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect()
    };
    let check = |heading: &str, header: &str, words: BTreeSet<String>, context: &str| {
        let where_ = format!("the `{header}` table under `{heading}`");
        let rows = table(docs.section(heading), header, &where_);
        same(
            context,
            &leading(&rows),
            &format!("docs/language.md, {where_}"),
            &words,
            &format!("{VOCAB}keywords.rs"),
        );
        rows
    };
    let mut statements = words_in(Context::Statement);
    statements.extend(shot_settings());
    check("## 7. Shots", "statement", statements, "shot statements");
    check(
        "## 6. Scenes",
        "item",
        words_in(Context::SceneItem),
        "scene items",
    );
    check(
        "## 16. Transitions",
        "transition",
        words_in(Context::Transition),
        "transitions",
    );
    // Moves and actions: the docs write each one exactly as the table's syntax does.
    for (heading, header, context) in [
        ("### Moves", "move", Context::Move),
        ("## 9. Blocking", "action", Context::Action),
    ] {
        let rows = check(heading, header, words_in(context), &format!("{context:?}"));
        for row in rows {
            let Some(code) = code_spans(&row[0]).into_iter().next() else {
                continue;
            };
            if let Some(u) = vocab::keyword(&first_word(&code)).and_then(|k| k.use_in(context)) {
                assert_eq!(
                    code, u.syntax,
                    "docs/language.md, `{header}` table under `{heading}`: `{}` is written `{}` in {VOCAB}keywords.rs",
                    first_word(&code),
                    u.syntax
                );
            }
        }
    }
    let where_ = "the `ease` table under `## 8. The camera`";
    let rows = table(docs.section("## 8. The camera"), "ease", where_);
    same(
        "eases",
        &ticked_words(&rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>()),
        &format!("docs/language.md, {where_}"),
        &words_in(Context::Ease),
        &format!("{VOCAB}keywords.rs"),
    );
    let where_ = "the `part` table under `### `sound ID = ROLE ASSET [GAIN]``";
    let rows = table(
        docs.section("### `sound ID = ROLE ASSET [GAIN]`"),
        "part",
        where_,
    );
    let roles = rows
        .iter()
        .find(|r| r[0] == "ROLE")
        .map(|r| ticked_words(&r[1..2]));
    same(
        "sound roles",
        &roles.unwrap_or_default(),
        &format!("docs/language.md, {where_}, the ROLE row"),
        &words_in(Context::SoundRole),
        &format!("{VOCAB}keywords.rs"),
    );
}

#[test]
fn the_grammar_summary_quotes_every_keyword() {
    let docs = Docs::load();
    let appendix = docs.section("## Appendix: grammar summary");
    let start = appendix
        .find("```text")
        .expect("the appendix has a ```text block");
    let block = &appendix[start + 7..];
    let block = &block[..block.find("```").unwrap_or(block.len())];
    let quoted: BTreeSet<String> = quoted(block)
        .into_iter()
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    let mut words = set(vocab::KEYWORDS.iter().map(|k| k.word));
    words.extend(shot_settings());
    same(
        "keywords",
        &quoted,
        "the grammar summary at the end of docs/language.md (write it in quotes where its construct is)",
        &words,
        &format!("the vocabulary in {VOCAB}"),
    );
}
