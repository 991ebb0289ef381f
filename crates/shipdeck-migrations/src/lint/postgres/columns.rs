//! PostgreSQL column rules: types, ADD COLUMN, ALTER COLUMN, volatile defaults.

use sqlparser::ast::{
    AlterColumnOperation, ArrayElemTypeDef, CharacterLength, ColumnDef, DataType, Expr, FunctionArg,
    FunctionArgExpr, FunctionArguments, Ident, ObjectName, TimezoneInfo,
};
use sqlparser::tokenizer::Span;

use super::super::catalog::Rule;
use super::super::common::{self, column_facts, show};
use super::super::Ctx;

/// The type rules, for a column in CREATE TABLE, ADD COLUMN or ALTER COLUMN
/// … TYPE.
pub(super) fn column_type(ctx: &mut Ctx, table: &ObjectName, column: &Ident, ty: &DataType) {
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

/// Why adding this column rewrites the whole table, if it does.
fn table_rewrite(f: &common::ColumnFacts<'_>, serial: Option<&str>) -> Option<String> {
    if f.stored_generated {
        Some("a stored generated column".to_string())
    } else if f.identity {
        Some("an identity column".to_string())
    } else if let Some(serial) = serial {
        Some(format!("a {serial} column (its default calls nextval())"))
    } else {
        f.default
            .and_then(volatile_call)
            .map(|func| format!("a DEFAULT calling {func}()"))
    }
}

pub(super) fn add_column(ctx: &mut Ctx, table_name: &ObjectName, table: &str, new: bool, col: &ColumnDef) {
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
    if let Some(what) = table_rewrite(&f, serial.as_deref()) {
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

#[allow(clippy::too_many_arguments)]
pub(super) fn alter_column(
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
