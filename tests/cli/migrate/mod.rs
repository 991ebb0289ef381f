//! `shipdeck migrate` against real SQLite files, PostgreSQL and MariaDB (the
//! test kit's servers). Every test creates its own database and drops it afterwards.

mod checksums;
mod commands;
mod engines;
mod expect;
mod interop;
mod safety;
mod secrets;

use std::path::Path;
use std::process::Output;

use sqlx::{Connection, Row};

use crate::util::{assert_code, text, Env, Repo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    Mariadb,
}

/// A database of its own for one test, dropped when the test ends: a SQLite
/// file in a temporary folder, or a database on the test kit's PostgreSQL or
/// MariaDB server (`SHIPDECK_TEST_POSTGRES` / `SHIPDECK_TEST_MARIADB`, else a
/// private server of this test process).
pub struct TestDb {
    pub kind: Kind,
    pub url: String,
    _server: Option<shipdeck_testkit::Database>,
    _dir: Option<tempfile::TempDir>,
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

impl TestDb {
    pub fn new(kind: Kind) -> TestDb {
        let server = match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("app.db").display());
                return TestDb {
                    kind,
                    url,
                    _server: None,
                    _dir: Some(dir),
                };
            }
            Kind::Postgres => shipdeck_testkit::postgres::server().database("shipdeck_t"),
            Kind::Mariadb => shipdeck_testkit::mariadb::server().database("shipdeck_t"),
        };
        TestDb {
            kind,
            url: server.url.clone(),
            _server: Some(server),
            _dir: None,
        }
    }

    pub fn sqlite_file(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(self.url.strip_prefix("sqlite://").unwrap())
    }

    pub fn exec(&self, sql: &str) {
        exec_on(&self.url, sql);
    }

    /// The first column of the first row, as i64 (0 without rows).
    pub fn scalar(&self, sql: &str) -> i64 {
        let url = self.url.clone();
        let sql = sql.to_string();
        rt().block_on(async move {
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            let row = sqlx::query(&sql).fetch_optional(&mut c).await.unwrap();
            row.map(|r| r.try_get::<i64, _>(0).unwrap()).unwrap_or(0)
        })
    }

    /// Whether a table exists.
    pub fn has_table(&self, table: &str) -> bool {
        let sql = match self.kind {
            Kind::Sqlite => format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
            Kind::Postgres => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'"),
            Kind::Mariadb => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"),
        };
        self.scalar(&sql) > 0
    }

    /// Rows of `_sqlx_migrations` as (version, success).
    pub fn rows(&self) -> Vec<(i64, bool)> {
        let url = self.url.clone();
        rt().block_on(async move {
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
            match sqlx::query(
                "SELECT version, CASE WHEN success THEN 1 ELSE 0 END FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&mut c)
            .await
            {
                Ok(rows) => rows
                    .iter()
                    .map(|r| {
                        (
                            r.try_get::<i64, _>(0).unwrap(),
                            r.try_get::<i64, _>(1).unwrap() != 0,
                        )
                    })
                    .collect(),
                Err(_) => Vec::new(),
            }
        })
    }
}

fn exec_on(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    rt().block_on(async move {
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
        sqlx::raw_sql(&sql)
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// A workspace (git repository) with a `[databases.main]` whose URL comes
/// from `$APP_DB_URL`, and a private data folder.
pub struct Ws {
    pub env: Env,
    pub repo: Repo,
    pub db: TestDb,
}

impl Ws {
    pub fn new(kind: Kind) -> Ws {
        let env = Env::new();
        let repo = Repo::init(&env.path("app"));
        repo.write(
            "shipdeck.toml",
            "[databases.main]\nurl = \"env:APP_DB_URL\"\nmigrations = \"db/migrations\"\n",
        );
        std::fs::create_dir_all(repo.root.join("db/migrations")).unwrap();
        Ws {
            env,
            repo,
            db: TestDb::new(kind),
        }
    }

    pub fn root(&self) -> &Path {
        &self.repo.root
    }

    /// Writes `db/migrations/<name>`.
    pub fn migration(&self, name: &str, sql: &str) {
        self.repo.write(&format!("db/migrations/{name}"), sql);
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut full = vec!["-C", self.repo.root.to_str().unwrap(), "migrate"];
        full.extend_from_slice(args);
        self.env
            .cmd()
            .args(&full)
            .env("APP_DB_URL", &self.db.url)
            .env("USER", "dba")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs with `--json`, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let mut full = args.to_vec();
        full.push("--json");
        let out = self.run(&full);
        assert_code(&out, code);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out.stdout)))
    }

    pub fn status(&self) -> serde_json::Value {
        self.json(&["status"], 0)
    }

    /// (version, applied, dirty, checksum) of every row of `status`.
    pub fn table(&self) -> Vec<(i64, bool, bool, String)> {
        self.status()["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["version"].as_i64().unwrap(),
                    m["applied"].as_bool().unwrap(),
                    m["dirty"].as_bool().unwrap(),
                    m["checksum"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    pub fn applied(&self) -> Vec<i64> {
        self.table().into_iter().filter(|r| r.1).map(|r| r.0).collect()
    }

    /// The audit log of this workspace, as JSON entries.
    pub fn audit(&self) -> Vec<serde_json::Value> {
        let out = self.env.run(&[
            "-C",
            self.repo.root.to_str().unwrap(),
            "activity",
            "--audit",
            "--json",
        ]);
        assert_code(&out, 0);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["audit"].as_array().unwrap().clone()
    }
}

/// Three reversible migrations that build `users`, `projects` and an index.
pub fn three_migrations(ws: &Ws) {
    ws.migration("1_users.up.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL);\nINSERT INTO users VALUES (1, 'a@example.com');\n");
    ws.migration("1_users.down.sql", "DROP TABLE users;\n");
    ws.migration(
        "2_projects.up.sql",
        "CREATE TABLE projects (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL);\n",
    );
    ws.migration("2_projects.down.sql", "DROP TABLE projects;\n");
    ws.migration(
        "3_index_owner.up.sql",
        "CREATE INDEX projects_owner ON projects (owner);\n",
    );
    let drop = if ws.db.kind == Kind::Mariadb {
        "DROP INDEX projects_owner ON projects;\n"
    } else {
        "DROP INDEX projects_owner;\n"
    };
    ws.migration("3_index_owner.down.sql", drop);
}

/// The error code of a failed `--json` run.
pub fn error_code(ws: &Ws, args: &[&str]) -> (String, String) {
    let v = ws.json(args, 1);
    (
        v["code"].as_str().unwrap().to_string(),
        v["message"].as_str().unwrap().to_string(),
    )
}
