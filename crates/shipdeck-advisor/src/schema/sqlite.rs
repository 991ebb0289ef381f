//! SQLite: the table list, then each pragma joined with every table
//! (`pragma_table_xinfo`, `pragma_index_list`, `pragma_foreign_key_list`),
//! on a read-only connection.

use sqlx::{Connection, Row};

use super::{query_failed, unreachable, Column, Tables};
use shipdeck_base::error::{Error, Result};
use shipdeck_migrations::target::Target;

pub(super) async fn read(target: &Target) -> Result<Tables> {
    use std::str::FromStr;
    if let Some(file) = &target.sqlite_file {
        if !file.exists() {
            return Err(Error::DatabaseUnreachable {
                detail: format!("{} does not exist", file.display()),
            });
        }
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(target.url())
        .map_err(unreachable)?
        .read_only(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(unreachable)?;
    let result = sqlite_read(&mut conn).await;
    let _ = conn.close().await;
    result
}

/// Every ordinary table joined with a pragma (a virtual table's module may
/// not be loaded here); rows of skipped tables are dropped by [`Tables`].
const SQLITE_FROM: &str = "FROM sqlite_master m JOIN";
const SQLITE_WHERE: &str = "WHERE m.type = 'table' AND m.sql NOT LIKE 'create virtual%'";

async fn sqlite_read(conn: &mut sqlx::SqliteConnection) -> Result<Tables> {
    let mut out = Tables::default();
    tables(conn, &mut out).await?;
    columns(conn, &mut out).await?;
    indexes(conn, &mut out).await?;
    foreign_keys(conn, &mut out).await?;
    Ok(out)
}

async fn tables(conn: &mut sqlx::SqliteConnection, out: &mut Tables) -> Result<()> {
    // table_list (3.37+) tells shadow tables of virtual tables apart.
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'",
    )
    .fetch_all(&mut *conn)
    .await
    {
        Ok(names) => names,
        Err(_) => sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(query_failed)?,
    };
    for name in names {
        if !name.starts_with("sqlite_") {
            out.table(name, None);
        }
    }
    Ok(())
}

async fn columns(conn: &mut sqlx::SqliteConnection, out: &mut Tables) -> Result<()> {
    // xinfo also lists generated columns (hidden 2, 3); 1 is a virtual
    // table's hidden column.
    let sql = format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
         {SQLITE_FROM} pragma_table_xinfo(m.name) p {SQLITE_WHERE} AND p.hidden <> 1 ORDER BY m.name, p.cid"
    );
    let mut keys: Vec<(String, i64, String)> = Vec::new();
    for r in sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let name: String = r.try_get(1).map_err(query_failed)?;
        let not_null: i64 = r.try_get(3).map_err(query_failed)?;
        let pk: i64 = r.try_get(5).map_err(query_failed)?;
        if pk > 0 {
            keys.push((table.clone(), pk, name.clone()));
        }
        let data_type: Option<String> = r.try_get(2).map_err(query_failed)?;
        out.column(
            &table,
            Column {
                name,
                data_type: data_type.unwrap_or_default(),
                // SQLite lets a non-integer key hold NULL (a legacy quirk);
                // a key is documented as what it is meant to be.
                nullable: not_null == 0 && pk == 0,
                default: r.try_get(4).map_err(query_failed)?,
            },
        );
    }
    keys.sort();
    for (table, _, column) in keys {
        out.index_column(&table, "", true, true, None, column);
    }
    Ok(())
}

async fn indexes(conn: &mut sqlx::SqliteConnection, out: &mut Tables) -> Result<()> {
    // origin 'pk' is the primary key's index, already reported above.
    let sql = format!(
        "SELECT m.name, il.name, il.\"unique\", ii.cid, ii.name, ix.sql, ii.seqno
         {SQLITE_FROM} pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii
         LEFT JOIN sqlite_master ix ON ix.type = 'index' AND ix.name = il.name
         {SQLITE_WHERE} AND il.origin <> 'pk' ORDER BY m.name, il.name, ii.seqno"
    );
    for r in sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let index: String = r.try_get(1).map_err(query_failed)?;
        let unique: i64 = r.try_get(2).map_err(query_failed)?;
        let cid: i64 = r.try_get(3).map_err(query_failed)?;
        let column: Option<String> = r.try_get(4).map_err(query_failed)?;
        let sql: Option<String> = r.try_get(5).map_err(query_failed)?;
        let seqno: i64 = r.try_get(6).map_err(query_failed)?;
        let column = match (column, cid) {
            (Some(c), _) => c,
            (None, -1) => "rowid".to_string(),
            (None, _) => sql
                .as_deref()
                .and_then(|s| index_expression(s, seqno))
                .unwrap_or_else(|| "(expression)".into()),
        };
        out.index_column(&table, &index, false, unique != 0, None, column);
    }
    Ok(())
}

async fn foreign_keys(conn: &mut sqlx::SqliteConnection, out: &mut Tables) -> Result<()> {
    let sql = format!(
        "SELECT m.name, f.id, f.\"from\", f.\"table\", f.\"to\", f.on_delete
         {SQLITE_FROM} pragma_foreign_key_list(m.name) f {SQLITE_WHERE} ORDER BY m.name, f.id, f.seq"
    );
    for r in sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let id: i64 = r.try_get(1).map_err(query_failed)?;
        out.fk_column(
            &table,
            &format!("{id:010}"),
            None,
            r.try_get(2).map_err(query_failed)?,
            r.try_get(3).map_err(query_failed)?,
            r.try_get(4).map_err(query_failed)?,
            r.try_get(5).map_err(query_failed)?,
        );
    }
    Ok(())
}

/// The text of key column `seqno` of a `CREATE INDEX` statement, for an
/// expression SQLite's pragmas do not spell out.
fn index_expression(create_index: &str, seqno: i64) -> Option<String> {
    use sqlparser::ast::Statement;
    let dialect = sqlparser::dialect::SQLiteDialect {};
    let statements = sqlparser::parser::Parser::parse_sql(&dialect, create_index).ok()?;
    match statements.first()? {
        Statement::CreateIndex(ci) => {
            let part = ci.columns.get(usize::try_from(seqno).ok()?)?;
            Some(part.column.expr.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_index_parts_are_read_from_the_statement() {
        let sql = "CREATE INDEX users_email_lower ON users (lower(email), id DESC)";
        assert_eq!(index_expression(sql, 0).as_deref(), Some("lower(email)"));
        assert_eq!(index_expression(sql, 1).as_deref(), Some("id"));
        assert_eq!(index_expression(sql, 2), None);
        assert_eq!(index_expression("not sql", 0), None);
    }
}
