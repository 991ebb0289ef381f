//! PostgreSQL rules (squawk's ids and, where it makes sense, its decisions).

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{AlterTableOperation, ColumnOption, ObjectType, Statement, TableConstraint};
use sqlparser::keywords::Keyword;

use super::catalog::Rule;
use super::common::{self, show};
use super::source::Facts;
use super::Ctx;

mod alter;
mod columns;
mod statements;

use alter::alter_table;
use statements::{create_index, create_table, drop};

/// What the PostgreSQL rules remember while walking a file.
#[derive(Debug, Default)]
pub(crate) struct State {
    lock_timeout: bool,
    statement_timeout: bool,
    /// Constraints added NOT VALID in the current transaction:
    /// (table, constraint).
    not_valid_in_tx: HashSet<(String, String)>,
    /// `CHECK (col IS NOT NULL)` constraints added NOT VALID:
    /// (table, constraint) → column.
    not_null_checks: HashMap<(String, String), String>,
    /// (table, column) proven NOT NULL by a validated CHECK, so SET NOT NULL
    /// skips its scan.
    proven_not_null: HashSet<(String, String)>,
}

impl State {
    /// A transaction ended or started: VALIDATE no longer shares a
    /// transaction with earlier ADD … NOT VALID.
    pub fn transaction_boundary(&mut self) {
        self.not_valid_in_tx.clear();
    }
}

pub(crate) fn check(ctx: &mut Ctx, s: &Statement, facts: &Facts) {
    timeouts(ctx, s, facts);
    match s {
        Statement::CreateTable(ct) => create_table(ctx, ct),
        Statement::AlterTable(at) => alter_table(ctx, at),
        Statement::CreateIndex(ci) => create_index(ctx, ci, facts),
        Statement::Drop {
            object_type,
            if_exists,
            names,
            ..
        } => drop(ctx, *object_type, *if_exists, names, facts),
        Statement::Truncate(t) if t.cascade == Some(sqlparser::ast::CascadeOption::Cascade) => {
            let tables: Vec<String> = t.table_names.iter().map(|t| show(&t.name)).collect();
            let list = tables.join(", ");
            let start = ctx.stmt_start();
            ctx.report_at(
                Rule::BanTruncateCascade,
                start,
                format!(
                    "TRUNCATE {list} CASCADE also empties every table that references {list}, recursively"
                ),
                format!("List every table to empty explicitly: `TRUNCATE {list}, …;` without CASCADE."),
            );
        }
        _ => {}
    }
}

/// Statements sqlparser cannot read still count for the timeout rules when
/// their first keyword says they are DDL.
pub(crate) fn unparsed(ctx: &mut Ctx, facts: &Facts) {
    let ddl = match facts.keyword(0) {
        Keyword::ALTER
        | Keyword::DROP
        | Keyword::TRUNCATE
        | Keyword::LOCK
        | Keyword::REINDEX
        | Keyword::CLUSTER
        | Keyword::VACUUM
        | Keyword::COMMENT
        | Keyword::REFRESH => true,
        Keyword::CREATE => facts.keyword(1) != Keyword::TABLE,
        _ => false,
    };
    if ddl {
        missing_timeouts(ctx, facts, None);
    }
}

// ---------------------------------------------------------------------------
// Timeouts

/// The lock a statement takes, for messages.
fn lock_of(s: &Statement) -> Option<&'static str> {
    Some(match s {
        Statement::AlterTable(at) => {
            let only = |f: fn(&AlterTableOperation) -> bool| at.operations.iter().all(f);
            if only(|op| matches!(op, AlterTableOperation::ValidateConstraint { .. })) {
                "SHARE UPDATE EXCLUSIVE"
            } else if only(|op| {
                matches!(
                    op,
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::ForeignKey(_),
                        ..
                    }
                )
            }) {
                "SHARE ROW EXCLUSIVE"
            } else {
                "ACCESS EXCLUSIVE"
            }
        }
        Statement::CreateIndex(ci) if ci.concurrently => "SHARE UPDATE EXCLUSIVE",
        Statement::CreateIndex(_) => "SHARE",
        Statement::Drop {
            object_type:
                ObjectType::Table
                | ObjectType::Index
                | ObjectType::View
                | ObjectType::MaterializedView
                | ObjectType::Sequence,
            ..
        }
        | Statement::Truncate(_) => "ACCESS EXCLUSIVE",
        _ => return None,
    })
}

/// squawk's decision: every schema statement needs the timeouts, except a
/// plain CREATE TABLE (a new table locks nothing; one with a foreign key
/// locks the referenced table). Data statements, SET and transaction
/// control do not.
fn needs_timeouts(s: &Statement) -> bool {
    match s {
        Statement::CreateTable(ct) => {
            ct.query.is_some()
                || ct
                    .constraints
                    .iter()
                    .any(|c| matches!(c, TableConstraint::ForeignKey(_)))
                || ct.columns.iter().any(|c| {
                    c.options
                        .iter()
                        .any(|o| matches!(o.option, ColumnOption::ForeignKey(_)))
                })
        }
        Statement::Query(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge(_)
        | Statement::Set(_)
        | Statement::Reset(_)
        | Statement::ShowVariable { .. }
        | Statement::ShowVariables { .. }
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. }
        | Statement::Grant(_)
        | Statement::Revoke(_)
        | Statement::Copy { .. }
        | Statement::Call(_)
        | Statement::Analyze(_)
        | Statement::NOTIFY { .. }
        | Statement::LISTEN { .. }
        | Statement::UNLISTEN { .. }
        | Statement::Explain { .. }
        | Statement::Prepare { .. }
        | Statement::Execute { .. }
        | Statement::Deallocate { .. }
        | Statement::Declare { .. }
        | Statement::Fetch { .. }
        | Statement::Close { .. }
        | Statement::Discard { .. } => false,
        _ => true,
    }
}

fn timeouts(ctx: &mut Ctx, s: &Statement, facts: &Facts) {
    if let Statement::Set(sqlparser::ast::Set::SingleAssignment { variable, .. }) = s {
        match common::last_part(variable).as_str() {
            "lock_timeout" => ctx.pg.lock_timeout = true,
            "statement_timeout" => ctx.pg.statement_timeout = true,
            _ => {}
        }
        return;
    }
    if needs_timeouts(s) {
        missing_timeouts(ctx, facts, lock_of(s));
    }
}

/// Reports the missing timeouts at the first statement that needs them
/// (once per file, as squawk does).
fn missing_timeouts(ctx: &mut Ctx, facts: &Facts, lock: Option<&str>) {
    let what = facts.head_text();
    let start = ctx.stmt_start();
    if !ctx.pg.lock_timeout {
        ctx.pg.lock_timeout = true;
        let lock = lock.map_or_else(|| "takes locks".to_string(), |l| format!("takes an {l} lock"));
        let lock = lock.replace("an SHARE", "a SHARE");
        ctx.report_at(
            Rule::RequireLockTimeout,
            start,
            format!("`{what} …` {lock} with no `SET lock_timeout` before it"),
            "Add `SET lock_timeout = '2s';` at the top of the migration (and retry it if it times out)."
                .to_string(),
        );
    }
    if !ctx.pg.statement_timeout {
        ctx.pg.statement_timeout = true;
        ctx.report_at(
            Rule::RequireStatementTimeout,
            start,
            format!("`{what} …` runs with no `SET statement_timeout` before it"),
            "Add `SET statement_timeout = '5min';` (a bound that fits the data) at the top of the migration."
                .to_string(),
        );
    }
}
