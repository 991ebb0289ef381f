//! Secrets in the working tree and in every commit of the history.
//!
//! Rules are read in gitleaks' TOML format (a team's `.gitleaks.toml` works
//! unchanged); Shipdeck's default rule set extends or replaces them. A match
//! never leaves this module whole: findings carry it redacted (first four
//! characters then `…`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What `security secrets` scans and what it leaves out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SecretsOptions {
    /// The working tree only, no history.
    #[serde(default)]
    pub no_git: bool,
    /// Only commits after this one (a revision: tag, branch, commit id).
    #[serde(default)]
    pub since: Option<String>,
    /// A report (Shipdeck JSON or gitleaks JSON) whose findings are accepted.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub baseline: Option<PathBuf>,
}

/// One secret found. `redacted` is the match cut to its first four
/// characters and `…`; the full value is never kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SecretFinding {
    pub rule_id: String,
    pub description: String,
    /// Path relative to the workspace, `/`-separated.
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub start_column: u32,
    pub end_column: u32,
    /// The redacted match.
    pub redacted: String,
    pub entropy: f32,
    /// The commit that introduced it; None in the working tree.
    pub commit: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    /// RFC 3339 commit date.
    pub date: Option<String>,
    /// The commit's subject.
    pub message: Option<String>,
    pub tags: Vec<String>,
    /// `commit:file:rule:line` as gitleaks writes it (`file:rule:line`
    /// without a commit), so `.gitleaksignore` entries carry over.
    pub fingerprint: String,
}

/// What a scan read, skipped and found.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SecretsReport {
    pub findings: Vec<SecretFinding>,
    pub files_scanned: u64,
    pub commits_scanned: u64,
    /// Distinct blobs read (a blob held by many commits counts once).
    pub blobs_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_large: u64,
    /// Matches dropped by allowlists, `.gitleaksignore` or the baseline.
    pub ignored: u64,
    /// Where the rules came from: "default", ".gitleaks.toml", ….
    pub rules_source: String,
    pub rules: u32,
}

/// `--report-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    #[default]
    Json,
    Sarif,
    Gitleaks,
}

use std::path::Path;

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

/// Scans the working tree and, unless `opts.no_git`, every commit of the
/// history; progress through `progress`, stops at its cancel.
pub fn scan(root: &Path, opts: &SecretsOptions, progress: &Progress) -> Result<SecretsReport> {
    let _ = (root, opts, progress);
    todo!("secrets engine")
}

/// Writes `report` in `format` (Match and Secret always redacted).
pub fn write_report(
    report: &SecretsReport,
    format: ReportFormat,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let _ = (report, format, out);
    todo!("secrets reports")
}

/// "Not a secret": appends `fingerprint` to the workspace's
/// `.gitleaksignore`. False when it was already there.
pub fn ignore_finding(root: &Path, fingerprint: &str) -> Result<bool> {
    let _ = (root, fingerprint);
    todo!("secrets ignore")
}
