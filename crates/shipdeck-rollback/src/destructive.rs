//! Whether a down migration destroys data: DROP TABLE, ALTER TABLE … DROP
//! COLUMN, TRUNCATE or DELETE, found with sqlparser. SQL it cannot parse
//! counts as destructive when those words appear in it (the safe side).

use sqlparser::ast::{AlterTableOperation, ObjectType, Statement};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// What in `sql` destroys data (empty: nothing).
pub fn data_loss(sql: &str) -> Vec<String> {
    match Parser::parse_sql(&GenericDialect {}, sql) {
        Ok(statements) => statements.iter().filter_map(statement).collect(),
        Err(_) => by_words(sql),
    }
}

fn statement(s: &Statement) -> Option<String> {
    match s {
        Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => Some(format!(
            "DROP TABLE {}",
            names.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
        )),
        Statement::Truncate(t) => Some(format!(
            "TRUNCATE {}",
            t.table_names
                .iter()
                .map(|n| n.name.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Statement::Delete(_) => Some("DELETE".into()),
        Statement::AlterTable(at) => at
            .operations
            .iter()
            .find(|op| matches!(op, AlterTableOperation::DropColumn { .. }))
            .map(|_| format!("ALTER TABLE {} DROP COLUMN", at.name)),
        _ => None,
    }
}

fn by_words(sql: &str) -> Vec<String> {
    let upper = sql.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for pair in words.windows(2) {
        match pair {
            ["DROP", "TABLE"] | ["DROP", "COLUMN"] => found.push(format!("{} {}", pair[0], pair[1])),
            ["TRUNCATE", _] => found.push("TRUNCATE".into()),
            ["DELETE", "FROM"] => found.push("DELETE".into()),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_truncates_and_deletes_lose_data() {
        assert_eq!(
            data_loss("DROP TABLE feature_flags;"),
            vec!["DROP TABLE feature_flags"]
        );
        assert_eq!(
            data_loss("ALTER TABLE t DROP COLUMN c;"),
            vec!["ALTER TABLE t DROP COLUMN"]
        );
        assert_eq!(data_loss("DELETE FROM t WHERE 1;"), vec!["DELETE"]);
        assert_eq!(data_loss("TRUNCATE TABLE t;"), vec!["TRUNCATE t"]);
    }

    #[test]
    fn index_drops_and_renames_keep_data() {
        assert!(data_loss("DROP INDEX deployments_by_status;").is_empty());
        assert!(data_loss("ALTER TABLE webhooks RENAME COLUMN target_url TO url;").is_empty());
    }

    #[test]
    fn unparseable_sql_is_read_on_the_safe_side() {
        assert_eq!(
            data_loss("DROP TABLE IF EXISTS x CASCADE ??? ;"),
            vec!["DROP TABLE"]
        );
    }
}
