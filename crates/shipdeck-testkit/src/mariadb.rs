//! MariaDB for tests: `SHIPDECK_TEST_MARIADB` (an administrator URL) when
//! set, else a private server (`scripts/mariadb-instance.sh`: `root` with an
//! empty password on 127.0.0.1, grant tables in force).

use std::sync::OnceLock;

use crate::instance::{self, Engine};
use crate::sql::{self, Database};

/// The environment variable naming a server to use instead of a private one.
pub const VAR: &str = "SHIPDECK_TEST_MARIADB";

const ENGINE: Engine = Engine {
    name: "mariadb",
    script: "mariadb-instance.sh",
    keep_var: "SHIPDECK_KEEP_MARIADB",
};

/// A MariaDB server tests may create databases on.
#[derive(Debug)]
pub struct Server {
    /// An administrator's URL (may create and drop databases, GRANT).
    pub url: String,
    /// The private server's folder (`data/`, `log/error.log`); `None` for a
    /// server named by `SHIPDECK_TEST_MARIADB`.
    pub dir: Option<std::path::PathBuf>,
}

static EXTERNAL: OnceLock<Server> = OnceLock::new();
static PRIVATE: OnceLock<Result<Server, String>> = OnceLock::new();

/// The server for this test process: `SHIPDECK_TEST_MARIADB`, else a private
/// one started on first use. Panics (in every test that asks) when it cannot start.
pub fn server() -> &'static Server {
    if let Ok(url) = std::env::var(VAR) {
        if !url.is_empty() {
            return EXTERNAL.get_or_init(|| Server { url, dir: None });
        }
    }
    let started = PRIVATE.get_or_init(|| {
        instance::start(ENGINE).map(|i| Server {
            url: i.url,
            dir: Some(i.dir),
        })
    });
    match started {
        Ok(server) => server,
        Err(e) => panic!("the private MariaDB server could not start: {e}"),
    }
}

impl Server {
    /// A new, empty database `<prefix>_<pid>_<n>_<random>`, dropped when the
    /// value is dropped.
    pub fn database(&self, prefix: &str) -> Database {
        Database::create(sql::Engine::Mariadb, &self.url, crate::unique_name(prefix))
    }
}
