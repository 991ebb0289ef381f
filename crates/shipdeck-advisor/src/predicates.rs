//! Which columns a query filters, joins and sorts on, per table: the raw
//! material of index suggestions. Parsed with sqlparser in the engine's
//! dialect; `$1`/`?` placeholders of normalised statements parse as values.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, OrderBy, OrderByKind, Statement, TableFactor, Visit, Visitor};
use sqlparser::parser::Parser;

use super::AdvisorError;
use shipdeck_migrations::Engine;

/// How a column is used; equality columns go first in an index, then one
/// range column, then sort columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Use {
    Equality,
    Range,
    Sort,
}

/// A table of the query and the columns it is filtered on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableUse {
    /// As written (possibly schema-qualified), lower-cased unless quoted.
    pub table: String,
    /// In order of first use.
    pub columns: Vec<(String, Use)>,
}

impl TableUse {
    fn add(&mut self, column: String, how: Use) {
        match self.columns.iter_mut().find(|(c, _)| *c == column) {
            Some((_, u)) => *u = (*u).min(how),
            None => self.columns.push((column, how)),
        }
    }

    /// Puts the most selective equality columns first (`distinct` gives a
    /// column's number of distinct values; unknown columns keep their
    /// place after the known ones).
    pub fn order_by_selectivity(&mut self, distinct: &dyn Fn(&str) -> Option<f64>) {
        self.columns.sort_by(|(a, ua), (b, ub)| {
            ua.cmp(ub).then_with(|| {
                if *ua != Use::Equality {
                    return std::cmp::Ordering::Equal;
                }
                let (da, db) = (distinct(a).unwrap_or(0.0), distinct(b).unwrap_or(0.0));
                db.partial_cmp(&da).unwrap_or(std::cmp::Ordering::Equal)
            })
        });
    }

    /// Candidate indexes, best guess first: every equality column with the
    /// first range column; each column on its own; sort columns after the
    /// equality columns. At most 3 columns each, no duplicates.
    pub fn candidates(&self) -> Vec<Vec<String>> {
        let of = |u: Use| -> Vec<String> {
            self.columns
                .iter()
                .filter(|(_, x)| *x == u)
                .map(|(c, _)| c.clone())
                .collect()
        };
        let (eq, range, sort) = (of(Use::Equality), of(Use::Range), of(Use::Sort));
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut push = |cols: Vec<String>| {
            let cols: Vec<String> = cols.into_iter().take(3).collect();
            if !cols.is_empty() && !out.contains(&cols) {
                out.push(cols);
            }
        };
        let mut composite = eq.clone();
        composite.extend(range.first().cloned());
        push(composite);
        let mut sorted = eq.clone();
        sorted.extend(sort.iter().filter(|c| !eq.contains(c)).cloned());
        push(sorted);
        for (c, _) in &self.columns {
            push(vec![c.clone()]);
        }
        out
    }
}

fn ident_name(i: &sqlparser::ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

#[derive(Default)]
struct Collector {
    /// alias or table name → table name.
    aliases: BTreeMap<String, String>,
    /// In order of appearance.
    tables: Vec<String>,
    /// Table → its name's parts (schema, name), as the SQL means them.
    parts: BTreeMap<String, Vec<String>>,
    refs: Vec<(Option<String>, String, Use)>,
}

impl Collector {
    fn column(expr: &Expr) -> Option<(Option<String>, String)> {
        match expr {
            Expr::Identifier(i) => Some((None, ident_name(i))),
            Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                let col = ident_name(parts.last()?);
                let qual = ident_name(&parts[parts.len() - 2]);
                Some((Some(qual), col))
            }
            Expr::Nested(e) => Self::column(e),
            // `col::text = $1` still filters on col.
            Expr::Cast { expr, .. } => Self::column(expr),
            _ => None,
        }
    }

    fn note(&mut self, expr: &Expr, how: Use) {
        if let Some((q, c)) = Self::column(expr) {
            self.refs.push((q, c, how));
        }
    }
}

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, alias, .. } = tf {
            let parts: Vec<String> = name
                .0
                .iter()
                .filter_map(|p| p.as_ident().map(ident_name))
                .collect();
            let table = parts.join(".");
            self.parts.entry(table.clone()).or_insert(parts);
            let bare = table.rsplit('.').next().unwrap_or(&table).to_string();
            if let Some(a) = alias {
                self.aliases.insert(ident_name(&a.name), table.clone());
            }
            self.aliases.insert(bare, table.clone());
            self.aliases.insert(table.clone(), table.clone());
            if !self.tables.contains(&table) {
                self.tables.push(table);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::BinaryOp { left, op, right } => {
                let how = match op {
                    BinaryOperator::Eq => Some(Use::Equality),
                    BinaryOperator::Lt | BinaryOperator::LtEq | BinaryOperator::Gt | BinaryOperator::GtEq => {
                        Some(Use::Range)
                    }
                    _ => None,
                };
                if let Some(how) = how {
                    self.note(left, how);
                    self.note(right, how);
                }
            }
            Expr::In {
                expr, negated: false, ..
            } => self.note(expr, Use::Equality),
            Expr::Between {
                expr, negated: false, ..
            } => self.note(expr, Use::Range),
            Expr::IsNull(e) => self.note(e, Use::Equality),
            // `LIKE 'abc%'` can use a B-tree in the C collation only; left out.
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_order_by(&mut self, order_by: &OrderBy) -> ControlFlow<()> {
        if let OrderByKind::Expressions(exprs) = &order_by.kind {
            for e in exprs {
                self.note(&e.expr, Use::Sort);
            }
        }
        ControlFlow::Continue(())
    }
}

/// Parses one statement.
pub fn parse(sql: &str, engine: Engine) -> Result<Statement, AdvisorError> {
    let dialect = engine.dialect();
    let mut stmts = Parser::parse_sql(dialect.as_ref(), sql).map_err(|e| AdvisorError::Parse {
        detail: e.to_string(),
    })?;
    match stmts.len() {
        1 => Ok(stmts.remove(0)),
        0 => Err(AdvisorError::Parse {
            detail: "no statement".into(),
        }),
        n => Err(AdvisorError::Parse {
            detail: format!("{n} statements; pass one"),
        }),
    }
}

/// Every table a statement names, in order of appearance.
pub fn tables(stmt: &Statement) -> Vec<String> {
    let mut c = Collector::default();
    let _ = stmt.visit(&mut c);
    c.tables
}

/// Every table a statement names, in order of appearance, with the parts
/// of its name (`["billing", "orders"]`): the joined form of [`tables`] is
/// for matching only, since a quoted name may itself hold a dot.
pub fn table_parts(stmt: &Statement) -> Vec<(String, Vec<String>)> {
    let mut c = Collector::default();
    let _ = stmt.visit(&mut c);
    c.tables
        .into_iter()
        .map(|t| {
            let parts = c.parts.get(&t).cloned().unwrap_or_default();
            (t, parts)
        })
        .collect()
}

/// Every function a statement calls by name (scalar, aggregate or in
/// FROM), as name parts (`["util", "f"]`), lower-cased unless quoted.
pub fn functions(stmt: &Statement) -> Vec<Vec<String>> {
    #[derive(Default)]
    struct Calls(Vec<Vec<String>>);
    impl Calls {
        fn add(&mut self, name: &sqlparser::ast::ObjectName) {
            let parts: Vec<String> = name
                .0
                .iter()
                .filter_map(|p| p.as_ident().map(ident_name))
                .collect();
            if !parts.is_empty() && !self.0.contains(&parts) {
                self.0.push(parts);
            }
        }
    }
    impl Visitor for Calls {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            if let Expr::Function(f) = expr {
                self.add(&f.name);
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
            match tf {
                TableFactor::Table {
                    name, args: Some(_), ..
                } => self.add(name),
                TableFactor::Function { name, .. } => self.add(name),
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let mut c = Calls::default();
    let _ = stmt.visit(&mut c);
    c.0
}

/// The tables a statement names, each with its alias.
///
/// Names and aliases are kept as written (not lower-cased, unlike
/// [`tables`]): callers match them against their own catalog.
pub fn relations(stmt: &Statement) -> Vec<(String, Option<String>)> {
    #[derive(Default)]
    struct Relations(Vec<(String, Option<String>)>);
    impl Visitor for Relations {
        type Break = ();
        fn pre_visit_table_factor(&mut self, tf: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table { name, alias, .. } = tf {
                let parts: Vec<String> = name
                    .0
                    .iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| i.value.clone())
                    .collect();
                self.0
                    .push((parts.join("."), alias.as_ref().map(|a| a.name.value.clone())));
            }
            ControlFlow::Continue(())
        }
    }
    let mut r = Relations::default();
    let _ = stmt.visit(&mut r);
    r.0
}

/// The tables a statement reads, with the columns it filters on.
/// `columns_of` answers which columns a table has (for unqualified columns
/// in joins); a column no table has is dropped (it is an output alias or a
/// typo the planner will report).
pub fn table_uses(stmt: &Statement, columns_of: &dyn Fn(&str) -> Vec<String>) -> Vec<TableUse> {
    let mut c = Collector::default();
    let _ = stmt.visit(&mut c);
    let mut out: Vec<TableUse> = c
        .tables
        .iter()
        .map(|t| TableUse {
            table: t.clone(),
            columns: Vec::new(),
        })
        .collect();
    let known: BTreeMap<&str, Vec<String>> = c.tables.iter().map(|t| (t.as_str(), columns_of(t))).collect();
    for (qual, col, how) in c.refs {
        let table = match qual {
            Some(q) => c.aliases.get(&q).cloned(),
            None if c.tables.len() == 1 => c.tables.first().cloned(),
            None => c
                .tables
                .iter()
                .find(|t| known.get(t.as_str()).is_some_and(|cols| cols.contains(&col)))
                .cloned(),
        };
        let Some(table) = table else { continue };
        let has = known
            .get(table.as_str())
            .is_some_and(|cols| cols.is_empty() || cols.contains(&col));
        if has {
            if let Some(u) = out.iter_mut().find(|u| u.table == table) {
                u.add(col, how);
            }
        }
    }
    out.retain(|u| !u.columns.is_empty());
    out
}

/// Texts from pg_stat_activity are not normalised and may carry secrets:
/// one masker serves every SQL text shown or kept.
pub use shipdeck_migrations::literals::mask_literals;

/// PostgreSQL's limit on the parameters of one statement.
pub const MAX_PARAMS: usize = 65_535;

/// The highest `$n` placeholder of a normalised statement, read from its
/// tokens: a `$9` inside a comment, a string or a dollar-quoted body is not
/// a placeholder. More than [`MAX_PARAMS`] is an error (each one becomes an
/// argument of the EXPLAIN).
pub fn placeholder_count(sql: &str, engine: Engine) -> Result<usize, AdvisorError> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let dialect = engine.dialect();
    let tokens = Tokenizer::new(dialect.as_ref(), sql)
        .tokenize()
        .map_err(|e| AdvisorError::Parse {
            detail: e.to_string(),
        })?;
    let mut max = 0;
    for t in &tokens {
        let Token::Placeholder(p) = t else { continue };
        let Some(digits) = p
            .strip_prefix('$')
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let n = digits
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_PARAMS)
            .ok_or_else(|| AdvisorError::Parse {
                detail: format!("placeholder ${digits} is beyond PostgreSQL's {MAX_PARAMS} parameters"),
            })?;
        max = max.max(n);
    }
    Ok(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(sql: &str) -> Vec<TableUse> {
        let stmt = parse(sql, Engine::Postgres).unwrap();
        table_uses(&stmt, &|t| match t {
            "orders" => vec![
                "id".into(),
                "customer_id".into(),
                "created_at".into(),
                "status".into(),
            ],
            "customers" => vec!["id".into(), "email".into()],
            _ => vec![],
        })
    }

    #[test]
    fn equality_then_range_columns_make_the_first_candidate() {
        let u =
            uses("SELECT * FROM orders WHERE status = $1 AND created_at > $2 AND customer_id IN ($3, $4)");
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].table, "orders");
        assert_eq!(
            u[0].candidates()[0],
            vec!["status".to_string(), "customer_id".into(), "created_at".into()]
        );
        assert!(u[0].candidates().contains(&vec!["created_at".to_string()]));
    }

    #[test]
    fn selective_equality_columns_go_first() {
        let mut u =
            uses("SELECT * FROM orders WHERE status = $1 AND created_at > $2 AND customer_id = $3").remove(0);
        u.order_by_selectivity(&|c| match c {
            "status" => Some(2.0),
            "customer_id" => Some(1000.0),
            _ => None,
        });
        assert_eq!(
            u.candidates()[0],
            vec!["customer_id".to_string(), "status".into(), "created_at".into()]
        );
    }

    #[test]
    fn aliases_and_joins_resolve_to_their_tables() {
        let u = uses(
            "SELECT o.id FROM orders o JOIN customers AS c ON c.id = o.customer_id WHERE email = $1 ORDER BY o.created_at",
        );
        let orders = u.iter().find(|t| t.table == "orders").unwrap();
        assert_eq!(
            orders.columns,
            vec![
                ("customer_id".to_string(), Use::Equality),
                ("created_at".into(), Use::Sort)
            ]
        );
        let customers = u.iter().find(|t| t.table == "customers").unwrap();
        assert_eq!(
            customers.columns,
            vec![("id".to_string(), Use::Equality), ("email".into(), Use::Equality)]
        );
    }

    #[test]
    fn updates_deletes_and_subqueries_count() {
        let u = uses("UPDATE orders SET status = 'x' WHERE customer_id = $1");
        assert_eq!(u[0].columns, vec![("customer_id".to_string(), Use::Equality)]);
        let u = uses("DELETE FROM orders WHERE created_at < now() - interval '1 day'");
        assert_eq!(u[0].columns, vec![("created_at".to_string(), Use::Range)]);
        let u =
            uses("SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE status = $1)");
        assert!(u
            .iter()
            .any(|t| t.table == "orders" && t.columns == vec![("status".to_string(), Use::Equality)]));
    }

    #[test]
    fn relations_keep_names_as_written_with_their_aliases() {
        let stmt = parse(
            "SELECT * FROM main.Orders o JOIN \"Customers\" AS c ON c.id = o.customer_id \
             WHERE o.id IN (SELECT order_id FROM items)",
            Engine::Sqlite,
        )
        .unwrap();
        assert_eq!(
            relations(&stmt),
            vec![
                ("main.Orders".to_string(), Some("o".to_string())),
                ("Customers".into(), Some("c".into())),
                ("items".into(), None),
            ]
        );
    }

    #[test]
    fn unknown_columns_and_bad_sql_do_not_panic() {
        assert!(uses("SELECT * FROM orders WHERE nope = 1").is_empty());
        assert!(parse("SELEC oops", Engine::Postgres).is_err());
        assert!(parse("SELECT 1; SELECT 2", Engine::Postgres).is_err());
    }

    #[test]
    fn placeholders_are_counted() {
        let count = |sql| placeholder_count(sql, Engine::Postgres);
        assert_eq!(count("SELECT $1, $12, '$3'").unwrap(), 12);
        assert_eq!(count("SELECT 1").unwrap(), 0);
    }

    #[test]
    fn placeholders_in_comments_and_strings_are_not_counted() {
        let count = |sql| placeholder_count(sql, Engine::Postgres);
        assert_eq!(count("SELECT $1 -- $99999999999\n").unwrap(), 1);
        assert_eq!(count("SELECT $2 /* $99999999999 */").unwrap(), 2);
        assert_eq!(count("SELECT '$30000000', $$ $40000 $$, $1").unwrap(), 1);
    }

    #[test]
    fn more_placeholders_than_postgres_allows_is_an_error() {
        let count = |sql| placeholder_count(sql, Engine::Postgres);
        assert_eq!(count("SELECT $65535").unwrap(), 65_535);
        assert!(count("SELECT $65536").is_err());
        assert!(count("SELECT $99999999999999999999999").is_err());
    }
}
