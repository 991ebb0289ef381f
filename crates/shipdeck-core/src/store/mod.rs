//! Shipdeck's own history in SQLite (WAL, busy timeout): recent workspaces,
//! job runs, credential names and an append-only audit log. The schema is the
//! top-level `migrations/sqlite/` folder (`migrations/postgres/` for a shared
//! PostgreSQL store), embedded at build time.

mod advisor;
mod audit;
mod benchmarks;
mod bundle;
pub mod copy;
mod coverage;
pub mod db;
mod docs;
mod environments;
mod identity;
mod jobs;
mod migrations;
mod readiness;
mod releases;
mod rollback;
mod security;
pub mod settings;
mod status;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqlitePool};
use tokio::sync::OnceCell;
use ts_rs::TS;

use crate::error::{Error, Result};
pub use db::{q, Db, Tx};

pub use advisor::{AdvisorRun, Dismissal, FindingHistory};
pub use audit::{area_of, AuditEntry, AuditFacets, AuditFilter, MAX_AUDIT_ENTRIES, MAX_AUDIT_FIELD};
pub use benchmarks::{BenchRun, RunContext};
pub use bundle::{BundleRouteRow, BundleRun};
pub use coverage::{
    CommitContext, CoverageAreaPoint, CoverageReportPoint, CoverageRun, NewCoverageRun, MAX_COVERAGE_RUNS,
};
pub use environments::EnvRun;
pub use jobs::{KeepAlive, NewJob};
pub use migrations::{MigrationRun, NewMigrationRun};
pub use releases::{NewReleaseEvent, ReleaseEvent};
pub use rollback::NewRollbackRun;
pub use security::{SarifImportRow, SarifImported, StoredSarifResult};
pub use settings::SETTINGS_FILE;
pub use status::{StoreKind, StoreStatus};

pub(crate) static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
pub(crate) static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

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
    location: Location,
    db: OnceCell<Db>,
}

/// Where the history lives: the SQLite file in the data dir, or a team's
/// shared PostgreSQL database.
#[derive(Debug, Clone)]
pub enum Location {
    Local {
        data_dir: PathBuf,
    },
    /// `url` may hold a password (`SHIPDECK_STORE_URL`): it is registered
    /// with the redactor and shown only through [`Location::display`].
    /// `keyring`: the URL comes from the settings, and its password from
    /// the OS keyring.
    Shared {
        url: String,
        keyring: bool,
    },
    /// The settings file cannot be read: nothing is opened (falling back to
    /// the local file would split a team's history without a word).
    Unusable {
        settings: PathBuf,
        reason: String,
    },
}

impl Location {
    /// The data dir's path, or the URL with its password masked.
    pub fn display(&self) -> String {
        match self {
            Location::Local { data_dir } => data_dir.join(DB_FILE).display().to_string(),
            Location::Shared { url, .. } => shipdeck_migrations::target::display_url(url),
            Location::Unusable { settings, .. } => settings.display().to_string(),
        }
    }

    pub fn is_shared(&self) -> bool {
        !matches!(self, Location::Local { .. })
    }
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
    /// Opens (creating if needed) the store for `data_dir` and brings its
    /// schema up to date now.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        let store = Store::lazy(data_dir);
        store.db().await?;
        Ok(store)
    }

    /// The store for `data_dir`: the shared store when `SHIPDECK_STORE_URL`
    /// or the user settings name one, else the SQLite file in `data_dir`.
    /// Opened (created, migrated) by the first call that reads or writes it;
    /// an error then comes from that call.
    pub fn lazy(data_dir: &Path) -> Store {
        Store::at(settings::location(data_dir))
    }

    /// The store at `location`, opened on first use.
    pub fn at(location: Location) -> Store {
        if let Location::Shared { url, .. } = &location {
            crate::secrets::register_secret(url);
        }
        Store {
            inner: Arc::new(Lazy {
                location,
                db: OnceCell::new(),
            }),
        }
    }

    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// The pool, opening the store on first use (once per process; a failed
    /// open is tried again by the next call).
    pub async fn db(&self) -> Result<&Db> {
        self.inner
            .db
            .get_or_try_init(|| async {
                let db = match &self.inner.location {
                    Location::Local { data_dir } => Db::Sqlite(connect_sqlite(data_dir).await?),
                    Location::Shared { url, keyring: false } => Db::Postgres(connect_postgres(url).await?),
                    Location::Shared { url, keyring: true } => {
                        let settings_url = url.clone();
                        let url = tokio::task::spawn_blocking(move || {
                            settings::with_keyring_password(&settings_url)
                        })
                        .await??;
                        Db::Postgres(connect_postgres(&url).await?)
                    }
                    Location::Unusable { settings, reason } => {
                        return Err(Error::InvalidInput {
                            field: "settings.toml",
                            reason: format!("{}: {reason}", settings.display()),
                        })
                    }
                };
                jobs::mark_orphaned_jobs(&db).await?;
                benchmarks::mark_orphaned_bench_runs(&db).await?;
                Ok(db)
            })
            .await
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        q("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .scalar_optional(self.db().await?)
            .await
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        q("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(self.db().await?)
            .await?;
        Ok(())
    }

    /// Inserts or updates a workspace row. `opened` marks it as just opened
    /// (the recent list); otherwise the row only has to exist (foreign keys).
    pub async fn upsert_workspace(&self, id: &str, root: &str, name: &str, opened: bool) -> Result<()> {
        let now = now_ms();
        q(
            "INSERT INTO workspaces (id, root, name, first_opened_at, last_opened_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT(id) DO UPDATE SET root = excluded.root, name = excluded.name,
                 last_opened_at = CASE WHEN $5 > 0 THEN $5 ELSE workspaces.last_opened_at END",
        )
        .bind(id)
        .bind(root)
        .bind(name)
        .bind(now)
        .bind(if opened { now } else { 0 })
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    pub async fn recent_workspaces(&self, limit: i64) -> Result<Vec<RecentWorkspace>> {
        let mut rows: Vec<RecentWorkspace> = q(
            "SELECT id, root, name, last_opened_at FROM workspaces WHERE last_opened_at > 0
             ORDER BY last_opened_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.db().await?)
        .await?;
        for row in &mut rows {
            row.exists = Path::new(&row.root).is_dir();
        }
        Ok(rows)
    }

    /// Whether the user opened this workspace (and has not forgotten it).
    pub async fn is_opened_workspace(&self, id: &str) -> Result<bool> {
        let opened: i64 = q("SELECT COUNT(*) FROM workspaces WHERE id = $1 AND last_opened_at > 0")
            .bind(id)
            .scalar(self.db().await?)
            .await?;
        Ok(opened > 0)
    }

    /// Removes a workspace from the recent list (its history stays).
    pub async fn forget_workspace(&self, id: &str) -> Result<()> {
        q("UPDATE workspaces SET last_opened_at = 0 WHERE id = $1")
            .bind(id)
            .execute(self.db().await?)
            .await?;
        Ok(())
    }

    pub async fn credential_names(&self, workspace_id: &str) -> Result<Vec<(String, i64)>> {
        q("SELECT name, updated_at FROM credentials WHERE workspace_id = $1 ORDER BY name")
            .bind(workspace_id)
            .fetch_all(self.db().await?)
            .await
    }

    pub async fn put_credential_name(&self, workspace_id: &str, name: &str) -> Result<()> {
        let now = now_ms();
        q(
            "INSERT INTO credentials (workspace_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT(workspace_id, name) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(now)
        .bind(now)
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    pub async fn delete_credential_name(&self, workspace_id: &str, name: &str) -> Result<bool> {
        let done = q("DELETE FROM credentials WHERE workspace_id = $1 AND name = $2")
            .bind(workspace_id)
            .bind(name)
            .execute(self.db().await?)
            .await?;
        Ok(done > 0)
    }
}

/// Holds an exclusive OS lock on `<data dir>/shipdeck.db.lock` (the file
/// stays: deleting a lock file races with a waiting process).
async fn connect_sqlite(data_dir: &Path) -> Result<SqlitePool> {
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
    SQLITE_MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Connects to a shared store and brings its schema up to date (sqlx takes
/// an advisory lock on PostgreSQL, so clients starting together migrate
/// once). Any failure to reach it is `store.unreachable`, naming the URL
/// without its password.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

async fn connect_postgres(url: &str) -> Result<PgPool> {
    let unreachable = |detail: String| Error::StoreUnreachable {
        location: shipdeck_migrations::target::display_url(url),
        detail: crate::secrets::redact(&detail).into_owned(),
    };
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| unreachable(e.to_string()))?
        .application_name("shipdeck")
        .disable_statement_logging();
    // One connection first: a pool only says it timed out, this says why
    // (refused, unknown host, password rejected) as soon as the server does.
    let first = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
        .await
        .map_err(|_| unreachable(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())))?
        .map_err(|e| unreachable(e.to_string()))?;
    let _ = first.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if !postgres_schema_is_current(&pool).await {
        POSTGRES_MIGRATOR.run(&pool).await?;
    }
    Ok(pool)
}

/// Whether every migration of this build is applied already. The migrator
/// starts with `CREATE TABLE IF NOT EXISTS`, which needs CREATE on the
/// schema even when the table exists: an app role that an administrator
/// migrated for (docs/team.md) has no such right, and needs none.
async fn postgres_schema_is_current(pool: &PgPool) -> bool {
    let applied: Vec<i64> = match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
    {
        Ok(applied) => applied,
        Err(_) => return false,
    };
    POSTGRES_MIGRATOR.iter().all(|m| applied.contains(&m.version))
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

/// The machine's name, as jobs and the audit log record it.
pub fn host() -> String {
    gethostname::gethostname()
        .into_string()
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
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

/// Stores for tests, one per engine: `on_both_engines!` runs a test body on
/// a SQLite store in a temporary folder and on a new database of the test
/// PostgreSQL server (dropped afterwards).
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Keeps a test store's backing (folder or database) alive.
    pub enum Backing {
        #[allow(dead_code)]
        Dir(tempfile::TempDir),
        #[allow(dead_code)]
        Postgres(shipdeck_testkit::Database),
    }

    pub async fn sqlite() -> (Backing, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        (Backing::Dir(dir), store)
    }

    pub async fn postgres() -> (Backing, Store) {
        let db = shipdeck_testkit::postgres::server().database("store");
        let store = Store::at(Location::Shared {
            url: db.url.clone(),
            keyring: false,
        });
        store.db().await.unwrap();
        (Backing::Postgres(db), store)
    }

    macro_rules! on_both_engines {
        ($(async fn $name:ident($store:ident: Store) $body:block)*) => {$(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn sqlite() {
                    let (_backing, $store) = $crate::store::testing::sqlite().await;
                    $body
                }

                #[tokio::test]
                async fn postgres() {
                    let (_backing, $store) = $crate::store::testing::postgres().await;
                    $body
                }
            }
        )*};
    }
    pub(crate) use on_both_engines;
}

#[cfg(test)]
mod team_tests;

#[cfg(test)]
mod tests {
    use super::testing::on_both_engines;
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

    on_both_engines! {
        async fn recent_workspaces_newest_first_and_forgettable(store: Store) {
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

        async fn credential_names_round_trip(store: Store) {
            store.upsert_workspace("w", "/w", "w", false).await.unwrap();
            store.put_credential_name("w", "gh").await.unwrap();
            store.put_credential_name("w", "gh").await.unwrap();
            assert_eq!(store.credential_names("w").await.unwrap().len(), 1);
            assert!(store.delete_credential_name("w", "gh").await.unwrap());
            assert!(!store.delete_credential_name("w", "gh").await.unwrap());
        }
    }

    #[tokio::test]
    async fn a_shared_store_leaves_no_sqlite_file_in_the_data_dir() {
        let data_dir = tempfile::tempdir().unwrap();
        let (_backing, shared) = testing::postgres().await;
        let Location::Shared { url, .. } = shared.location().clone() else {
            unreachable!()
        };
        std::fs::write(
            settings::settings_path(data_dir.path()),
            format!("store_url = {url:?}\n"),
        )
        .unwrap();
        let store = Store::lazy(data_dir.path());
        assert!(store.location().is_shared());
        store.upsert_workspace("w", "/w", "w", true).await.unwrap();
        assert!(store.db().await.unwrap().is_postgres());
        assert_eq!(shared.recent_workspaces(10).await.unwrap()[0].id, "w");
        let files: Vec<_> = std::fs::read_dir(data_dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(files, ["settings.toml"]);
    }

    #[tokio::test]
    async fn an_unreachable_shared_store_names_it_without_the_password() {
        // A port nothing listens on (bound, then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let store = Store::at(Location::Shared {
            url: format!("postgres://team:hunter2secret@127.0.0.1:{port}/shipdeck"),
            keyring: false,
        });
        let err = store.db().await.unwrap_err();
        assert_eq!(err.code(), "store.unreachable");
        let shown = format!("{err} {}", err.hint().unwrap_or_default());
        assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
        assert!(shown.to_lowercase().contains("refused"), "says why: {shown}");
        assert!(!shown.contains("hunter2secret"), "{shown}");
        assert!(!store.location().display().contains("hunter2secret"));
    }
}
