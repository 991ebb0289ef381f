//! Migrations: status, apply, roll back, dry run, create, lint, repair and
//! baseline, on SQLite, PostgreSQL and MariaDB/MySQL. State lives in sqlx's
//! `_sqlx_migrations` table, written exactly as sqlx writes it, so that
//! `sqlx migrate` and Shipdeck agree on the same database.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

mod applied;
mod counts;
pub mod create;
pub mod db;
pub mod error;
pub mod files;
pub mod lint;
pub mod literals;
mod plan_token;
pub mod run;
mod script;
pub mod split;
pub mod target;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use error::MigrationError;
pub use files::{read_dir, ChecksumNote, MigrationFile};

/// The database engines Shipdeck migrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    Sqlite,
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
}

impl Engine {
    /// The engine a URL points at, from its scheme.
    pub fn from_url(url: &str) -> Result<Engine, MigrationError> {
        let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" | "postgresql" => Ok(Engine::Postgres),
            "mysql" | "mariadb" => Ok(Engine::Mysql),
            _ => Err(MigrationError::UnsupportedUrl { scheme }),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MariaDB/MySQL",
        }
    }

    /// Whether DDL takes part in transactions (a failed migration leaves
    /// nothing behind).
    pub fn transactional_ddl(self) -> bool {
        !matches!(self, Engine::Mysql)
    }

    pub fn dialect(self) -> Box<dyn sqlparser::dialect::Dialect> {
        use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
        match self {
            Engine::Sqlite => Box::new(SQLiteDialect {}),
            Engine::Postgres => Box::new(PostgreSqlDialect {}),
            Engine::Mysql => Box::new(MySqlDialect {}),
        }
    }
}
