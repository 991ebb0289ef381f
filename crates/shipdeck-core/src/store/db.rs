//! One way to run the store's SQL on either engine: the user's SQLite file
//! or a team's shared PostgreSQL database. Statements are written once, in
//! the SQL both engines speak, with `$1, $2…` placeholders (sqlx binds
//! `$N` by number on SQLite too); arguments are collected as [`Arg`]s and
//! bound on the engine the store runs on.
//!
//! Column types follow PostgreSQL's strictness: integers are `BIGINT`
//! (`i64`), reals `DOUBLE PRECISION` (`f64`), flags `BOOLEAN` (`bool`;
//! SQLite keeps 0/1), so a row type decodes on both.

use std::borrow::Cow;

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::error::Result;

/// The pool of the engine the store runs on.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either engine; dropped without [`Tx::commit`],
/// it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Where a statement runs: on the pool, or inside a transaction.
pub enum Ex<'e> {
    Db(&'e Db),
    Tx(&'e mut Tx),
}

impl<'e> From<&'e Db> for Ex<'e> {
    fn from(db: &'e Db) -> Self {
        Ex::Db(db)
    }
}

impl<'e> From<&'e mut Tx> for Ex<'e> {
    fn from(tx: &'e mut Tx) -> Self {
        Ex::Tx(tx)
    }
}

impl Db {
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A bound value. `None` keeps its type: PostgreSQL needs a typed NULL.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($variant:ident: $($t:ty => $conv:expr),+ $(,)?) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(Some(($conv)(v)))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Arg {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(v.map($conv))
            }
        }
    )+};
}

arg_from!(I64: i64 => |v| v, i32 => i64::from, u32 => i64::from);
arg_from!(F64: f64 => |v| v);
arg_from!(Bool: bool => |v| v);
arg_from!(Text: String => |v| v, &str => str::to_owned, &String => String::clone);

impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Arg {
        Arg::Text(v.clone())
    }
}
arg_from!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec);

/// A statement and its arguments. Build with [`q`], bind with
/// [`Q::bind`], run with one of the `fetch`/`execute` methods.
#[must_use = "a statement does nothing until it runs"]
pub struct Q {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

pub fn q(sql: impl Into<Cow<'static, str>>) -> Q {
    Q {
        sql: sql.into(),
        args: Vec::new(),
    }
}

/// A row type that decodes from both engines' rows (derive
/// `sqlx::FromRow` with fields of the types in the module doc).
pub trait Row:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single-column value that decodes on both engines.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::I64(v) => query.bind(v),
                Arg::F64(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

/// Runs `$run` (a method of a sqlx query, e.g. `fetch_all`) with the
/// statement built by `$make` (`sqlx::query`, `sqlx::query_as`…) on the
/// engine `$ex` names.
macro_rules! run_on {
    ($self:ident, $ex:expr, $make:path, $run:ident) => {{
        let Q { sql, args } = $self;
        match $ex.into() {
            Ex::Db(Db::Sqlite(p)) => bind_all!($make(&sql), args).$run(p).await?,
            Ex::Db(Db::Postgres(p)) => bind_all!($make(&sql), args).$run(p).await?,
            Ex::Tx(Tx::Sqlite(t)) => bind_all!($make(&sql), args).$run(&mut **t).await?,
            Ex::Tx(Tx::Postgres(t)) => bind_all!($make(&sql), args).$run(&mut **t).await?,
        }
    }};
}

impl Q {
    pub fn bind(mut self, value: impl Into<Arg>) -> Q {
        self.args.push(value.into());
        self
    }

    /// Binds an argument already converted (a row copied between stores).
    pub fn bind_arg(mut self, arg: Arg) -> Q {
        self.args.push(arg);
        self
    }

    /// Runs the statement; returns the number of rows it changed.
    pub async fn execute<'e>(self, ex: impl Into<Ex<'e>>) -> Result<u64> {
        let Q { sql, args } = self;
        Ok(match ex.into() {
            Ex::Db(Db::Sqlite(p)) => bind_all!(sqlx::query(&sql), args)
                .execute(p)
                .await?
                .rows_affected(),
            Ex::Db(Db::Postgres(p)) => bind_all!(sqlx::query(&sql), args)
                .execute(p)
                .await?
                .rows_affected(),
            Ex::Tx(Tx::Sqlite(t)) => bind_all!(sqlx::query(&sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
            Ex::Tx(Tx::Postgres(t)) => bind_all!(sqlx::query(&sql), args)
                .execute(&mut **t)
                .await?
                .rows_affected(),
        })
    }

    pub async fn fetch_all<'e, T: Row>(self, ex: impl Into<Ex<'e>>) -> Result<Vec<T>> {
        Ok(run_on!(self, ex, sqlx::query_as, fetch_all))
    }

    pub async fn fetch_one<'e, T: Row>(self, ex: impl Into<Ex<'e>>) -> Result<T> {
        Ok(run_on!(self, ex, sqlx::query_as, fetch_one))
    }

    pub async fn fetch_optional<'e, T: Row>(self, ex: impl Into<Ex<'e>>) -> Result<Option<T>> {
        Ok(run_on!(self, ex, sqlx::query_as, fetch_optional))
    }

    pub async fn scalar<'e, T: Scalar>(self, ex: impl Into<Ex<'e>>) -> Result<T> {
        Ok(run_on!(self, ex, sqlx::query_scalar, fetch_one))
    }

    pub async fn scalar_optional<'e, T: Scalar>(self, ex: impl Into<Ex<'e>>) -> Result<Option<T>> {
        Ok(run_on!(self, ex, sqlx::query_scalar, fetch_optional))
    }

    pub async fn scalars<'e, T: Scalar>(self, ex: impl Into<Ex<'e>>) -> Result<Vec<T>> {
        Ok(run_on!(self, ex, sqlx::query_scalar, fetch_all))
    }
}
