//! Which statements the advisor may plan. Planning runs code: the planner
//! folds calls of IMMUTABLE and STABLE functions on constants, and a view,
//! a column default or a row-level policy brings its own calls along. Those
//! functions run with the advisor's privileges, so a statement recorded in
//! pg_stat_statements by any user could make the advisor run that user's
//! code. The session is read-only (see [`super::connect`]); on top of that,
//! statements calling a function that nobody trusted wrote are skipped.
//!
//! Trusted: functions in `pg_catalog` and `information_schema`, and
//! functions owned by a superuser or by the role the advisor connects as (a
//! superuser could run anything anyway; the connected role's own code runs
//! with its own rights). Everything else, unless the user asks with
//! `--allow-untrusted-functions`.

use sqlx::{PgConnection, Row};

use super::super::names::delimit;
use super::super::predicates;
use super::{db, PG};
use shipdeck_base::error::Result;

/// Functions `stmt` would run (called by name, or through the views,
/// column defaults and policies of the tables it reads) that are owned by an
/// untrusted role, as `name(argtypes) owned by role`.
pub(super) async fn untrusted_functions(
    conn: &mut PgConnection,
    stmt: &sqlparser::ast::Statement,
) -> Result<Vec<String>> {
    let relations: Vec<String> = predicates::table_parts(stmt)
        .into_iter()
        .filter(|(_, parts)| (1..=2).contains(&parts.len()))
        .map(|(_, parts)| parts.iter().map(|p| delimit(PG, p)).collect::<Vec<_>>().join("."))
        .collect();
    let (mut schemas, mut names): (Vec<Option<String>>, Vec<String>) = (Vec::new(), Vec::new());
    for parts in predicates::functions(stmt) {
        let n = parts.len();
        names.push(parts[n - 1].clone());
        schemas.push((n >= 2).then(|| parts[n - 2].clone()));
    }
    let rows = sqlx::query(
        "WITH RECURSIVE rels(oid) AS (
             SELECT c.oid FROM unnest($1::text[]) r(name) JOIN pg_class c ON c.oid = to_regclass(r.name)
           UNION
             SELECT d.refobjid FROM rels
             JOIN pg_rewrite rw ON rw.ev_class = rels.oid
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
                             AND d.refclassid = 'pg_class'::regclass),
         called(oid) AS (
             SELECT p.oid FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             JOIN unnest($2::text[], $3::text[]) f(schema, name) ON p.proname = f.name
             WHERE (f.schema IS NULL AND pg_function_is_visible(p.oid)) OR n.nspname = f.schema
           UNION
             SELECT d.refobjid FROM pg_depend d
             WHERE d.refclassid = 'pg_proc'::regclass AND (
                  (d.classid = 'pg_rewrite'::regclass
                   AND d.objid IN (SELECT rw.oid FROM pg_rewrite rw JOIN rels ON rw.ev_class = rels.oid))
               OR (d.classid = 'pg_attrdef'::regclass
                   AND d.objid IN (SELECT ad.oid FROM pg_attrdef ad JOIN rels ON ad.adrelid = rels.oid))
               OR (d.classid = 'pg_policy'::regclass
                   AND d.objid IN (SELECT po.oid FROM pg_policy po JOIN rels ON po.polrelid = rels.oid))))
         SELECT DISTINCT p.oid::regprocedure::text || ' owned by ' || o.rolname::text
         FROM called
         JOIN pg_proc p ON p.oid = called.oid
         JOIN pg_namespace n ON n.oid = p.pronamespace
         JOIN pg_roles o ON o.oid = p.proowner
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND NOT o.rolsuper AND o.rolname <> current_user
         ORDER BY 1",
    )
    .bind(relations)
    .bind(schemas)
    .bind(names)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .collect())
}

/// Whether the connected role is a superuser (the advisor needs far less:
/// `pg_monitor`).
pub(super) async fn is_superuser(conn: &mut PgConnection) -> Result<bool> {
    sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        .fetch_optional(&mut *conn)
        .await
        .map(|r| r.unwrap_or(false))
        .map_err(db)
}
