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
    /// Rules file (gitleaks TOML) to use instead of the workspace's
    /// `.gitleaks.toml` or the default set; relative to the workspace.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub rules_path: Option<PathBuf>,
    /// Files and blobs larger than this many bytes are skipped and counted
    /// (default [`DEFAULT_MAX_FILE_SIZE`]).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub max_file_size: Option<u64>,
}

/// Files over 10 MiB are skipped unless `max_file_size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

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
    /// The redacted secret (the rule's secret group; the match when none).
    #[serde(default)]
    pub secret_redacted: String,
    pub entropy: f32,
    /// The commit that introduced it; None in the working tree.
    pub commit: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    /// RFC 3339 commit date.
    pub date: Option<String>,
    /// The commit's message (as gitleaks reports it, trailing newlines
    /// trimmed).
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

mod accept;
mod config;
mod detect;
mod history;
mod report;
mod tree;
mod treediff;

use std::path::Path;
use std::sync::Arc;

use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

use detect::{Detector, Hit};
use history::CommitMeta;

/// Scans the working tree and, unless `opts.no_git`, every commit of the
/// history; progress through `progress`, stops at its cancel.
pub fn scan(root: &Path, opts: &SecretsOptions, progress: &Progress) -> Result<SecretsReport> {
    if !root.is_dir() {
        return Err(shipdeck_base::error::Error::WorkspaceNotFound {
            path: root.to_path_buf(),
        });
    }
    progress.checkpoint()?;
    let cfg = config::load(root, opts.rules_path.as_deref())?;
    let det = Detector::new(cfg)?;
    let max_size = opts.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let mut report = SecretsReport {
        rules_source: det.cfg.source.clone(),
        rules: u32::try_from(det.cfg.rules.len()).unwrap_or(u32::MAX),
        ..SecretsReport::default()
    };
    let history = if opts.no_git {
        None
    } else {
        history::scan(root, &det, opts.since.as_deref(), max_size, progress)?
    };
    let committed = history.as_ref().and_then(|h| tree::Committed::of(root, &h.blobs));
    if let Some(h) = &history {
        report.commits_scanned = h.commits;
        report.ignored += h.ignored;
        for b in h.blobs.values() {
            match b.as_ref() {
                history::Blob::Scanned { bytes, .. } => {
                    report.blobs_scanned += 1;
                    report.bytes_scanned += bytes;
                }
                history::Blob::Binary => report.skipped_binary += 1,
                history::Blob::Large => report.skipped_large += 1,
            }
        }
        for a in &h.attributed {
            report
                .findings
                .push(finding(&det, &a.hit, &a.path, Some(&a.commit)));
        }
    }
    let t = tree::scan(root, &det, committed.as_ref(), max_size, progress)?;
    report.files_scanned = t.files;
    report.bytes_scanned += t.bytes;
    report.skipped_binary += t.binary;
    report.skipped_large += t.large;
    report.ignored += t.ignored;
    for (path, hit) in &t.hits {
        report.findings.push(finding(&det, hit, path, None));
    }
    accept::apply(root, opts.baseline.as_deref(), &mut report)?;
    progress.checkpoint()?;
    Ok(report)
}

fn finding(det: &Detector, hit: &Hit, path: &str, commit: Option<&Arc<CommitMeta>>) -> SecretFinding {
    let rule = &det.cfg.rules[hit.rule];
    let fingerprint = match commit {
        Some(c) => format!("{}:{path}:{}:{}", c.id, rule.id, hit.start_line),
        None => format!("{path}:{}:{}", rule.id, hit.start_line),
    };
    SecretFinding {
        rule_id: rule.id.clone(),
        description: rule.description.clone(),
        file: path.to_string(),
        start_line: hit.start_line,
        end_line: hit.end_line,
        start_column: hit.start_column,
        end_column: hit.end_column,
        redacted: hit.redacted.clone(),
        secret_redacted: hit.secret_redacted.clone(),
        entropy: hit.entropy,
        commit: commit.map(|c| c.id.clone()),
        author: commit.map(|c| c.author.clone()),
        email: commit.map(|c| c.email.clone()),
        date: commit.map(|c| c.date.clone()),
        message: commit.map(|c| c.message.clone()),
        tags: rule.tags.clone(),
        fingerprint,
    }
}

/// Writes `report` in `format` (Match and Secret always redacted).
pub fn write_report(
    report: &SecretsReport,
    format: ReportFormat,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    report::write(report, format, out)
}

/// "Not a secret": appends `fingerprint` to the workspace's
/// `.gitleaksignore`. False when it was already there.
pub fn ignore_finding(root: &Path, fingerprint: &str) -> Result<bool> {
    accept::add(root, fingerprint)
}

/// Waits for every worker of a thread scope; the first error (or a worker
/// that panicked) is the answer.
fn join_workers(workers: Vec<std::thread::ScopedJoinHandle<'_, Result<()>>>) -> Result<()> {
    let mut first = Ok(());
    for w in workers {
        let r = w.join().unwrap_or_else(|_| {
            Err(shipdeck_base::error::Error::Internal(
                "a scanning thread stopped".into(),
            ))
        });
        if first.is_ok() {
            first = r;
        }
    }
    first
}
