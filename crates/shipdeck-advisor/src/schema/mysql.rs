//! MariaDB/MySQL: `information_schema` of `DATABASE()`, one query per kind.

use sqlx::{Connection, Row};

use super::{non_empty, query_failed, unreachable, Column, Tables};
use crate::AdvisorError;
use shipdeck_base::error::Result;
use shipdeck_migrations::target::Target;

pub(super) async fn read(target: &Target) -> Result<Tables> {
    let mut conn = sqlx::MySqlConnection::connect(target.url())
        .await
        .map_err(unreachable)?;
    let result = mysql_read(&mut conn).await;
    let _ = conn.close().await;
    result
}

async fn mysql_read(conn: &mut sqlx::MySqlConnection) -> Result<Tables> {
    let database: Option<String> = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(&mut *conn)
        .await
        .map_err(query_failed)?;
    if database.is_none() {
        return Err(AdvisorError::Database {
            detail: "the URL names no database (add /NAME to it)".into(),
        }
        .into());
    }
    // Information schema columns are cast: MySQL 8 reports some as binary.
    let mut out = Tables::default();
    tables(conn, &mut out).await?;
    columns(conn, &mut out).await?;
    indexes(conn, &mut out).await?;
    foreign_keys(conn, &mut out).await?;
    Ok(out)
}

async fn tables(conn: &mut sqlx::MySqlConnection, out: &mut Tables) -> Result<()> {
    let sql = "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_COMMENT AS CHAR) FROM information_schema.TABLES
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";
    for r in sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        out.table(
            r.try_get(0).map_err(query_failed)?,
            r.try_get(1).map_err(query_failed)?,
        );
    }
    Ok(())
}

async fn columns(conn: &mut sqlx::MySqlConnection, out: &mut Tables) -> Result<()> {
    let sql = "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR),
                 CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR),
                 CAST(GENERATION_EXPRESSION AS CHAR)
               FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
               ORDER BY TABLE_NAME, ORDINAL_POSITION";
    for r in sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let nullable: String = r.try_get(3).map_err(query_failed)?;
        // MariaDB spells "defaults to NULL" as the string NULL.
        let default: Option<String> = r.try_get::<Option<String>, _>(4).map_err(query_failed)?;
        let default = default.filter(|d| d != "NULL");
        let extra: String = r
            .try_get::<Option<String>, _>(5)
            .map_err(query_failed)?
            .unwrap_or_default();
        let generated: Option<String> = non_empty(r.try_get(6).map_err(query_failed)?);
        let default = match generated {
            Some(expr) => Some(format!("generated always as ({expr})")),
            None if extra.to_ascii_lowercase().contains("auto_increment") => Some("auto_increment".into()),
            None => default,
        };
        out.column(
            &table,
            Column {
                name: r.try_get(1).map_err(query_failed)?,
                data_type: r.try_get(2).map_err(query_failed)?,
                nullable: nullable.eq_ignore_ascii_case("YES"),
                default,
            },
        );
    }
    Ok(())
}

async fn indexes(conn: &mut sqlx::MySqlConnection, out: &mut Tables) -> Result<()> {
    // MySQL 8 names functional index parts in EXPRESSION; MariaDB has no
    // such column.
    let has_expression: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(query_failed)?;
    let part = if has_expression > 0 {
        "COALESCE(COLUMN_NAME, EXPRESSION)"
    } else {
        "COLUMN_NAME"
    };
    let sql = format!(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE AS SIGNED),
           CAST(INDEX_TYPE AS CHAR), CAST({part} AS CHAR), CAST(SUB_PART AS SIGNED)
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    );
    for r in sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let index: String = r.try_get(1).map_err(query_failed)?;
        let non_unique: i64 = r.try_get(2).map_err(query_failed)?;
        let column: Option<String> = r.try_get(4).map_err(query_failed)?;
        let prefix: Option<i64> = r.try_get(5).map_err(query_failed)?;
        let mut column = column.unwrap_or_default();
        if let Some(n) = prefix {
            column.push_str(&format!("({n})"));
        }
        out.index_column(
            &table,
            &index,
            index == "PRIMARY",
            non_unique == 0,
            r.try_get(3).map_err(query_failed)?,
            column,
        );
    }
    Ok(())
}

async fn foreign_keys(conn: &mut sqlx::MySqlConnection, out: &mut Tables) -> Result<()> {
    let sql =
        "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR),
                 CAST(CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN k.REFERENCED_TABLE_NAME
                      ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END AS CHAR),
                 CAST(k.REFERENCED_COLUMN_NAME AS CHAR), CAST(r.DELETE_RULE AS CHAR)
               FROM information_schema.KEY_COLUMN_USAGE k
               JOIN information_schema.REFERENTIAL_CONSTRAINTS r
                 ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
                AND r.TABLE_NAME = k.TABLE_NAME
               WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
               ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
    for r in sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(query_failed)?
    {
        let table: String = r.try_get(0).map_err(query_failed)?;
        let name: String = r.try_get(1).map_err(query_failed)?;
        // RESTRICT is MySQL's default and means NO ACTION there.
        let rule: Option<String> = r.try_get(5).map_err(query_failed)?;
        let rule = rule.filter(|r| !r.eq_ignore_ascii_case("RESTRICT"));
        out.fk_column(
            &table,
            &name,
            Some(name.clone()),
            r.try_get(2).map_err(query_failed)?,
            r.try_get(3).map_err(query_failed)?,
            r.try_get(4).map_err(query_failed)?,
            rule,
        );
    }
    Ok(())
}
