//! Syntax of the .scene language: the pest grammar (`grammar/scene.pest`), a parser that
//! recovers from errors and keeps spans on every node, and the canonical formatter.
//!
//! This crate knows nothing of names, units or rendering; it turns text into a tree and syntax
//! diagnostics.

pub mod ast;
pub mod codes;
pub mod compare;
pub mod diagnostic;
pub mod format;
pub mod span;

mod build;
mod chunk;
mod expect;
mod grammar;
mod parser;
mod scan;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use format::format;
pub use parser::{parse, Parse};
pub use span::{line_col, FileId, Span, Spanned};
