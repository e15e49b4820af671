//! The protocol layer: the only code that knows the language server protocol. It maps requests
//! onto the features of [`crate::ide`] (positions to byte offsets, results to protocol types),
//! keeps the open documents up to date, and publishes diagnostics.

pub mod convert;
pub mod diagnostics;
pub mod framing;
pub mod server;
pub mod uri;

pub use server::serve;
