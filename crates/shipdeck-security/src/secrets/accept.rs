//! Findings a team has accepted: `.gitleaksignore` fingerprints and a
//! baseline report (gitleaks JSON or Shipdeck JSON).

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde::Deserialize;
use shipdeck_base::error::{Error, Result};

use super::{SecretFinding, SecretsReport};
use crate::error::SecurityError;

pub(crate) const IGNORE_FILE: &str = ".gitleaksignore";
const MAX_ACCEPT_BYTES: u64 = 64 * 1024 * 1024;

/// The fingerprints of `root/.gitleaksignore` (none when absent).
pub(crate) fn ignored_fingerprints(root: &Path) -> Result<HashSet<String>> {
    let path = root.join(IGNORE_FILE);
    let Some(text) = read_text(&path)? else {
        return Ok(HashSet::new());
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// A finding `.gitleaksignore` names: by its own fingerprint, or, as
/// gitleaks allows, by `file:rule:line` for every commit.
pub(crate) fn is_ignored(f: &SecretFinding, fps: &HashSet<String>) -> bool {
    let global = format!("{}:{}:{}", f.file, f.rule_id, f.start_line);
    fps.contains(&global) || fps.contains(&f.fingerprint)
}

fn read_text(path: &Path) -> Result<Option<String>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", path)(e)),
    };
    if !meta.is_file() {
        return Err(bad_file(path, "not a regular file"));
    }
    if meta.len() > MAX_ACCEPT_BYTES {
        return Err(bad_file(path, "larger than 64 MiB"));
    }
    let bytes = std::fs::read(path).map_err(Error::io("read", path))?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn bad_file(path: &Path, reason: &str) -> Error {
    SecurityError::BadFile {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
    .into()
}

/// One baseline entry: gitleaks' field names, or Shipdeck's.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BaselineEntry {
    #[serde(rename = "RuleID", alias = "rule_id")]
    rule_id: String,
    #[serde(rename = "Description", alias = "description")]
    description: String,
    #[serde(rename = "StartLine", alias = "start_line")]
    start_line: u32,
    #[serde(rename = "EndLine", alias = "end_line")]
    end_line: u32,
    #[serde(rename = "StartColumn", alias = "start_column")]
    start_column: u32,
    #[serde(rename = "EndColumn", alias = "end_column")]
    end_column: u32,
    #[serde(rename = "File", alias = "file")]
    file: String,
    #[serde(rename = "Commit", alias = "commit")]
    commit: Option<String>,
    #[serde(rename = "Author", alias = "author")]
    author: Option<String>,
    #[serde(rename = "Email", alias = "email")]
    email: Option<String>,
    #[serde(rename = "Date", alias = "date")]
    date: Option<String>,
    #[serde(rename = "Message", alias = "message")]
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BaselineFile {
    Gitleaks(Vec<BaselineEntry>),
    Shipdeck { findings: Vec<BaselineEntry> },
}

pub(crate) struct Baseline(Vec<BaselineEntry>);

pub(crate) fn load_baseline(root: &Path, path: &Path) -> Result<Baseline> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let text = read_text(&path)?.ok_or_else(|| bad_file(&path, "does not exist"))?;
    let file: BaselineFile = serde_json::from_str(&text)
        .map_err(|e| bad_file(&path, &format!("not a gitleaks or Shipdeck JSON report: {e}")))?;
    Ok(Baseline(match file {
        BaselineFile::Gitleaks(v) => v,
        BaselineFile::Shipdeck { findings } => findings,
    }))
}

impl Baseline {
    /// gitleaks' rule for a redacted report: every field but the
    /// fingerprint, the match, the secret and the entropy must be equal.
    pub fn contains(&self, f: &SecretFinding) -> bool {
        let opt = |a: &Option<String>, b: &Option<String>| {
            a.as_deref().unwrap_or("").trim() == b.as_deref().unwrap_or("").trim()
        };
        self.0.iter().any(|b| {
            b.rule_id == f.rule_id
                && b.description == f.description
                && b.start_line == f.start_line
                && b.end_line == f.end_line
                && b.start_column == f.start_column
                && b.end_column == f.end_column
                && b.file == f.file
                && opt(&b.commit, &f.commit)
                && opt(&b.author, &f.author)
                && opt(&b.email, &f.email)
                && opt(&b.date, &f.date)
                && opt(&b.message, &f.message)
        })
    }
}

/// Drops accepted findings from `report`, counting them in `ignored`.
pub(crate) fn apply(root: &Path, baseline: Option<&Path>, report: &mut SecretsReport) -> Result<()> {
    let fps = ignored_fingerprints(root)?;
    let base = baseline.map(|b| load_baseline(root, b)).transpose()?;
    let before = report.findings.len();
    report
        .findings
        .retain(|f| !is_ignored(f, &fps) && !base.as_ref().is_some_and(|b| b.contains(f)));
    report.ignored += (before - report.findings.len()) as u64;
    Ok(())
}

/// Appends `fingerprint` to `root/.gitleaksignore`; false when present.
pub(crate) fn add(root: &Path, fingerprint: &str) -> Result<bool> {
    let fp = fingerprint.trim();
    let refuse = |reason: &str| -> Error {
        SecurityError::BadFingerprint {
            reason: reason.to_string(),
        }
        .into()
    };
    if fp.is_empty() {
        return Err(refuse("empty"));
    }
    if fp.contains(['\n', '\r', '\0']) || fp.starts_with('#') {
        return Err(refuse("a fingerprint is one line and does not start with #"));
    }
    if fp.split(':').count() < 3 || fp.len() > 4096 {
        return Err(refuse("expected commit:file:rule:line or file:rule:line"));
    }
    if !root.is_dir() {
        return Err(Error::WorkspaceNotFound {
            path: root.to_path_buf(),
        });
    }
    let path = root.join(IGNORE_FILE);
    let existing = read_text(&path)?;
    if ignored_fingerprints(root)?.contains(fp) {
        return Ok(false);
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(Error::io("write", &path))?;
    let sep = match existing.as_deref() {
        Some(t) if !t.is_empty() && !t.ends_with('\n') => "\n",
        _ => "",
    };
    writeln!(file, "{sep}{fp}").map_err(Error::io("write", &path))?;
    Ok(true)
}
