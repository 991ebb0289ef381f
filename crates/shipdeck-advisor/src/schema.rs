//! The live schema of a database: tables, columns, primary keys, indexes and
//! foreign keys, read from the engine's catalogue with one query per kind, so
//! a database of a thousand tables costs a handful of round trips.
//!
//! What is left out: PostgreSQL's system schemas, objects owned by an
//! extension and partitions (their partitioned table stands for them);
//! SQLite's `sqlite_*` and shadow tables; and everywhere the migrations
//! bookkeeping table `_sqlx_migrations`. The primary key is reported on
//! its own, not among the indexes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::AdvisorError;
use shipdeck_base::error::{Error, Result};
use shipdeck_migrations::target::Target;
use shipdeck_migrations::Engine;

mod mysql;
mod postgres;
mod sqlite;

/// sqlx's (and so Shipdeck's) migrations table: bookkeeping, not domain.
const BOOKKEEPING: &str = "_sqlx_migrations";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Schema {
    pub engine: Engine,
    /// By name.
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Table {
    /// `schema.table` on PostgreSQL when the schema is not `public`.
    pub name: String,
    /// In the table's order.
    pub columns: Vec<Column>,
    /// Columns of the primary key, in key order (empty without one).
    pub primary_key: Vec<String>,
    /// By name; the primary key's own index is not listed.
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Column {
    pub name: String,
    /// As the engine spells it: `bigint`, `character varying(80)`,
    /// `varchar(80)`, `INTEGER`.
    pub data_type: String,
    pub nullable: bool,
    /// The default expression; also identity, generated and
    /// `auto_increment` columns.
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Index {
    pub name: String,
    /// Key columns in order; an expression as its text (`lower(email)`).
    pub columns: Vec<String>,
    pub unique: bool,
    /// `btree`, `hash`, `gin`, `fulltext`… (`None` on SQLite).
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ForeignKey {
    /// The constraint's name (SQLite does not report one).
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    /// `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT`; `None` for the
    /// default (`NO ACTION`, which MariaDB/MySQL call `RESTRICT`).
    pub on_delete: Option<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Reads the schema of `target`. Reads only; SQLite files are opened
/// read-only.
pub async fn introspect(target: &Target) -> Result<Schema> {
    let tables = match target.engine {
        Engine::Postgres => postgres::read(target).await?,
        Engine::Mysql => mysql::read(target).await?,
        Engine::Sqlite => sqlite::read(target).await?,
    };
    Ok(Schema {
        engine: target.engine,
        tables: tables.finish(),
    })
}

fn unreachable(e: sqlx::Error) -> Error {
    Error::DatabaseUnreachable {
        detail: e.to_string(),
    }
}

fn query_failed(e: sqlx::Error) -> Error {
    AdvisorError::from(e).into()
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Tables as their rows arrive, one kind at a time. Rows of tables that
/// were left out (system, extension, bookkeeping) are ignored.
#[derive(Default)]
struct Tables {
    tables: BTreeMap<String, Table>,
    /// (table, index name) → index; the primary key goes to the table.
    indexes: BTreeMap<(String, String), Index>,
    /// (table, constraint key) → foreign key, columns in key order.
    fks: BTreeMap<(String, String), ForeignKey>,
}

impl Tables {
    fn table(&mut self, name: String, comment: Option<String>) {
        if name != BOOKKEEPING {
            self.tables.insert(
                name.clone(),
                Table {
                    name,
                    columns: Vec::new(),
                    primary_key: Vec::new(),
                    indexes: Vec::new(),
                    foreign_keys: Vec::new(),
                    comment: non_empty(comment),
                },
            );
        }
    }

    fn column(&mut self, table: &str, column: Column) {
        if let Some(t) = self.tables.get_mut(table) {
            t.columns.push(column);
        }
    }

    /// One key column of an index, in key order.
    fn index_column(
        &mut self,
        table: &str,
        index: &str,
        primary: bool,
        unique: bool,
        method: Option<String>,
        column: String,
    ) {
        if !self.tables.contains_key(table) {
            return;
        }
        if primary {
            if let Some(t) = self.tables.get_mut(table) {
                t.primary_key.push(column);
            }
            return;
        }
        self.indexes
            .entry((table.to_string(), index.to_string()))
            .or_insert_with(|| Index {
                name: index.to_string(),
                columns: Vec::new(),
                unique,
                method: method.map(|m| m.to_lowercase()),
            })
            .columns
            .push(column);
    }

    /// One column pair of a foreign key, in key order. `key` tells the
    /// constraints of a table apart (their name, or SQLite's id).
    #[allow(clippy::too_many_arguments)]
    fn fk_column(
        &mut self,
        table: &str,
        key: &str,
        name: Option<String>,
        column: String,
        ref_table: String,
        ref_column: Option<String>,
        on_delete: Option<String>,
    ) {
        if !self.tables.contains_key(table) {
            return;
        }
        let fk = self
            .fks
            .entry((table.to_string(), key.to_string()))
            .or_insert_with(|| ForeignKey {
                name,
                columns: Vec::new(),
                ref_table,
                ref_columns: Vec::new(),
                on_delete: on_delete.filter(|r| !r.eq_ignore_ascii_case("NO ACTION")),
            });
        fk.columns.push(column);
        fk.ref_columns.extend(ref_column);
    }

    fn finish(mut self) -> Vec<Table> {
        for ((table, _), index) in std::mem::take(&mut self.indexes) {
            if let Some(t) = self.tables.get_mut(&table) {
                t.indexes.push(index);
            }
        }
        for ((table, _), fk) in std::mem::take(&mut self.fks) {
            // SQLite leaves the referenced columns out when they are the
            // parent's primary key.
            let fk = if fk.ref_columns.is_empty() {
                let ref_columns = self
                    .tables
                    .get(&fk.ref_table)
                    .map(|p| p.primary_key.clone())
                    .unwrap_or_default();
                ForeignKey { ref_columns, ..fk }
            } else {
                fk
            };
            if let Some(t) = self.tables.get_mut(&table) {
                t.foreign_keys.push(fk);
            }
        }
        let mut out: Vec<Table> = self.tables.into_values().collect();
        for t in &mut out {
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| {
                (&a.name, &a.columns, &a.ref_table).cmp(&(&b.name, &b.columns, &b.ref_table))
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_and_sorted() {
        let mut t = Tables::default();
        t.table("orders".into(), Some(" ".into()));
        t.table(BOOKKEEPING.into(), None);
        t.index_column("orders", "z_idx", false, false, Some("BTREE".into()), "b".into());
        t.index_column("orders", "a_idx", false, true, None, "a".into());
        t.index_column("orders", "a_idx", false, true, None, "c".into());
        t.index_column(BOOKKEEPING, "pk", true, true, None, "version".into());
        t.fk_column(
            "orders",
            "2",
            None,
            "x".into(),
            "parents".into(),
            None,
            Some("NO ACTION".into()),
        );
        let tables = t.finish();
        assert_eq!(tables.len(), 1, "bookkeeping is left out");
        let o = &tables[0];
        assert_eq!(o.comment, None);
        let names: Vec<&str> = o.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a_idx", "z_idx"]);
        assert_eq!(o.indexes[0].columns, ["a", "c"]);
        assert_eq!(o.indexes[1].method.as_deref(), Some("btree"));
        assert_eq!(o.foreign_keys[0].on_delete, None);
        assert!(o.foreign_keys[0].ref_columns.is_empty(), "unknown parent");
    }
}
