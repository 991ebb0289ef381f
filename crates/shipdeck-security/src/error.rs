//! Errors of the Security area, each with a stable `security.*` code.
//! What a scan finds is a finding, not an error: an error means the request
//! itself cannot be answered.

use shipdeck_types::Coded;

#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// A file the user named (rules, baseline, SARIF, report path) is unusable.
    #[error("{path}: {reason}")]
    BadFile { path: String, reason: String },

    /// The OSV API named by `--osv-url` (or the default) could not be
    /// reached or did not answer in time. `url` is the origin only.
    #[error("OSV API at {url} unreachable: {reason}")]
    OsvUnreachable { url: String, reason: String },

    /// The OSV API answered, but not as an OSV API does (status, size,
    /// shape, a redirect elsewhere).
    #[error("OSV API at {url} gave an unusable answer: {reason}")]
    OsvBadAnswer { url: String, reason: String },

    /// The OSV API address itself is unusable.
    #[error("OSV API address {url:?}: {reason}")]
    OsvBadUrl { url: String, reason: String },

    /// An offline OSV export (`OSV_DIR/<Ecosystem>/all.zip`) is missing or
    /// unusable.
    #[error("{path}: {reason}")]
    OsvOffline { path: String, reason: String },

    /// A lockfile of the workspace is larger than a lockfile can sensibly be.
    #[error("{path}: {size} bytes, more than the {limit} bytes a lockfile may have")]
    LockfileTooLarge { path: String, size: u64, limit: u64 },
    /// A lockfile of the workspace cannot be read as its format says.
    #[error("{path}: {reason}")]
    BadLockfile { path: String, reason: String },
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
            SecurityError::OsvUnreachable { .. } => "security.osv_unreachable",
            SecurityError::OsvBadAnswer { .. } => "security.osv_bad_answer",
            SecurityError::OsvBadUrl { .. } => "security.osv_bad_url",
            SecurityError::OsvOffline { .. } => "security.osv_offline_unusable",
            SecurityError::LockfileTooLarge { .. } => "security.lockfile_too_large",
            SecurityError::BadLockfile { .. } => "security.bad_lockfile",
            SecurityError::BadRules { .. } => "security.bad_rules",
            SecurityError::BadRevision { .. } => "security.bad_revision",
            SecurityError::BadFingerprint { .. } => "security.bad_fingerprint",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            SecurityError::BadFile { .. } => "Check the file's path and format.".into(),
            SecurityError::OsvUnreachable { .. } => "Check the network and the OSV API address \
                 (`--osv-url`, `[security.vulns] osv_url`), or scan offline with \
                 `--offline OSV_DIR` holding OSV's `<Ecosystem>/all.zip` exports."
                .into(),
            SecurityError::OsvBadAnswer { .. } => "Check that the address points at an \
                 OSV-compatible API (`POST /v1/querybatch`, `GET /v1/vulns/{id}`), or scan \
                 offline with `--offline OSV_DIR`."
                .into(),
            SecurityError::OsvBadUrl { .. } => "Give an http(s) address without user or \
                 password, such as https://api.osv.dev."
                .into(),
            SecurityError::OsvOffline { .. } => "Download OSV's exports as \
                 OSV_DIR/<Ecosystem>/all.zip (folders named `npm`, `PyPI`, `crates.io`) \
                 for every ecosystem the lockfiles use."
                .into(),
            SecurityError::LockfileTooLarge { .. } | SecurityError::BadLockfile { .. } => {
                "Regenerate the lockfile with its package manager, or remove it if it is not \
                 the workspace's."
                    .into()
            }
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
