//! Command lines for POSIX shells (the Slurm batch scripts).

use crate::job::Word;

/// `word` as one shell word that expands to exactly itself: single-quoted unless it is made
/// only of characters no shell treats specially.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A command line in which [`Word::Shard`] becomes `"${index_var}/N"`.
pub fn command_line(words: &[Word], index_var: &str, workers: u32) -> String {
    words
        .iter()
        .map(|w| match w {
            Word::Literal(text) => quote(text),
            Word::Shard => format!("\"${{{index_var}}}/{workers}\""),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_a_real_shell() {
        let nasty = [
            "plain",
            "with space",
            "it's",
            "$HOME",
            "`date`",
            "a\"b",
            "",
            "new\nline",
            "*",
        ];
        for word in nasty {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", quote(word)))
                .output()
                .expect("sh runs");
            assert_eq!(String::from_utf8_lossy(&out.stdout), word, "{word:?}");
        }
    }

    #[test]
    fn shard_expands_from_the_engine_variable() {
        let words = [Word::Literal("scenec".into()), Word::Shard];
        let line = command_line(&words, "SLURM_ARRAY_TASK_ID", 4);
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("SLURM_ARRAY_TASK_ID=3; printf '%s|' {line}"))
            .output()
            .expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "scenec|3/4|");
    }
}
