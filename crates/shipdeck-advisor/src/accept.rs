//! A finding's fix as a migration: its file name, the finding as a
//! comment above the SQL, and the rollback of a created index.

use super::{index_name, quote_ident, Finding};
use shipdeck_migrations::Engine;

/// A migration name for a fix: `add_orders_customer_id_idx`, … Catalog
/// names may hold anything: only ASCII letters and digits reach the file
/// name.
pub fn migration_name(f: &Finding) -> String {
    let ascii = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    };
    let table = f
        .relation
        .as_ref()
        .map_or("table".to_string(), |r| ascii(&r.name));
    let index = ascii(f.index.as_deref().unwrap_or("index"));
    let name = match f.check.as_str() {
        "unused_index" | "duplicate_index" => format!("drop {index}"),
        "invalid_index" => format!("reindex {index}"),
        "sequence_exhaustion" => format!("widen {index}"),
        "no_primary_key" => format!("add primary key to {table}"),
        _ => match &f.relation {
            Some(r) => format!("add {}", ascii(&index_name(r, &f.columns))),
            None => "add index".to_string(),
        },
    };
    // Nothing usable left (a name of only non-ASCII letters): the check.
    if name
        .split_whitespace()
        .skip(1)
        .all(|w| w.chars().all(|c| c == '_'))
    {
        format!("{} {}", name.split_whitespace().next().unwrap_or("fix"), f.check)
    } else {
        name
    }
}

/// `text` as `--` comment lines. Every line gets its own `-- `, and control
/// characters (PostgreSQL also ends a comment at `\r`) and Unicode line
/// separators are escaped: nothing a catalog name holds can end the comment
/// and become SQL.
fn comment(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        out.push_str("-- ");
        for c in line.chars() {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// The migration's text: the no-transaction marker where PostgreSQL needs
/// it, the finding as a comment, then the fix.
pub fn migration_sql(f: &Finding, engine: Engine, database: &str) -> String {
    let fix = f.fix_sql.as_deref().unwrap_or_default();
    let concurrent = engine == Engine::Postgres && fix.to_ascii_uppercase().contains("CONCURRENTLY");
    let mut out = String::new();
    if concurrent {
        out.push_str("-- shipdeck:no-transaction\n");
    }
    out.push_str(&comment(&format!(
        "Advisor ({}) on {database}: {}",
        f.check, f.message
    )));
    for fig in &f.evidence.figures {
        // `rows: 50000`, `hit_pct: 93.1 %`: no unit the name already says.
        let unit = if fig.unit.is_empty() || fig.name.contains(fig.unit.as_str()) {
            String::new()
        } else {
            format!(" {}", fig.unit)
        };
        out.push_str(&comment(&format!("  {}: {}{unit}", fig.name, fig.value)));
    }
    if let (Some(b), Some(a)) = (f.evidence.cost_before, f.evidence.cost_after) {
        out.push_str(&format!("--   estimated cost: {b:.1} → {a:.1}\n"));
    }
    out.push('\n');
    if engine == Engine::Postgres {
        out.push_str(PG_TIMEOUTS);
    }
    out.push_str(fix);
    out.push('\n');
    if engine == Engine::Postgres {
        out.push_str(PG_RESET);
    }
    out
}

/// Bounds on waiting for the lock and on the build itself, as the
/// migration lint asks: a DDL statement queued behind a long transaction
/// blocks every query on the table. Raise the statement timeout for very
/// large tables.
const PG_TIMEOUTS: &str = "SET lock_timeout = '5s';\nSET statement_timeout = '30min';\n";

/// The runner's session goes on to the next migration: leave it as it was.
const PG_RESET: &str = "RESET lock_timeout;\nRESET statement_timeout;\n";

/// The rollback of a created index.
pub fn down_sql(f: &Finding, engine: Engine) -> Option<String> {
    let fix = f.fix_sql.as_deref()?;
    if !fix.trim_start().to_ascii_uppercase().starts_with("CREATE INDEX") {
        return None;
    }
    let table = f.relation.as_ref()?;
    let index = table.sibling(index_name(table, &f.columns));
    Some(match engine {
        Engine::Postgres => format!(
            "-- shipdeck:no-transaction\n{PG_TIMEOUTS}DROP INDEX CONCURRENTLY IF EXISTS {};\n{PG_RESET}",
            index.quoted(engine)
        ),
        Engine::Sqlite => format!("DROP INDEX IF EXISTS {};\n", index.quoted(engine)),
        Engine::Mysql => format!(
            "DROP INDEX {} ON {};\n",
            quote_ident(engine, &index.name),
            table.quoted(engine)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{create_index_sql, Relation, Severity};
    use shipdeck_migrations::lint::lint_sql;

    fn fk(table: Relation) -> Finding {
        Finding::new("foreign_key_without_index", Severity::Warning, "no index".into())
            .columns(vec!["account_id".into()])
            .fix(create_index_sql(Engine::Postgres, &table, &["account_id".into()]))
            .table(table)
    }

    fn bare(name: &str) -> Relation {
        Relation::bare(name)
    }

    #[test]
    fn migrations_are_named_after_what_they_do() {
        assert_eq!(
            migration_name(&fk(Relation::pg("billing", "invoices"))),
            "add invoices_account_id_idx"
        );
        let drop = Finding::new("unused_index", Severity::Info, String::new()).index("orders_status_idx");
        assert_eq!(migration_name(&drop), "drop orders_status_idx");
        let pk = Finding::new("no_primary_key", Severity::Warning, String::new()).table(bare("events"));
        assert_eq!(migration_name(&pk), "add primary key to events");
    }

    #[test]
    fn concurrent_postgres_fixes_run_outside_a_transaction_with_timeouts() {
        let sql = migration_sql(&fk(bare("invoices")), Engine::Postgres, "main");
        assert!(sql.starts_with("-- shipdeck:no-transaction\n"), "{sql}");
        assert!(sql.contains("SET lock_timeout") && sql.contains("SET statement_timeout"));
        assert!(
            sql.ends_with("RESET lock_timeout;\nRESET statement_timeout;\n"),
            "{sql}"
        );
        assert!(
            lint_sql(&sql, Engine::Postgres, false).is_empty(),
            "{:?}",
            lint_sql(&sql, Engine::Postgres, false)
        );
        let down = down_sql(&fk(bare("invoices")), Engine::Postgres).unwrap();
        assert!(
            down.contains("DROP INDEX CONCURRENTLY IF EXISTS invoices_account_id_idx;"),
            "{down}"
        );

        let mut lite = fk(bare("invoices"));
        lite.fix_sql = Some(create_index_sql(
            Engine::Sqlite,
            &bare("invoices"),
            &["account_id".into()],
        ));
        let sql = migration_sql(&lite, Engine::Sqlite, "main");
        assert!(!sql.contains("no-transaction") && !sql.contains("SET "), "{sql}");
        assert_eq!(
            down_sql(&lite, Engine::Sqlite).as_deref(),
            Some("DROP INDEX IF EXISTS invoices_account_id_idx;\n")
        );
    }

    #[test]
    fn catalog_names_in_comments_cannot_end_the_comment() {
        let evil = "evil\nDROP TABLE victim; --\r\u{2028}x";
        let f = Finding::new(
            "no_primary_key",
            Severity::Warning,
            format!("{evil} has no primary key"),
        )
        .fix("ALTER TABLE x ADD COLUMN id int;")
        .table(bare(evil));
        let sql = migration_sql(&f, Engine::Postgres, "main");
        for line in sql.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                line.starts_with("--")
                    || line.starts_with("SET ")
                    || line.starts_with("RESET ")
                    || line.starts_with("ALTER TABLE x"),
                "{line:?} in\n{sql}"
            );
        }
        assert!(!sql.contains('\r') && !sql.contains('\u{2028}'), "{sql:?}");
        assert_eq!(
            migration_name(&f),
            "add primary key to evil_DROP_TABLE_victim______x"
        );
        let greek = Finding::new("unused_index", Severity::Info, String::new()).index("αβγ");
        assert_eq!(migration_name(&greek), "drop unused_index");
    }
}
