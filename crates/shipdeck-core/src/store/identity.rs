//! Moving a workspace's history from its path id to its repository id.

use super::copy::{columns, TABLES};
use super::{q, Db, Result, Store};

/// Tables whose `workspace_id` is never rewritten: the audit log is
/// append-only (the old id stays, `workspace_aliases` maps it), and the
/// workspace rows themselves move by insert and delete.
const NOT_REKEYED: &[&str] = &["audit_log", "workspaces"];

/// Every table of the store with a `workspace_id` column, read from the
/// schema so a new table is moved without being listed anywhere else (the
/// copy spec's test already fails when a table is missing from
/// [`TABLES`]).
pub(crate) async fn workspace_tables(db: &Db) -> Result<Vec<&'static str>> {
    let mut tables = Vec::new();
    for spec in TABLES {
        if columns(db, spec).await?.iter().any(|(c, _)| c == "workspace_id") {
            tables.push(spec.name);
        }
    }
    Ok(tables)
}

#[derive(sqlx::FromRow)]
struct WorkspaceRow {
    root: String,
    name: String,
    first_opened_at: i64,
    last_opened_at: i64,
}

impl Store {
    /// Moves the workspace recorded as `old` to `new`, in one transaction,
    /// when the store knows `old` and not yet `new`. Returns the names of
    /// its credentials (for the keyring to follow), `None` when there was
    /// nothing to move.
    pub async fn move_workspace(&self, old: &str, new: &str) -> Result<Option<Vec<String>>> {
        let db = self.db().await?;
        // Almost every open has nothing to move: one cheap query says so
        // before the schema is read (checked again in the transaction).
        let pending: i64 = q("SELECT COUNT(*) FROM workspaces WHERE id = $1")
            .bind(old)
            .scalar(db)
            .await?;
        if pending == 0 {
            return Ok(None);
        }
        let tables = workspace_tables(db).await?;
        let mut tx = db.begin().await?;
        let known: i64 = q("SELECT COUNT(*) FROM workspaces WHERE id = $1")
            .bind(new)
            .scalar(&mut tx)
            .await?;
        let row: Option<WorkspaceRow> =
            q("SELECT root, name, first_opened_at, last_opened_at FROM workspaces WHERE id = $1")
                .bind(old)
                .fetch_optional(&mut tx)
                .await?;
        let Some(row) = row.filter(|_| known == 0) else {
            return Ok(None);
        };
        // The root is UNIQUE: the old row gives it up before the new one
        // takes it.
        q("UPDATE workspaces SET root = $1 WHERE id = $2")
            .bind(format!("{}#{old}", row.root))
            .bind(old)
            .execute(&mut tx)
            .await?;
        // Another process that moved it first leaves nothing to do (the
        // transaction rolls back when dropped).
        let inserted = q(
            "INSERT INTO workspaces (id, root, name, first_opened_at, last_opened_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT(id) DO NOTHING",
        )
        .bind(new)
        .bind(row.root)
        .bind(row.name)
        .bind(row.first_opened_at)
        .bind(row.last_opened_at)
        .execute(&mut tx)
        .await?;
        if inserted == 0 {
            return Ok(None);
        }
        for table in tables.iter().filter(|t| !NOT_REKEYED.contains(t)) {
            q(format!(
                "UPDATE {table} SET workspace_id = $1 WHERE workspace_id = $2"
            ))
            .bind(new)
            .bind(old)
            .execute(&mut tx)
            .await?;
        }
        let names: Vec<String> = q("SELECT name FROM credentials WHERE workspace_id = $1 ORDER BY name")
            .bind(new)
            .scalars(&mut tx)
            .await?;
        q("DELETE FROM workspaces WHERE id = $1")
            .bind(old)
            .execute(&mut tx)
            .await?;
        q(
            "INSERT INTO workspace_aliases (alias, workspace_id) VALUES ($1, $2)
           ON CONFLICT(alias) DO UPDATE SET workspace_id = excluded.workspace_id",
        )
        .bind(old)
        .bind(new)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(Some(names))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::on_both_engines;
    use super::*;

    /// The tables with a `workspace_id` column, asked of the engine's own
    /// catalogue rather than of the copy spec.
    async fn schema_tables_with_workspace_id(db: &Db) -> Vec<String> {
        let mut tables: Vec<String> = match db {
            Db::Sqlite(_) => q("SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND c.name = 'workspace_id'")
            .scalars(db)
            .await
            .unwrap(),
            Db::Postgres(_) => q("SELECT table_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name = 'workspace_id'")
            .scalars(db)
            .await
            .unwrap(),
        };
        tables.sort();
        tables
    }

    async fn seed_under_path_id(store: &Store, old: &str) {
        store
            .upsert_workspace(old, "/srv/clone", "clone", true)
            .await
            .unwrap();
        let db = store.db().await.unwrap();
        q("INSERT INTO job_runs (workspace_id, kind, started_at, outcome, pid) VALUES ($1, 'workspace.scan', 1, 'succeeded', 1)")
            .bind(old)
            .execute(db)
            .await
            .unwrap();
        q("INSERT INTO release_events (workspace_id, at, actor, action, outcome) VALUES ($1, 2, 'ann', 'cut', 'ok')")
            .bind(old)
            .execute(db)
            .await
            .unwrap();
        store.put_credential_name(old, "DB_URL").await.unwrap();
        store
            .audit(Some(old), "release.cut", serde_json::json!({ "tag": "v1.0.0" }))
            .await
            .unwrap();
    }

    async fn rows_under(db: &Db, table: &str, id: &str) -> i64 {
        q(format!("SELECT COUNT(*) FROM {table} WHERE workspace_id = $1"))
            .bind(id)
            .scalar(db)
            .await
            .unwrap()
    }

    on_both_engines! {
        async fn every_table_with_a_workspace_id_is_moved(store: Store) {
            let db = store.db().await.unwrap();
            let mut moved: Vec<String> = workspace_tables(db).await.unwrap().into_iter().map(String::from).collect();
            moved.sort();
            assert_eq!(moved, schema_tables_with_workspace_id(db).await);
            assert!(moved.iter().any(|t| t == "job_runs"), "{moved:?}");
        }

        async fn a_path_ids_history_moves_to_the_repository_id_in_one_go(store: Store) {
            let (old, new) = ("00000000000000aa", "00000000000000bb");
            seed_under_path_id(&store, old).await;
            let names = store.move_workspace(old, new).await.unwrap();
            assert_eq!(names, Some(vec!["DB_URL".to_string()]));
            let db = store.db().await.unwrap();
            for table in workspace_tables(db).await.unwrap() {
                let left = rows_under(db, table, old).await;
                match table {
                    "audit_log" => assert_eq!(left, 1, "the audit log keeps the old id"),
                    _ => assert_eq!(left, 0, "{table} still holds the path id"),
                }
            }
            assert_eq!(rows_under(db, "job_runs", new).await, 1);
            assert_eq!(rows_under(db, "release_events", new).await, 1);
            assert_eq!(store.credential_names(new).await.unwrap().len(), 1);
            let recent = store.recent_workspaces(10).await.unwrap();
            assert_eq!(recent.len(), 1);
            assert_eq!((recent[0].id.as_str(), recent[0].root.as_str()), (new, "/srv/clone"));
            let audit = store.audit_log(Some(new), 10).await.unwrap();
            assert_eq!(audit.len(), 1, "the alias shows the old entry");
            assert_eq!(audit[0].workspace_id.as_deref(), Some(old));
            let facets = store.audit_facets(Some(new)).await.unwrap();
            assert_eq!(facets.areas, vec!["releases".to_string()]);
            assert!(store.audit_log(Some("00000000000000cc"), 10).await.unwrap().is_empty());
        }

        async fn a_workspace_moves_only_once_and_never_over_a_known_id(store: Store) {
            let (old, new) = ("00000000000000aa", "00000000000000bb");
            assert_eq!(store.move_workspace(old, new).await.unwrap(), None, "nothing under the path id");
            seed_under_path_id(&store, old).await;
            store.upsert_workspace(new, "/srv/other-clone", "clone", true).await.unwrap();
            assert_eq!(store.move_workspace(old, new).await.unwrap(), None, "the new id is already known");
            let db = store.db().await.unwrap();
            assert_eq!(rows_under(db, "job_runs", old).await, 1, "nothing moved");
            assert_eq!(rows_under(db, "job_runs", new).await, 0);
        }
    }
}
