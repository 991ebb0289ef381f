//! Names of tables, indexes and columns as SQL: one quoting rule per
//! engine, and names carried as (schema, name) pairs so that nothing in a
//! catalog name (dots, commas, quotes, newlines) changes what the SQL means.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::query_id;
use shipdeck_migrations::Engine;

/// A table (or index, sequence) as the catalog names it: schema and name
/// apart, never parsed back out of text, since a name may hold dots, commas,
/// quotes or newlines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorRelation")]
pub struct Relation {
    /// `None`: the default one (PostgreSQL's `public`, the connection's
    /// database on MariaDB/MySQL, SQLite's `main`).
    pub schema: Option<String>,
    pub name: String,
}

impl Relation {
    /// A name in the default schema.
    pub fn bare(name: impl Into<String>) -> Relation {
        Relation {
            schema: None,
            name: name.into(),
        }
    }

    /// A PostgreSQL relation; `public` is the default schema.
    pub fn pg(schema: &str, name: impl Into<String>) -> Relation {
        Relation {
            schema: (schema != "public").then(|| schema.to_string()),
            name: name.into(),
        }
    }

    /// Another object (an index) in the same schema.
    pub fn sibling(&self, name: impl Into<String>) -> Relation {
        Relation {
            schema: self.schema.clone(),
            name: name.into(),
        }
    }

    /// `schema.name` (or `name`), unquoted: for people, never for SQL.
    pub fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The name as SQL, each part quoted when it needs it.
    pub fn quoted(&self, engine: Engine) -> String {
        match &self.schema {
            Some(s) => format!("{}.{}", quote_ident(engine, s), quote_ident(engine, &self.name)),
            None => quote_ident(engine, &self.name),
        }
    }
}

/// Quotes one identifier for `engine` when it needs it (anything but
/// lower-case ASCII letters, digits and `_`, or a reserved word). The name
/// is one identifier whatever it holds: a dot is part of it.
pub fn quote_ident(engine: Engine, name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&name);
    if plain {
        name.to_string()
    } else {
        delimit(engine, name)
    }
}

/// Always-quoted identifier: the one escaping rule of each engine.
pub(crate) fn delimit(engine: Engine, name: &str) -> String {
    if engine == Engine::Mysql {
        format!("`{}`", name.replace('`', "``"))
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Words that need quoting as identifiers in all three engines (the common
/// ones; a rarer keyword still parses when quoted by the user's own SQL).
const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "by",
    "case",
    "check",
    "column",
    "constraint",
    "create",
    "default",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "for",
    "foreign",
    "from",
    "group",
    "having",
    "in",
    "index",
    "into",
    "is",
    "join",
    "key",
    "limit",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "primary",
    "references",
    "select",
    "table",
    "then",
    "to",
    "union",
    "unique",
    "user",
    "using",
    "when",
    "where",
    "with",
];

/// `CREATE INDEX` for a suggestion: `CONCURRENTLY` on PostgreSQL (the
/// migration then runs outside a transaction).
pub fn create_index_sql(engine: Engine, table: &Relation, columns: &[String]) -> String {
    let name = quote_ident(engine, &index_name(table, columns));
    let cols = columns
        .iter()
        .map(|c| quote_ident(engine, c))
        .collect::<Vec<_>>()
        .join(", ");
    let table = table.quoted(engine);
    match engine {
        Engine::Postgres => format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({cols});"),
        Engine::Sqlite => format!("CREATE INDEX IF NOT EXISTS {name} ON {table} ({cols});"),
        Engine::Mysql => format!("CREATE INDEX {name} ON {table} ({cols});"),
    }
}

/// A conventional index name: `<table>_<col>_<col>_idx`, within the
/// identifier limit (63 bytes on PostgreSQL, 64 characters on MySQL), cut
/// on a character boundary.
pub fn index_name(table: &Relation, columns: &[String]) -> String {
    let mut name = format!("{}_{}_idx", table.name, columns.join("_"));
    if name.len() > 63 {
        let id = query_id(&name);
        truncate_bytes(&mut name, 63 - id.len() - 1);
        name.push('_');
        name.push_str(&id);
    }
    name
}

/// Cuts `s` to at most `max` bytes without splitting a character.
pub fn truncate_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let cut = (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_stay_within_the_identifier_limit() {
        assert_eq!(
            index_name(&Relation::pg("billing", "orders"), &["customer_id".into()]),
            "orders_customer_id_idx"
        );
        let long: Vec<String> = (0..10).map(|i| format!("column_number_{i}")).collect();
        let t = Relation::bare("t");
        let n = index_name(&t, &long);
        assert!(n.len() <= 63, "{n}");
        assert_ne!(n, index_name(&t, &long[..9]));
    }

    #[test]
    fn identifiers_are_quoted_only_when_needed() {
        assert_eq!(
            Relation::pg("billing", "orders").quoted(Engine::Postgres),
            "billing.orders"
        );
        assert_eq!(quote_ident(Engine::Postgres, "Order"), "\"Order\"");
        assert_eq!(quote_ident(Engine::Postgres, "user"), "\"user\"");
        assert_eq!(quote_ident(Engine::Mysql, "order"), "`order`");
        assert_eq!(
            create_index_sql(
                Engine::Postgres,
                &Relation::pg("public", "orders"),
                &["customer_id".into()]
            ),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);"
        );
    }

    #[test]
    fn names_with_dots_quotes_and_newlines_stay_one_identifier() {
        let evil = Relation::pg("public", "evil.x\"\nDROP TABLE victim; --");
        assert_eq!(
            evil.quoted(Engine::Postgres),
            "\"evil.x\"\"\nDROP TABLE victim; --\""
        );
        assert_eq!(Relation::bare("a`b").quoted(Engine::Mysql), "`a``b`");
        let sql = create_index_sql(Engine::Sqlite, &Relation::bare("t.u"), &["a,b".into()]);
        assert_eq!(
            sql,
            "CREATE INDEX IF NOT EXISTS \"t.u_a,b_idx\" ON \"t.u\" (\"a,b\");"
        );
    }

    #[test]
    fn long_non_ascii_names_are_cut_on_a_character_boundary() {
        let table = Relation::bare("é".repeat(40));
        let n = index_name(&table, &["ü".into()]);
        assert!(n.len() <= 63, "{n}");
        let mut s = "aé".to_string();
        truncate_bytes(&mut s, 2);
        assert_eq!(s, "a");
    }
}
