//! Errors of the Security area, each with a stable `security.*` code.
//! What a scan finds is a finding, not an error: an error means the request
//! itself cannot be answered.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// A file the user named (rules, baseline, SARIF, report path) is unusable.
    #[error("{path}: {reason}")]
    BadFile { path: String, reason: String },

    /// A secrets rule file (gitleaks TOML) cannot be used as rules.
    #[error("rules from {source_name}: {reason}")]
    BadRules { source_name: String, reason: String },

    /// `--since` names no commit of the repository.
    #[error("{rev} is not a commit of this repository: {reason}")]
    BadRevision { rev: String, reason: String },

    /// A `.gitleaksignore` fingerprint that cannot be written as one line.
    #[error("not a finding fingerprint: {reason}")]
    BadFingerprint { reason: String },
}

impl Coded for SecurityError {
    /// Stable, dotted identifier. Never rename one; add new ones.
    fn code(&self) -> &'static str {
        match self {
            SecurityError::BadFile { .. } => "security.bad_file",
            SecurityError::BadRules { .. } => "security.bad_rules",
            SecurityError::BadRevision { .. } => "security.bad_revision",
            SecurityError::BadFingerprint { .. } => "security.bad_fingerprint",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            SecurityError::BadFile { .. } => "Check the file's path and format.".into(),
            SecurityError::BadRules { .. } => {
                "Fix the rule named in the message (gitleaks TOML format), or remove the file to use Shipdeck's default rules.".into()
            }
            SecurityError::BadRevision { .. } => {
                "Give a tag, branch or commit id that exists here (see `git log --all`).".into()
            }
            SecurityError::BadFingerprint { .. } => {
                "Copy the fingerprint from a report: `commit:file:rule:line` or `file:rule:line`, on one line.".into()
            }
        })
    }
}

impl From<SecurityError> for shipdeck_base::error::Error {
    fn from(e: SecurityError) -> Self {
        Self::area(e)
    }
}

pub type Result<T, E = SecurityError> = std::result::Result<T, E>;
