//! Servers for tests, so that `make test` needs nothing running on the
//! machine. Each engine is either the server an environment variable points
//! at, or a private one that this test process starts on first use (one per
//! process, shared by its tests) and stops at exit:
//!
//! | engine | variable | private server |
//! |---|---|---|
//! | PostgreSQL 15 | `SHIPDECK_TEST_POSTGRES` | `scripts/pg-cluster.sh` |
//! | MariaDB | `SHIPDECK_TEST_MARIADB` | `scripts/mariadb-instance.sh` |
//! | Redis | `SHIPDECK_TEST_REDIS` | `scripts/redis-instance.sh` |
//!
//! Every test takes a database of its own ([`postgres::Server::database`],
//! [`mariadb::Server::database`], [`redis::Server::database`]), dropped when
//! the value is dropped. Private servers live in `$TMPDIR/shipdeck-<engine>-<pid>`;
//! the folder names the owning test process, and a process that starts a
//! server first removes the servers of processes that are gone (killed,
//! crashed), so nothing is left behind for long.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub mod instance;
pub mod mariadb;
pub mod postgres;
pub mod redis;
pub mod sql;

pub use sql::Database;

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
                .expect("a tokio runtime")
                .block_on(make())
        })
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

/// Polls `cond` every 20 ms until it holds. `bound` only stops a hang (pick a
/// generous one): the test asserts that the state is reached, not how fast.
pub fn wait_until(what: &str, bound: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < bound,
            "gave up waiting for {what} after {bound:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Where `scripts/setup.sh` built a peer tool:
/// `$SHIPDECK_TOOLS/<krate>-<version>/bin/<bin>` (default SHIPDECK_TOOLS:
/// `~/.cache/shipdeck-tools`), the version read from `scripts/tools.env`
/// (`version_key`, e.g. `SQLX_CLI_VERSION`). Panics saying how to build it
/// when it is missing.
pub fn cargo_tool(krate: &str, version_key: &str, bin: &str) -> std::path::PathBuf {
    let env_file = instance::scripts_dir().join("tools.env");
    let text = std::fs::read_to_string(&env_file).unwrap_or_else(|e| panic!("{}: {e}", env_file.display()));
    let version = text
        .lines()
        .filter_map(|l| l.split('#').next()?.trim().split_once('='))
        .find(|(k, _)| *k == version_key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| panic!("{version_key} is not set in {}", env_file.display()));
    let tools = std::env::var_os("SHIPDECK_TOOLS")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cache/shipdeck-tools")))
        .expect("SHIPDECK_TOOLS or HOME");
    let path = tools.join(format!("{krate}-{version}/bin/{bin}"));
    assert!(
        path.exists(),
        "{krate} {version} is missing at {}: run scripts/setup.sh (make test does)",
        path.display()
    );
    path
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `<prefix>_<pid>_<n>_<random>`: lower-case ASCII letters, digits and `_`,
/// at most 63 bytes (PostgreSQL's limit), unique across test processes that
/// share a server, even after a crashed one left its databases behind.
pub fn unique_name(prefix: &str) -> String {
    let mut clean: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    clean.truncate(32);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{clean}_{}_{n}_{:08x}", std::process::id(), random_u32())
}

fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(COUNTER.load(Ordering::Relaxed));
    h.finish() as u32
}

/// `url` with its path (the database) replaced by `/name`; the query string
/// is kept. `postgres://u@h:5432/x?sslmode=disable` → `postgres://u@h:5432/name?sslmode=disable`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_path() {
        assert_eq!(
            with_database("postgres://p@127.0.0.1:5432/test", "x"),
            "postgres://p@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("mysql://root@h:3306", "x"), "mysql://root@h:3306/x");
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("redis://h:6379/0", "3"), "redis://h:6379/3");
    }

    #[test]
    fn unique_names_are_plain_short_and_distinct() {
        let a = unique_name("Advisor-Docs é");
        let b = unique_name("Advisor-Docs é");
        assert_ne!(a, b);
        assert!(a.len() <= 63, "{a}");
        assert!(a.starts_with("advisor_docs__"), "{a}");
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
    }
}
