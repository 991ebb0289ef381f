//! The Security area's actions: a secrets scan and a vulnerability scan,
//! each a recorded job whose row keeps counts only (never a match), and
//! "Not a secret", which adds the finding's fingerprint to the workspace's
//! `.gitleaksignore` and leaves an audit entry saying who and why. Code
//! scanning (SARIF) is in `security_sarif.rs`.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::record::{AuditAction, Records};
use super::Shipdeck;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::security::secrets::{self, ReportFormat, SecretsOptions, SecretsReport};
use crate::security::vulns::{self, VulnsOptions, VulnsReport};
use crate::workspace::Workspace;

/// A fingerprint is `commit:file:rule:line`; longer than this is not one.
const MAX_FINGERPRINT: usize = 4096;
const MAX_REASON: usize = 1000;

/// `path` as given when absolute, else relative to the workspace.
fn in_workspace(ws: &Workspace, path: Option<PathBuf>) -> Option<PathBuf> {
    path.map(|p| if p.is_absolute() { p } else { ws.root.join(p) })
}

fn secrets_summary(r: &SecretsReport) -> String {
    format!(
        "{} secret(s) found ({} files, {} commits scanned, {} ignored)",
        r.findings.len(),
        r.files_scanned,
        r.commits_scanned,
        r.ignored
    )
}

fn vulns_summary(r: &VulnsReport) -> String {
    let packages: std::collections::BTreeSet<_> = r
        .vulnerabilities
        .iter()
        .map(|v| (&v.package, &v.version))
        .collect();
    format!(
        "{} vulnerabilit{} in {} package(s) ({} packages scanned)",
        r.vulnerabilities.len(),
        if r.vulnerabilities.len() == 1 { "y" } else { "ies" },
        packages.len(),
        r.packages_scanned
    )
}

/// Refuses a report path inside a `.git` folder (the workspace's git
/// folder, wherever it is, or any folder named `.git`): a report there
/// could be taken for git's own files. Any other path the user typed is theirs.
fn check_report_path(ws: &Workspace, out: &Path) -> Result<PathBuf> {
    let refuse = |reason: &str| Error::InvalidInput {
        field: "report_path",
        reason: reason.to_string(),
    };
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        ws.root.join(out)
    };
    let name = out.file_name().ok_or_else(|| refuse("names no file"))?;
    let parent = out.parent().unwrap_or(Path::new("/"));
    let parent = parent
        .canonicalize()
        .map_err(|e| refuse(&format!("its folder {}: {e}", parent.display())))?;
    let target = parent.join(name);
    let git_dir = ws.repo().ok().and_then(|r| r.path().canonicalize().ok());
    if target
        .components()
        .any(|c| c == Component::Normal(".git".as_ref()))
        || git_dir.is_some_and(|g| target.starts_with(g))
    {
        return Err(refuse("a report may not be written inside a .git folder"));
    }
    Ok(target)
}

/// `security secrets`' options as the workspace reads them: a relative
/// baseline is the workspace's.
pub(super) fn secrets_options(ws: &Workspace, mut opts: SecretsOptions) -> SecretsOptions {
    opts.baseline = in_workspace(ws, opts.baseline.take());
    opts
}

/// `security vulns`' options as the workspace reads them: the API is
/// `opts.osv_url`, else `[security.vulns] osv_url`, else the engine's
/// default; a relative offline folder is the workspace's.
pub(super) fn vulns_options(ws: &Workspace, config: &Config, mut opts: VulnsOptions) -> VulnsOptions {
    if opts.osv_url.is_none() {
        opts.osv_url = config.security.vulns.osv_url.clone();
    }
    opts.offline = in_workspace(ws, opts.offline.take());
    opts
}

impl Shipdeck {
    /// Scans the workspace for secrets (tree and history) as a recorded
    /// job; its row keeps the counts, never a match.
    pub async fn security_secrets_scan(
        &self,
        path: &Path,
        opts: SecretsOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<SecretsReport> {
        let ws = self.registered(path).await?;
        let opts = secrets_options(&ws, opts);
        let root = ws.root.clone();
        self.run_recorded(
            &ws,
            JobKind::SecuritySecrets,
            sink,
            move |p| {
                let report = secrets::scan(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: secrets_summary(&report),
                    result: Some(serde_json::json!({
                        "findings": report.findings.len(),
                        "files_scanned": report.files_scanned,
                        "commits_scanned": report.commits_scanned,
                        "ignored": report.ignored,
                    })),
                    value: report,
                })
            },
            |_| Records::default(),
        )
        .await
    }

    /// Writes a secrets report to `out` (absolute, or relative to the
    /// workspace) in `format`; matches stay redacted.
    pub async fn security_secrets_report(
        &self,
        path: &Path,
        report: &SecretsReport,
        format: ReportFormat,
        out: &Path,
    ) -> Result<PathBuf> {
        let ws = self.workspace(path).await?;
        let target = check_report_path(&ws, out)?;
        let mut buf = Vec::new();
        secrets::write_report(report, format, &mut buf)?;
        tokio::fs::write(&target, buf)
            .await
            .map_err(|e| Error::InvalidInput {
                field: "report_path",
                reason: format!("{}: {e}", target.display()),
            })?;
        Ok(target)
    }

    /// "Not a secret": appends the finding's fingerprint to the workspace's
    /// `.gitleaksignore` and records who dismissed it and why. False when
    /// the fingerprint was already there (the audit entry is written anyway).
    pub async fn security_secret_dismiss(
        &self,
        path: &Path,
        fingerprint: &str,
        reason: &str,
    ) -> Result<bool> {
        let (fingerprint, reason) = (fingerprint.trim(), reason.trim());
        if fingerprint.is_empty()
            || fingerprint.len() > MAX_FINGERPRINT
            || fingerprint.chars().any(char::is_control)
        {
            return Err(Error::InvalidInput {
                field: "fingerprint",
                reason: "a finding's fingerprint is one line, commit:file:rule:line".into(),
            });
        }
        if reason.is_empty() || reason.len() > MAX_REASON {
            return Err(Error::InvalidInput {
                field: "reason",
                reason: format!("say why this is not a secret (at most {MAX_REASON} bytes)"),
            });
        }
        let ws = self.registered(path).await?;
        let (root, fp) = (ws.root.clone(), fingerprint.to_string());
        let added = tokio::task::spawn_blocking(move || secrets::ignore_finding(&root, &fp)).await??;
        let audit = Records::default().audited(
            AuditAction::SecuritySecretDismiss,
            serde_json::json!({ "fingerprint": fingerprint, "reason": reason, "added": added }),
        );
        self.write_records(&ws, audit).await?;
        Ok(added)
    }

    /// Matches every locked dependency against OSV advisories as a recorded
    /// job. The API is `opts.osv_url`, else `[security.vulns] osv_url`,
    /// else the engine's default.
    pub async fn security_vulns_scan(
        &self,
        path: &Path,
        opts: VulnsOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<VulnsReport> {
        let ws = self.registered(path).await?;
        let opts = vulns_options(&ws, &ws.config_or_default()?, opts);
        let root = ws.root.clone();
        self.run_recorded(
            &ws,
            JobKind::SecurityVulns,
            sink,
            move |p| {
                let report = vulns::scan(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: vulns_summary(&report),
                    result: Some(serde_json::json!({
                        "vulnerabilities": report.vulnerabilities.len(),
                        "packages_scanned": report.packages_scanned,
                        "lockfiles": report.lockfiles.len(),
                    })),
                    value: report,
                })
            },
            |_| Records::default(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_path_inside_git_is_refused_and_others_are_the_users() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let ws = Workspace::open(dir.path()).unwrap();
        let code = |p: &Path| check_report_path(&ws, p).unwrap_err().code();
        assert_eq!(code(&dir.path().join(".git/report.json")), "input.invalid");
        assert_eq!(code(Path::new(".git/hooks/pre-commit")), "input.invalid");
        assert_eq!(code(&dir.path().join("missing/dir/r.json")), "input.invalid");
        let ok = check_report_path(&ws, Path::new("report.json")).unwrap();
        assert_eq!(ok, dir.path().canonicalize().unwrap().join("report.json"));
        let elsewhere = tempfile::tempdir().unwrap();
        assert!(check_report_path(&ws, &elsewhere.path().join("r.sarif")).is_ok());
    }
}
