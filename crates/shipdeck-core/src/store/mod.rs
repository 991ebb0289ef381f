//! Shipdeck's own history in SQLite (WAL, busy timeout): recent workspaces,
//! job runs, credential names and an append-only audit log. The schema is the
//! top-level `migrations/sqlite/` folder (`migrations/postgres/` for a shared
//! PostgreSQL store), embedded at build time.

mod advisor;
mod audit;
mod benchmarks;
mod bundle;
mod coverage;
mod docs;
mod environments;
mod jobs;
mod migrations;
mod readiness;
mod releases;
mod rollback;
mod security;
mod status;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use tokio::sync::OnceCell;
use ts_rs::TS;

use crate::error::{Error, Result};

pub use advisor::{AdvisorRun, Dismissal, FindingHistory};
pub use audit::{area_of, AuditEntry, AuditFacets, AuditFilter, MAX_AUDIT_ENTRIES, MAX_AUDIT_FIELD};
pub use benchmarks::{BenchRun, RunContext};
pub use bundle::{BundleRouteRow, BundleRun};
pub use coverage::{
    CommitContext, CoverageAreaPoint, CoverageReportPoint, CoverageRun, NewCoverageRun, MAX_COVERAGE_RUNS,
};
pub use environments::EnvRun;
pub use jobs::NewJob;
pub use migrations::{MigrationRun, NewMigrationRun};
pub use releases::{NewReleaseEvent, ReleaseEvent};
pub use rollback::NewRollbackRun;
pub use security::{SarifImportRow, SarifImported, StoredSarifResult};
pub use status::{StoreKind, StoreStatus, SETTINGS_FILE};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

pub const DB_FILE: &str = "shipdeck.db";

/// Cheap to clone (one shared pool). The database is opened, and its schema
/// brought up to date, on first use: commands that never touch Shipdeck's own
/// history (`migrate status` on an `env:` URL, `--version`) never open it.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Lazy>,
}

#[derive(Debug)]
struct Lazy {
    data_dir: PathBuf,
    pool: OnceCell<SqlitePool>,
}

/// A workspace the user opened before.
#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct RecentWorkspace {
    pub id: String,
    pub root: String,
    pub name: String,
    pub last_opened_at: i64,
    /// False when the folder is gone (moved or deleted) since.
    #[sqlx(skip)]
    pub exists: bool,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and brings its
    /// schema up to date now.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        let store = Store::lazy(data_dir);
        store.pool().await?;
        Ok(store)
    }

    /// The store in `data_dir`, opened (and created, and migrated) by the
    /// first call that reads or writes it; an error then comes from that call.
    pub fn lazy(data_dir: &Path) -> Store {
        Store {
            inner: Arc::new(Lazy {
                data_dir: data_dir.to_path_buf(),
                pool: OnceCell::new(),
            }),
        }
    }

    /// The pool, opening the store on first use (once per process; a failed
    /// open is tried again by the next call).
    pub async fn pool(&self) -> Result<&SqlitePool> {
        self.inner
            .pool
            .get_or_try_init(|| connect(&self.inner.data_dir))
            .await
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(self.pool().await?)
            .await?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(self.pool().await?)
            .await?;
        Ok(())
    }

    /// Inserts or updates a workspace row. `opened` marks it as just opened
    /// (the recent list); otherwise the row only has to exist (foreign keys).
    pub async fn upsert_workspace(&self, id: &str, root: &str, name: &str, opened: bool) -> Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO workspaces (id, root, name, first_opened_at, last_opened_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET root = excluded.root, name = excluded.name,
                 last_opened_at = CASE WHEN ?5 > 0 THEN ?5 ELSE workspaces.last_opened_at END",
        )
        .bind(id)
        .bind(root)
        .bind(name)
        .bind(now)
        .bind(if opened { now } else { 0 })
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    pub async fn recent_workspaces(&self, limit: i64) -> Result<Vec<RecentWorkspace>> {
        let mut rows: Vec<RecentWorkspace> = sqlx::query_as(
            "SELECT id, root, name, last_opened_at FROM workspaces WHERE last_opened_at > 0
             ORDER BY last_opened_at DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.pool().await?)
        .await?;
        for row in &mut rows {
            row.exists = Path::new(&row.root).is_dir();
        }
        Ok(rows)
    }

    /// Whether the user opened this workspace (and has not forgotten it).
    pub async fn is_opened_workspace(&self, id: &str) -> Result<bool> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM workspaces WHERE id = ? AND last_opened_at > 0")
                .bind(id)
                .fetch_optional(self.pool().await?)
                .await?;
        Ok(row.is_some())
    }

    /// Removes a workspace from the recent list (its history stays).
    pub async fn forget_workspace(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE workspaces SET last_opened_at = 0 WHERE id = ?")
            .bind(id)
            .execute(self.pool().await?)
            .await?;
        Ok(())
    }

    pub async fn credential_names(&self, workspace_id: &str) -> Result<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT name, updated_at FROM credentials WHERE workspace_id = ? ORDER BY name")
                .bind(workspace_id)
                .fetch_all(self.pool().await?)
                .await?,
        )
    }

    pub async fn put_credential_name(&self, workspace_id: &str, name: &str) -> Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO credentials (workspace_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT(workspace_id, name) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(now)
        .bind(now)
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    pub async fn delete_credential_name(&self, workspace_id: &str, name: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM credentials WHERE workspace_id = ? AND name = ?")
            .bind(workspace_id)
            .bind(name)
            .execute(self.pool().await?)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Holds an exclusive OS lock on `<data dir>/shipdeck.db.lock` (the file
/// stays: deleting a lock file races with a waiting process).
async fn connect(data_dir: &Path) -> Result<SqlitePool> {
    std::fs::create_dir_all(data_dir).map_err(Error::io("create", data_dir))?;
    // sqlx takes no lock when it migrates SQLite: processes starting
    // together on a new store (CI running several commands at once) would
    // each create the schema, and all but one fail. Only one migrates at
    // a time; the others then find the schema up to date. The OS drops
    // the lock if the process dies.
    let _migrating = schema_lock(data_dir).await?;
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(data_dir.join(DB_FILE))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        // Statements are ours and bind their values, but a slow one
        // would still be printed at warn level on the user's stderr.
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    jobs::mark_orphaned_jobs(&pool).await?;
    benchmarks::mark_orphaned_bench_runs(&pool).await?;
    Ok(pool)
}

async fn schema_lock(data_dir: &Path) -> Result<std::fs::File> {
    let path = data_dir.join(format!("{DB_FILE}.lock"));
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(Error::io("open", &path))?;
        file.lock().map_err(Error::io("lock", &path))?;
        Ok(file)
    })
    .await?
}

/// Who is acting: the OS user (`$USER`, else the account of the process's
/// uid, for apps started without a login environment).
pub fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".into())
}

/// The machine Shipdeck runs on (its host name), "unknown" when the OS
/// does not say.
pub fn host() -> String {
    host_name()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(unix)]
fn host_name() -> Option<String> {
    let mut buf = vec![0u8; 256];
    // SAFETY: `buf` is valid for `buf.len()` bytes; the call writes at
    // most that many and we read only up to the first NUL inside it.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

#[cfg(not(unix))]
fn host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

#[cfg(unix)]
fn account_name() -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; on success `result`
    // points at `pwd`, whose `pw_name` points into `buf`, both alive here.
    let rc = unsafe { libc::getpwuid_r(libc::getuid(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: `pw_name` is a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        (dir, store)
    }

    #[cfg(unix)]
    #[test]
    fn the_account_name_is_known_without_a_login_environment() {
        let name = account_name().expect("getpwuid_r finds the current uid");
        assert!(!name.is_empty());
        let id = std::process::Command::new("id").arg("-un").output().unwrap();
        assert_eq!(name, String::from_utf8_lossy(&id.stdout).trim());
    }

    #[tokio::test]
    async fn opens_twice_and_keeps_data() {
        let (dir, store) = store().await;
        store.set_setting("k", "v").await.unwrap();
        drop(store);
        let again = Store::open(dir.path()).await.unwrap();
        assert_eq!(again.setting("k").await.unwrap().as_deref(), Some("v"));
    }

    #[tokio::test]
    async fn recent_workspaces_newest_first_and_forgettable() {
        let (_dir, store) = store().await;
        store
            .upsert_workspace("a", "/nonexistent/a", "a", true)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        store
            .upsert_workspace("b", "/nonexistent/b", "b", true)
            .await
            .unwrap();
        let recent = store.recent_workspaces(10).await.unwrap();
        assert_eq!(
            recent.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert!(!recent[0].exists);
        store.forget_workspace("b").await.unwrap();
        assert_eq!(store.recent_workspaces(10).await.unwrap().len(), 1);
        // Registering an existing workspace does not make it recent again.
        store
            .upsert_workspace("b", "/nonexistent/b", "b", false)
            .await
            .unwrap();
        assert_eq!(store.recent_workspaces(10).await.unwrap().len(), 1);
        // Nor does it drop an opened one from the list.
        store
            .upsert_workspace("a", "/nonexistent/a", "a", false)
            .await
            .unwrap();
        assert_eq!(store.recent_workspaces(10).await.unwrap()[0].id, "a");
    }

    #[tokio::test]
    async fn credential_names_round_trip() {
        let (_dir, store) = store().await;
        store.upsert_workspace("w", "/w", "w", false).await.unwrap();
        store.put_credential_name("w", "gh").await.unwrap();
        store.put_credential_name("w", "gh").await.unwrap();
        assert_eq!(store.credential_names("w").await.unwrap().len(), 1);
        assert!(store.delete_credential_name("w", "gh").await.unwrap());
        assert!(!store.delete_credential_name("w", "gh").await.unwrap());
    }
}
