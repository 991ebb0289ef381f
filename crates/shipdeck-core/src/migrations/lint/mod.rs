//! The migration linter: flags statements that lock busy tables, rewrite
//! them, break the running app or fail outright, each with why it matters
//! and the safe rewrite.
//!
//! PostgreSQL rules follow squawk's (same ids, same decisions where
//! possible; `tests/lint_squawk.rs` keeps the differences listed), with a
//! subset for SQLite and MariaDB/MySQL. Every statement is parsed once with
//! sqlparser; a statement it cannot parse is reported as `syntax-error` and
//! the rest of the file is still linted.
//!
//! Suppress a finding with `-- shipdeck:lint-ignore rule-id` on the line
//! before the statement, or `-- shipdeck:lint-ignore-file rule-id` anywhere
//! (squawk's `-- squawk-ignore` forms work too).

mod catalog;
mod common;
mod mysql;
mod postgres;
mod source;
mod sqlite;
mod suppress;

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlparser::ast::{ObjectName, Statement};
use sqlparser::tokenizer::Span;
use ts_rs::TS;

use super::files::{MigrationFile, NO_TRANSACTION_MARKERS};
use super::Engine;
use catalog::Rule;
use source::{Loc, Prepared};
use suppress::Suppressions;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look: style, or a risk that depends on the data.
    Warning,
    /// Locks or rewrites a table, breaks the running app, or fails.
    Error,
}

/// One problem found in a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LintFinding {
    /// Stable rule id, squawk's where squawk has the rule
    /// (e.g. `require-concurrent-index-creation`).
    pub rule: String,
    pub severity: Severity,
    /// The file, as labelled by the caller (relative to the workspace).
    pub file: String,
    #[ts(type = "number")]
    pub version: i64,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong here, naming the table, column or index.
    pub message: String,
    /// Why it is dangerous.
    pub why: String,
    /// The safe rewrite.
    pub fix: String,
}

/// A rule, for the docs and the UI.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub engines: Vec<Engine>,
    pub summary: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// Every rule, in documentation order.
pub fn rules() -> Vec<RuleInfo> {
    Rule::ALL
        .iter()
        .map(|r| {
            let m = r.meta();
            RuleInfo {
                id: m.id,
                severity: m.severity,
                engines: m.engines.to_vec(),
                summary: m.summary,
                why: m.why,
                fix: m.fix,
            }
        })
        .collect()
}

/// Rules that flag what a rollback has to do: a `.down.sql` undoing a
/// CREATE TABLE or ADD COLUMN must drop it.
const EXPECTED_IN_DOWN: &[Rule] = &[Rule::BanDropTable, Rule::BanDropColumn];

/// Lints one file's SQL. `in_transaction`: Shipdeck wraps it in a
/// transaction (a file without the no-transaction marker). The findings
/// have `file` "" and `version` 0, for the caller to fill, and are sorted
/// by position.
pub fn lint_sql(sql: &str, engine: Engine, in_transaction: bool) -> Vec<LintFinding> {
    let mut findings: Vec<LintFinding> = lint_raw(sql, engine, in_transaction, &[])
        .into_iter()
        .map(|r| r.into_finding(String::new(), 0))
        .collect();
    sort(&mut findings);
    findings
}

/// Lints the up (and down) files of every migration; `rel` maps a path to
/// the label used in `file`. Down files skip the rules a rollback cannot
/// avoid (`ban-drop-table`, `ban-drop-column`).
pub fn lint_files(
    files: &[MigrationFile],
    engine: Engine,
    rel: &dyn Fn(&Path) -> String,
) -> Vec<LintFinding> {
    let mut out = Vec::new();
    for m in files {
        let up = rel(&m.up);
        out.extend(
            lint_raw(&m.up_sql, engine, !m.no_transaction, &[])
                .into_iter()
                .map(|r| r.into_finding(up.clone(), m.version)),
        );
        if let (Some(path), Some(sql)) = (&m.down, &m.down_sql) {
            let down = rel(path);
            out.extend(
                lint_raw(sql, engine, !has_no_transaction_marker(sql), EXPECTED_IN_DOWN)
                    .into_iter()
                    .map(|r| r.into_finding(down.clone(), m.version)),
            );
        }
    }
    sort(&mut out);
    out
}

fn has_no_transaction_marker(sql: &str) -> bool {
    let first = sql
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    NO_TRANSACTION_MARKERS.contains(&first)
}

fn sort(findings: &mut [LintFinding]) {
    findings.sort_by(|a, b| {
        (a.version, &a.file, a.line, a.column, &a.rule).cmp(&(b.version, &b.file, b.line, b.column, &b.rule))
    });
}

/// A finding before the caller's labels are attached.
#[derive(Debug)]
struct Raw {
    rule: Rule,
    at: Loc,
    /// Start line of the statement it belongs to (for suppressions).
    stmt_line: u32,
    message: String,
    fix: String,
}

impl Raw {
    fn into_finding(self, file: String, version: i64) -> LintFinding {
        let meta = self.rule.meta();
        LintFinding {
            rule: meta.id.to_string(),
            severity: meta.severity,
            file,
            version,
            line: self.at.line,
            column: self.at.column,
            message: self.message,
            why: meta.why.to_string(),
            fix: self.fix,
        }
    }
}

fn lint_raw(sql: &str, engine: Engine, in_transaction: bool, skip: &[Rule]) -> Vec<Raw> {
    let statements = source::prepare(sql, engine);
    let mut ctx = Ctx::new(engine, in_transaction);
    for stmt in &statements {
        ctx.check(stmt);
    }
    let suppressions = Suppressions::read(sql, engine);
    let mut raw = ctx.findings;
    raw.retain(|r| !skip.contains(&r.rule) && !suppressions.silences(r.rule, r.at.line, r.stmt_line));
    raw
}

/// What the linter knows at a point of the file.
pub(crate) struct Ctx {
    pub engine: Engine,
    /// Shipdeck runs the file in a transaction.
    pub wrapped: bool,
    /// A transaction is open at the current statement (Shipdeck's, or an
    /// explicit BEGIN).
    pub in_tx: bool,
    /// Tables created earlier in the file (normalised names): rules about
    /// locking or breaking existing tables do not apply to them.
    created: HashSet<String>,
    /// Per-engine state.
    pub pg: postgres::State,
    pub mysql: mysql::State,
    /// Start of the current statement.
    stmt: Loc,
    findings: Vec<Raw>,
}

impl Ctx {
    fn new(engine: Engine, wrapped: bool) -> Ctx {
        Ctx {
            engine,
            wrapped,
            in_tx: wrapped,
            created: HashSet::new(),
            pg: postgres::State::default(),
            mysql: mysql::State::default(),
            stmt: Loc { line: 1, column: 1 },
            findings: Vec::new(),
        }
    }

    fn check(&mut self, stmt: &Prepared) {
        self.stmt = stmt.start;
        match &stmt.parsed {
            Ok(statements) => {
                if statements.is_empty() {
                    self.unparsed(stmt);
                }
                for s in statements {
                    self.statement(s, stmt);
                }
            }
            Err(failure) => {
                let at = failure.at.unwrap_or(stmt.start);
                let what = stmt.facts.head_text();
                let what = if what.is_empty() {
                    "this statement".to_string()
                } else {
                    format!("`{what} …`")
                };
                self.report_at(
                    Rule::SyntaxError,
                    at,
                    format!(
                        "Could not parse {what}, so it was not linted: {}",
                        failure.message
                    ),
                    Rule::SyntaxError.meta().fix.to_string(),
                );
                self.unparsed(stmt);
            }
        }
    }

    /// Statements known only from their tokens.
    fn unparsed(&mut self, stmt: &Prepared) {
        match self.engine {
            Engine::Postgres => postgres::unparsed(self, &stmt.facts),
            Engine::Sqlite => sqlite::unparsed(self, &stmt.facts),
            Engine::Mysql => {}
        }
    }

    fn statement(&mut self, s: &Statement, stmt: &Prepared) {
        common::transactions(self, s);
        match self.engine {
            Engine::Postgres => postgres::check(self, s, &stmt.facts),
            Engine::Sqlite => sqlite::check(self, s),
            Engine::Mysql => mysql::check(self, s),
        }
        self.track_tables(s);
    }

    /// Remembers the tables the file creates (and renames of them).
    fn track_tables(&mut self, s: &Statement) {
        match s {
            Statement::CreateTable(ct) => {
                let key = self.table_key(&ct.name);
                self.created.insert(key);
            }
            Statement::AlterTable(at) => {
                for op in &at.operations {
                    if let sqlparser::ast::AlterTableOperation::RenameTable { table_name } = op {
                        if self.is_new(&at.name) {
                            let new = match table_name {
                                sqlparser::ast::RenameTableNameKind::As(n)
                                | sqlparser::ast::RenameTableNameKind::To(n) => n,
                            };
                            let key = self.table_key(new);
                            self.created.insert(key);
                        }
                    }
                }
            }
            Statement::RenameTable(renames) => {
                for r in renames {
                    if self.is_new(&r.old_name) {
                        let key = self.table_key(&r.new_name);
                        self.created.insert(key);
                    }
                }
            }
            _ => {}
        }
    }

    /// A table's identity: unquoted parts lower-cased, PostgreSQL's
    /// `public.` schema dropped.
    pub fn table_key(&self, name: &ObjectName) -> String {
        common::name_key(self.engine, name)
    }

    /// Whether the table was created earlier in this file.
    pub fn is_new(&self, name: &ObjectName) -> bool {
        !self.created.is_empty() && self.created.contains(&self.table_key(name))
    }

    /// Where a span starts, or the statement's start when the AST has no
    /// position for it.
    pub fn loc(&self, span: Span) -> Loc {
        Loc::from_location(span.start).unwrap_or(self.stmt)
    }

    pub fn stmt_start(&self) -> Loc {
        self.stmt
    }

    pub fn report(&mut self, rule: Rule, span: Span, message: String, fix: String) {
        let at = self.loc(span);
        self.report_at(rule, at, message, fix);
    }

    pub fn report_at(&mut self, rule: Rule, at: Loc, message: String, fix: String) {
        debug_assert!(
            rule.meta().engines.contains(&self.engine),
            "{} on {:?}",
            rule.id(),
            self.engine
        );
        self.findings.push(Raw {
            rule,
            at,
            stmt_line: self.stmt.line,
            message,
            fix,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(sql: &str, engine: Engine, tx: bool) -> Vec<(String, u32)> {
        lint_sql(sql, engine, tx)
            .into_iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    #[test]
    fn every_rule_has_texts_and_engines() {
        let all = rules();
        assert_eq!(all.len(), Rule::ALL.len());
        let mut seen = HashSet::new();
        for r in &all {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(!r.engines.is_empty() && !r.summary.is_empty() && !r.why.is_empty() && !r.fix.is_empty());
        }
    }

    #[test]
    fn tables_created_in_the_file_are_exempt() {
        let sql = "CREATE TABLE a (id bigint);\nALTER TABLE a ADD COLUMN b text NOT NULL;\nCREATE INDEX a_b ON a (b);\nALTER TABLE c ADD COLUMN b text NOT NULL;";
        let found = ids(sql, Engine::Postgres, true);
        assert!(found.contains(&("adding-required-field".into(), 4)), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|(r, l)| *l < 4 && r != "require-lock-timeout" && r != "require-statement-timeout"),
            "{found:?}"
        );
    }

    #[test]
    fn down_files_allow_drops() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("1_a.up.sql"), "CREATE TABLE a (id bigint);\n").unwrap();
        std::fs::write(
            d.path().join("1_a.down.sql"),
            "DROP TABLE a;\nALTER TABLE b RENAME TO c;\n",
        )
        .unwrap();
        let files = crate::migrations::read_dir(d.path()).unwrap();
        let found = lint_files(&files, Engine::Sqlite, &|p| {
            p.file_name().unwrap().to_string_lossy().into_owned()
        });
        let rules: Vec<_> = found
            .iter()
            .map(|f| (f.file.as_str(), f.rule.as_str(), f.version))
            .collect();
        assert_eq!(rules, vec![("1_a.down.sql", "renaming-table", 1)]);
    }

    #[test]
    fn findings_are_sorted_and_point_at_the_problem() {
        let sql = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\nALTER TABLE users\n  ADD COLUMN email text NOT NULL,\n  ALTER COLUMN name TYPE text;";
        let f = lint_sql(sql, Engine::Postgres, true);
        let got: Vec<_> = f.iter().map(|f| (f.rule.as_str(), f.line, f.column)).collect();
        assert_eq!(
            got,
            vec![("adding-required-field", 4, 14), ("changing-column-type", 5, 16)]
        );
        assert!(
            f[0].message.contains("email") && f[0].message.contains("users"),
            "{}",
            f[0].message
        );
    }
}
