//! PostgreSQL ALTER TABLE rules.

use sqlparser::ast::{AlterTable, AlterTableOperation, ColumnDef, Expr, Ident, Spanned, TableConstraint};
use sqlparser::tokenizer::Span;

use super::super::catalog::Rule;
use super::super::common::{self, show};
use super::super::Ctx;
use super::columns::{add_column, alter_column};

/// The table one ALTER TABLE statement changes.
struct Target<'a> {
    at: &'a AlterTable,
    table: String,
    key: String,
    /// Created earlier in the same migration: nothing can depend on it yet.
    new: bool,
}

pub(super) fn alter_table(ctx: &mut Ctx, at: &AlterTable) {
    let t = Target {
        at,
        table: show(&at.name),
        key: ctx.table_key(&at.name),
        new: ctx.is_new(&at.name),
    };
    for (i, op) in at.operations.iter().enumerate() {
        let span = op.span();
        let rerunnable_checked = operation(ctx, &t, i, op, span);
        if !rerunnable_checked && !ctx.in_tx {
            ctx.report(
                Rule::PreferRobustStmts,
                span,
                format!(
                    "`ALTER TABLE {}` outside a transaction cannot be run again safely after a failure",
                    t.table
                ),
                "Let the migration run in a transaction (remove `-- shipdeck:no-transaction`), or move this \
                 statement to one that does."
                    .to_string(),
            );
        }
    }
}

/// Checks one operation; true when it already decided whether the
/// statement can run again (so the generic re-run finding is not added).
fn operation(ctx: &mut Ctx, t: &Target, i: usize, op: &AlterTableOperation, span: Span) -> bool {
    let table = &t.table;
    match op {
        AlterTableOperation::AddColumn {
            if_not_exists,
            column_def,
            ..
        } => {
            add_column_op(ctx, t, column_def, *if_not_exists, span);
            true
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            drop_column(ctx, t, column_names, *if_exists, span);
            true
        }
        AlterTableOperation::DropConstraint { if_exists, name, .. } => {
            if !ctx.in_tx && !*if_exists {
                ctx.report(
                    Rule::PreferRobustStmts,
                    span,
                    format!(
                        "Dropping constraint {name} outside a transaction fails if the migration runs again"
                    ),
                    format!("`ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};`"),
                );
            }
            true
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => {
            add_constraint(ctx, table, &t.key, t.new, constraint, *not_valid, span);
            // Re-runnable when the same ALTER first drops it IF EXISTS.
            constraint_name(constraint).is_some_and(|n| {
                t.at.operations[..i].iter().any(|o| {
                    matches!(o, AlterTableOperation::DropConstraint { if_exists: true, name: d, .. } if common::ident_key(d) == common::ident_key(n))
                })
            })
        }
        AlterTableOperation::ValidateConstraint { name } => {
            validate_constraint(ctx, t, name, span);
            false
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } if !t.new => {
            ctx.report(
                Rule::RenamingColumn,
                span,
                format!(
                    "Renaming {table}.{old_column_name} to {new_column_name} breaks running code that uses the \
                     old name"
                ),
                format!(
                    "Add {new_column_name}, write both, backfill, switch reads, and drop {old_column_name} in a \
                     later release."
                ),
            );
            false
        }
        AlterTableOperation::RenameTable { table_name } if !t.new => {
            rename_table(ctx, table, table_name);
            false
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            alter_column(ctx, &t.at.name, table, &t.key, t.new, column_name, op, span);
            false
        }
        _ => false,
    }
}

fn add_column_op(ctx: &mut Ctx, t: &Target, column_def: &ColumnDef, if_not_exists: bool, span: Span) {
    let table = &t.table;
    add_column(ctx, &t.at.name, table, t.new, column_def);
    if !ctx.in_tx && !if_not_exists {
        let c = &column_def.name.value;
        ctx.report(
            Rule::PreferRobustStmts,
            span,
            format!("Adding column {table}.{c} outside a transaction fails if the migration runs again"),
            format!("`ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column_def};`"),
        );
    }
}

fn drop_column(ctx: &mut Ctx, t: &Target, column_names: &[Ident], if_exists: bool, span: Span) {
    let table = &t.table;
    if !t.new {
        common::ban_drop_column(ctx, span, table, column_names);
    }
    if !ctx.in_tx && !if_exists {
        let cols = column_names
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        ctx.report(
            Rule::PreferRobustStmts,
            span,
            format!("Dropping {table}.{cols} outside a transaction fails if the migration runs again"),
            format!("`ALTER TABLE {table} DROP COLUMN IF EXISTS {cols};`"),
        );
    }
}

fn validate_constraint(ctx: &mut Ctx, t: &Target, name: &Ident, span: Span) {
    let table = &t.table;
    let k = (t.key.clone(), common::ident_key(name));
    if ctx.in_tx && ctx.pg.not_valid_in_tx.contains(&k) {
        ctx.report(
            Rule::ConstraintMissingNotValid,
            span,
            format!(
                "Validating {name} in the transaction that added it NOT VALID keeps {table} locked for \
                 the whole scan"
            ),
            format!(
                "Run `ALTER TABLE {table} VALIDATE CONSTRAINT {name};` in a later migration (or a \
                 `-- shipdeck:no-transaction` one)."
            ),
        );
    }
    if let Some(col) = ctx.pg.not_null_checks.get(&k).cloned() {
        ctx.pg.proven_not_null.insert((t.key.clone(), col));
    }
}

fn rename_table(ctx: &mut Ctx, table: &str, to: &sqlparser::ast::RenameTableNameKind) {
    let to = match to {
        sqlparser::ast::RenameTableNameKind::As(n) | sqlparser::ast::RenameTableNameKind::To(n) => show(n),
    };
    let start = ctx.stmt_start();
    ctx.report_at(
        Rule::RenamingTable,
        start,
        format!("Renaming table {table} to {to} breaks running code that uses the old name"),
        format!(
            "Keep the name, or rename and leave a view behind until no code uses it: \
             `ALTER TABLE {table} RENAME TO {to}; CREATE VIEW {table} AS SELECT * FROM {to};`"
        ),
    );
}

fn constraint_name(c: &TableConstraint) -> Option<&Ident> {
    match c {
        TableConstraint::Unique(u) => u.name.as_ref(),
        TableConstraint::PrimaryKey(p) => p.name.as_ref(),
        TableConstraint::ForeignKey(f) => f.name.as_ref(),
        TableConstraint::Check(c) => c.name.as_ref(),
        TableConstraint::PrimaryKeyUsingIndex(c) | TableConstraint::UniqueUsingIndex(c) => c.name.as_ref(),
        _ => None,
    }
}

fn add_constraint(
    ctx: &mut Ctx,
    table: &str,
    key: &str,
    new: bool,
    constraint: &TableConstraint,
    not_valid: bool,
    span: Span,
) {
    let name = constraint_name(constraint).map(|n| n.value.clone());
    if not_valid {
        if let Some(n) = constraint_name(constraint).map(common::ident_key) {
            if ctx.in_tx {
                ctx.pg.not_valid_in_tx.insert((key.to_string(), n.clone()));
            }
            if let TableConstraint::Check(c) = constraint {
                if let Some(col) = is_not_null_check(&c.expr) {
                    ctx.pg.not_null_checks.insert((key.to_string(), n), col);
                }
            }
        }
        return;
    }
    if let TableConstraint::Check(c) = constraint {
        if let Some(col) = is_not_null_check(&c.expr) {
            ctx.pg.proven_not_null.insert((key.to_string(), col));
        }
    }
    if new {
        return;
    }
    let n = name.clone().unwrap_or_else(|| format!("{table}_constraint"));
    match constraint {
        TableConstraint::ForeignKey(fk) => {
            let cols = fk.columns.iter().map(|c| c.value.as_str()).collect::<Vec<_>>().join(", ");
            let target = show(&fk.foreign_table);
            let refs = fk.referred_columns.iter().map(|c| c.value.as_str()).collect::<Vec<_>>().join(", ");
            let refs = if refs.is_empty() { String::new() } else { format!(" ({refs})") };
            ctx.report(
                Rule::AddingForeignKeyConstraint,
                span,
                format!("Adding foreign key {n} on {table} validates every row while locking writes to {table} and {target}"),
                format!(
                    "`ALTER TABLE {table} ADD CONSTRAINT {n} FOREIGN KEY ({cols}) REFERENCES {target}{refs} NOT VALID;` \
                     then `ALTER TABLE {table} VALIDATE CONSTRAINT {n};` in a later migration."
                ),
            );
        }
        TableConstraint::Check(c) => ctx.report(
            Rule::ConstraintMissingNotValid,
            span,
            format!("Adding CHECK {n} on {table} scans every row while {table} is locked against reads and writes"),
            format!(
                "`ALTER TABLE {table} ADD CONSTRAINT {n} CHECK ({}) NOT VALID;` then `ALTER TABLE {table} VALIDATE \
                 CONSTRAINT {n};` in a later migration.",
                c.expr
            ),
        ),
        TableConstraint::Unique(u) => {
            let cols = u.columns.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
            ctx.report(
                Rule::DisallowedUniqueConstraint,
                span,
                format!("Adding UNIQUE {n} on {table} builds its index while {table} is locked against reads and writes"),
                format!(
                    "`CREATE UNIQUE INDEX CONCURRENTLY {n} ON {table} ({cols});` (no-transaction migration), then \
                     `ALTER TABLE {table} ADD CONSTRAINT {n} UNIQUE USING INDEX {n};`"
                ),
            );
        }
        TableConstraint::PrimaryKey(p) => {
            let cols = p.columns.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
            let n = name.unwrap_or_else(|| format!("{table}_pkey"));
            ctx.report(
                Rule::AddingSerialPrimaryKeyField,
                span,
                format!("Adding PRIMARY KEY ({cols}) to {table} builds its index while {table} is locked against reads and writes"),
                format!(
                    "`CREATE UNIQUE INDEX CONCURRENTLY {n} ON {table} ({cols});` (no-transaction migration), then \
                     `ALTER TABLE {table} ADD CONSTRAINT {n} PRIMARY KEY USING INDEX {n};`"
                ),
            );
        }
        _ => {}
    }
}

/// `col IS NOT NULL` → `col`.
fn is_not_null_check(e: &Expr) -> Option<String> {
    match e {
        Expr::Nested(inner) => is_not_null_check(inner),
        Expr::IsNotNull(inner) => match inner.as_ref() {
            Expr::Identifier(i) => Some(common::ident_key(i)),
            Expr::CompoundIdentifier(parts) => parts.last().map(common::ident_key),
            _ => None,
        },
        _ => None,
    }
}
