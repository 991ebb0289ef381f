//! Code-scanning imports: each SARIF import per tool, each result once per
//! workspace (keyed by its fingerprint), and which imports held which result.

use serde::Serialize;
use ts_rs::TS;

use super::{now_ms, q, Store};
use crate::error::Result;
use crate::security::sarif::{SarifLevel, SarifResult};

/// One import of one tool's results.
#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct SarifImportRow {
    pub id: i64,
    pub tool: String,
    /// HEAD when it was imported.
    pub commit_sha: Option<String>,
    pub file: String,
    /// Unix milliseconds.
    pub imported_at: i64,
    pub results: i64,
}

/// A stored result with the imports that first and last held it.
#[derive(Debug, Clone)]
pub struct StoredSarifResult {
    pub result: SarifResult,
    pub first_import: i64,
    pub last_import: i64,
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    fingerprint: String,
    tool: String,
    rule_id: String,
    level: String,
    message: String,
    file: Option<String>,
    line: Option<i64>,
    snippet: Option<String>,
    first_import: i64,
    last_import: i64,
}

pub(crate) fn level_name(level: SarifLevel) -> &'static str {
    match level {
        SarifLevel::None => "none",
        SarifLevel::Note => "note",
        SarifLevel::Warning => "warning",
        SarifLevel::Error => "error",
    }
}

fn level_of(name: &str) -> SarifLevel {
    match name {
        "error" => SarifLevel::Error,
        "note" => SarifLevel::Note,
        "none" => SarifLevel::None,
        _ => SarifLevel::Warning,
    }
}

impl From<ResultRow> for StoredSarifResult {
    fn from(r: ResultRow) -> Self {
        StoredSarifResult {
            result: SarifResult {
                tool: r.tool,
                rule_id: r.rule_id,
                level: level_of(&r.level),
                message: r.message,
                file: r.file,
                line: r.line.and_then(|l| u32::try_from(l).ok()),
                snippet: r.snippet,
                fingerprint: r.fingerprint,
            },
            first_import: r.first_import,
            last_import: r.last_import,
        }
    }
}

/// What one import added.
#[derive(Debug, Clone, Copy)]
pub struct SarifImported {
    pub import_id: i64,
    /// Results this workspace had never stored before.
    pub first_seen: u64,
}

impl Store {
    /// Stores one tool's results of one SARIF file as one import, in one
    /// transaction: a result already stored (same fingerprint) is updated
    /// (its line may have moved) and linked to this import.
    pub async fn sarif_import(
        &self,
        workspace_id: &str,
        tool: &str,
        commit_sha: Option<&str>,
        file: &str,
        results: &[&SarifResult],
    ) -> Result<SarifImported> {
        let mut tx = self.db().await?.begin().await?;
        let import_id: i64 = q(
            "INSERT INTO security_sarif_imports (workspace_id, tool, commit_sha, file, imported_at, results)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(workspace_id)
        .bind(tool)
        .bind(commit_sha)
        .bind(file)
        .bind(now_ms())
        .bind(results.len() as i64)
        .scalar(&mut tx)
        .await?;
        let mut first_seen = 0;
        for r in results {
            let (result_id, first): (i64, i64) = q(
                "INSERT INTO security_sarif_results
                   (workspace_id, fingerprint, tool, rule_id, level, message, file, line, snippet, first_import, last_import)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (workspace_id, fingerprint) DO UPDATE SET
                   level = excluded.level, message = excluded.message, file = excluded.file,
                   line = excluded.line, snippet = excluded.snippet, last_import = excluded.last_import
                 RETURNING id, first_import",
            )
            .bind(workspace_id)
            .bind(&r.fingerprint)
            .bind(&r.tool)
            .bind(&r.rule_id)
            .bind(level_name(r.level))
            .bind(&r.message)
            .bind(&r.file)
            .bind(r.line.map(i64::from))
            .bind(&r.snippet)
            .bind(import_id)
            .bind(import_id)
            .fetch_one(&mut tx)
            .await?;
            first_seen += u64::from(first == import_id);
            q("INSERT INTO security_sarif_seen (import_id, result_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(import_id)
                .bind(result_id)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(SarifImported {
            import_id,
            first_seen,
        })
    }

    /// Every import of the workspace, newest first.
    pub async fn sarif_imports(&self, workspace_id: &str) -> Result<Vec<SarifImportRow>> {
        q(
            "SELECT id, tool, commit_sha, file, imported_at, results FROM security_sarif_imports
             WHERE workspace_id = $1 ORDER BY id DESC",
        )
        .bind(workspace_id)
        .fetch_all(self.db().await?)
        .await
    }

    /// The results one import held.
    pub async fn sarif_results_of(&self, import_id: i64) -> Result<Vec<StoredSarifResult>> {
        let rows: Vec<ResultRow> = q(
            "SELECT r.fingerprint, r.tool, r.rule_id, r.level, r.message, r.file, r.line, r.snippet,
                    r.first_import, r.last_import
             FROM security_sarif_seen s JOIN security_sarif_results r ON r.id = s.result_id
             WHERE s.import_id = $1 ORDER BY r.id",
        )
        .bind(import_id)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
