//! Syntax of the .scene language: the pest grammar (`grammar/scene.pest`), a parser that
//! recovers from errors and keeps spans on every node, and the canonical formatter.
//!
//! This crate knows nothing of names, units or rendering; it turns text into a tree and syntax
//! diagnostics.

pub mod ast;
pub mod diagnostic;
pub mod span;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use span::{FileId, Span, Spanned};
