//! PostgreSQL statement rules: CREATE TABLE, CREATE INDEX, DROP.

use sqlparser::ast::{CreateIndex, CreateTable, ObjectName, ObjectType};

use super::super::catalog::Rule;
use super::super::common::{self, show};
use super::super::source::Facts;
use super::super::Ctx;
use super::columns::column_type;

pub(super) fn create_table(ctx: &mut Ctx, ct: &CreateTable) {
    for col in &ct.columns {
        column_type(ctx, &ct.name, &col.name, &col.data_type);
    }
    if !ctx.in_tx && !ct.if_not_exists && ct.query.is_none() {
        let name = show(&ct.name);
        let start = ctx.stmt_start();
        ctx.report_at(
            Rule::PreferRobustStmts,
            start,
            format!("CREATE TABLE {name} outside a transaction fails if the migration runs again"),
            format!("`CREATE TABLE IF NOT EXISTS {name} (…)`"),
        );
    }
}

pub(super) fn create_index(ctx: &mut Ctx, ci: &CreateIndex, facts: &Facts) {
    let table = show(&ci.table_name);
    let index = ci.name.as_ref().map(show);
    let label = index.as_deref().map_or_else(
        || format!("an index on {table}"),
        |i| format!("index {i} on {table}"),
    );
    let columns = ci
        .columns
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let unique = if ci.unique { "UNIQUE " } else { "" };
    let name = index.as_deref().map(|i| format!("{i} ")).unwrap_or_default();
    let concurrent = format!("CREATE {unique}INDEX CONCURRENTLY IF NOT EXISTS {name}ON {table} ({columns});");
    if !ci.concurrently && !ctx.is_new(&ci.table_name) {
        let start = ctx.stmt_start();
        ctx.report_at(
            Rule::RequireConcurrentIndexCreation,
            start,
            format!("Building {label} blocks every write to {table} until it is done"),
            format!("In a migration whose first line is `-- shipdeck:no-transaction`: `{concurrent}`"),
        );
    }
    if ci.concurrently && ctx.in_tx {
        let at = facts.concurrently.unwrap_or(ctx.stmt_start());
        let why = if ctx.wrapped {
            "Shipdeck runs this migration in a transaction"
        } else {
            "it runs after an explicit BEGIN"
        };
        ctx.report_at(
            Rule::BanConcurrentIndexCreationInTransaction,
            at,
            format!("CREATE INDEX CONCURRENTLY ({label}) cannot run inside a transaction, and {why}"),
            format!("Move it to its own migration whose first line is `-- shipdeck:no-transaction`: `{concurrent}`"),
        );
    }
    if !ctx.in_tx && ci.name.is_some() && !ci.if_not_exists {
        let start = ctx.stmt_start();
        ctx.report_at(
            Rule::PreferRobustStmts,
            start,
            format!("Creating {label} outside a transaction fails if the migration runs again"),
            format!(
                "Add IF NOT EXISTS: `{}`",
                concurrent.replace(
                    "CONCURRENTLY ",
                    if ci.concurrently { "CONCURRENTLY " } else { "" }
                )
            ),
        );
    }
}

pub(super) fn drop(
    ctx: &mut Ctx,
    object_type: ObjectType,
    if_exists: bool,
    names: &[ObjectName],
    facts: &Facts,
) {
    let list = names.iter().map(show).collect::<Vec<_>>().join(", ");
    let start = ctx.stmt_start();
    match object_type {
        ObjectType::Table => common::ban_drop_table(ctx, names),
        ObjectType::Index => {
            if facts.drop_index_concurrently {
                if ctx.in_tx {
                    let at = facts.concurrently.unwrap_or(start);
                    ctx.report_at(
                        Rule::BanConcurrentIndexCreationInTransaction,
                        at,
                        format!("DROP INDEX CONCURRENTLY {list} cannot run inside a transaction"),
                        format!(
                            "Move it to its own migration whose first line is `-- shipdeck:no-transaction`: \
                             `DROP INDEX CONCURRENTLY IF EXISTS {list};`"
                        ),
                    );
                }
            } else {
                ctx.report_at(
                    Rule::RequireConcurrentIndexDeletion,
                    start,
                    format!("DROP INDEX {list} locks its table against reads and writes"),
                    format!(
                        "In a migration whose first line is `-- shipdeck:no-transaction`: \
                         `DROP INDEX CONCURRENTLY IF EXISTS {list};`"
                    ),
                );
            }
        }
        ObjectType::Database => ctx.report_at(
            Rule::BanDropDatabase,
            start,
            format!("DROP DATABASE {list} deletes every table in it"),
            "Drop databases by hand, not in a migration.".to_string(),
        ),
        _ => {}
    }
    if !ctx.in_tx
        && !if_exists
        && matches!(
            object_type,
            ObjectType::Table | ObjectType::Index | ObjectType::Type
        )
    {
        let kind = match object_type {
            ObjectType::Table => "TABLE",
            ObjectType::Index if facts.drop_index_concurrently => "INDEX CONCURRENTLY",
            ObjectType::Index => "INDEX",
            _ => "TYPE",
        };
        ctx.report_at(
            Rule::PreferRobustStmts,
            start,
            format!("DROP {kind} {list} outside a transaction fails if the migration runs again"),
            format!("`DROP {kind} IF EXISTS {list};`"),
        );
    }
}
