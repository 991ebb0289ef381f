//! Index suggestions from plain `EXPLAIN`: placeholders of a normalised
//! digest replaced so the server can plan it, the first table read in full
//! and an index on the columns it is filtered on (unverified: neither
//! server can plan a hypothetical index), and the plan as text.

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlx::mysql::MySqlConnection;
use sqlx::{Column, Row};

use super::super::predicates::{self, relations, TableUse};
use super::super::{create_index_sql, AdvisorError, Relation, SuggestedIndex, Suggestion, Verification};
use super::{rows, text, Catalog, Index, E};

/// `?` placeholders (and the `...` of a shortened IN list) replaced by a
/// literal EXPLAIN accepts: `'1'` — a NULL would make the server answer
/// "Impossible WHERE" on an indexed column and hide the index — or `1`
/// after LIMIT and OFFSET. Quotes and comments are left alone.
fn substitute(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len() + 16);
    let (mut i, mut word, mut limit) = (0, String::new(), false);
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            out.push(c);
            i += 1;
            continue;
        }
        if word.starts_with(|w: char| w.is_alphabetic()) {
            limit = word.eq_ignore_ascii_case("LIMIT") || word.eq_ignore_ascii_case("OFFSET");
        }
        word.clear();
        let rest = &chars[i..];
        let end = if matches!(c, '\'' | '"' | '`') {
            let mut j = i + 1;
            while j < chars.len() {
                if (chars[j] == '\\' && c != '`') || (chars[j] == c && chars.get(j + 1) == Some(&c)) {
                    j += 2;
                } else if chars[j] == c {
                    break;
                } else {
                    j += 1;
                }
            }
            j + 1
        } else if c == '#' || rest.starts_with(&['-', '-', ' ']) {
            chars[i..]
                .iter()
                .position(|&x| x == '\n')
                .map_or(chars.len(), |p| i + p)
        } else if rest.starts_with(&['/', '*']) {
            (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                .map_or(chars.len(), |j| j + 2)
        } else {
            if c == '?' {
                out.push_str(if limit { "1" } else { "'1'" });
                i += 1;
            } else if rest.starts_with(&['.', '.', '.']) {
                out.push_str("'1'");
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
            continue;
        };
        let end = end.min(chars.len());
        out.extend(&chars[i..end]);
        i = end;
    }
    out
}

/// EXPLAIN's output: the column names and each row's cells as text.
struct Explained {
    head: Vec<String>,
    cells: Vec<Vec<Option<String>>>,
}

impl Explained {
    async fn run(conn: &mut MySqlConnection, sql: &str) -> std::result::Result<Self, AdvisorError> {
        let explained = rows(conn, &format!("EXPLAIN {}", substitute(sql)))
            .await
            .map_err(|e| AdvisorError::Explain {
                detail: e.to_string(),
            })?;
        let head: Vec<String> = explained
            .first()
            .map(|r| r.columns().iter().map(|c| c.name().to_string()).collect())
            .unwrap_or_default();
        let cells = explained
            .iter()
            .map(|r| (0..head.len()).map(|i| text(r, i)).collect())
            .collect();
        Ok(Self { head, cells })
    }

    fn get(&self, row: &[Option<String>], name: &str) -> Option<String> {
        let at = self.head.iter().position(|h| h.eq_ignore_ascii_case(name));
        at.and_then(|i| row[i].clone())
    }

    fn estimate(&self, row: &[Option<String>]) -> f64 {
        self.get(row, "rows")
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    }
}

/// The catalog's table for each name and alias the statement reads, keyed lower-case.
fn table_names(cat: &Catalog, stmt: &Statement) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = HashMap::new();
    for (table, alias) in relations(stmt) {
        if let Some(real) = cat.table(&table) {
            names.insert(
                table.rsplit('.').next().unwrap_or(&table).to_lowercase(),
                real.clone(),
            );
            if let Some(a) = alias {
                names.insert(a.to_lowercase(), real);
            }
        }
    }
    names
}

/// What the scan over EXPLAIN's rows found when no index is missing.
#[derive(Default)]
struct Found {
    covered: Vec<String>,
    indexed: Vec<String>,
}

/// An index suggestion from `EXPLAIN`: the first table read in full whose
/// filtered columns have no index yet.
pub(super) async fn advise(
    conn: &mut MySqlConnection,
    cat: &Catalog,
    sql: &str,
    stmt: &Statement,
) -> std::result::Result<Suggestion, AdvisorError> {
    let ex = Explained::run(conn, sql).await?;
    let names = table_names(cat, stmt);
    let uses = predicates::table_uses(stmt, &|t| cat.columns_for(t));
    let mut s = Suggestion {
        query: sql.to_string(),
        index: None,
        cost_before: Some(ex.cells.iter().map(|r| ex.estimate(r)).sum()),
        cost_after: None,
        verification: Verification::Unverified,
        plan_before: Some(table_text(&ex.head, &ex.cells)),
        plan_after: None,
        notices: Vec::new(),
        message: "No column the query filters, joins or sorts on can take an index.".into(),
    };
    let mut found = Found::default();
    for row in &ex.cells {
        let Some(table) = ex
            .get(row, "table")
            .and_then(|n| names.get(&n.to_lowercase()).cloned())
        else {
            continue;
        };
        let access = ex.get(row, "type").unwrap_or_default().to_uppercase();
        if access != "ALL" && access != "INDEX" {
            if let Some(key) = ex.get(row, "key") {
                found.indexed.push(format!("{table} through {key}"));
            }
            continue;
        }
        let Some(u) = uses
            .iter()
            .find(|u| cat.table(&u.table).as_deref() == Some(&table))
        else {
            continue;
        };
        if let Some(cols) = missing_index(cat, &table, u, &mut found.covered) {
            s.message = format!(
                "EXPLAIN reads {table} in full (about {:.0} rows); an index on ({}) lets the server look the rows up. \
                 MySQL and MariaDB cannot plan a hypothetical index, so this is not verified: compare EXPLAIN \
                 after creating it.",
                ex.estimate(row),
                cols.join(", ")
            );
            s.index = Some(SuggestedIndex {
                sql: create_index_sql(E, &Relation::bare(&table), &cols),
                relation: Relation::bare(&table),
                table,
                columns: cols,
            });
            return Ok(s);
        }
    }
    if !found.covered.is_empty() {
        s.message = format!(
            "Already indexed: {}. The optimizer still reads the whole table (few rows, or the filter matches many).",
            found.covered.join("; ")
        );
    } else if !found.indexed.is_empty() {
        s.message = format!("Already indexed: EXPLAIN reads {}.", found.indexed.join(", "));
    }
    Ok(s)
}

/// The first candidate column list of `u` on `table` that no index leads with;
/// candidates an index already covers are noted in `covered`.
fn missing_index(cat: &Catalog, table: &str, u: &TableUse, covered: &mut Vec<String>) -> Option<Vec<String>> {
    for cand in u.candidates() {
        let Some(cols) = cand
            .iter()
            .map(|c| cat.column(table, c))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let lead = |i: &&Index| {
            i.table == table
                && i.names.len() >= cols.len()
                && i.names.iter().zip(&cols).all(|(a, b)| a.eq_ignore_ascii_case(b))
        };
        if let Some(ix) = cat.indexes.iter().find(lead) {
            covered.push(format!("{table} ({}) by {}", cols.join(", "), ix.name));
            continue;
        }
        return Some(cols);
    }
    None
}

/// EXPLAIN's rows as an aligned text table.
fn table_text(head: &[String], cells: &[Vec<Option<String>>]) -> String {
    let shown: Vec<Vec<String>> = std::iter::once(head.to_vec())
        .chain(cells.iter().map(|r| {
            r.iter()
                .map(|c| c.clone().unwrap_or_else(|| "NULL".into()))
                .collect()
        }))
        .collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|i| shown.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    shown
        .iter()
        .map(|r| {
            r.iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_literals_outside_quotes_and_comments() {
        assert_eq!(
            substitute("SELECT * FROM `t?` WHERE a = ? AND b IN (...) AND c = '?' LIMIT ?, ?"),
            "SELECT * FROM `t?` WHERE a = '1' AND b IN ('1') AND c = '?' LIMIT 1, 1"
        );
        assert_eq!(
            substitute("SELECT 'it''s ?', \"\\\"?\" -- ?\n, ? /* ? */ OFFSET ?"),
            "SELECT 'it''s ?', \"\\\"?\" -- ?\n, '1' /* ? */ OFFSET 1"
        );
        assert_eq!(substitute("SELECT 'open ?"), "SELECT 'open ?");
    }

    #[test]
    fn explain_rows_read_as_a_table() {
        let head = vec!["id".to_string(), "key".into()];
        let t = table_text(&head, &[vec![Some("1".into()), None]]);
        assert_eq!(t, "id | key\n1  | NULL");
    }
}
