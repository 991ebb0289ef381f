//! Errors of the Security area, each with a stable `security.*` code.
//! What a scan finds is a finding, not an error: an error means the request
//! itself cannot be answered.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// A file the user named (rules, baseline, SARIF, report path) is unusable.
    #[error("{path}: {reason}")]
    BadFile { path: String, reason: String },
}

impl Coded for SecurityError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            SecurityError::BadFile { .. } => "security.bad_file",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            SecurityError::BadFile { .. } => "Check the file's path and format.".into(),
        })
    }
}

impl From<SecurityError> for shipdeck_base::error::Error {
    fn from(e: SecurityError) -> Self {
        Self::area(e)
    }
}

pub type Result<T, E = SecurityError> = std::result::Result<T, E>;
