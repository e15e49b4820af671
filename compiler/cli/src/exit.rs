//! How a command ended, mapped onto the process exit code.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the input has errors, or a check found differences.
    Failed,
    /// Exit 2: the tool itself could not do its work.
    ToolError,
    /// Exit 3: `scenec farm status` found shots that are not done yet (leased or missing).
    #[cfg_attr(not(feature = "render"), allow(dead_code))]
    Incomplete,
}

impl From<Outcome> for std::process::ExitCode {
    fn from(o: Outcome) -> Self {
        std::process::ExitCode::from(match o {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::ToolError => 2,
            Outcome::Incomplete => 3,
        })
    }
}

/// Report a failure of the tool itself (not of the script) and end with exit code 2.
pub fn tool_error(message: impl std::fmt::Display) -> Outcome {
    eprintln!("error: {message}");
    Outcome::ToolError
}

/// [`tool_error`] for an error with a stable code (docs/diagnostics.md, `crate::codes`):
/// `error[E0904]: …`, then a line of help when there is one; exit code 2.
#[cfg(feature = "render")]
pub fn coded_error(code: &str, message: impl std::fmt::Display, help: Option<&str>) -> Outcome {
    match help {
        Some(help) => eprintln!("error[{code}]: {message}\n  help: {help}"),
        None => eprintln!("error[{code}]: {message}"),
    }
    Outcome::ToolError
}
