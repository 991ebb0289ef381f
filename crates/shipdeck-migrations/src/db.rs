//! One database's `_sqlx_migrations` table, its migration lock, and running
//! a migration's statements with the transaction rules of each engine.
//!
//! The table, its columns, the checksum and the lock ids are sqlx's, so that
//! `sqlx migrate` (and apps that run `sqlx::migrate!()` at start-up) and
//! Shipdeck see the same state and exclude each other.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Executor, Row};

use super::error::statement_failed as failed;
use super::files::MigrationFile;
use super::split::Statement;
use super::target::Target;
use super::{Engine, MigrationError};
use shipdeck_base::error::{Error, Result};

/// A row of `_sqlx_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    pub version: i64,
    pub description: String,
    /// UTC, RFC 3339.
    pub installed_on: Option<String>,
    /// False: the migration failed mid-way ("dirty").
    pub success: bool,
    pub checksum: Vec<u8>,
    /// Nanoseconds, or -1 when never recorded.
    pub execution_time: i64,
}

enum Lock {
    None,
    /// PostgreSQL session advisory lock.
    Advisory(i64),
    /// MySQL/MariaDB `GET_LOCK` name.
    Named(String),
    /// A file lock next to the SQLite database (sqlx takes none there).
    File(std::fs::File),
}

pub struct Db {
    conn: AnyConnection,
    engine: Engine,
    lock: Lock,
}

pub(super) fn db_error(e: sqlx::Error) -> Error {
    // SQLITE_BUSY / SQLITE_LOCKED: another writer, not a broken database.
    if e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "5" || c == "6")
    {
        return MigrationError::Busy {
            detail: e.to_string(),
        }
        .into();
    }
    MigrationError::Database {
        detail: e.to_string(),
    }
    .into()
}

/// SQLSTATE / message of "the table does not exist".
pub(super) fn is_missing_table(e: &sqlx::Error) -> bool {
    let Some(d) = e.as_database_error() else {
        return false;
    };
    matches!(d.code().as_deref(), Some("42P01" | "42S02")) || d.message().contains("no such table")
}

const POLL: Duration = Duration::from_millis(100);
/// How long closing a connection may take before the socket is dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest wait for another run's lock: callers outside the CLI may pass
/// any duration, and `Instant + Duration` panics on overflow.
pub const MAX_LOCK_WAIT: Duration = Duration::from_secs(86_400);

/// How long one `lock` call waits, and the error it gives up with.
struct LockWait {
    database: String,
    timeout: Duration,
    deadline: Instant,
}

impl LockWait {
    fn new(target: &Target, timeout: Duration) -> LockWait {
        let timeout = timeout.min(MAX_LOCK_WAIT);
        LockWait {
            database: target.name.clone(),
            timeout,
            deadline: Instant::now() + timeout,
        }
    }

    fn locked(&self) -> Error {
        MigrationError::Locked {
            database: self.database.clone(),
            seconds: self.timeout.as_secs(),
        }
        .into()
    }
}

/// sqlx's lock id, derived from the database's name.
fn sqlx_lock_id(database: &str) -> i64 {
    const CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    0x3d32ad9e_i64 * i64::from(CRC.checksum(database.as_bytes()))
}

impl Db {
    /// Connects. With `create`, a missing SQLite file (and its folder) is
    /// created; without it, a missing file yields `None` (nothing applied).
    pub async fn connect(target: &Target, create: bool) -> Result<Option<Db>> {
        sqlx::any::install_default_drivers();
        let mut url = target.url.clone();
        if let Some(file) = &target.sqlite_file {
            if !create && !file.exists() {
                return Ok(None);
            }
            if create {
                if let Some(parent) = file.parent() {
                    std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
                }
                if !url.contains("mode=") {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str("mode=rwc");
                }
            }
        }
        let unreachable = |e: sqlx::Error| Error::DatabaseUnreachable {
            detail: e.to_string(),
        };
        // Migration SQL carries secrets (`PASSWORD '…'`): no statement logs,
        // not even sqlx's slow-statement warning (whole text, default level).
        let options = AnyConnectOptions::from_str(&url)
            .map_err(unreachable)?
            .disable_statement_logging();
        let mut conn = AnyConnection::connect_with(&options).await.map_err(unreachable)?;
        if target.engine == Engine::Postgres {
            // When Shipdeck dies mid-migration, the server notices within a
            // second, rolls back and drops the lock instead of running the
            // statement to its end (PostgreSQL 14+; older servers say no).
            let _ = conn.execute("SET client_connection_check_interval = 1000").await;
        }
        if target.engine == Engine::Mysql {
            // installed_on is shown in UTC.
            conn.execute("SET time_zone = '+00:00'").await.map_err(db_error)?;
        }
        Ok(Some(Db {
            conn,
            engine: target.engine,
            lock: Lock::None,
        }))
    }

    fn placeholders(&self, n: usize) -> String {
        (1..=n)
            .map(|i| {
                if self.engine == Engine::Postgres {
                    format!("${i}")
                } else {
                    "?".to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn p(&self, i: usize) -> String {
        if self.engine == Engine::Postgres {
            format!("${i}")
        } else {
            "?".into()
        }
    }

    /// Every row, by version. A database without the table has none.
    pub async fn applied(&mut self) -> Result<Vec<AppliedRow>> {
        let installed = match self.engine {
            Engine::Postgres => "to_char(installed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            Engine::Mysql => "DATE_FORMAT(installed_on, '%Y-%m-%dT%H:%i:%sZ')",
            Engine::Sqlite => "strftime('%Y-%m-%dT%H:%M:%SZ', installed_on)",
        };
        let success = match self.engine {
            Engine::Postgres => "CAST(CASE WHEN success THEN 1 ELSE 0 END AS BIGINT)",
            Engine::Mysql => "CAST(success AS SIGNED)",
            Engine::Sqlite => "CAST(success AS INTEGER)",
        };
        let sql = format!(
            "SELECT version, description, {installed}, {success}, checksum, execution_time FROM _sqlx_migrations ORDER BY version"
        );
        let rows = match sqlx::query(&sql).fetch_all(&mut self.conn).await {
            Ok(rows) => rows,
            Err(e) if is_missing_table(&e) => return Ok(Vec::new()),
            Err(e) => return Err(db_error(e)),
        };
        rows.iter()
            .map(|r| {
                Ok(AppliedRow {
                    version: r.try_get(0)?,
                    // MariaDB hands TEXT over as a BLOB.
                    description: match r.try_get::<String, _>(1) {
                        Ok(s) => s,
                        Err(_) => String::from_utf8_lossy(&r.try_get::<Vec<u8>, _>(1)?).into_owned(),
                    },
                    installed_on: r.try_get(2)?,
                    success: r.try_get::<i64, _>(3)? != 0,
                    checksum: r.try_get(4)?,
                    execution_time: r.try_get(5)?,
                })
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(db_error)
    }

    /// Creates `_sqlx_migrations` as sqlx does, if it is not there.
    pub async fn ensure_table(&mut self) -> Result<()> {
        let (ts, default, bin) = match self.engine {
            Engine::Postgres => ("TIMESTAMPTZ", "now()", "BYTEA"),
            Engine::Mysql | Engine::Sqlite => ("TIMESTAMP", "CURRENT_TIMESTAMP", "BLOB"),
        };
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on {ts} NOT NULL DEFAULT {default},
    success BOOLEAN NOT NULL,
    checksum {bin} NOT NULL,
    execution_time BIGINT NOT NULL
)"
        );
        self.conn.execute(sql.as_str()).await.map_err(db_error)?;
        Ok(())
    }

    /// Takes the migration lock, waiting up to `timeout`. The server drops
    /// it with the connection, so a killed process never leaves it held.
    pub async fn lock(&mut self, target: &Target, timeout: Duration) -> Result<()> {
        let wait = LockWait::new(target, timeout);
        match self.engine {
            Engine::Postgres => self.lock_postgres(&wait).await,
            Engine::Mysql => self.lock_mysql(&wait).await,
            Engine::Sqlite => match &target.sqlite_file {
                Some(file) => self.lock_sqlite(file, &wait).await,
                None => Ok(()),
            },
        }
    }

    /// A session advisory lock, polled until the deadline.
    async fn lock_postgres(&mut self, wait: &LockWait) -> Result<()> {
        let name: String = sqlx::query_scalar("SELECT CAST(current_database() AS TEXT)")
            .fetch_one(&mut self.conn)
            .await
            .map_err(db_error)?;
        let id = sqlx_lock_id(&name);
        loop {
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(id)
                .fetch_one(&mut self.conn)
                .await
                .map_err(db_error)?;
            if got {
                self.lock = Lock::Advisory(id);
                return Ok(());
            }
            if Instant::now() >= wait.deadline {
                return Err(wait.locked());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A named lock; `GET_LOCK` does the waiting on the server.
    async fn lock_mysql(&mut self, wait: &LockWait) -> Result<()> {
        let name: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&mut self.conn)
            .await
            .map_err(db_error)?;
        let name = format!("{:x}", sqlx_lock_id(&name.unwrap_or_default()));
        let got: Option<i64> = sqlx::query_scalar("SELECT CAST(GET_LOCK(?, ?) AS SIGNED)")
            .bind(&name)
            .bind(wait.timeout.as_secs_f64().ceil() as i64)
            .fetch_one(&mut self.conn)
            .await
            .map_err(db_error)?;
        if got != Some(1) {
            return Err(wait.locked());
        }
        self.lock = Lock::Named(name);
        Ok(())
    }

    /// A file lock next to the database file, polled until the deadline.
    async fn lock_sqlite(&mut self, file: &std::path::Path, wait: &LockWait) -> Result<()> {
        let path = lock_path(file);
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(Error::io("open", &path))?;
        loop {
            match f.try_lock() {
                Ok(()) => {
                    self.lock = Lock::File(f);
                    return Ok(());
                }
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < wait.deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(wait.locked()),
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path)(e)),
            }
        }
    }

    /// Releases the lock (also after a failed run).
    pub async fn unlock(&mut self) -> Result<()> {
        match std::mem::replace(&mut self.lock, Lock::None) {
            Lock::None => Ok(()),
            Lock::Advisory(id) => {
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(id)
                    .execute(&mut self.conn)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }
            Lock::Named(name) => {
                sqlx::query("SELECT RELEASE_LOCK(?)")
                    .bind(name)
                    .execute(&mut self.conn)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }
            Lock::File(f) => {
                drop(f);
                Ok(())
            }
        }
    }

    /// Lets go of the lock and says goodbye, but never holds the command up:
    /// a server that does not answer (seen with MariaDB after a `GET_LOCK`
    /// that timed out) has the socket dropped instead, which ends the
    /// session and its lock all the same.
    pub async fn close(mut self) {
        let goodbye = async move {
            let _ = self.unlock().await;
            let _ = self.conn.close().await;
        };
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, goodbye).await;
    }

    async fn insert_row(
        &mut self,
        m: &MigrationFile,
        success: bool,
        nanos: i64,
    ) -> std::result::Result<(), sqlx::Error> {
        let sql = format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({})",
            self.placeholders(5)
        );
        sqlx::query(&sql)
            .bind(m.version)
            .bind(&m.description)
            .bind(success)
            .bind(&m.checksum)
            .bind(nanos)
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    async fn set_success(
        &mut self,
        version: i64,
        success: bool,
        nanos: Option<i64>,
    ) -> std::result::Result<(), sqlx::Error> {
        let sql = match nanos {
            Some(_) => format!(
                "UPDATE _sqlx_migrations SET success = {}, execution_time = {} WHERE version = {}",
                self.p(1),
                self.p(2),
                self.p(3)
            ),
            None => format!(
                "UPDATE _sqlx_migrations SET success = {} WHERE version = {}",
                self.p(1),
                self.p(2)
            ),
        };
        let mut q = sqlx::query(&sql).bind(success);
        if let Some(n) = nanos {
            q = q.bind(n);
        }
        q.bind(version).execute(&mut self.conn).await?;
        Ok(())
    }

    async fn delete_row(&mut self, version: i64) -> std::result::Result<(), sqlx::Error> {
        let sql = format!("DELETE FROM _sqlx_migrations WHERE version = {}", self.p(1));
        sqlx::query(&sql).bind(version).execute(&mut self.conn).await?;
        Ok(())
    }

    /// Whether the row of `version` says success; `None` without a row. A
    /// row that cannot be read counts as dirty (the safe answer).
    async fn row_success(&mut self, version: i64) -> Option<bool> {
        let sql = format!(
            "SELECT CAST(success AS SIGNED) FROM _sqlx_migrations WHERE version = {}",
            self.p(1)
        );
        match sqlx::query_scalar::<_, i64>(&sql)
            .bind(version)
            .fetch_optional(&mut self.conn)
            .await
        {
            Ok(v) => v.map(|s| s != 0),
            Err(_) => Some(false),
        }
    }

    async fn statements(
        &mut self,
        statements: &[Statement],
    ) -> std::result::Result<(), (usize, sqlx::Error)> {
        for (i, s) in statements.iter().enumerate() {
            self.conn.execute(s.sql.as_str()).await.map_err(|e| (i, e))?;
        }
        Ok(())
    }

    async fn begin(&mut self) -> std::result::Result<(), sqlx::Error> {
        self.conn
            .execute(if self.engine == Engine::Mysql {
                "START TRANSACTION"
            } else {
                "BEGIN"
            })
            .await?;
        Ok(())
    }

    async fn end(&mut self, commit: bool) -> std::result::Result<(), sqlx::Error> {
        self.conn
            .execute(if commit { "COMMIT" } else { "ROLLBACK" })
            .await?;
        Ok(())
    }

    /// Runs one migration's up SQL and records it. Returns the execution
    /// time in nanoseconds (what sqlx stores).
    ///
    /// - Transactional DDL (PostgreSQL, SQLite): statements and the row in
    ///   one transaction; a failure leaves the database as it was.
    /// - MariaDB/MySQL: as sqlx, the row is written first with
    ///   `success = FALSE`; DDL commits implicitly, so after a failure a
    ///   remaining row means the migration is dirty.
    /// - `no_transaction`: each statement on its own (for `CREATE INDEX
    ///   CONCURRENTLY`), bracketed by a dirty row.
    pub async fn apply(&mut self, m: &MigrationFile, statements: &[Statement]) -> Result<i64> {
        let started = Instant::now();
        if m.no_transaction {
            self.insert_row(m, false, -1).await.map_err(db_error)?;
            if let Err((i, e)) = self.statements(statements).await {
                return Err(failed(self.engine, false, m.version, &statements[i], e, true));
            }
            let nanos = started.elapsed().as_nanos() as i64;
            self.set_success(m.version, true, Some(nanos))
                .await
                .map_err(db_error)?;
            return Ok(nanos);
        }
        self.begin().await.map_err(db_error)?;
        let mysql = self.engine == Engine::Mysql;
        if mysql {
            if let Err(e) = self.insert_row(m, false, -1).await {
                let _ = self.end(false).await;
                return Err(db_error(e));
            }
        }
        if let Err((i, e)) = self.statements(statements).await {
            let _ = self.end(false).await;
            let dirty = mysql && self.row_success(m.version).await.is_some();
            return Err(failed(self.engine, false, m.version, &statements[i], e, dirty));
        }
        let nanos = started.elapsed().as_nanos() as i64;
        let record = if mysql {
            self.set_success(m.version, true, Some(nanos)).await
        } else {
            self.insert_row(m, true, nanos).await
        };
        if let Err(e) = record {
            let _ = self.end(false).await;
            return Err(db_error(e));
        }
        self.end(true).await.map_err(db_error)?;
        Ok(nanos)
    }

    /// Runs one migration's down SQL and deletes its row, with the same
    /// transaction rules as [`Db::apply`].
    pub async fn revert(
        &mut self,
        m: &MigrationFile,
        statements: &[Statement],
        no_transaction: bool,
    ) -> Result<i64> {
        let started = Instant::now();
        if no_transaction {
            self.set_success(m.version, false, None).await.map_err(db_error)?;
            if let Err((i, e)) = self.statements(statements).await {
                return Err(failed(self.engine, true, m.version, &statements[i], e, true));
            }
            self.delete_row(m.version).await.map_err(db_error)?;
            return Ok(started.elapsed().as_nanos() as i64);
        }
        let mysql = self.engine == Engine::Mysql;
        self.begin().await.map_err(db_error)?;
        if mysql {
            if let Err(e) = self.set_success(m.version, false, None).await {
                let _ = self.end(false).await;
                return Err(db_error(e));
            }
        }
        if let Err((i, e)) = self.statements(statements).await {
            let _ = self.end(false).await;
            let dirty = mysql && self.row_success(m.version).await == Some(false);
            return Err(failed(self.engine, true, m.version, &statements[i], e, dirty));
        }
        if let Err(e) = self.delete_row(m.version).await {
            let _ = self.end(false).await;
            return Err(db_error(e));
        }
        self.end(true).await.map_err(db_error)?;
        Ok(started.elapsed().as_nanos() as i64)
    }

    /// Marks a dirty row as applied (after the user finished it by hand).
    pub async fn mark_applied(&mut self, version: i64) -> Result<()> {
        self.set_success(version, true, None).await.map_err(db_error)
    }

    /// Forgets a row (the migration is not applied).
    pub async fn forget(&mut self, version: i64) -> Result<()> {
        self.delete_row(version).await.map_err(db_error)
    }

    pub async fn set_checksum(&mut self, version: i64, checksum: &[u8]) -> Result<()> {
        let sql = format!(
            "UPDATE _sqlx_migrations SET checksum = {} WHERE version = {}",
            self.p(1),
            self.p(2)
        );
        sqlx::query(&sql)
            .bind(checksum.to_vec())
            .bind(version)
            .execute(&mut self.conn)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Records a migration as applied without running it (baseline).
    pub async fn record_applied(&mut self, m: &MigrationFile) -> Result<()> {
        self.insert_row(m, true, 0).await.map_err(db_error)
    }
}

/// The lock file of a SQLite database: `<file>.shipdeck-lock`. It stays on
/// disk (deleting a lock file races with a waiting process).
pub fn lock_path(db_file: &std::path::Path) -> PathBuf {
    let mut name = db_file.as_os_str().to_owned();
    name.push(".shipdeck-lock");
    PathBuf::from(name)
}
