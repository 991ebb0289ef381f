//! Errors of the Coverage area, each with a stable `coverage.*` code. A
//! report that cannot be read stops the run: totals without it would be
//! wrong without saying so.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// A report's content is not one of the known formats, or is malformed.
    #[error("{path}: {message}")]
    BadReport { path: String, message: String },

    /// A report named with `--file` is over the size limit.
    #[error("{path} is larger than {limit} bytes")]
    TooLarge { path: String, limit: u64 },

    /// A `--file` path that is missing or leaves the workspace.
    #[error("{path}: {message}")]
    BadPath { path: String, message: String },

    /// An area's globs in `[coverage.areas]` do not parse.
    #[error("[coverage.areas.{area}]: {message}")]
    BadConfig { area: String, message: String },

    /// The workspace holds more entries than a walk reads.
    #[error("more than {limit} entries under the workspace")]
    TooManyEntries { limit: usize },

    /// `--base` names no commit, or one with no common history with HEAD.
    #[error("{reference}: {message}")]
    BadRef { reference: String, message: String },

    /// The diff from the merge base changes more files than are read.
    #[error("the diff changes more than {limit} files")]
    TooManyChanges { limit: usize },

    /// Patch coverage needs a git repository with a commit at HEAD.
    #[error("{message}")]
    NoRepository { message: String },
}

impl Coded for CoverageError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            CoverageError::BadReport { .. } => "coverage.bad_report",
            CoverageError::TooLarge { .. } => "coverage.too_large",
            CoverageError::BadPath { .. } => "coverage.bad_path",
            CoverageError::BadConfig { .. } => "coverage.bad_config",
            CoverageError::TooManyEntries { .. } => "coverage.too_many_entries",
            CoverageError::BadRef { .. } => "coverage.bad_ref",
            CoverageError::TooManyChanges { .. } => "coverage.too_many_changes",
            CoverageError::NoRepository { .. } => "coverage.no_repository",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                CoverageError::BadReport { .. } => {
                    "Regenerate the report with its tool, or remove it (or name the good ones with --file)."
                }
                CoverageError::TooLarge { .. } => "Reports over 256 MiB are not read.",
                CoverageError::BadPath { .. } => "Name a regular file inside the workspace, relative to it.",
                CoverageError::BadConfig { .. } => {
                    "Fix the glob in shipdeck.toml (for example \"src/**/*.rs\")."
                }
                CoverageError::TooManyEntries { .. } => {
                    "Name the reports with --file, or open a sub-folder of the workspace."
                }
                CoverageError::BadRef { .. } => {
                    "Name a branch, tag or commit that shares history with HEAD (for example origin/main); in a shallow clone, fetch it first."
                }
                CoverageError::TooManyChanges { .. } => {
                    "Measure against a closer base (a more recent branch or tag)."
                }
                CoverageError::NoRepository { .. } => {
                    "Open a folder inside a git repository that has at least one commit."
                }
            }
            .into(),
        )
    }

    fn is_user_error(&self) -> bool {
        true
    }
}

impl From<CoverageError> for shipdeck_base::error::Error {
    fn from(e: CoverageError) -> Self {
        Self::area(e)
    }
}

pub type Result<T> = std::result::Result<T, CoverageError>;

pub(crate) fn bad(path: &str, message: impl std::fmt::Display) -> CoverageError {
    CoverageError::BadReport {
        path: path.to_string(),
        message: message.to_string(),
    }
}
