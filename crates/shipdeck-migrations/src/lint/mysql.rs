//! MariaDB/MySQL rules: what breaks the running app or rebuilds a table,
//! and DDL's implicit commits.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, DataType, Ident, ObjectName, ObjectType, Spanned,
    Statement,
};
use sqlparser::tokenizer::Span;

use super::catalog::Rule;
use super::common::{self, column_facts, show};
use super::source::Loc;
use super::Ctx;

/// Whether the file has run schema changes or data changes so far.
#[derive(Debug, Default)]
pub(crate) struct State {
    ddl: Option<Loc>,
    dml: Option<Loc>,
    reported: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ddl,
    Dml,
}

fn kind(s: &Statement) -> Option<Kind> {
    match s {
        Statement::CreateTable(_)
        | Statement::CreateIndex(_)
        | Statement::CreateView(_)
        | Statement::AlterTable(_)
        | Statement::AlterIndex { .. }
        | Statement::AlterView(_)
        | Statement::Drop { .. }
        | Statement::DropFunction(_)
        | Statement::DropProcedure { .. }
        | Statement::DropTrigger(_)
        | Statement::RenameTable(_)
        | Statement::Truncate(_)
        | Statement::CreateTrigger(_)
        | Statement::CreateFunction(_)
        | Statement::CreateProcedure { .. }
        | Statement::CreateDatabase { .. }
        | Statement::CreateSchema { .. } => Some(Kind::Ddl),
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) | Statement::Merge(_) => {
            Some(Kind::Dml)
        }
        Statement::LoadData { .. } => Some(Kind::Dml),
        _ => None,
    }
}

pub(crate) fn check(ctx: &mut Ctx, s: &Statement) {
    mixing(ctx, s);
    match s {
        Statement::CreateTable(ct) => {
            for col in &ct.columns {
                int_type(ctx, &ct.name, &col.name, &col.data_type);
            }
        }
        Statement::AlterTable(at) => {
            for op in &at.operations {
                alter_operation(ctx, &at.name, op);
            }
        }
        Statement::RenameTable(renames) => {
            for r in renames {
                if !ctx.is_new(&r.old_name) {
                    renaming_table(ctx, &r.old_name, &r.new_name);
                }
            }
        }
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => common::ban_drop_table(ctx, names),
        Statement::Drop {
            object_type: ObjectType::Database | ObjectType::Schema,
            names,
            ..
        } => {
            let start = ctx.stmt_start();
            let list = names.iter().map(show).collect::<Vec<_>>().join(", ");
            ctx.report_at(
                Rule::BanDropDatabase,
                start,
                format!("Dropping database {list} deletes every table in it"),
                "Drop databases by hand, not in a migration.".to_string(),
            );
        }
        _ => {}
    }
}

/// One operation of an ALTER TABLE on `name`.
fn alter_operation(ctx: &mut Ctx, name: &ObjectName, op: &AlterTableOperation) {
    let table = show(name);
    let new = ctx.is_new(name);
    let span = op.span();
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            int_type(ctx, name, &column_def.name, &column_def.data_type);
            if !new {
                add_column(ctx, &table, column_def);
            }
        }
        AlterTableOperation::DropColumn { column_names, .. } if !new => {
            common::ban_drop_column(ctx, span, &table, column_names)
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } if !new => renaming_column(ctx, span, &table, old_column_name, new_column_name),
        AlterTableOperation::RenameTable { table_name } if !new => {
            let to = match table_name {
                sqlparser::ast::RenameTableNameKind::As(n) | sqlparser::ast::RenameTableNameKind::To(n) => n,
            };
            renaming_table(ctx, name, to);
        }
        AlterTableOperation::ModifyColumn {
            col_name, data_type, ..
        } => {
            int_type(ctx, name, col_name, data_type);
            if !new {
                changing_type(ctx, span, &table, col_name, data_type, "MODIFY COLUMN");
            }
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } => {
            int_type(ctx, name, new_name, data_type);
            if !new {
                changing_type(ctx, span, &table, old_name, data_type, "CHANGE COLUMN");
                if !old_name.value.eq_ignore_ascii_case(&new_name.value) {
                    renaming_column(ctx, span, &table, old_name, new_name);
                }
            }
        }
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { data_type, .. },
        } if !new => changing_type(ctx, span, &table, column_name, data_type, "ALTER COLUMN … TYPE"),
        _ => {}
    }
}

/// Reports the first statement that mixes data changes with DDL.
fn mixing(ctx: &mut Ctx, s: &Statement) {
    let Some(k) = kind(s) else { return };
    let start = ctx.stmt_start();
    let st = &mut ctx.mysql;
    let earlier = match k {
        Kind::Ddl => st.dml.map(|l| (l, "a data change", "schema change")),
        Kind::Dml => st.ddl.map(|l| (l, "a schema change", "data change")),
    };
    match k {
        Kind::Ddl => st.ddl = st.ddl.or(Some(start)),
        Kind::Dml => st.dml = st.dml.or(Some(start)),
    }
    if st.reported {
        return;
    }
    if let Some((at, before, this)) = earlier {
        st.reported = true;
        ctx.report_at(
            Rule::MysqlDdlNotTransactional,
            start,
            format!(
                "This {this} follows {before} (line {}) in one migration: MariaDB/MySQL commits DDL implicitly, so a \
                 failure here leaves the migration half-applied",
                at.line
            ),
            "Split the schema change and the data change into separate migrations, and make the data change \
             safe to re-run (INSERT IGNORE, WHERE NOT EXISTS, …)."
                .to_string(),
        );
    }
}

fn int_type(ctx: &mut Ctx, table: &ObjectName, column: &Ident, ty: &DataType) {
    let name = match ty {
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => "INT",
        DataType::IntUnsigned(_) | DataType::IntegerUnsigned(_) | DataType::Int4Unsigned(_) => "INT UNSIGNED",
        DataType::MediumInt(_) => "MEDIUMINT",
        DataType::MediumIntUnsigned(_) => "MEDIUMINT UNSIGNED",
        _ => return,
    };
    let t = show(table);
    let c = &column.value;
    let unsigned = if name.ends_with("UNSIGNED") {
        " UNSIGNED"
    } else {
        ""
    };
    ctx.report(
        Rule::PreferBigintOverInt,
        column.span,
        format!("{t}.{c} is {name}: ids and counters run out and widening it later rebuilds the table"),
        format!("Use `{c} BIGINT{unsigned}`."),
    );
}

fn add_column(ctx: &mut Ctx, table: &str, col: &ColumnDef) {
    let f = column_facts(col);
    if f.required() && !f.fills_rows() {
        let c = &col.name.value;
        let ty = &col.data_type;
        ctx.report(
            Rule::AddingRequiredField,
            col.name.span,
            format!(
                "Adding {table}.{c} as NOT NULL without a DEFAULT breaks INSERTs of the running app that do not set it"
            ),
            format!("`ALTER TABLE {table} ADD COLUMN {c} {ty} NOT NULL DEFAULT …;` or add it nullable."),
        );
    }
}

fn changing_type(ctx: &mut Ctx, span: Span, table: &str, column: &Ident, ty: &DataType, how: &str) {
    ctx.report(
        Rule::ChangingColumnType,
        span,
        format!("{how} {table}.{column} to {ty} rebuilds the table and blocks writes while it copies"),
        format!(
            "Add a new {ty} column, backfill it in batches, switch the app, and drop {column} in a later release \
             (or use an online schema change tool)."
        ),
    );
}

fn renaming_column(ctx: &mut Ctx, span: Span, table: &str, old: &Ident, new: &Ident) {
    ctx.report(
        Rule::RenamingColumn,
        span,
        format!("Renaming {table}.{old} to {new} breaks running code that uses the old name"),
        format!("Add {new}, write both, backfill, switch reads, and drop {old} in a later release."),
    );
}

fn renaming_table(ctx: &mut Ctx, old: &ObjectName, new: &ObjectName) {
    let start = ctx.stmt_start();
    ctx.report_at(
        Rule::RenamingTable,
        start,
        format!(
            "Renaming table {} to {} breaks running code that uses the old name",
            show(old),
            show(new)
        ),
        "Keep the name, or move to a new table in steps.".to_string(),
    );
}
