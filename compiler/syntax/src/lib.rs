//! Syntax of the .scene language: the pest grammar (`grammar/scene.pest`), a parser that
//! recovers from errors and keeps spans on every node, and the canonical formatter.
//!
//! This crate knows nothing of names, units or rendering; it turns text into a tree and syntax
//! diagnostics.
//!
//! - [`parse`] never fails and never panics: it returns the tree of every piece that parsed
//!   together with every syntax error (codes in [`codes`], E0001–E0099). Recovery works item by
//!   item, then field by field and statement by statement inside a block that failed.
//! - [`lexer`] is the one lexer, shared by the parser's recovery and the language server.
//! - [`vocab`] is the vocabulary as data: keywords per context, units, word sets, the fields of
//!   each block. Parser messages, the checker, the language server and the docs all read it.
//! - [`format`] prints the canonical layout, keeping every comment; it refuses files with
//!   syntax errors. [`compare::same_meaning`] states what it preserves.

pub mod ast;
pub mod codes;
pub mod compare;
pub mod diagnostic;
pub mod format;
pub mod lexer;
pub mod relocate;
pub mod span;
pub mod vocab;

mod build;
mod chunk;
mod expect;
mod grammar;
mod parser;
mod reuse;
mod scan;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use format::format;
pub use parser::{parse, parse_with, Parse};
pub use reuse::{CacheStats, ItemCache};
pub use span::{line_col, FileId, Span, Spanned};
