//! A killed run leaves nothing half-applied and no lock held; concurrent
//! runs wait for the lock up to --lock-timeout; the lock is released after
//! a failure.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use shipdeck_testkit::wait_until;

use super::{error_code, Kind, Ws};
use crate::util::{assert_code, text, Env};

/// Starts `shipdeck migrate ARGS` in the background.
fn spawn_migrate(ws: &Ws, args: &[&str]) -> Child {
    ws.env
        .cmd()
        .args(["-C", ws.root().to_str().unwrap(), "migrate"])
        .args(args)
        .env("APP_DB_URL", &ws.db.url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn pg_sleeping(ws: &Ws) -> bool {
    ws.db.scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(%' AND pid <> pg_backend_pid()") > 0
}

fn pg_advisory_locks(ws: &Ws) -> i64 {
    ws.db.scalar("SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()")
}

#[test]
fn kill_9_during_a_postgres_migration_leaves_nothing_half_applied_and_no_lock() {
    let ws = Ws::new(Kind::Postgres);
    ws.migration("1_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY);\n");
    ws.migration("2_slow.sql", "CREATE TABLE big (id BIGINT);\nINSERT INTO big SELECT generate_series(1, 1000);\nSELECT pg_sleep(60);\n");
    let mut child = spawn_migrate(&ws, &["up", "--json"]);
    wait_until("the slow migration to start", Duration::from_secs(20), || {
        pg_sleeping(&ws)
    });
    assert_eq!(pg_advisory_locks(&ws), 1, "the run holds sqlx's advisory lock");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The server notices the dead client, rolls back and frees the lock.
    wait_until("the lock to be released", Duration::from_secs(10), || {
        pg_advisory_locks(&ws) == 0
    });
    let table = ws.table();
    assert_eq!(table[0], (1, true, false, "ok".to_string()));
    assert_eq!(
        table[1],
        (2, false, false, "ok".to_string()),
        "2 is pending, not dirty"
    );
    assert!(!ws.db.has_table("big"));
    // Re-run (quick this time).
    ws.migration(
        "2_slow.sql",
        "CREATE TABLE big (id BIGINT);\nINSERT INTO big SELECT generate_series(1, 1000);\n",
    );
    ws.json(&["up", "--lock-timeout", "5s"], 0);
    assert_eq!(ws.db.scalar("SELECT COUNT(*) FROM big"), 1000);
}

#[test]
fn kill_9_during_a_sqlite_migration_leaves_nothing_half_applied_and_no_lock() {
    let ws = Ws::new(Kind::Sqlite);
    ws.migration("1_users.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
    // Long enough to be killed in the middle (tens of seconds).
    ws.migration(
        "2_slow.sql",
        "CREATE TABLE big (id INTEGER, pad TEXT);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000000)\nINSERT INTO big SELECT i, 'padding' FROM n;\n",
    );
    let mut child = spawn_migrate(&ws, &["up", "--json"]);
    // Migrations run one after the other: once the file has grown by tens
    // of megabytes, 1 is committed and 2 is writing (its rollback journal
    // holds the pages to restore).
    wait_until("the slow migration to write", Duration::from_secs(30), || {
        std::fs::metadata(ws.db.sqlite_file())
            .map(|m| m.len())
            .unwrap_or(0)
            > 20_000_000
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let table = ws.table();
    assert_eq!(table[0], (1, true, false, "ok".to_string()));
    assert_eq!(table[1], (2, false, false, "ok".to_string()));
    assert!(!ws.db.has_table("big"), "the hot journal rolled 2 back");
    ws.migration("2_slow.sql", "CREATE TABLE big (id INTEGER, pad TEXT);\n");
    ws.json(&["up", "--lock-timeout", "0"], 0);
    assert!(ws.db.has_table("big"));
}

/// A lock the test holds on a connection of its own until dropped; a
/// migration that takes the same lock waits for it, as long as the test wants.
struct Gate {
    release: Option<std::sync::mpsc::Sender<()>>,
    holder: Option<std::thread::JoinHandle<()>>,
}

impl Gate {
    /// Runs `take` on a new connection to `url`, and `give` when dropped.
    fn hold(url: &str, take: &str, give: &str) -> Gate {
        let (url, take, give) = (url.to_string(), take.to_string(), give.to_string());
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = std::thread::spawn(move || {
            shipdeck_testkit::block_on(move || async move {
                let mut c = shipdeck_testkit::sql::connect(&url).await;
                sqlx::raw_sql(&take).execute(&mut c).await.unwrap();
                held_tx.send(()).unwrap();
                let _ = release_rx.recv();
                let _ = sqlx::raw_sql(&give).execute(&mut c).await;
            })
        });
        held_rx.recv().expect("the gate's lock was taken");
        Gate {
            release: Some(release),
            holder: Some(holder),
        }
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(h) = self.holder.take() {
            let _ = h.join();
        }
    }
}

/// The first run holds the migration lock while its first migration waits
/// at a gate the test holds; a second run times out meanwhile; once the gate
/// opens, a third run waits for the first and finds nothing left to do.
fn concurrent_up(kind: Kind) {
    let ws = Ws::new(kind);
    let gate_name = format!("gate_{}", ws.db.url.rsplit('/').next().unwrap());
    let (take, give, slow, waiting) = match kind {
        Kind::Postgres => (
            "SELECT pg_advisory_lock(4242)::text".to_string(),
            "SELECT pg_advisory_unlock(4242)::text".to_string(),
            "SELECT pg_advisory_lock(4242)::text;\nSELECT pg_advisory_unlock(4242)::text;\n".to_string(),
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted".to_string(),
        ),
        _ => (
            format!("SELECT GET_LOCK('{gate_name}', 600)"),
            format!("SELECT RELEASE_LOCK('{gate_name}')"),
            format!("SELECT GET_LOCK('{gate_name}', 600);\nSELECT RELEASE_LOCK('{gate_name}');\n"),
            format!("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT GET_LOCK(''{gate_name}''%' AND id <> CONNECTION_ID()"),
        ),
    };
    let gate = Gate::hold(&ws.db.url, &take, &give);
    ws.migration("1_slow.sql", &slow);
    ws.migration("2_after.sql", "CREATE TABLE after_slow (id BIGINT);\n");
    let first = spawn_migrate(&ws, &["up", "--json"]);
    wait_until(
        "the first run to wait at the gate",
        Duration::from_secs(60),
        || ws.db.scalar(&waiting) > 0,
    );
    // A second run gives up after its timeout, with a clear error.
    let started = Instant::now();
    let (code, message) = error_code(&ws, &["up", "--lock-timeout", "1s"]);
    assert_eq!(code, "migrations.locked");
    assert!(message.contains("main"), "{message}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it waited: {:?}",
        started.elapsed()
    );
    // A third one waits long enough and finds nothing left to do.
    drop(gate);
    let third = ws.json(&["up", "--lock-timeout", "30s"], 0);
    let out = first.wait_with_output().unwrap();
    assert_code(&out, 0);
    let first_steps = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["steps"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        first_steps + third["steps"].as_array().unwrap().len(),
        2,
        "each migration ran exactly once"
    );
    assert_eq!(ws.applied(), [1, 2]);
}

#[test]
fn concurrent_up_on_postgres_waits_for_the_lock_then_times_out() {
    concurrent_up(Kind::Postgres);
}

#[test]
fn concurrent_up_on_mariadb_waits_for_the_lock_then_times_out() {
    concurrent_up(Kind::Mariadb);
}

#[test]
fn the_lock_is_released_after_a_failed_run() {
    for kind in [Kind::Postgres, Kind::Mariadb, Kind::Sqlite] {
        let ws = Ws::new(kind);
        ws.migration("1_broken.sql", "SELECT no_such_column FROM no_such_table;\n");
        assert_eq!(error_code(&ws, &["up"]).0, "migrations.failed", "{kind:?}");
        ws.migration("1_broken.sql", "CREATE TABLE fixed (id BIGINT);\n");
        // No waiting allowed: the failed run must have let go.
        ws.json(&["up", "--lock-timeout", "0"], 0);
        assert!(ws.db.has_table("fixed"), "{kind:?}");
        if kind == Kind::Postgres {
            assert_eq!(pg_advisory_locks(&ws), 0);
        }
    }
}

/// CI often starts several commands at once on a fresh machine: each one
/// opens the new store and brings its schema up to date. They used to race
/// (all but one failed, with a hint blaming a newer Shipdeck).
#[test]
fn four_processes_starting_on_a_new_store_all_succeed() {
    for _ in 0..3 {
        let ws = Ws::new(Kind::Sqlite);
        ws.migration("1_a.sql", "CREATE TABLE a (id INTEGER);\n");
        let children: Vec<Child> = (0..4)
            .map(|_| spawn_migrate(&ws, &["status", "--json"]))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_code(&out, 0);
        }
    }
}

#[test]
fn huge_lock_timeouts_are_refused_not_a_panic() {
    let ws = Ws::new(Kind::Sqlite);
    ws.migration("1_a.sql", "CREATE TABLE a (id INTEGER);\n");
    for huge in ["18446744073709551615", "999999999999999999m", "86401s"] {
        let out = ws.run(&["up", "--lock-timeout", huge]);
        assert_code(&out, 1);
        let err = crate::util::text(&out.stderr);
        assert!(!err.contains("panicked"), "{huge}: {err}");
        assert!(err.contains("out of range"), "{huge}: {err}");
        let json = ws.json(&["up", "--lock-timeout", huge], 1);
        assert_eq!(json["code"], "cli.usage", "{huge}");
    }
    // The largest accepted value still works (the lock is free).
    let out = ws.run(&["up", "--lock-timeout", "1440m"]);
    assert_code(&out, 0);
    assert!(ws.db.has_table("a"));
}

#[test]
fn a_migration_that_is_not_utf8_is_refused_and_nothing_runs() {
    let ws = Ws::new(Kind::Sqlite);
    ws.migration("1_a.sql", "CREATE TABLE a (id INTEGER, name TEXT);\n");
    // Latin-1: a lossy read would insert U+FFFD instead of "é".
    std::fs::write(
        ws.root().join("db/migrations/2_b.sql"),
        b"INSERT INTO a VALUES (1, 'caf\xe9');\n",
    )
    .unwrap();
    let (code, message) = error_code(&ws, &["up"]);
    assert_eq!(code, "migrations.not_utf8");
    assert!(message.contains("2_b.sql"), "{message}");
    assert!(!ws.db.sqlite_file().exists(), "nothing may run");
}

#[test]
fn lock_timeout_help_states_the_core_default() {
    let env = Env::new();
    let out = env.run(&["migrate", "up", "--help"]);
    assert_code(&out, 0);
    let default = shipdeck_core::migrations::run::DEFAULT_LOCK_TIMEOUT;
    let shown = format!("[default: {}s]", default.as_secs());
    let help = text(&out.stdout);
    assert!(help.contains(&shown), "--help does not say {shown}:\n{help}");
}
