//! Reading the audit log: filtered lists, the filter menus' values, dates
//! as people type them, and the CSV and JSON exports. Also the store's
//! reachability for the app's first screen.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use shipdeck_types::Coded;
use ts_rs::TS;

use super::Shipdeck;
use crate::error::{Error, Result};
use crate::secrets::redact;
use crate::store::{AuditEntry, AuditFacets, AuditFilter, StoreStatus};

/// Errors of reading and exporting the audit log (`activity.*`).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A `--since`/`--until` value that is no date.
    #[error("{value:?} is not a date")]
    BadDate { value: String },

    /// The export's file cannot be written there.
    #[error("{path}: {message}")]
    ExportPath { path: String, message: String },
}

impl Coded for AuditError {
    fn code(&self) -> &'static str {
        match self {
            AuditError::BadDate { .. } => "activity.bad_date",
            AuditError::ExportPath { .. } => "activity.export_path",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                AuditError::BadDate { .. } => {
                    "Write a day as YYYY-MM-DD (local time) or an instant as RFC 3339, e.g. 2026-12-01 or 2026-12-01T09:30:00Z."
                }
                AuditError::ExportPath { .. } => "Choose a file in a folder that exists and that you may write.",
            }
            .into(),
        )
    }
}

impl From<AuditError> for Error {
    fn from(e: AuditError) -> Self {
        Error::area(e)
    }
}

/// The file format of an audit export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditExportFormat {
    Csv,
    Json,
}

/// A date as a person types it, as epoch milliseconds: `YYYY-MM-DD` is that
/// day's local midnight, or, with `end_of_day`, the next day's (so an
/// exclusive `until` of a day includes the day); RFC 3339 is that instant.
pub fn parse_date(value: &str, end_of_day: bool) -> Result<i64> {
    let bad = || {
        Error::from(AuditError::BadDate {
            value: value.chars().take(100).collect(),
        })
    };
    let s = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Ok(at.timestamp_millis());
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    let day = if end_of_day {
        day.succ_opt().ok_or_else(bad)?
    } else {
        day
    };
    let midnight = day.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
    // A midnight skipped by a clock change is the first instant after it.
    let local = Local
        .from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            Local
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(bad)?;
    Ok(local.timestamp_millis())
}

/// The CSV columns of an export.
pub const CSV_HEADER: [&str; 10] = [
    "id",
    "at",
    "user",
    "host",
    "workspace",
    "area",
    "action",
    "target",
    "outcome",
    "detail",
];

/// The entries as CSV (RFC 4180, header first). Times are RFC 3339 UTC;
/// every cell is redacted, and one that a spreadsheet would read as a
/// formula (`=`, `+`, `-`, `@`, tab, carriage return first) starts with `'`.
pub fn audit_csv(entries: &[AuditEntry]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Internal(format!("audit CSV: {e}"));
    w.write_record(CSV_HEADER).map_err(csv_err)?;
    for e in entries {
        let at = Utc
            .timestamp_millis_opt(e.at)
            .single()
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
            .unwrap_or_default();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let row = [
            e.id.to_string(),
            at,
            e.user.clone(),
            opt(&e.host),
            opt(&e.workspace_id),
            opt(&e.area),
            e.action.clone(),
            opt(&e.target),
            opt(&e.outcome),
            e.detail.clone(),
        ];
        w.write_record(row.iter().map(|cell| safe_cell(cell)))
            .map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Internal(format!("audit CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("audit CSV: {e}")))
}

/// The entries as the JSON of `shipdeck activity --audit --json`
/// (`{"audit": [...]}`), every text redacted.
pub fn audit_json(entries: &[AuditEntry]) -> Result<String> {
    let text = serde_json::to_string_pretty(&serde_json::json!({ "audit": entries }))
        .map_err(|e| Error::Internal(format!("audit JSON: {e}")))?;
    Ok(redact(&text).into_owned())
}

/// A redacted cell that no spreadsheet runs as a formula.
fn safe_cell(cell: &str) -> String {
    let cell = redact(cell);
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.into_owned(),
    }
}

impl Shipdeck {
    /// The audit entries `filter` selects, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.store_ref().audit_entries(filter).await
    }

    /// The users and areas in the log of one workspace (by id) or of all.
    pub async fn audit_facets(&self, workspace_id: Option<&str>) -> Result<AuditFacets> {
        self.store_ref().audit_facets(workspace_id).await
    }

    /// The id of the workspace at `path`, for a filter.
    pub async fn workspace_id(&self, path: &Path) -> Result<String> {
        Ok(self.workspace(path).await?.id)
    }

    /// Writes the entries `filter` selects to `file` as CSV or JSON; the
    /// folder must exist. Returns the file written.
    pub async fn audit_export(
        &self,
        filter: &AuditFilter,
        format: AuditExportFormat,
        file: &Path,
    ) -> Result<PathBuf> {
        let refuse = |message: &str| AuditError::ExportPath {
            path: file.display().to_string(),
            message: message.into(),
        };
        if file.as_os_str().is_empty() || file.is_dir() {
            return Err(refuse("is a folder, not a file").into());
        }
        match file.parent() {
            Some(p) if !p.as_os_str().is_empty() && !p.is_dir() => {
                return Err(refuse("its folder does not exist").into())
            }
            _ => {}
        }
        let entries = self.audit_entries(filter).await?;
        let text = match format {
            AuditExportFormat::Csv => audit_csv(&entries)?,
            AuditExportFormat::Json => audit_json(&entries)?,
        };
        let out = file.to_path_buf();
        tokio::fs::write(&out, text)
            .await
            .map_err(|e| refuse(&e.to_string()))?;
        Ok(out)
    }

    /// Whether the store answers, for the app's first screen.
    pub async fn store_status(&self) -> StoreStatus {
        self.store_ref().status().await
    }

    /// Goes back to the local store (drops a shared store's URL from the
    /// settings); takes effect when Shipdeck starts again.
    pub fn store_use_local(&self) -> Result<()> {
        if std::env::var_os(crate::store::settings::STORE_URL_ENV).is_some_and(|v| !v.is_empty()) {
            return Err(crate::error::Error::InvalidInput {
                field: crate::store::settings::STORE_URL_ENV,
                reason:
                    "the environment chooses the shared store; unset SHIPDECK_STORE_URL to use the local one"
                        .into(),
            });
        }
        crate::store::settings::use_local(&self.paths.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(id: i64, target: &str, detail: serde_json::Value) -> AuditEntry {
        AuditEntry {
            id,
            at: 1_764_000_000_000,
            actor: "alice".into(),
            workspace_id: Some("w1".into()),
            action: "migrate.up".into(),
            detail: detail.to_string(),
            user: "alice".into(),
            host: Some("build-01".into()),
            area: Some("migrations".into()),
            target: Some(target.into()),
            outcome: Some("ok".into()),
        }
    }

    fn parse(csv_text: &str) -> Vec<Vec<String>> {
        csv::Reader::from_reader(csv_text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn csv_round_trips_commas_quotes_and_newlines() {
        let hostile = "a,b \"quoted\"\nnext line";
        let text = audit_csv(&[entry(7, hostile, json!({"k": "v,w"}))]).unwrap();
        assert!(text.starts_with("id,at,user,host,workspace,area,action,target,outcome,detail\n"));
        let rows = parse(&text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0], "7");
        assert_eq!(rows[0][1], "2025-11-24T16:00:00.000Z");
        assert_eq!(
            rows[0][2..7],
            ["alice", "build-01", "w1", "migrations", "migrate.up"]
        );
        assert_eq!(rows[0][7], hostile);
        assert_eq!(rows[0][9], r#"{"k":"v,w"}"#);
    }

    #[test]
    fn csv_defuses_cells_a_spreadsheet_would_run_as_formulas() {
        let cells: Vec<String> = [
            "=HYPERLINK(\"http://evil\")",
            "+1+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "ok=fine",
        ]
        .iter()
        .map(|t| parse(&audit_csv(&[entry(1, t, json!({}))]).unwrap())[0][7].clone())
        .collect();
        assert_eq!(
            cells,
            [
                "'=HYPERLINK(\"http://evil\")",
                "'+1+1",
                "'-2",
                "'@SUM(A1)",
                "'\tx",
                "ok=fine"
            ]
        );
    }

    #[test]
    fn exports_redact_a_password_in_the_detail() {
        let leaky = entry(
            1,
            "main",
            json!({"url": "postgres://admin:s3cr3t-pass@db:5432/app"}),
        );
        let csv_text = audit_csv(std::slice::from_ref(&leaky)).unwrap();
        let json_text = audit_json(&[leaky]).unwrap();
        for text in [&csv_text, &json_text] {
            assert!(!text.contains("s3cr3t-pass"), "{text}");
            assert!(text.contains("db:5432/app"), "{text}");
        }
        let v: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        assert_eq!(v["audit"][0]["user"], "alice");
        assert_eq!(v["audit"][0]["area"], "migrations");
    }

    #[test]
    fn dates_are_days_in_local_time_or_rfc3339_instants() {
        assert_eq!(
            parse_date("2026-12-01T09:30:00Z", false).unwrap(),
            1_796_117_400_000
        );
        assert_eq!(
            parse_date("2026-12-01T09:30:00+01:00", true).unwrap(),
            1_796_113_800_000
        );
        let start = parse_date("2026-12-01", false).unwrap();
        let end = parse_date("2026-12-01", true).unwrap();
        let expected = Local
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(2026, 12, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            )
            .earliest()
            .unwrap();
        assert_eq!(start, expected.timestamp_millis());
        assert!((23 * 3_600_000..=25 * 3_600_000).contains(&(end - start)));
        for bad in ["yesterday", "2026-13-01", "01/12/2026", "", "2026-12-01 09:30"] {
            let e = parse_date(bad, false).unwrap_err();
            assert_eq!(e.code(), "activity.bad_date", "{bad}");
            assert!(e.hint().unwrap().contains("YYYY-MM-DD"));
        }
    }

    #[tokio::test]
    async fn export_writes_the_chosen_format_and_refuses_a_missing_folder() {
        let data = tempfile::tempdir().unwrap();
        let core = Shipdeck::open(crate::Paths::resolve(Some(data.path().to_path_buf())).unwrap())
            .await
            .unwrap();
        core.store_ref()
            .audit(
                None,
                "secret.set",
                json!({"name": "gh", "token": "ghp_0123456789abcdefghijABCDEFGHIJ012345"}),
            )
            .await
            .unwrap();
        let filter = AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        };
        let out = data.path().join("audit.csv");
        core.audit_export(&filter, AuditExportFormat::Csv, &out)
            .await
            .unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(parse(&text)[0][6], "secret.set");
        assert!(!text.contains("ghp_0123456789"), "{text}");
        let out = data.path().join("audit.json");
        core.audit_export(&filter, AuditExportFormat::Json, &out)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["audit"][0]["area"], "secrets");
        let missing = data.path().join("no/such/folder/audit.csv");
        let e = core
            .audit_export(&filter, AuditExportFormat::Csv, &missing)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "activity.export_path");
        assert!(!missing.exists());
        let e = core
            .audit_export(&filter, AuditExportFormat::Csv, data.path())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "activity.export_path");
    }
}
