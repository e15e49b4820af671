//! The editor features. Each takes the analysis of a file (and the project, to resolve names
//! across files) with a byte offset or range, and returns plain data: byte spans, strings, kinds
//! of its own. [`crate::proto`] turns the results into protocol messages.

pub mod actions;
pub mod completion;
pub mod describe;
pub mod format;
pub mod highlight;
pub mod hover;
pub mod inlay;
pub mod navigation;
pub mod outline;
pub mod timecode;

#[cfg(test)]
mod fixture;

use std::sync::Arc;

use crate::analysis::Analysis;

/// A span in a file other than (or the same as) the one asked about.
#[derive(Clone, Debug)]
pub struct FileSpan {
    pub file: Arc<Analysis>,
    pub span: scene_syntax::Span,
}
