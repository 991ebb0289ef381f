//! SQLite rules: what breaks the running app, and the ALTER TABLE forms
//! SQLite rejects outright.

use sqlparser::ast::{AlterTableOperation, ColumnDef, Expr, ObjectType, Spanned, Statement};

use super::catalog::Rule;
use super::common::{self, column_facts, show};
use super::source::Facts;
use super::Ctx;

pub(crate) fn check(ctx: &mut Ctx, s: &Statement) {
    match s {
        Statement::AlterTable(at) => {
            let table = show(&at.name);
            let new = ctx.is_new(&at.name);
            for op in &at.operations {
                alter_operation(ctx, &table, new, op);
            }
        }
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => common::ban_drop_table(ctx, names),
        Statement::Pragma { name, value, .. } => {
            let value = value.as_ref().map(|v| v.value.to_string().to_ascii_lowercase());
            pragma(ctx, &common::last_part(name), value.as_deref());
        }
        _ => {}
    }
}

/// One operation of an ALTER TABLE on `table` (`new`: created in this file).
fn alter_operation(ctx: &mut Ctx, table: &str, new: bool, op: &AlterTableOperation) {
    let span = op.span();
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => add_column(ctx, table, column_def),
        AlterTableOperation::DropColumn { column_names, .. } if !new => {
            common::ban_drop_column(ctx, span, table, column_names)
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } if !new => ctx.report(
            Rule::RenamingColumn,
            span,
            format!(
                "Renaming {table}.{old_column_name} to {new_column_name} breaks running code that uses \
                 the old name"
            ),
            format!(
                "Add {new_column_name}, write both, backfill, switch reads, and drop {old_column_name} \
                 in a later release."
            ),
        ),
        AlterTableOperation::RenameTable { .. } if !new => {
            let start = ctx.stmt_start();
            ctx.report_at(
                Rule::RenamingTable,
                start,
                format!("Renaming table {table} breaks running code that uses the old name"),
                "Keep the name, or move to a new table in steps.".to_string(),
            );
        }
        AlterTableOperation::DropColumn { .. }
        | AlterTableOperation::RenameColumn { .. }
        | AlterTableOperation::RenameTable { .. } => {}
        // MySQL's spelling; SQLite drops an index with a
        // statement of its own, the table stays as it is.
        AlterTableOperation::DropIndex { name } => ctx.report(
            Rule::SqliteUnsupportedAlter,
            span,
            format!("SQLite's ALTER TABLE cannot `DROP INDEX {name}` (on {table}): the migration fails"),
            format!("`DROP INDEX IF EXISTS {name};` as a statement of its own: no table rebuild is needed."),
        ),
        other => {
            let what = other.to_string();
            let what = what.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
            ctx.report(
                Rule::SqliteUnsupportedAlter,
                span,
                format!("SQLite's ALTER TABLE cannot `{what} …` (on {table}): the migration fails"),
                format!(
                    "Rebuild {table}: `CREATE TABLE {table}_new (…);` `INSERT INTO {table}_new SELECT … \
                     FROM {table};` `DROP TABLE {table};` `ALTER TABLE {table}_new RENAME TO {table};` \
                     then recreate its indexes, triggers and views."
                ),
            );
        }
    }
}

/// Statements read from their tokens: pragmas.
pub(crate) fn unparsed(ctx: &mut Ctx, facts: &Facts) {
    if let Some((name, value)) = &facts.pragma {
        pragma(ctx, name, value.as_deref());
    }
}

fn pragma(ctx: &mut Ctx, name: &str, value: Option<&str>) {
    if name == "foreign_keys" && value.is_some() && ctx.in_tx {
        let value = value.unwrap_or_default().to_ascii_uppercase();
        let start = ctx.stmt_start();
        ctx.report_at(
            Rule::SqlitePragmaForeignKeysInTransaction,
            start,
            format!("`PRAGMA foreign_keys = {value}` has no effect inside a transaction"),
            "Make `-- shipdeck:no-transaction` the file's first line, set the pragma before BEGIN, and COMMIT \
             before setting it back."
                .to_string(),
        );
    }
}

fn add_column(ctx: &mut Ctx, table: &str, col: &ColumnDef) {
    let f = column_facts(col);
    let c = &col.name.value;
    let ty = &col.data_type;
    let span = col.name.span;
    if f.not_null && !f.has_value_default() && !f.virtual_generated && !f.stored_generated {
        ctx.report(
            Rule::AddingRequiredField,
            span,
            format!(
                "SQLite cannot add {table}.{c} as NOT NULL without a non-NULL DEFAULT: the migration fails"
            ),
            format!("`ALTER TABLE {table} ADD COLUMN {c} {ty} NOT NULL DEFAULT …;` or add it nullable."),
        );
    }
    let mut problems = Vec::new();
    if f.primary_key {
        problems.push("PRIMARY KEY".to_string());
    }
    if f.unique {
        problems.push("UNIQUE".to_string());
    }
    if f.stored_generated {
        problems.push("a STORED generated expression".to_string());
    }
    if let Some(d) = f.default {
        if !is_constant(d) {
            problems.push(format!("DEFAULT {d} (not a constant)"));
        }
    }
    if f.references.is_some() && f.has_value_default() {
        problems.push("REFERENCES with a non-NULL DEFAULT".to_string());
    }
    if !problems.is_empty() {
        let fix = if f.unique {
            format!(
                "Add the column without UNIQUE, then `CREATE UNIQUE INDEX {table}_{c}_key ON {table} ({c});`"
            )
        } else {
            format!("Rebuild {table} with the full column definition (CREATE TABLE {table}_new …, copy, drop, rename).")
        };
        ctx.report(
            Rule::SqliteUnsupportedAddColumn,
            span,
            format!(
                "SQLite cannot ADD COLUMN {table}.{c} with {}: the migration fails",
                problems.join(", ")
            ),
            fix,
        );
    }
}

/// SQLite accepts only constant defaults in ADD COLUMN: no CURRENT_TIME /
/// CURRENT_DATE / CURRENT_TIMESTAMP and no parenthesised expression.
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Value(_) | Expr::TypedString { .. } => true,
        Expr::UnaryOp { expr, .. } => is_constant(expr),
        Expr::Function(_) | Expr::Nested(_) => false,
        // Identifiers are how sqlparser reads bare words such as TRUE or a
        // quoted default; anything else is an expression.
        Expr::Identifier(_) => true,
        _ => false,
    }
}
