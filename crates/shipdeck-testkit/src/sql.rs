//! A database of its own on a PostgreSQL or MariaDB server, for one test.

use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::{AnyConnection, Connection, Row};

use crate::block_on;

/// Runs `$body` with `$c` bound to a new connection of the URL's engine
/// (PostgreSQL or MySQL/MariaDB): the typed drivers decode every column type,
/// where sqlx's `Any` driver rejects some (numeric, void).
macro_rules! on_connection {
    ($url:expr, |$c:ident| $body:expr) => {{
        let url: &str = $url;
        if url.starts_with("postgres") {
            let mut $c = PgConnection::connect(url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
            let out = $body;
            let _ = $c.close().await;
            out
        } else {
            let mut $c = MySqlConnection::connect(url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
            let out = $body;
            let _ = $c.close().await;
            out
        }
    }};
}

/// Which SQL server a [`Database`] lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    Mariadb,
}

/// A database created for one test and dropped (with `DROP DATABASE`) when
/// the value is dropped, also when the test panics.
#[derive(Debug)]
pub struct Database {
    pub engine: Engine,
    /// The URL of the database (same user and host as the server's URL).
    pub url: String,
    pub name: String,
    admin: String,
}

impl Database {
    /// Creates `name` on the server whose administrator URL is `admin`.
    pub(crate) fn create(engine: Engine, admin: &str, name: String) -> Database {
        let sql = match engine {
            Engine::Postgres => format!("CREATE DATABASE \"{name}\""),
            Engine::Mariadb => format!("CREATE DATABASE `{name}`"),
        };
        exec_on(admin, &sql);
        Database {
            engine,
            url: crate::with_database(admin, &name),
            name,
            admin: admin.to_string(),
        }
    }

    /// Runs one or more statements (simple query protocol) on a new connection.
    pub fn exec(&self, sql: &str) {
        exec_on(&self.url, sql);
    }

    /// The first column of the first row as i64 (0 without rows); the value
    /// must be a bigint (cast counts and sums with `::bigint` on PostgreSQL).
    pub fn scalar(&self, sql: &str) -> i64 {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(move || async move {
            on_connection!(&url, |c| {
                let row = sqlx::query(&sql)
                    .fetch_optional(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                row.map(|r| r.try_get::<i64, _>(0).unwrap_or_else(|e| panic!("{sql}: {e}")))
                    .unwrap_or(0)
            })
        })
    }

    /// The first column of every row as text (cast it with `::text` on PostgreSQL).
    pub fn texts(&self, sql: &str) -> Vec<String> {
        let (url, sql) = (self.url.clone(), sql.to_string());
        block_on(move || async move {
            on_connection!(&url, |c| {
                sqlx::query(&sql)
                    .fetch_all(&mut c)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|r| r.try_get::<String, _>(0).unwrap_or_else(|e| panic!("{sql}: {e}")))
                    .collect::<Vec<String>>()
            })
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let sql = match self.engine {
            Engine::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
            Engine::Mariadb => format!("DROP DATABASE IF EXISTS `{}`", self.name),
        };
        let admin = self.admin.clone();
        if std::panic::catch_unwind(move || exec_on(&admin, &sql)).is_err() {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// A new connection of the URL's engine through sqlx's `Any` driver (which
/// decodes integers and text, not every type); panics with the URL when the
/// server does not answer.
pub async fn connect(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

/// Runs `sql` (simple query protocol, several statements allowed) on a new
/// connection to `url`.
pub fn exec_on(url: &str, sql: &str) {
    let (url, sql) = (url.to_string(), sql.to_string());
    block_on(move || async move {
        on_connection!(&url, |c| {
            sqlx::raw_sql(&sql)
                .execute(&mut c)
                .await
                .map(|_| ())
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        });
    });
}
