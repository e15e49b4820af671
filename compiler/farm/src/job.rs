//! What every engine runs: the worker's and the assembler's `scenec` command lines.
//!
//! Engines differ only in how they start these two commands and say which shard a worker is;
//! the commands themselves are the same everywhere, so a farm render can be reproduced by hand
//! (`scenec render … --shard 0/4 --shots-only`, then `--assemble-only`).

/// One word of a command line. Engines quote [`Word::Literal`]s so the shell or the container
/// runtime passes them unchanged, and let [`Word::Shard`] be expanded where the engine says
/// which worker this is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Word {
    Literal(String),
    /// `K/N`, where K is the engine's index of this worker and N is [`FarmJob::workers`].
    Shard,
}

/// A film spread over workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FarmJob {
    /// Names the engine's jobs: lower-case letters, digits and `-` (see [`job_name`]).
    pub name: String,
    /// The `scenec` the workers run (a path, or a name found on their `PATH`).
    pub scenec: String,
    /// The project's root as the workers see it; commands run there.
    pub workdir: String,
    /// The entry script, relative to `workdir`.
    pub script: String,
    /// The MP4 the assembler writes, relative to `workdir` or absolute.
    pub output: String,
    pub workers: u32,
    /// `--cache`: a directory the workers share, or an object-store URL (`s3://bucket/prefix`).
    pub cache: String,
    /// `--backend` and what it takes (`--model-dir`, `--steps` …), passed to every command.
    pub backend_args: Vec<String>,
    pub gpus_per_worker: u32,
    /// How long the assembler waits for shots that are not in the cache yet, in seconds. Engines
    /// that start the assembler only after every worker succeeded (Slurm's `afterok`) pass 0.
    pub assemble_wait_s: u64,
}

impl FarmJob {
    /// `scenec render SCRIPT --shard K/N --shots-only --cache C …`
    pub fn worker_command(&self) -> Vec<Word> {
        let mut words = self.render_prefix();
        words.push(Word::Literal("--shard".into()));
        words.push(Word::Shard);
        words.push(Word::Literal("--shots-only".into()));
        words
    }

    /// `scenec render SCRIPT --assemble-only --cache C -o OUT …`
    pub fn assemble_command(&self) -> Vec<Word> {
        let mut words = self.render_prefix();
        words.push(Word::Literal("--assemble-only".into()));
        words.push(Word::Literal("-o".into()));
        words.push(Word::Literal(self.output.clone()));
        if self.assemble_wait_s > 0 {
            words.push(Word::Literal("--wait".into()));
            words.push(Word::Literal(format!("{}s", self.assemble_wait_s)));
        }
        words
    }

    fn render_prefix(&self) -> Vec<Word> {
        let mut words: Vec<Word> = [
            self.scenec.as_str(),
            "render",
            self.script.as_str(),
            "--cache",
            self.cache.as_str(),
        ]
        .into_iter()
        .map(|w| Word::Literal(w.to_string()))
        .collect();
        words.extend(self.backend_args.iter().cloned().map(Word::Literal));
        words
    }
}

/// A name engines accept for a job (a DNS-1123 label, which is also a safe Slurm job name):
/// the film's title in lower case, other characters as `-`, at most `max` characters, never
/// empty, never starting or ending with `-`.
pub fn job_name(title: &str, max: usize) -> String {
    let mut name = String::new();
    for c in title.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    name.truncate(max.max(1));
    let name = name.trim_matches('-').to_string();
    if name.is_empty() {
        "film".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_dns_labels() {
        assert_eq!(job_name("The Reunion", 40), "the-reunion");
        assert_eq!(job_name("  Café — Noir!! ", 40), "caf-noir");
        assert_eq!(job_name("!!!", 40), "film");
        assert_eq!(job_name("abcdefghij klm", 11), "abcdefghij");
    }
}
