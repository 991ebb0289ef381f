//! The catalog checks: foreign keys without an index and duplicate indexes
//! from the `pragma_*` table-valued functions, and table sizes from
//! `dbstat`; one query each for the whole database.

use std::collections::HashMap;

use sqlx::sqlite::SqliteConnection;
use sqlx::Row;

use super::super::{create_index_sql, quote_ident, Evidence, Finding, Relation, Severity, TableMetric};
use super::{db_err, Schema, E, REAL_TABLES};
use shipdeck_base::error::Result;

/// An index (or the primary key) of a table.
#[derive(Debug, Clone)]
pub(super) struct Index {
    table: String,
    name: String,
    unique: bool,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint), `pk`.
    origin: String,
    partial: bool,
    /// Column names; `None` for an expression.
    names: Vec<Option<String>>,
    /// Name, direction and collation: what must match for a prefix.
    keys: Vec<String>,
}

pub(super) async fn load_indexes(conn: &mut SqliteConnection, schema: &Schema) -> Result<Vec<Index>> {
    let sql = format!(
        "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial, x.name, x.\"desc\", x.coll \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) x \
         WHERE {REAL_TABLES} AND x.key = 1 ORDER BY m.name, il.name, x.seqno"
    );
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await.map_err(db_err)?;
    let mut out: Vec<Index> = Vec::new();
    for r in rows {
        let get = |i: usize| r.try_get::<Option<String>, _>(i).ok().flatten();
        let (table, name) = (get(0).unwrap_or_default(), get(1).unwrap_or_default());
        let col = get(5);
        let desc: i64 = r.try_get(6).unwrap_or(0);
        let key = match &col {
            Some(c) => format!(
                "{} {desc} {}",
                c.to_lowercase(),
                get(7).unwrap_or_default().to_uppercase()
            ),
            None => format!("<expression {}>", out.len()),
        };
        match out.last_mut().filter(|i| i.table == table && i.name == name) {
            Some(i) => {
                i.names.push(col);
                i.keys.push(key);
            }
            None => out.push(Index {
                table,
                name,
                unique: r.try_get::<i64, _>(2).unwrap_or(0) == 1,
                origin: get(3).unwrap_or_default(),
                partial: r.try_get::<i64, _>(4).unwrap_or(0) == 1,
                names: vec![col],
                keys: vec![key],
            }),
        }
    }
    // The rowid (INTEGER PRIMARY KEY) has no entry in index_list.
    for (table, cols) in &schema.pk {
        if !out.iter().any(|i| i.table == *table && i.origin == "pk") {
            out.push(Index {
                table: table.clone(),
                name: "PRIMARY KEY".into(),
                unique: true,
                origin: "pk".into(),
                partial: false,
                names: cols.iter().cloned().map(Some).collect(),
                keys: cols
                    .iter()
                    .map(|c| format!("{} 0 BINARY", c.to_lowercase()))
                    .collect(),
            });
        }
    }
    Ok(out)
}

pub(super) async fn foreign_keys(
    conn: &mut SqliteConnection,
    schema: &Schema,
    indexes: &[Index],
) -> Result<Vec<Finding>> {
    let sql = format!(
        "SELECT m.name, f.id, f.\"table\", f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
         WHERE {REAL_TABLES} ORDER BY m.name, f.id, f.seq"
    );
    let mut fks: Vec<(String, i64, String, Vec<String>)> = Vec::new();
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await.map_err(db_err)? {
        let (table, id, parent, col): (String, i64, String, String) = (
            r.try_get(0).map_err(db_err)?,
            r.try_get(1).map_err(db_err)?,
            r.try_get(2).map_err(db_err)?,
            r.try_get(3).map_err(db_err)?,
        );
        match fks.last_mut().filter(|f| f.0 == table && f.1 == id) {
            Some(f) => f.3.push(col),
            None => fks.push((table, id, parent, vec![col])),
        }
    }
    let by_table = by_table(indexes);
    let mut out = Vec::new();
    for (table, _, parent, cols) in fks {
        let wanted: Vec<String> = cols.iter().map(|c| c.to_lowercase()).collect();
        let covered = by_table.get(table.as_str()).into_iter().flatten().any(|i| {
            !i.partial && i.names.len() >= wanted.len() && {
                let mut lead: Vec<String> = i.names[..wanted.len()]
                    .iter()
                    .map(|c| c.clone().unwrap_or_default().to_lowercase())
                    .collect();
                let mut w = wanted.clone();
                lead.sort();
                w.sort();
                lead == w
            }
        });
        if covered {
            continue;
        }
        let msg = format!(
            "{table} ({}) references {parent} and has no index: deleting or updating a row of {parent} scans {table}.",
            cols.join(", ")
        );
        let e = Evidence::default().figure("rows", schema.rows(&table) as f64, "rows");
        let fix = create_index_sql(E, &Relation::bare(&table), &cols);
        out.push(
            Finding::new("foreign_key_without_index", Severity::Warning, msg)
                .table(Relation::bare(table))
                .columns(cols)
                .evidence(e)
                .fix(fix)
                .keyed(),
        );
    }
    Ok(out)
}

fn by_table(indexes: &[Index]) -> HashMap<&str, Vec<&Index>> {
    let mut out: HashMap<&str, Vec<&Index>> = HashMap::new();
    for i in indexes {
        out.entry(i.table.as_str()).or_default().push(i);
    }
    out
}

/// Indexes whose columns lead another index of the same table; a unique
/// index only duplicates an identical unique one, and the indexes behind
/// UNIQUE and PRIMARY KEY constraints are never the one to drop.
pub(super) fn duplicates(indexes: &[Index]) -> Vec<Finding> {
    let by_table = by_table(indexes);
    let mut out = Vec::new();
    for a in indexes.iter().filter(|a| a.origin == "c" && !a.partial) {
        let cover = by_table[a.table.as_str()].iter().find(|b| {
            let same = b.keys == a.keys && b.unique == a.unique;
            b.table == a.table
                && b.name != a.name
                && !b.partial
                && b.keys.starts_with(&a.keys)
                && (!a.unique || (b.unique && b.keys == a.keys))
                // Two identical indexes: keep the constraint's, else the first by name.
                && (!same || b.origin != "c" || b.name < a.name)
        });
        let Some(b) = cover else { continue };
        let cols: Vec<String> = a
            .names
            .iter()
            .map(|c| c.clone().unwrap_or_else(|| "<expression>".into()))
            .collect();
        let covering = b
            .names
            .iter()
            .map(|c| c.clone().unwrap_or_else(|| "<expression>".into()))
            .collect::<Vec<_>>()
            .join(", ");
        let msg = format!(
            "Index {} on {} ({}) is covered by {} ({covering}).",
            a.name,
            a.table,
            cols.join(", "),
            b.name
        );
        let e = Evidence::default().figure("columns", a.keys.len() as f64, "");
        let fix = format!("DROP INDEX IF EXISTS {};", quote_ident(E, &a.name));
        out.push(
            Finding::new("duplicate_index", Severity::Info, msg)
                .table(Relation::bare(&a.table))
                .index(a.name.clone())
                .columns(cols)
                .evidence(e)
                .fix(fix)
                .keyed(),
        );
    }
    out
}

/// Rows of every table and, when the `dbstat` table is compiled in, the
/// bytes of the table and its indexes; the 20 largest.
pub(super) async fn table_metrics(conn: &mut SqliteConnection, schema: &Schema) -> Vec<TableMetric> {
    // Joined here: SQLite plans dbstat ⋈ sqlite_master as a nested loop.
    let pages: Vec<(String, i64)> = sqlx::query_as("SELECT name, pgsize FROM dbstat WHERE aggregate = 1")
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
    let owner: HashMap<String, String> = sqlx::query_as("SELECT name, tbl_name FROM sqlite_master")
        .fetch_all(&mut *conn)
        .await
        .map(|rows| rows.into_iter().collect())
        .unwrap_or_default();
    let mut bytes: HashMap<&str, i64> = HashMap::new();
    for (name, size) in &pages {
        if let Some(table) = owner.get(name) {
            *bytes.entry(table.as_str()).or_default() += size;
        }
    }
    let mut out: Vec<TableMetric> = schema
        .tables
        .iter()
        .map(|t| TableMetric {
            table: t.clone(),
            bytes: bytes.get(t.as_str()).copied().unwrap_or(0) as f64,
            rows: schema.rows(t) as f64,
        })
        .collect();
    out.sort_by(|a, b| {
        b.bytes
            .total_cmp(&a.bytes)
            .then(b.rows.total_cmp(&a.rows))
            .then(a.table.cmp(&b.table))
    });
    out.truncate(20);
    out
}
