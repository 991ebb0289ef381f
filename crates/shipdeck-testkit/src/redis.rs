//! Redis for tests: `SHIPDECK_TEST_REDIS` (a URL) when set, else a private
//! server (`scripts/redis-instance.sh`: no persistence, 64 databases).

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use crate::instance::{self, Engine};

/// The environment variable naming a server to use instead of a private one.
pub const VAR: &str = "SHIPDECK_TEST_REDIS";

const ENGINE: Engine = Engine {
    name: "redis",
    script: "redis-instance.sh",
    keep_var: "SHIPDECK_KEEP_REDIS",
};

/// Databases 1..=63 of the private server go to tests in turn (0 is left alone).
const DATABASES: u32 = 63;

/// A Redis server.
#[derive(Debug)]
pub struct Server {
    /// `redis://127.0.0.1:PORT/0`, or the value of `SHIPDECK_TEST_REDIS`.
    pub url: String,
    /// The private server's port; `None` for `SHIPDECK_TEST_REDIS`.
    port: Option<u16>,
}

static EXTERNAL: OnceLock<Server> = OnceLock::new();
static PRIVATE: OnceLock<Result<Server, String>> = OnceLock::new();
static NEXT: AtomicU32 = AtomicU32::new(0);

/// The server for this test process: `SHIPDECK_TEST_REDIS`, else a private
/// one started on first use. Panics (in every test that asks) when it cannot start.
pub fn server() -> &'static Server {
    if let Ok(url) = std::env::var(VAR) {
        if !url.is_empty() {
            return EXTERNAL.get_or_init(|| Server { url, port: None });
        }
    }
    let started = PRIVATE.get_or_init(|| {
        instance::start(ENGINE).map(|i| Server {
            url: i.url,
            port: Some(i.port),
        })
    });
    match started {
        Ok(server) => server,
        Err(e) => panic!("the private Redis server could not start: {e}"),
    }
}

/// Keys of one test: on the private server a database of its own (emptied
/// when the value is dropped); on `SHIPDECK_TEST_REDIS` the given URL and a
/// key prefix of its own.
#[derive(Debug)]
pub struct Keyspace {
    pub url: String,
    /// `<pid>_<n>_<random>:`, for tests that name keys themselves.
    pub prefix: String,
    private: Option<(u16, u32)>,
}

impl Server {
    pub fn database(&self) -> Keyspace {
        let prefix = format!("{}:", crate::unique_name("t"));
        match self.port {
            Some(port) => {
                let index = NEXT.fetch_add(1, Ordering::Relaxed) % DATABASES + 1;
                Keyspace {
                    url: crate::with_database(&self.url, &index.to_string()),
                    prefix,
                    private: Some((port, index)),
                }
            }
            None => Keyspace {
                url: self.url.clone(),
                prefix,
                private: None,
            },
        }
    }
}

impl Drop for Keyspace {
    fn drop(&mut self) {
        if let Some((port, index)) = self.private {
            let _ = Command::new("redis-cli")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                    "-n",
                    &index.to_string(),
                    "flushdb",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}
