//! Errors of the docs check, each with a stable `docs.*` code. A broken
//! link or a stale page is a finding, not an error: errors are what stops
//! the check itself.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// A glob in `[docs] check` does not parse.
    #[error("[docs] check: {message}")]
    BadConfig { message: String },

    /// The workspace holds more entries or pages than the check reads.
    #[error("more than {limit} {what} under the workspace")]
    TooMany { what: &'static str, limit: usize },

    /// A page named with `--mark-reviewed` is missing or leaves the workspace.
    #[error("{path}: {message}")]
    BadPath { path: String, message: String },

    /// A review is recorded at a commit: the workspace needs one.
    #[error("{message}")]
    NoCommit { message: String },

    /// The git history could not be read.
    #[error("{message}")]
    Git { message: String },
}

impl Coded for DocsError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            DocsError::BadConfig { .. } => "docs.bad_config",
            DocsError::TooMany { .. } => "docs.too_many",
            DocsError::BadPath { .. } => "docs.bad_path",
            DocsError::NoCommit { .. } => "docs.no_commit",
            DocsError::Git { .. } => "docs.git",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                DocsError::BadConfig { .. } => {
                    "Fix the glob in shipdeck.toml (for example \"guides/**/*.md\")."
                }
                DocsError::TooMany { .. } => "Narrow [docs] check, or open a sub-folder of the workspace.",
                DocsError::BadPath { .. } => {
                    "Name a Markdown page inside the workspace, relative to it (docs/x.md)."
                }
                DocsError::NoCommit { .. } => {
                    "Open a folder inside a git repository that has at least one commit."
                }
                DocsError::Git { .. } => {
                    "Check the repository with `git log`; a shallow clone may need `git fetch --unshallow`."
                }
            }
            .into(),
        )
    }

    fn is_user_error(&self) -> bool {
        !matches!(self, DocsError::Git { .. })
    }
}

impl From<DocsError> for shipdeck_base::error::Error {
    fn from(e: DocsError) -> Self {
        Self::area(e)
    }
}

impl From<git2::Error> for DocsError {
    fn from(e: git2::Error) -> Self {
        DocsError::Git {
            message: e.message().to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, DocsError>;
