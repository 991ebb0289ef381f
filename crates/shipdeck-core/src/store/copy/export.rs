//! A store as one JSON document: `{"format":"shipdeck-store","version":1,
//! "store_id":…,"schema":…,"tables":{"<table>":[{column: value…}…]}}`,
//! written table by table as the rows are read (a store can be large), and
//! read back, checked whole, for `store import`.

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::spec::{self, Key, TABLES};
use super::values::{self, JsonRow};
use super::{copy, schema_version, source_key_of, CopyReport, Source, StoreError, BATCH};
use crate::error::{Error, Result};
use crate::jobs::Progress;
use crate::store::Store;

pub const EXPORT_FORMAT: &str = "shipdeck-store";
pub const EXPORT_VERSION: u32 = 1;

/// An export read back.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDoc {
    pub format: String,
    pub version: u32,
    pub store_id: String,
    pub schema: i64,
    pub tables: BTreeMap<String, Vec<JsonRow>>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub store_id: String,
    pub schema: i64,
    pub tables: BTreeMap<String, u64>,
}

fn write_err(e: std::io::Error) -> Error {
    Error::Io {
        action: "write",
        path: "the export".into(),
        source: e,
    }
}

/// Writes every table of `store` to `out`, streaming, and says how many
/// rows each had. The `store_id` setting is the document's own field, not
/// a row.
pub async fn export(store: &Store, out: &mut dyn Write, progress: &Progress) -> Result<ExportSummary> {
    let db = store.db().await?;
    let store_id = store.store_id().await?;
    let schema = schema_version(db);
    let header = serde_json::json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "store_id": store_id,
        "schema": schema,
    });
    let header = serde_json::to_string(&header).expect("a JSON value serializes");
    // The header's closing brace gives way to the tables.
    write!(out, "{},\"tables\":{{", &header[..header.len() - 1]).map_err(write_err)?;
    let mut summary = ExportSummary {
        store_id,
        schema,
        tables: BTreeMap::new(),
    };
    let source = Source::Store(store);
    let specs: Vec<_> = TABLES.iter().filter(|t| t.key != Key::Skip).collect();
    let mut total = 0;
    for spec in &specs {
        total += source.count(spec).await?;
    }
    let mut done = 0;
    for (i, spec) in specs.iter().enumerate() {
        let columns = values::columns(db, spec).await?;
        write!(out, "{}\n{:?}:[", if i == 0 { "" } else { "," }, spec.name).map_err(write_err)?;
        let mut offset = 0;
        let mut n = 0;
        loop {
            progress.checkpoint()?;
            let rows = values::read_page(db, spec, &columns, offset, BATCH).await?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as u64;
            for row in &rows {
                if spec.name == "settings" && row.get("key") == Some(&Value::from("store_id")) {
                    continue;
                }
                if n > 0 {
                    out.write_all(b",").map_err(write_err)?;
                }
                out.write_all(b"\n").map_err(write_err)?;
                serde_json::to_writer(&mut *out, row).map_err(|e| write_err(e.into()))?;
                n += 1;
            }
            done += rows.len() as u64;
            progress.report(done, Some(total), spec.name);
        }
        out.write_all(b"]").map_err(write_err)?;
        summary.tables.insert(spec.name.to_string(), n);
    }
    out.write_all(b"}}\n").map_err(write_err)?;
    out.flush().map_err(write_err)?;
    Ok(summary)
}

/// Reads an export; anything that is not one is `store.bad_export`.
pub fn read_export(input: impl Read) -> Result<ExportDoc> {
    let doc: ExportDoc =
        serde_json::from_reader(std::io::BufReader::new(input)).map_err(|e| StoreError::BadExport {
            reason: e.to_string(),
        })?;
    if doc.format != EXPORT_FORMAT || doc.version != EXPORT_VERSION {
        return Err(StoreError::BadExport {
            reason: format!(
                "format {:?} version {}, expected {EXPORT_FORMAT:?} version {EXPORT_VERSION}",
                doc.format.chars().take(64).collect::<String>(),
                doc.version
            ),
        }
        .into());
    }
    if doc.store_id.trim().is_empty() || doc.store_id.len() > 200 {
        return Err(StoreError::BadExport {
            reason: "store_id must name the store it came from".into(),
        }
        .into());
    }
    Ok(doc)
}

impl Store {
    /// Imports an export into this store. The whole document is checked
    /// against this store's tables and columns before a row is written, so
    /// a bad one imports nothing.
    pub async fn import(&self, doc: &ExportDoc, progress: &Progress) -> Result<CopyReport> {
        let db = self.db().await?;
        let supported = schema_version(db);
        if doc.schema > supported {
            return Err(StoreError::ExportNewer {
                schema: doc.schema,
                supported,
            }
            .into());
        }
        for (name, rows) in &doc.tables {
            let spec =
                spec::table(name)
                    .filter(|s| s.key != Key::Skip)
                    .ok_or_else(|| StoreError::BadExport {
                        reason: format!("unknown table {:?}", name.chars().take(64).collect::<String>()),
                    })?;
            let columns: HashMap<String, values::ColType> =
                values::columns(db, spec).await?.into_iter().collect();
            for row in rows {
                source_key_of(spec, row)?;
                for (column, value) in row {
                    let ty = columns.get(column).ok_or_else(|| StoreError::BadExport {
                        reason: format!(
                            "{name}: no column {:?}",
                            column.chars().take(64).collect::<String>()
                        ),
                    })?;
                    values::to_arg(name, column, *ty, value)?;
                }
            }
        }
        copy(&Source::Export(doc), self, progress).await
    }
}
