//! A private PostgreSQL 15 cluster for the advisor tests: one per test
//! process, started on first use by `scripts/pg-cluster.sh` (Debian's
//! binaries, pg_stat_statements and pg_qualstats preloaded, hypopg
//! available) in `$TMPDIR/shipdeck-pg-<pid>` on a free port of 127.0.0.1,
//! stopped and removed when the process exits. A cluster left behind by a
//! process that died without exiting (killed, SIGINT) is removed by the next
//! test process that starts one. `SHIPDECK_KEEP_PG=1` keeps the folder (data
//! and `log/postgresql.log`), stopped, until the next test process removes it.
//!
//! Each test takes a database of its own with [`Cluster::database`].
//! pg_stat_statements and pg_qualstats are cluster-wide (every query is
//! sampled): tests should only look at the rows of their own database.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use sqlx::{Connection, PgConnection, Row};

/// The private cluster of this test process.
pub struct Cluster {
    /// `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth, superuser).
    pub url: String,
    pub port: u16,
    dir: PathBuf,
}

/// Set once the cluster folder is chosen; read by the exit handler.
static DIR: OnceLock<PathBuf> = OnceLock::new();
static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

const PREFIX: &str = "shipdeck-pg-";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-cluster.sh")
}

fn run_script(args: &[&std::ffi::OsStr]) -> std::io::Result<std::process::Output> {
    Command::new("bash")
        .arg(script())
        .args(args)
        .stdin(Stdio::null())
        .output()
}

/// Runs at process exit (libtest returns from main or calls
/// `process::exit`; statics are never dropped).
extern "C" fn stop_at_exit() {
    if let Some(dir) = DIR.get() {
        let keep = std::env::var_os("SHIPDECK_KEEP_PG").is_some_and(|v| v == "1");
        let action = if keep { "stop" } else { "destroy" };
        let _ = run_script(&[action.as_ref(), dir.as_os_str()]);
    }
}

/// A port that was free a moment ago (the server may still lose a race for
/// it; `start` retries with another).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().unwrap().port()
}

fn pid_alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Stops and removes clusters of earlier test processes that are gone.
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    let me = std::process::id() as i32;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        if pid != me && pid > 0 && !pid_alive(pid) {
            let _ = run_script(&["destroy".as_ref(), entry.path().as_os_str()]);
        }
    }
}

impl Cluster {
    /// The cluster of this test process, started on first use. Panics (in
    /// every test that asks) when it cannot be started.
    pub fn shared() -> &'static Cluster {
        match SHARED.get_or_init(Cluster::start) {
            Ok(cluster) => cluster,
            Err(e) => panic!("the private PostgreSQL cluster could not start: {e}"),
        }
    }

    fn start() -> Result<Cluster, String> {
        let base = std::env::temp_dir();
        remove_stale(&base);
        let dir = base.join(format!("{PREFIX}{}", std::process::id()));
        if DIR.set(dir.clone()).is_ok() {
            // SAFETY: registers a plain extern "C" fn without arguments.
            if unsafe { libc::atexit(stop_at_exit) } != 0 {
                return Err("atexit failed".into());
            }
        }
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let out = run_script(&["start".as_ref(), dir.as_os_str(), port.to_string().as_ref()])
                .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
            if out.status.success() {
                let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
                return Ok(Cluster { url, port, dir });
            }
            last = format!(
                "{} start {} {port}: {}{}",
                script().display(),
                dir.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            // Lost the port to someone else: try another one.
            if !last.contains("could not bind") && !last.contains("already in use") {
                break;
            }
        }
        Err(last)
    }

    /// The cluster's folder (`data/`, `log/postgresql.log`, the socket).
    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new database `<prefix>_<pid>_<n>` with pg_stat_statements, hypopg
    /// and pg_qualstats created in it, dropped when the value is dropped.
    pub fn database(&self, prefix: &str) -> TestDb {
        let mut prefix: String = prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        prefix.truncate(40);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        exec_on(&self.url, &format!("CREATE DATABASE \"{name}\""));
        let url = format!("postgres://postgres@127.0.0.1:{}/{name}", self.port);
        let db = TestDb {
            url,
            name,
            admin: self.url.clone(),
        };
        db.exec(
            "CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg; CREATE EXTENSION pg_qualstats;",
        );
        db
    }
}

/// A database of the private cluster for one test, dropped at the end.
pub struct TestDb {
    /// `postgres://postgres@127.0.0.1:PORT/<name>`.
    pub url: String,
    pub name: String,
    admin: String,
}

impl TestDb {
    /// Runs one or more statements (simple query protocol) on a new connection.
    pub fn exec(&self, sql: &str) {
        exec_on(&self.url, sql);
    }

    /// The first column of the first row as i64 (0 without rows); the value
    /// must be a bigint (cast counts and sums with `::bigint`).
    pub fn scalar(&self, sql: &str) -> i64 {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(move || async move {
            let mut c = connect(&url).await;
            let row = sqlx::query(&sql)
                .fetch_optional(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            row.map(|r| r.try_get::<i64, _>(0).unwrap_or_else(|e| panic!("{sql}: {e}")))
                .unwrap_or(0)
        })
    }

    /// The first column of every row as text (cast it with `::text`).
    pub fn texts(&self, sql: &str) -> Vec<String> {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(move || async move {
            let mut c = connect(&url).await;
            sqlx::query(&sql)
                .fetch_all(&mut c)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .iter()
                .map(|r| r.try_get::<String, _>(0).unwrap_or_else(|e| panic!("{sql}: {e}")))
                .collect()
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let admin = self.admin.clone();
        let _ = std::panic::catch_unwind(move || exec_on(&admin, &sql));
    }
}

/// Runs the future that `make` returns on a runtime of its own in a thread of
/// its own, so that the helpers work from plain and from `#[tokio::test]`
/// tests alike (the future is made in that thread: it need not be `Send`).
pub fn block_on<M, F>(make: M) -> F::Output
where
    M: FnOnce() -> F + Send,
    F: Future,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(make())
        })
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

fn exec_on(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    block_on(move || async move {
        let mut c = connect(&url).await;
        sqlx::raw_sql(&sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

#[test]
fn private_cluster_has_the_extensions() {
    let db = Cluster::shared().database("advisor_cluster");
    db.exec(
        "CREATE TABLE t (id bigserial PRIMARY KEY, a int NOT NULL, b text);
         INSERT INTO t (a, b) SELECT g % 100, 'row ' || g FROM generate_series(1, 2000) g;
         ANALYZE t;",
    );
    for _ in 0..3 {
        db.exec("SELECT count(*) FROM t WHERE a = 42");
    }

    // pg_stat_statements: the statements above, normalised.
    let statements = db.scalar(
        "SELECT count(*) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = current_database() AND s.query LIKE '%FROM t WHERE a = $1%'",
    );
    assert_eq!(statements, 1, "pg_stat_statements has no row for the query");
    let calls = db.scalar(
        "SELECT sum(calls)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = current_database() AND s.query LIKE '%FROM t WHERE a = $1%'",
    );
    assert_eq!(calls, 3);

    // pg_qualstats (every query sampled): the predicate on t.a.
    let quals = db.scalar(
        "SELECT count(*) FROM pg_qualstats_all a JOIN pg_attribute att
           ON att.attrelid = a.relid AND att.attnum = ANY (a.attnums)
         WHERE a.relid = 't'::regclass AND att.attname = 'a'",
    );
    assert!(quals > 0, "pg_qualstats saw no predicate on t.a");

    // hypopg: a hypothetical index the planner uses, in one session.
    let url = db.url.clone();
    let plan = block_on(move || async move {
        let mut c = connect(&url).await;
        let created: i64 =
            sqlx::query_scalar("SELECT count(*) FROM hypopg_create_index('CREATE INDEX ON t (a)')")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(created, 1);
        let lines: Vec<String> = sqlx::query_scalar("EXPLAIN SELECT * FROM t WHERE a = 42")
            .fetch_all(&mut c)
            .await
            .unwrap();
        lines.join("\n")
    });
    assert!(
        plan.contains("btree_t_a"),
        "the plan does not use the hypothetical index:\n{plan}"
    );
}
