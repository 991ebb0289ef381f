//! AST helpers shared by the engines: names, column options, transaction
//! statements.

use sqlparser::ast::{
    ColumnDef, ColumnOption, Expr, GeneratedExpressionMode, Ident, ObjectName, ObjectNamePart, Statement,
    Value,
};

use sqlparser::tokenizer::Span;

use super::catalog::Rule;
use super::Ctx;
use crate::Engine;

/// A table's identity for "created in this file" checks.
pub(crate) fn name_key(engine: Engine, name: &ObjectName) -> String {
    let mut parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => ident_key(i),
            other => other.to_string().to_lowercase(),
        })
        .collect();
    if engine == Engine::Postgres && parts.len() == 2 && parts[0] == "public" {
        parts.remove(0);
    }
    parts.join(".")
}

/// An identifier's identity: unquoted ones are case-insensitive.
pub(crate) fn ident_key(i: &Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// The last part of a name, lower-cased (`pg_catalog.int4` → `int4`).
pub(crate) fn last_part(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.to_lowercase(),
        Some(other) => other.to_string().to_lowercase(),
        None => String::new(),
    }
}

/// What a column definition says about values for existing rows.
#[derive(Debug, Default)]
pub(crate) struct ColumnFacts<'a> {
    /// An explicit `NOT NULL` (PRIMARY KEY implies it on PostgreSQL and
    /// MariaDB/MySQL, not on SQLite: see [`ColumnFacts::required`]).
    pub not_null: bool,
    pub default: Option<&'a Expr>,
    /// `GENERATED … AS IDENTITY` (or MySQL `AUTO_INCREMENT`, SQLite
    /// `AUTOINCREMENT`).
    pub identity: bool,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub stored_generated: bool,
    /// `GENERATED ALWAYS AS (expr)` computed on read.
    pub virtual_generated: bool,
    pub references: Option<&'a ObjectName>,
    pub unique: bool,
    pub primary_key: bool,
}

impl ColumnFacts<'_> {
    /// A DEFAULT other than NULL.
    pub fn has_value_default(&self) -> bool {
        self.default
            .is_some_and(|d| !matches!(d, Expr::Value(v) if v.value == Value::Null))
    }

    /// NOT NULL, explicitly or through PRIMARY KEY (PostgreSQL, MariaDB/MySQL).
    pub fn required(&self) -> bool {
        self.not_null || self.primary_key
    }

    /// Whether existing rows get a value when the column is added.
    pub fn fills_rows(&self) -> bool {
        self.has_value_default() || self.identity || self.stored_generated || self.virtual_generated
    }
}

pub(crate) fn column_facts(col: &ColumnDef) -> ColumnFacts<'_> {
    let mut f = ColumnFacts::default();
    for opt in &col.options {
        match &opt.option {
            ColumnOption::NotNull => f.not_null = true,
            ColumnOption::Default(e) => f.default = Some(e),
            ColumnOption::Generated {
                generation_expr: None,
                ..
            }
            | ColumnOption::Identity(_) => f.identity = true,
            ColumnOption::Generated {
                generation_expr: Some(_),
                generation_expr_mode,
                ..
            } => {
                if matches!(generation_expr_mode, Some(GeneratedExpressionMode::Stored)) {
                    f.stored_generated = true;
                } else {
                    f.virtual_generated = true;
                }
            }
            ColumnOption::ForeignKey(fk) => f.references = Some(&fk.foreign_table),
            ColumnOption::Unique(_) => f.unique = true,
            ColumnOption::PrimaryKey(_) => f.primary_key = true,
            ColumnOption::DialectSpecific(tokens) if tokens.iter().any(is_auto_increment) => {
                f.identity = true
            }
            _ => {}
        }
    }
    f
}

/// MariaDB/MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
fn is_auto_increment(t: &sqlparser::tokenizer::Token) -> bool {
    matches!(t, sqlparser::tokenizer::Token::Word(w)
        if w.value.eq_ignore_ascii_case("AUTO_INCREMENT") || w.value.eq_ignore_ascii_case("AUTOINCREMENT"))
}

/// The transaction rule, common to every engine: BEGIN/COMMIT in a file
/// Shipdeck wraps, nested BEGIN, COMMIT with nothing open.
pub(crate) fn transactions(ctx: &mut Ctx, s: &Statement) {
    match s {
        // `BEGIN … END` blocks (procedural bodies) carry their statements.
        Statement::StartTransaction { statements, .. } if statements.is_empty() => {
            let start = ctx.stmt_start();
            if ctx.wrapped {
                ctx.report_at(
                    Rule::TransactionNesting,
                    start,
                    "BEGIN inside the transaction Shipdeck already runs this migration in".to_string(),
                    "Remove BEGIN and its COMMIT: Shipdeck wraps the file in a transaction. If a statement must run \
                     outside one, make `-- shipdeck:no-transaction` the file's first line."
                        .to_string(),
                );
            } else if ctx.in_tx {
                ctx.report_at(
                    Rule::TransactionNesting,
                    start,
                    "BEGIN while a transaction is already open".to_string(),
                    "Remove the nested BEGIN (use SAVEPOINT for a nested scope).".to_string(),
                );
            }
            ctx.in_tx = true;
            ctx.pg.transaction_boundary();
        }
        Statement::Commit { .. } | Statement::Rollback { savepoint: None, .. } => {
            let start = ctx.stmt_start();
            let verb = if matches!(s, Statement::Commit { .. }) {
                "COMMIT"
            } else {
                "ROLLBACK"
            };
            if ctx.wrapped {
                ctx.report_at(
                    Rule::TransactionNesting,
                    start,
                    format!("{verb} ends the transaction Shipdeck runs this migration in: what follows runs outside it"),
                    format!("Remove {verb}: Shipdeck commits the migration when it succeeds."),
                );
            } else if !ctx.in_tx {
                ctx.report_at(
                    Rule::TransactionNesting,
                    start,
                    format!("{verb} with no transaction open"),
                    format!("Remove {verb}, or add the BEGIN it belongs to."),
                );
            }
            ctx.in_tx = false;
            ctx.pg.transaction_boundary();
        }
        _ => {}
    }
}

/// Display of a name for messages.
pub(crate) fn show(name: &ObjectName) -> String {
    name.to_string()
}

/// `ban-drop-column`, worded the same on every engine.
pub(crate) fn ban_drop_column(ctx: &mut Ctx, span: Span, table: &str, columns: &[Ident]) {
    let cols = columns
        .iter()
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(", ");
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

/// `ban-drop-table` for the tables of `names` this migration did not create.
pub(crate) fn ban_drop_table(ctx: &mut Ctx, names: &[ObjectName]) {
    let old: Vec<String> = names.iter().filter(|n| !ctx.is_new(n)).map(show).collect();
    if old.is_empty() {
        return;
    }
    let old = old.join(", ");
    let start = ctx.stmt_start();
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
