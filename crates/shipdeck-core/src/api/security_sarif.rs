//! Code scanning: SARIF files imported into the store, one import per tool
//! and file, results de-duplicated across imports by fingerprint. A result
//! is *new* when the tool's latest import holds it and the tool's latest
//! import at or before the last release (the nearest version tag) did not,
//! *fixed* the other way round, *existing* when both did. Without a release
//! (or an import before it) every result of the latest import is new.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Shipdeck;
use crate::error::Result;
use crate::security::sarif::{self, SarifLevel, SarifResult};
use crate::store::{SarifImportRow, StoredSarifResult};
use crate::workspace::Workspace;

/// At most this many files in one import request.
const MAX_FILES: usize = 64;

/// What one imported file held.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SarifFileImport {
    /// The file as given.
    pub file: String,
    pub tools: Vec<String>,
    pub results: u64,
    /// Results this workspace had not stored before.
    pub first_seen: u64,
    /// Results whose location was outside the workspace: kept without a file.
    pub outside_workspace: u64,
    /// Results dropped as repeats of another result of the file.
    pub duplicates: u64,
}

/// `security sarif import`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SarifImportSummary {
    pub files: Vec<SarifFileImport>,
}

/// A result's state since the last release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SarifStatus {
    New,
    Existing,
    Fixed,
}

/// One row of Code scanning.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SarifRow {
    #[serde(flatten)]
    pub result: SarifResult,
    pub status: SarifStatus,
    /// When an import first held it (Unix milliseconds).
    pub first_seen_at: i64,
}

/// One tool's latest import and what it is compared with.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SarifToolState {
    pub tool: String,
    pub imported_at: i64,
    pub commit_sha: Option<String>,
    /// The import at or before the release it is compared with.
    pub baseline_imported_at: Option<i64>,
    pub new: u64,
    pub existing: u64,
    pub fixed: u64,
}

/// Which rows `security_sarif_list` returns.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct SarifFilter {
    #[serde(default)]
    pub tool: Option<String>,
    #[serde(default)]
    pub level: Option<SarifLevel>,
    #[serde(default)]
    pub status: Option<SarifStatus>,
}

/// `security sarif list`: the rows (filtered), every tool's state, and the
/// tools and levels there are to filter by.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SarifList {
    /// The release tag compared with, when there is one.
    pub release: Option<String>,
    pub tools: Vec<SarifToolState>,
    pub levels: Vec<SarifLevel>,
    pub rows: Vec<SarifRow>,
    /// Rows before the filter.
    pub total: u64,
}

/// HEAD's commit, when the workspace has one.
fn head_sha(ws: &Workspace) -> Option<String> {
    let repo = ws.repo().ok()?;
    let head = repo.head().ok()?.peel_to_commit().ok()?;
    Some(head.id().to_string())
}

/// The nearest version tag and the commits among `shas` at or before it.
fn release_and_before(ws: &Workspace, shas: &[String]) -> (Option<String>, HashSet<String>) {
    let Ok(repo) = ws.repo() else {
        return (None, HashSet::new());
    };
    let Ok(Some(tag)) = crate::workspace::nearest_version_tag(&repo) else {
        return (None, HashSet::new());
    };
    let Ok(tag_oid) = git2::Oid::from_str(&tag.sha) else {
        return (Some(tag.name), HashSet::new());
    };
    let before = shas
        .iter()
        .filter(|s| {
            git2::Oid::from_str(s)
                .is_ok_and(|oid| oid == tag_oid || repo.graph_descendant_of(tag_oid, oid).unwrap_or(false))
        })
        .cloned()
        .collect();
    (Some(tag.name), before)
}

/// Sorts rows: new first, then fixed, then existing; worst level first; by place.
fn sort_rows(rows: &mut [SarifRow]) {
    let rank = |s: SarifStatus| match s {
        SarifStatus::New => 0,
        SarifStatus::Fixed => 1,
        SarifStatus::Existing => 2,
    };
    rows.sort_by(|a, b| {
        (
            rank(a.status),
            std::cmp::Reverse(a.result.level),
            &a.result.file,
            a.result.line,
            &a.result.rule_id,
        )
            .cmp(&(
                rank(b.status),
                std::cmp::Reverse(b.result.level),
                &b.result.file,
                b.result.line,
                &b.result.rule_id,
            ))
    });
}

/// Compares a tool's latest import with its baseline.
fn compare(
    latest: Vec<StoredSarifResult>,
    baseline: Option<Vec<StoredSarifResult>>,
    first_seen_at: &dyn Fn(i64) -> i64,
) -> Vec<SarifRow> {
    let row = |s: StoredSarifResult, status| SarifRow {
        first_seen_at: first_seen_at(s.first_import),
        result: s.result,
        status,
    };
    let Some(baseline) = baseline else {
        return latest.into_iter().map(|s| row(s, SarifStatus::New)).collect();
    };
    let now: HashSet<String> = latest.iter().map(|s| s.result.fingerprint.clone()).collect();
    let before: HashSet<&str> = baseline.iter().map(|s| s.result.fingerprint.as_str()).collect();
    let mut rows: Vec<SarifRow> = latest
        .into_iter()
        .map(|s| {
            let status = if before.contains(s.result.fingerprint.as_str()) {
                SarifStatus::Existing
            } else {
                SarifStatus::New
            };
            row(s, status)
        })
        .collect();
    rows.extend(
        baseline
            .into_iter()
            .filter(|s| !now.contains(&s.result.fingerprint))
            .map(|s| row(s, SarifStatus::Fixed)),
    );
    rows
}

impl Shipdeck {
    /// Imports SARIF files (each an absolute path, or relative to the
    /// workspace): one import per tool of each file, at HEAD's commit.
    pub async fn security_sarif_import(&self, path: &Path, files: &[PathBuf]) -> Result<SarifImportSummary> {
        if files.is_empty() || files.len() > MAX_FILES {
            return Err(crate::error::Error::InvalidInput {
                field: "files",
                reason: format!("name 1 to {MAX_FILES} SARIF files"),
            });
        }
        let ws = self.registered(path).await?;
        let mut summary = SarifImportSummary { files: Vec::new() };
        for file in files {
            let full = if file.is_absolute() {
                file.clone()
            } else {
                ws.root.join(file)
            };
            let (root, w) = (ws.root.clone(), ws.clone());
            let (parsed, head) =
                tokio::task::spawn_blocking(move || (sarif::read_file(&full, &root), head_sha(&w))).await?;
            let parsed = parsed?;
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let mut first_seen = 0;
            for tool in &parsed.tools {
                let of_tool: Vec<&SarifResult> = parsed.results.iter().filter(|r| &r.tool == tool).collect();
                let imported = self
                    .store_ref()
                    .sarif_import(&ws.id, tool, head.as_deref(), &name, &of_tool)
                    .await?;
                first_seen += imported.first_seen;
            }
            summary.files.push(SarifFileImport {
                file: file.display().to_string(),
                tools: parsed.tools.clone(),
                results: parsed.results.len() as u64,
                first_seen,
                outside_workspace: parsed.outside_workspace,
                duplicates: parsed.duplicates,
            });
        }
        Ok(summary)
    }

    /// Every tool's latest results with their state since the last
    /// release, filtered; a read, so nothing is recorded.
    pub async fn security_sarif_list(&self, path: &Path, filter: &SarifFilter) -> Result<SarifList> {
        let ws = self.workspace(path).await?;
        let store = self.store_ref();
        let imports = store.sarif_imports(&ws.id).await?;
        let shas: Vec<String> = imports.iter().filter_map(|i| i.commit_sha.clone()).collect();
        let w = ws.clone();
        let (release, before) = tokio::task::spawn_blocking(move || release_and_before(&w, &shas)).await?;
        let at: HashMap<i64, i64> = imports.iter().map(|i| (i.id, i.imported_at)).collect();
        let first_seen_at = |id: i64| at.get(&id).copied().unwrap_or_default();
        // Newest first: the first import of a tool is its latest.
        let mut by_tool: BTreeMap<&str, Vec<&SarifImportRow>> = BTreeMap::new();
        for i in &imports {
            by_tool.entry(&i.tool).or_default().push(i);
        }
        let (mut tools, mut rows) = (Vec::new(), Vec::new());
        for (tool, list) in by_tool {
            let latest = list[0];
            let baseline = list
                .iter()
                .find(|i| i.commit_sha.as_ref().is_some_and(|s| before.contains(s)));
            let base_results = match baseline {
                Some(b) => Some(store.sarif_results_of(b.id).await?),
                None => None,
            };
            let tool_rows = compare(
                store.sarif_results_of(latest.id).await?,
                base_results,
                &first_seen_at,
            );
            let count = |s| tool_rows.iter().filter(|r| r.status == s).count() as u64;
            tools.push(SarifToolState {
                tool: tool.to_string(),
                imported_at: latest.imported_at,
                commit_sha: latest.commit_sha.clone(),
                baseline_imported_at: baseline.map(|b| b.imported_at),
                new: count(SarifStatus::New),
                existing: count(SarifStatus::Existing),
                fixed: count(SarifStatus::Fixed),
            });
            rows.extend(tool_rows);
        }
        let total = rows.len() as u64;
        let mut levels: Vec<SarifLevel> = rows.iter().map(|r| r.result.level).collect();
        levels.sort_by(|a, b| b.cmp(a));
        levels.dedup();
        rows.retain(|r| {
            filter.tool.as_ref().is_none_or(|t| &r.result.tool == t)
                && filter.level.is_none_or(|l| r.result.level == l)
                && filter.status.is_none_or(|s| r.status == s)
        });
        sort_rows(&mut rows);
        Ok(SarifList {
            release,
            tools,
            levels,
            rows,
            total,
        })
    }
}
