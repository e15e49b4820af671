//! The analysis layer: files, parses, names and checks, in plain data. It knows nothing of the
//! protocol: positions are byte offsets (or [`line_index::LineCol`] where an editor's line and
//! UTF-16 column must be turned into one), files are [`project::FileKey`]s.

pub mod documents;
pub mod film_check;
pub mod index;
pub mod line_index;
pub mod overlay;
pub mod project;
pub mod speech;
pub mod stdlib;

pub use index::NameKind;
pub use project::{Analysis, FileKey, Project, Resolved};
