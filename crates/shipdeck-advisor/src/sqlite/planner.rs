//! Reading `EXPLAIN QUERY PLAN`: the workspace's queries planned, the plan
//! lines that show a full scan, a temporary B-tree or an automatic index,
//! and the tables and columns each query filters, joins and sorts on.

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::Row;

use super::super::predicates::{self, relations, TableUse, Use};
use super::super::{Notice, WorkspaceQuery};
use super::{is_plannable, single, Schema, E};

/// One row of `EXPLAIN QUERY PLAN`.
#[derive(Debug, Clone)]
pub(super) struct PlanRow {
    pub(super) id: i64,
    pub(super) parent: i64,
    pub(super) detail: String,
}

/// Plans `sql` with its parameters left unbound (SQLite plans them as
/// unknown values, which is what a prepared statement gets).
pub(super) async fn plan(
    conn: &mut SqliteConnection,
    sql: &str,
) -> std::result::Result<Vec<PlanRow>, sqlx::Error> {
    let text = format!("EXPLAIN QUERY PLAN {sql}");
    let rows: Vec<SqliteRow> = sqlx::raw_sql(&text).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(PlanRow {
                id: r.try_get(0)?,
                parent: r.try_get(1)?,
                detail: r.try_get(3)?,
            })
        })
        .collect()
}

/// The plan as the sqlite3 shell prints it, indented by depth.
pub(super) fn plan_text(rows: &[PlanRow]) -> String {
    let mut depth: HashMap<i64, usize> = HashMap::new();
    let mut out = Vec::new();
    for r in rows {
        let d = depth.get(&r.parent).map_or(0, |d| d + 1);
        depth.insert(r.id, d);
        out.push(format!("{}{}", "  ".repeat(d), r.detail));
    }
    out.join("\n")
}

/// `SCAN t …` / `SEARCH t …`: whether it is a scan, the name (table or
/// alias) and the rest. Accepts the pre-3.36 `SCAN TABLE t AS a` form.
fn access(detail: &str) -> Option<(bool, &str, &str)> {
    let (scan, rest) = match (detail.strip_prefix("SCAN "), detail.strip_prefix("SEARCH ")) {
        (Some(r), _) => (true, r),
        (_, Some(r)) => (false, r),
        _ => return None,
    };
    let rest = rest.strip_prefix("TABLE ").unwrap_or(rest);
    let (name, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    match rest.strip_prefix("AS ") {
        Some(r) => {
            let (alias, rest) = r.split_once(' ').unwrap_or((r, ""));
            Some((scan, alias, rest))
        }
        None => Some((scan, name, rest)),
    }
}

/// The index named in `USING [COVERING] INDEX name`.
fn index_used(rest: &str) -> Option<&str> {
    let r = rest.strip_prefix("USING ")?;
    let r = r.strip_prefix("COVERING ").unwrap_or(r);
    let r = r.strip_prefix("INDEX ")?;
    Some(r.split(' ').next().unwrap_or(r))
}

/// The columns of `… AUTOMATIC [PARTIAL] [COVERING] INDEX (a=? AND b>?)`
/// (or the older `AUTOMATIC … INDEX ON t(a, b)`).
fn automatic_columns(detail: &str) -> Option<Vec<String>> {
    let at = detail.find("AUTOMATIC ")?;
    let tail = &detail[at..];
    let open = tail.find('(')?;
    let close = tail.rfind(')')?;
    let inner = tail.get(open + 1..close)?;
    let sep = if inner.contains(" AND ") { " AND " } else { "," };
    let cols: Vec<String> = inner
        .split(sep)
        .map(|t| {
            t.trim()
                .split(['=', '<', '>', ' '])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|c| !c.is_empty())
        .collect();
    (!cols.is_empty()).then_some(cols)
}

/// The table a plan line automatically indexes (either format).
fn automatic_table(detail: &str) -> Option<&str> {
    if let Some((_, name, rest)) = access(detail) {
        return rest.contains("AUTOMATIC ").then_some(name);
    }
    let on = detail.strip_prefix("AUTOMATIC ")?.split(" ON ").nth(1)?;
    on.split('(').next().map(str::trim)
}

/// What a plan does that an index could avoid.
#[derive(Debug, Default)]
pub(super) struct Facts {
    /// Full scans of tables with at least the threshold's rows.
    pub(super) scans: Vec<String>,
    /// `USE TEMP B-TREE FOR …` kinds.
    pub(super) temps: Vec<String>,
    pub(super) autos: Vec<(String, Vec<String>)>,
    /// Full scans of such tables through an index (in its order, or
    /// covering): no sort, but still every row.
    pub(super) index_scans: Vec<String>,
    /// (table, index, searched rather than scanned) for every table the
    /// plan reads through an index.
    pub(super) reads: Vec<(String, String, bool)>,
}

impl Facts {
    pub(super) fn full_reads(&self) -> usize {
        self.scans.len() + self.index_scans.len()
    }
}

/// One workspace query (or the query of `suggest`) and its plan.
pub(super) struct Planned<'q> {
    query: Option<&'q WorkspaceQuery>,
    pub(super) sql: String,
    pub(super) stmt: Option<Statement>,
    pub(super) rows: Vec<PlanRow>,
    /// Lower-case alias → table.
    names: HashMap<String, String>,
    pub(super) uses: Vec<TableUse>,
}

impl<'q> Planned<'q> {
    pub(super) fn new(
        query: Option<&'q WorkspaceQuery>,
        sql: String,
        stmt: Option<Statement>,
        rows: Vec<PlanRow>,
        schema: &Schema,
    ) -> Self {
        let mut names: HashMap<String, String> = HashMap::new();
        let mut uses = Vec::new();
        if let Some(stmt) = &stmt {
            for (table, alias) in relations(stmt) {
                if let (Some(real), Some(alias)) = (schema.table(&table), alias) {
                    names.insert(alias.to_lowercase(), real);
                }
            }
            let columns_of = |t: &str| -> Vec<String> {
                let Some(real) = schema.table(t) else {
                    return Vec::new();
                };
                let cols = schema.columns.get(&real).cloned().unwrap_or_default();
                cols.iter()
                    .map(|c| c.to_lowercase())
                    .chain(cols.iter().cloned())
                    .collect()
            };
            uses = predicates::table_uses(stmt, &columns_of);
        }
        Planned {
            query,
            sql,
            stmt,
            rows,
            names,
            uses,
        }
    }

    fn resolve(&self, schema: &Schema, name: &str) -> Option<String> {
        self.names
            .get(&name.to_lowercase())
            .cloned()
            .or_else(|| schema.table(name))
    }

    pub(super) fn facts(&self, rows: &[PlanRow], schema: &Schema, min_rows: f64) -> Facts {
        let mut f = Facts::default();
        for r in rows {
            if let Some(kind) = r.detail.strip_prefix("USE TEMP B-TREE FOR ") {
                f.temps.push(kind.to_string());
            }
            if let (Some(cols), Some(t)) = (automatic_columns(&r.detail), automatic_table(&r.detail)) {
                if let Some(t) = self.resolve(schema, t) {
                    f.autos.push((t, cols));
                }
                continue;
            }
            let Some((scan, name, rest)) = access(&r.detail) else {
                continue;
            };
            let Some(table) = self.resolve(schema, name) else {
                continue;
            };
            let big = schema.rows(&table) as f64 >= min_rows;
            match index_used(rest) {
                Some(index) => {
                    if scan && big {
                        f.index_scans.push(table.clone());
                    }
                    f.reads.push((table, index.to_string(), !scan));
                }
                None if scan && rest.is_empty() && big && !f.scans.contains(&table) => f.scans.push(table),
                None => {}
            }
        }
        f
    }

    /// Candidate indexes for `table`, with the columns' real names.
    pub(super) fn candidates(&self, schema: &Schema, table: &str) -> Vec<Vec<String>> {
        let Some(u) = self
            .uses
            .iter()
            .find(|u| schema.table(&u.table).as_deref() == Some(table))
        else {
            return Vec::new();
        };
        u.candidates()
            .into_iter()
            .filter_map(|cols| {
                cols.iter()
                    .map(|c| schema.column(table, c))
                    .collect::<Option<Vec<_>>>()
            })
            .collect()
    }

    /// Whether the query filters `table` (rather than reading all of it by
    /// design: no index helps `SELECT * FROM t`).
    pub(super) fn filters(&self, schema: &Schema, table: &str) -> bool {
        if self.stmt.is_none() {
            return true;
        }
        let by_column = self.uses.iter().any(|u| {
            schema.table(&u.table).as_deref() == Some(table)
                && u.columns.iter().any(|(_, how)| *how != Use::Sort)
        });
        by_column || has_where(&self.sql)
    }

    pub(super) fn origin(&self) -> String {
        self.query
            .map(|q| format!("{}:{}: ", q.file, q.line))
            .unwrap_or_default()
    }
}

fn has_where(sql: &str) -> bool {
    Tokenizer::new(E.dialect().as_ref(), sql)
        .tokenize()
        .map(|ts| {
            ts.iter()
                .any(|t| matches!(t, Token::Word(w) if w.keyword == Keyword::WHERE))
        })
        .unwrap_or(true)
}

fn starts_like_a_query(sql: &str) -> bool {
    let first = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    ["SELECT", "WITH", "UPDATE", "DELETE"].contains(&first.as_str())
}

/// Plans every SELECT/UPDATE/DELETE of the workspace; the ones that fail
/// become one notice.
pub(super) async fn plan_queries<'q>(
    conn: &mut SqliteConnection,
    schema: &Schema,
    queries: &'q [WorkspaceQuery],
    notices: &mut Vec<Notice>,
) -> Vec<Planned<'q>> {
    if queries.is_empty() {
        notices.push(Notice {
            check: "missing_index".into(),
            message:
                "No workspace queries to plan: missing_index, temp_b_tree and automatic_index need them."
                    .into(),
            hint: "List the SQL files of your queries under [advisor] queries in shipdeck.toml.".into(),
        });
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for q in queries {
        let Some(sql) = single(&q.sql) else {
            failed.push(format!("{}:{}: not exactly one statement", q.file, q.line));
            continue;
        };
        let stmt = predicates::parse(&sql, E).ok();
        // A statement the parser does not know is still planned: SQLite's
        // answer says whether it is valid.
        if stmt.as_ref().is_some_and(|s| !is_plannable(s)) {
            continue;
        }
        match plan(conn, &sql).await {
            Ok(_) if stmt.is_none() && !starts_like_a_query(&sql) => {}
            Ok(rows) => out.push(Planned::new(Some(q), sql, stmt, rows, schema)),
            Err(e) => failed.push(format!("{}:{}: {}", q.file, q.line, e)),
        }
    }
    if !failed.is_empty() {
        let shown = failed.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
        notices.push(Notice {
            check: "missing_index".into(),
            message: format!(
                "{} workspace queries could not be planned and were skipped: {shown}",
                failed.len()
            ),
            hint: "Check that each query runs against this database, one statement at a time.".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_lines_are_read_in_both_formats() {
        assert_eq!(access("SCAN t"), Some((true, "t", "")));
        assert_eq!(access("SCAN TABLE orders AS o"), Some((true, "o", "")));
        let (scan, name, rest) = access("SEARCH o USING INDEX o_c_idx (c=?)").unwrap();
        assert!(!scan);
        assert_eq!((name, index_used(rest)), ("o", Some("o_c_idx")));
        assert_eq!(index_used("USING COVERING INDEX i2"), Some("i2"));
        assert_eq!(index_used("USING INTEGER PRIMARY KEY (rowid=?)"), None);
        assert_eq!(access("USE TEMP B-TREE FOR ORDER BY"), None);
    }

    #[test]
    fn automatic_indexes_name_their_table_and_columns() {
        let d = "SEARCH u USING AUTOMATIC PARTIAL COVERING INDEX (t_id=? AND v>?)";
        assert_eq!(automatic_table(d), Some("u"));
        assert_eq!(automatic_columns(d), Some(vec!["t_id".to_string(), "v".into()]));
        let old = "AUTOMATIC COVERING INDEX ON u(t_id, v)";
        assert_eq!(automatic_table(old), Some("u"));
        assert_eq!(automatic_columns(old), Some(vec!["t_id".to_string(), "v".into()]));
        assert_eq!(automatic_columns("SCAN t"), None);
    }

    #[test]
    fn plans_are_indented_by_depth() {
        let rows =
            [(2, 0, "SEARCH t"), (5, 0, "LIST SUBQUERY 1"), (7, 5, "SCAN u")].map(|(id, parent, d)| {
                PlanRow {
                    id,
                    parent,
                    detail: d.into(),
                }
            });
        assert_eq!(plan_text(&rows), "SEARCH t\nLIST SUBQUERY 1\n  SCAN u");
    }
}
