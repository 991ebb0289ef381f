//! PostgreSQL for tests: `SHIPDECK_TEST_POSTGRES` (an administrator URL) when
//! set, else a private PostgreSQL 15 cluster (`scripts/pg-cluster.sh`: trust
//! authentication, `postgres` superuser, pg_stat_statements and pg_qualstats
//! preloaded, HypoPG available).

use std::sync::OnceLock;

use crate::instance::{self, Engine};
use crate::sql::{self, Database};

/// The environment variable naming a server to use instead of a private one.
pub const VAR: &str = "SHIPDECK_TEST_POSTGRES";

const ENGINE: Engine = Engine {
    name: "pg",
    script: "pg-cluster.sh",
    keep_var: "SHIPDECK_KEEP_PG",
};

/// A PostgreSQL server tests may create databases on.
#[derive(Debug)]
pub struct Server {
    /// An administrator's URL (may create and drop databases).
    pub url: String,
    /// The private cluster's folder (`data/`, `log/postgresql.log`); `None`
    /// for a server named by `SHIPDECK_TEST_POSTGRES`.
    pub dir: Option<std::path::PathBuf>,
}

static EXTERNAL: OnceLock<Server> = OnceLock::new();
static PRIVATE: OnceLock<Result<Server, String>> = OnceLock::new();

/// The server for this test process: `SHIPDECK_TEST_POSTGRES`, else the
/// private cluster.
pub fn server() -> &'static Server {
    match std::env::var(VAR) {
        Ok(url) if !url.is_empty() => EXTERNAL.get_or_init(|| Server { url, dir: None }),
        _ => private(),
    }
}

/// This test process's private cluster, started on first use, whatever
/// `SHIPDECK_TEST_POSTGRES` says: for tests that need the preloaded
/// extensions. Panics (in every test that asks) when it cannot start.
pub fn private() -> &'static Server {
    let started = PRIVATE.get_or_init(|| {
        instance::start(ENGINE).map(|i| Server {
            url: i.url,
            dir: Some(i.dir),
        })
    });
    match started {
        Ok(server) => server,
        Err(e) => panic!("the private PostgreSQL cluster could not start: {e}"),
    }
}

impl Server {
    /// A new, empty database `<prefix>_<pid>_<n>_<random>`, dropped (even
    /// with open connections) when the value is dropped.
    pub fn database(&self, prefix: &str) -> Database {
        Database::create(sql::Engine::Postgres, &self.url, crate::unique_name(prefix))
    }
}
