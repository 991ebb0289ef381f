//! PostgreSQL rules (squawk's ids and, where it makes sense, its decisions).

use std::collections::{HashMap, HashSet};

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ArrayElemTypeDef, CharacterLength, ColumnDef,
    ColumnOption, CreateIndex, CreateTable, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, ObjectName, ObjectType, Spanned, Statement, TableConstraint, TimezoneInfo,
};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Span;

use super::catalog::Rule;
use super::common::{self, column_facts, show};
use super::source::Facts;
use super::Ctx;

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

// ---------------------------------------------------------------------------
// Column types

/// The type rules, for a column in CREATE TABLE, ADD COLUMN or ALTER COLUMN
/// … TYPE.
fn column_type(ctx: &mut Ctx, table: &ObjectName, column: &Ident, ty: &DataType) {
    let t = show(table);
    let c = &column.value;
    let span = column.span;
    match ty {
        DataType::Array(
            ArrayElemTypeDef::AngleBracket(inner)
            | ArrayElemTypeDef::SquareBracket(inner, _)
            | ArrayElemTypeDef::Parenthesis(inner)
            | ArrayElemTypeDef::ParenthesisNotNull(inner)
            | ArrayElemTypeDef::Qualified(inner, _),
        ) => column_type(ctx, table, column, inner),
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => {
            int(ctx, span, &t, c, "integer", false)
        }
        DataType::SmallInt(_) | DataType::Int2(_) => smallint(ctx, span, &t, c, "smallint", false),
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharVarying(Some(CharacterLength::IntegerLength { length, .. })) => ctx.report(
            Rule::PreferTextField,
            span,
            format!("{t}.{c} is varchar({length}): changing the limit later locks the table"),
            format!("Use `{c} text CHECK (char_length({c}) <= {length})`."),
        ),
        DataType::Char(_) | DataType::Character(_) => char_field(ctx, span, &t, c),
        DataType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => ctx.report(
            Rule::PreferTimestampTz,
            span,
            format!("{t}.{c} is a timestamp without time zone: the UTC offset is lost on write"),
            format!("Use `{c} timestamptz`."),
        ),
        DataType::Custom(name, _) => match common::last_part(name).as_str() {
            "serial" | "serial4" => {
                int(ctx, span, &t, c, "serial", true);
                identity(ctx, span, &t, c, "serial");
            }
            "smallserial" | "serial2" => {
                smallint(ctx, span, &t, c, "smallserial", true);
                identity(ctx, span, &t, c, "smallserial");
            }
            ty @ ("bigserial" | "serial8") => identity(ctx, span, &t, c, ty),
            "int4" | "integer" | "int" => int(ctx, span, &t, c, "integer", false),
            "int2" | "smallint" => smallint(ctx, span, &t, c, "smallint", false),
            "bpchar" => char_field(ctx, span, &t, c),
            _ => {}
        },
        _ => {}
    }
}

fn int(ctx: &mut Ctx, span: Span, t: &str, c: &str, ty: &str, serial: bool) {
    let fix = if serial {
        "bigint GENERATED ALWAYS AS IDENTITY"
    } else {
        "bigint"
    };
    ctx.report(
        Rule::PreferBigintOverInt,
        span,
        format!("{t}.{c} is a 32-bit {ty}: it overflows at 2,147,483,647"),
        format!("Use `{c} {fix}`."),
    );
}

fn smallint(ctx: &mut Ctx, span: Span, t: &str, c: &str, ty: &str, serial: bool) {
    let fix = if serial {
        "bigint GENERATED ALWAYS AS IDENTITY"
    } else {
        "bigint"
    };
    ctx.report(
        Rule::PreferBigintOverSmallint,
        span,
        format!("{t}.{c} is a 16-bit {ty}: it overflows at 32,767"),
        format!("Use `{c} {fix}`."),
    );
}

fn identity(ctx: &mut Ctx, span: Span, t: &str, c: &str, ty: &str) {
    ctx.report(
        Rule::PreferIdentity,
        span,
        format!("{t}.{c} is a {ty}: it owns a separate sequence"),
        format!("Use `{c} bigint GENERATED ALWAYS AS IDENTITY`."),
    );
}

fn char_field(ctx: &mut Ctx, span: Span, t: &str, c: &str) {
    ctx.report(
        Rule::BanCharField,
        span,
        format!("{t}.{c} is a blank-padded char column"),
        format!("Use `{c} text`."),
    );
}

// ---------------------------------------------------------------------------
// Statements

fn create_table(ctx: &mut Ctx, ct: &CreateTable) {
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

fn create_index(ctx: &mut Ctx, ci: &CreateIndex, facts: &Facts) {
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

fn drop(ctx: &mut Ctx, object_type: ObjectType, if_exists: bool, names: &[ObjectName], facts: &Facts) {
    let list = names.iter().map(show).collect::<Vec<_>>().join(", ");
    let start = ctx.stmt_start();
    match object_type {
        ObjectType::Table => {
            let old: Vec<String> = names.iter().filter(|n| !ctx.is_new(n)).map(show).collect();
            if !old.is_empty() {
                let old = old.join(", ");
                ctx.report_at(
                    Rule::BanDropTable,
                    start,
                    format!("Dropping table {old} breaks any running code that still uses it, and its data is gone"),
                    format!(
                        "Stop using {old} in the app and deploy first; then drop it in a later migration with \
                         `-- shipdeck:lint-ignore ban-drop-table` on the line before."
                    ),
                );
            }
        }
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

fn alter_table(ctx: &mut Ctx, at: &AlterTable) {
    let table = show(&at.name);
    let key = ctx.table_key(&at.name);
    let new = ctx.is_new(&at.name);
    for (i, op) in at.operations.iter().enumerate() {
        let span = op.span();
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                add_column(ctx, &at.name, &table, new, column_def);
                if !ctx.in_tx && !*if_not_exists {
                    let c = &column_def.name.value;
                    ctx.report(
                        Rule::PreferRobustStmts,
                        span,
                        format!("Adding column {table}.{c} outside a transaction fails if the migration runs again"),
                        format!("`ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column_def};`"),
                    );
                }
                continue;
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                let cols = column_names
                    .iter()
                    .map(|c| c.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                if !new {
                    ctx.report(
                        Rule::BanDropColumn,
                        span,
                        format!("Dropping {table}.{cols} breaks running code that still reads or writes it"),
                        format!(
                            "Stop using {cols} in the app and deploy first; then drop it in a later migration with \
                             `-- shipdeck:lint-ignore ban-drop-column` on the line before."
                        ),
                    );
                }
                if !ctx.in_tx && !*if_exists {
                    ctx.report(
                        Rule::PreferRobustStmts,
                        span,
                        format!(
                            "Dropping {table}.{cols} outside a transaction fails if the migration runs again"
                        ),
                        format!("`ALTER TABLE {table} DROP COLUMN IF EXISTS {cols};`"),
                    );
                }
                continue;
            }
            AlterTableOperation::DropConstraint { if_exists, name, .. } => {
                if !ctx.in_tx && !*if_exists {
                    ctx.report(
                        Rule::PreferRobustStmts,
                        span,
                        format!("Dropping constraint {name} outside a transaction fails if the migration runs again"),
                        format!("`ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};`"),
                    );
                }
                continue;
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => {
                add_constraint(ctx, &table, &key, new, constraint, *not_valid, span);
                // Re-runnable when the same ALTER first drops it IF EXISTS.
                let name = constraint_name(constraint);
                let dropped_first = name.is_some_and(|n| {
                    at.operations[..i].iter().any(|o| {
                        matches!(o, AlterTableOperation::DropConstraint { if_exists: true, name: d, .. } if common::ident_key(d) == common::ident_key(n))
                    })
                });
                if dropped_first {
                    continue;
                }
            }
            AlterTableOperation::ValidateConstraint { name } => {
                let k = (key.clone(), common::ident_key(name));
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
                    ctx.pg.proven_not_null.insert((key.clone(), col));
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } if !new => ctx.report(
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
            ),
            AlterTableOperation::RenameTable { table_name } if !new => {
                let to = match table_name {
                    sqlparser::ast::RenameTableNameKind::As(n) | sqlparser::ast::RenameTableNameKind::To(n) => {
                        show(n)
                    }
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
            AlterTableOperation::AlterColumn { column_name, op } => {
                alter_column(ctx, &at.name, &table, &key, new, column_name, op, span);
            }
            _ => {}
        }
        if !ctx.in_tx {
            ctx.report(
                Rule::PreferRobustStmts,
                span,
                format!(
                    "`ALTER TABLE {table}` outside a transaction cannot be run again safely after a failure"
                ),
                "Let the migration run in a transaction (remove `-- shipdeck:no-transaction`), or move this \
                 statement to one that does."
                    .to_string(),
            );
        }
    }
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

fn add_column(ctx: &mut Ctx, table_name: &ObjectName, table: &str, new: bool, col: &ColumnDef) {
    column_type(ctx, table_name, &col.name, &col.data_type);
    if new {
        return;
    }
    let f = column_facts(col);
    let c = &col.name.value;
    let ty = &col.data_type;
    let span = col.name.span;
    let serial = match ty {
        DataType::Custom(n, _) => Some(common::last_part(n)).filter(|n| n.contains("serial")),
        _ => None,
    };
    if f.required() && !f.fills_rows() && serial.is_none() {
        ctx.report(
            Rule::AddingRequiredField,
            span,
            format!(
                "Adding {table}.{c} as NOT NULL without a DEFAULT fails if {table} has rows, and breaks INSERTs \
                 that do not set it"
            ),
            format!(
                "Give it a default (`ALTER TABLE {table} ADD COLUMN {c} {ty} NOT NULL DEFAULT …;`), or add it \
                 nullable, backfill, and enforce NOT NULL later."
            ),
        );
    }
    let rewrite = if f.stored_generated {
        Some("a stored generated column".to_string())
    } else if f.identity {
        Some("an identity column".to_string())
    } else if let Some(serial) = &serial {
        Some(format!("a {serial} column (its default calls nextval())"))
    } else {
        f.default
            .and_then(volatile_call)
            .map(|func| format!("a DEFAULT calling {func}()"))
    };
    if let Some(what) = rewrite {
        ctx.report(
            Rule::AddingFieldWithDefault,
            span,
            format!("Adding {table}.{c} as {what} rewrites the whole table under an ACCESS EXCLUSIVE lock"),
            format!(
                "`ALTER TABLE {table} ADD COLUMN {c} {};` then set the default for new rows with `ALTER TABLE \
                 {table} ALTER COLUMN {c} SET DEFAULT …;` and backfill existing rows in batches.",
                if serial.is_some() { "bigint".to_string() } else { ty.to_string() }
            ),
        );
    }
    if let Some(target) = f.references {
        let target = show(target);
        ctx.report(
            Rule::AddingForeignKeyConstraint,
            span,
            format!("Adding {table}.{c} REFERENCES {target} validates the key while locking writes to both tables"),
            format!(
                "`ALTER TABLE {table} ADD COLUMN {c} {ty};` then `ALTER TABLE {table} ADD CONSTRAINT {table}_{c}_fkey \
                 FOREIGN KEY ({c}) REFERENCES {target} NOT VALID;` and VALIDATE CONSTRAINT in a later migration."
            ),
        );
    }
    if f.unique {
        ctx.report(
            Rule::DisallowedUniqueConstraint,
            span,
            format!("Adding {table}.{c} UNIQUE builds its index while {table} is locked against reads and writes"),
            format!(
                "Add the column, then `CREATE UNIQUE INDEX CONCURRENTLY {table}_{c}_key ON {table} ({c});` and \
                 `ALTER TABLE {table} ADD CONSTRAINT {table}_{c}_key UNIQUE USING INDEX {table}_{c}_key;`"
            ),
        );
    }
    if f.primary_key {
        ctx.report(
            Rule::AddingSerialPrimaryKeyField,
            span,
            format!("Adding {table}.{c} as PRIMARY KEY builds its index while {table} is locked against reads and writes"),
            format!(
                "Add the column, then `CREATE UNIQUE INDEX CONCURRENTLY {table}_pkey ON {table} ({c});` and \
                 `ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY USING INDEX {table}_pkey;`"
            ),
        );
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

#[allow(clippy::too_many_arguments)]
fn alter_column(
    ctx: &mut Ctx,
    table_name: &ObjectName,
    table: &str,
    key: &str,
    new: bool,
    column: &Ident,
    op: &AlterColumnOperation,
    span: Span,
) {
    let c = &column.value;
    let proven = ctx
        .pg
        .proven_not_null
        .contains(&(key.to_string(), common::ident_key(column)));
    match op {
        AlterColumnOperation::SetNotNull if !new && !proven => ctx.report(
            Rule::AddingNotNullableField,
            span,
            format!("SET NOT NULL on {table}.{c} scans the table while it is locked against reads and writes"),
            format!(
                "`ALTER TABLE {table} ADD CONSTRAINT {table}_{c}_not_null CHECK ({c} IS NOT NULL) NOT VALID;` \
                 then, in another transaction, `ALTER TABLE {table} VALIDATE CONSTRAINT {table}_{c}_not_null;` \
                 `ALTER TABLE {table} ALTER COLUMN {c} SET NOT NULL;` `ALTER TABLE {table} DROP CONSTRAINT \
                 {table}_{c}_not_null;`"
            ),
        ),
        AlterColumnOperation::DropNotNull if !new => ctx.report(
            Rule::BanDropNotNull,
            span,
            format!("Dropping NOT NULL on {table}.{c}: code that assumes it is never NULL can break"),
            format!("Make sure every reader of {table}.{c} handles NULL first."),
        ),
        AlterColumnOperation::SetDataType { data_type, .. } => {
            column_type(ctx, table_name, column, data_type);
            if !new {
                ctx.report(
                    Rule::ChangingColumnType,
                    span,
                    format!("Changing {table}.{c} to {data_type} rewrites the table under an ACCESS EXCLUSIVE lock"),
                    format!(
                        "Add a new {data_type} column, backfill it in batches, switch the app to it, and drop {c} \
                         in a later release."
                    ),
                );
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Volatile defaults

/// Functions that are not volatile (immutable or stable), so a DEFAULT
/// calling them is evaluated once when the column is added.
const NON_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "current_user",
    "session_user",
    "current_role",
    "current_schema",
    "current_database",
    "lower",
    "upper",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "length",
    "char_length",
    "concat",
    "concat_ws",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "abs",
    "round",
    "floor",
    "ceil",
    "to_char",
    "to_date",
    "to_timestamp",
    "to_number",
    "make_date",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "make_interval",
    "date_trunc",
    "timezone",
    "to_json",
    "to_jsonb",
    "json_build_object",
    "json_build_array",
    "jsonb_build_object",
    "jsonb_build_array",
    "array_fill",
];

/// The first function in `e` that is volatile or unknown (so possibly
/// volatile), if any.
fn volatile_call(e: &Expr) -> Option<String> {
    match e {
        Expr::Function(f) => {
            let name = common::last_part(&f.name);
            if !NON_VOLATILE.contains(&name.as_str()) {
                return Some(name);
            }
            match &f.args {
                FunctionArguments::List(list) => list.args.iter().find_map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                    | FunctionArg::Named {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    }
                    | FunctionArg::ExprNamed {
                        arg: FunctionArgExpr::Expr(e),
                        ..
                    } => volatile_call(e),
                    _ => None,
                }),
                FunctionArguments::Subquery(_) => Some(name),
                FunctionArguments::None => None,
            }
        }
        Expr::Cast { expr, .. }
        | Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::Collate { expr, .. } => volatile_call(expr),
        Expr::BinaryOp { left, right, .. } => volatile_call(left).or_else(|| volatile_call(right)),
        Expr::Array(a) => a.elem.iter().find_map(volatile_call),
        Expr::Tuple(items) => items.iter().find_map(volatile_call),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => operand
            .as_deref()
            .and_then(volatile_call)
            .or_else(|| {
                conditions
                    .iter()
                    .find_map(|w| volatile_call(&w.condition).or_else(|| volatile_call(&w.result)))
            })
            .or_else(|| else_result.as_deref().and_then(volatile_call)),
        Expr::Subquery(_) | Expr::Exists { .. } => Some("a subquery".to_string()),
        _ => None,
    }
}
