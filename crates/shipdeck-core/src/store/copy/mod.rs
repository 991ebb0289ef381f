//! Copying a store's history into another store: `store migrate-to` (this
//! data dir's SQLite file into a shared PostgreSQL store), `store export`
//! (every table as JSON) and `store import` (such a JSON into the current
//! store). One engine, [`copy`], reads rows from a [`Source`] and writes
//! them into the target table by table, in batches, each batch in a
//! transaction with its rows recorded in `store_imports` under the source
//! store's id, so copying the same source again copies only what is new.

mod export;
mod spec;
mod values;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

pub use export::{export, read_export, ExportDoc, ExportSummary, EXPORT_FORMAT, EXPORT_VERSION};
pub use spec::{Key, TableSpec, TABLES};
pub(crate) use values::columns;
pub use values::{JsonRow, MAX_VALUE_BYTES};

use crate::error::{Coded, Error, Result};
use crate::jobs::Progress;
use values::{key_text, quote, ColType};

use super::{q, Db, Store, Tx};

/// Rows per transaction: a cancel or a failure loses at most one batch,
/// and the next copy resumes after the batches that committed.
const BATCH: u64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no local history in {path}")]
    NoLocalHistory { path: String },

    #[error("not a Shipdeck store export: {reason}")]
    BadExport { reason: String },

    #[error("the export has schema {schema}, newer than this Shipdeck's {supported}")]
    ExportNewer { schema: i64, supported: i64 },

    #[error("{table}.{column} holds {bytes} bytes, more than the {MAX_VALUE_BYTES} a value may hold")]
    ValueTooLarge {
        table: String,
        column: String,
        bytes: usize,
    },
}

impl Coded for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::NoLocalHistory { .. } => "store.no_local_history",
            StoreError::BadExport { .. } => "store.bad_export",
            StoreError::ExportNewer { .. } => "store.export_newer",
            StoreError::ValueTooLarge { .. } => "store.value_too_large",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                StoreError::NoLocalHistory { .. } => {
                    "Nothing to copy: this data folder has no shipdeck.db. Set SHIPDECK_DATA_DIR to the folder that has it."
                }
                StoreError::BadExport { .. } => {
                    "Import a file written by `shipdeck store export`; nothing was imported."
                }
                StoreError::ExportNewer { .. } => {
                    "Import it with the Shipdeck that wrote it, or a newer one; nothing was imported."
                }
                StoreError::ValueTooLarge { .. } => {
                    "The export holds a value larger than any Shipdeck writes; nothing was imported."
                }
            }
            .into(),
        )
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::area(e)
    }
}

/// What one table's copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub copied: u64,
    /// Already copied before, or already in the target (its row kept), or
    /// referring to a row that was not copied.
    pub skipped: u64,
}

/// What a copy did, per table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CopyReport {
    pub source_store: String,
    pub tables: BTreeMap<String, TableCount>,
}

impl CopyReport {
    pub fn copied(&self) -> u64 {
        self.tables.values().map(|c| c.copied).sum()
    }
}

/// The latest schema version this build knows, for `engine`'s store.
pub fn schema_version(db: &Db) -> i64 {
    let migrator = if db.is_postgres() {
        &super::POSTGRES_MIGRATOR
    } else {
        &super::SQLITE_MIGRATOR
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Store {
    /// The store's id (a random UUID kept in `settings`), created on first
    /// need. Two clients creating it at once agree: the first insert wins.
    pub async fn store_id(&self) -> Result<String> {
        let db = self.db().await?;
        q("INSERT INTO settings (key, value) VALUES ('store_id', $1) ON CONFLICT(key) DO NOTHING")
            .bind(new_uuid())
            .execute(db)
            .await?;
        q("SELECT value FROM settings WHERE key = 'store_id'")
            .scalar(db)
            .await
    }
}

fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Where copied rows come from.
pub enum Source<'a> {
    /// Another store (read page by page).
    Store(&'a Store),
    /// An export read from a file (checked whole before anything is written).
    Export(&'a ExportDoc),
}

impl Source<'_> {
    async fn store_id(&self) -> Result<String> {
        match self {
            Source::Store(s) => s.store_id().await,
            Source::Export(doc) => Ok(doc.store_id.clone()),
        }
    }

    async fn count(&self, spec: &TableSpec) -> Result<u64> {
        match self {
            Source::Store(s) => {
                let n: i64 = q(format!("SELECT COUNT(*) FROM {}", quote(spec.name)))
                    .scalar(s.db().await?)
                    .await?;
                Ok(n.max(0) as u64)
            }
            Source::Export(doc) => Ok(doc.tables.get(spec.name).map_or(0, |r| r.len() as u64)),
        }
    }

    async fn page(&self, spec: &TableSpec, offset: u64) -> Result<Vec<JsonRow>> {
        match self {
            Source::Store(s) => {
                let db = s.db().await?;
                let cols = values::columns(db, spec).await?;
                values::read_page(db, spec, &cols, offset, BATCH).await
            }
            Source::Export(doc) => Ok(doc
                .tables
                .get(spec.name)
                .map(|rows| {
                    rows.iter()
                        .skip(offset as usize)
                        .take(BATCH as usize)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()),
        }
    }
}

/// Copies every table of `source` into `target` (see the module doc).
/// Reports rows done out of the total; stops between batches on cancel.
pub async fn copy(source: &Source<'_>, target: &Store, progress: &Progress) -> Result<CopyReport> {
    let source_store = source.store_id().await?;
    let db = target.db().await?;
    if source_store == target.store_id().await? {
        return Err(Error::InvalidInput {
            field: "store",
            reason: "the source and the target are the same store".into(),
        });
    }
    let mut total = 0;
    for spec in TABLES.iter().filter(|t| t.key != Key::Skip) {
        total += source.count(spec).await?;
    }
    let mut maps = id_maps(db, &source_store).await?;
    let mut report = CopyReport {
        source_store: source_store.clone(),
        tables: BTreeMap::new(),
    };
    let mut done = 0;
    progress.report(0, Some(total), "copying");
    for spec in TABLES.iter().filter(|t| t.key != Key::Skip) {
        let columns: HashMap<String, ColType> = values::columns(db, spec).await?.into_iter().collect();
        let mut count = TableCount::default();
        let mut offset = 0;
        loop {
            progress.checkpoint()?;
            let rows = source.page(spec, offset).await?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len() as u64;
            let mut tx = db.begin().await?;
            let mut added = Vec::new();
            for row in &rows {
                let outcome = copy_row(&mut tx, spec, &columns, row, &source_store, &maps).await?;
                match outcome {
                    Copied::New(source_key, target_key) => {
                        count.copied += 1;
                        added.push((source_key, target_key));
                    }
                    Copied::Skipped => count.skipped += 1,
                }
            }
            tx.commit().await?;
            let map = maps.entry(spec.name.to_string()).or_default();
            map.extend(added);
            done += rows.len() as u64;
            progress.report(done, Some(total), spec.name);
        }
        report.tables.insert(spec.name.to_string(), count);
    }
    Ok(report)
}

/// Every key already copied from `source_store`: table → source key →
/// target key.
async fn id_maps(db: &Db, source_store: &str) -> Result<HashMap<String, HashMap<String, String>>> {
    let rows: Vec<(String, String, String)> =
        q("SELECT table_name, source_key, target_key FROM store_imports WHERE source_store = $1")
            .bind(source_store)
            .fetch_all(db)
            .await?;
    let mut maps: HashMap<String, HashMap<String, String>> = HashMap::new();
    for (table, source, target) in rows {
        maps.entry(table).or_default().insert(source, target);
    }
    Ok(maps)
}

enum Copied {
    New(String, String),
    Skipped,
}

/// Writes one row (or skips it) and records it in `store_imports`.
async fn copy_row(
    tx: &mut Tx,
    spec: &TableSpec,
    columns: &HashMap<String, ColType>,
    row: &JsonRow,
    source_store: &str,
    maps: &HashMap<String, HashMap<String, String>>,
) -> Result<Copied> {
    let source_key = source_key_of(spec, row)?;
    let copied_before = maps.get(spec.name).is_some_and(|m| m.contains_key(&source_key));
    if copied_before || (spec.name == "settings" && row.get("key") == Some(&Value::from("store_id"))) {
        return Ok(Copied::Skipped);
    }
    let id_column = match spec.key {
        Key::Generated(id) => Some(id),
        _ => None,
    };
    let mut names = Vec::new();
    let mut args = Vec::new();
    let mut row = row.clone();
    for (column, value) in &mut row {
        if Some(column.as_str()) == id_column {
            continue;
        }
        let ty = *columns.get(column).ok_or_else(|| StoreError::BadExport {
            reason: format!("{}.{column}: no such column", spec.name),
        })?;
        if let (Some(table), false) = (spec.referenced(column), value.is_null()) {
            match maps.get(table).and_then(|m| m.get(&key_text(value))) {
                Some(target) => *value = Value::from(target.parse::<i64>().unwrap_or_default()),
                // What it refers to was not copied: a nullable reference
                // (a rollback's job) is dropped, a required one skips
                // the row.
                None if spec.name == "rollback_runs" => *value = Value::Null,
                None => return Ok(Copied::Skipped),
            }
        }
        names.push(quote(column));
        args.push(values::to_arg(spec.name, column, ty, value)?);
    }
    let placeholders = (1..=args.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO {} ({}) VALUES ({placeholders}) ON CONFLICT DO NOTHING",
        quote(spec.name),
        names.join(", ")
    );
    let target_key = match id_column {
        Some(id) => {
            let mut stmt = q(format!("{insert} RETURNING {}", quote(id)));
            for a in args {
                stmt = stmt.bind_arg(a);
            }
            match stmt.scalar_optional::<i64>(&mut *tx).await? {
                Some(new_id) => new_id.to_string(),
                // A unique key of the target's own rows (a SARIF result's
                // fingerprint): the target's row stays.
                None => return Ok(Copied::Skipped),
            }
        }
        None => {
            let mut stmt = q(insert);
            for a in args.iter().cloned() {
                stmt = stmt.bind_arg(a);
            }
            if stmt.execute(&mut *tx).await? == 0
                && !free_workspace_root(tx, spec, &row, &args, &names).await?
            {
                return Ok(Copied::Skipped);
            }
            source_key_of(spec, &row)?
        }
    };
    q(
        "INSERT INTO store_imports (source_store, table_name, source_key, target_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING",
    )
    .bind(source_store)
    .bind(spec.name)
    .bind(&source_key)
    .bind(&target_key)
    .execute(&mut *tx)
    .await?;
    Ok(Copied::New(source_key, target_key))
}

/// A workspace whose id the target lacks but whose folder (`root`, unique)
/// another of the target's workspaces holds: its root becomes
/// `<root>#<id>` so its history still has a row to belong to.
async fn free_workspace_root(
    tx: &mut Tx,
    spec: &TableSpec,
    row: &JsonRow,
    args: &[crate::store::db::Arg],
    names: &[String],
) -> Result<bool> {
    if spec.name != "workspaces" {
        return Ok(false);
    }
    let id = row.get("id").map(key_text).unwrap_or_default();
    let exists: i64 = q("SELECT COUNT(*) FROM workspaces WHERE id = $1")
        .bind(&id)
        .scalar(&mut *tx)
        .await?;
    if exists > 0 {
        return Ok(false);
    }
    let placeholders = (1..=args.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut stmt = q(format!(
        "INSERT INTO workspaces ({}) VALUES ({placeholders})",
        names.join(", ")
    ));
    for (name, arg) in names.iter().zip(args) {
        stmt = if name == "\"root\"" {
            stmt.bind(format!(
                "{}#{id}",
                row.get("root").map(key_text).unwrap_or_default()
            ))
        } else {
            stmt.bind_arg(arg.clone())
        };
    }
    stmt.execute(&mut *tx).await?;
    Ok(true)
}

/// The row's key in its store, as `store_imports` keeps it: the id, or
/// the natural key's values as a JSON array.
fn source_key_of(spec: &TableSpec, row: &JsonRow) -> Result<String> {
    let missing = |c: &str| StoreError::BadExport {
        reason: format!("{}: a row without its key column {c}", spec.name),
    };
    Ok(match spec.key {
        Key::Generated(id) => match row.get(id) {
            Some(Value::Number(n)) if n.is_i64() => n.to_string(),
            Some(_) => {
                return Err(StoreError::BadExport {
                    reason: format!("{}.{id}: an id is an integer", spec.name),
                }
                .into())
            }
            None => return Err(missing(id).into()),
        },
        Key::Natural(cols) => {
            let mut key = Vec::new();
            for c in cols {
                key.push(row.get(*c).cloned().ok_or_else(|| missing(c))?);
            }
            Value::Array(key).to_string()
        }
        Key::Skip => String::new(),
    })
}

#[cfg(test)]
mod tests;
