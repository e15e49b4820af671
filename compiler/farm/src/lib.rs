//! Rendering a film on a farm: which worker renders which shots ([`shard`]), the commands every
//! worker and the assembler run ([`job`]), and what each engine needs to run them ([`slurm`],
//! [`kubernetes`]).
//!
//! scenec has no scheduler of its own. A farm render is `N` workers running
//! `scenec render FILE --shard K/N --shots-only` against a shared cache, then one
//! `scenec render FILE --assemble-only` that builds the film from that cache; Slurm or
//! Kubernetes decides where and when they run. The assembled film is byte-identical to a
//! single-machine render, because every shot's bytes depend only on its cache key.

pub mod duration;
pub mod job;
pub mod kubernetes;
pub mod shard;
pub mod shell;
pub mod slurm;

pub use job::FarmJob;
pub use shard::{Assignment, Shard, ShardError};

/// A file `scenec farm` writes into its output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// A plain file name (no directories).
    pub name: &'static str,
    pub contents: String,
    /// Written with the execute bits set.
    pub executable: bool,
}

impl GeneratedFile {
    fn script(name: &'static str, contents: String) -> Self {
        GeneratedFile {
            name,
            contents,
            executable: true,
        }
    }

    fn data(name: &'static str, contents: String) -> Self {
        GeneratedFile {
            name,
            contents,
            executable: false,
        }
    }
}
