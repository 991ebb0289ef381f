//! Rows read and written without a row type: column names and values from
//! sqlx rows as JSON, and JSON values bound by the target column's type
//! (PostgreSQL wants a bool for a BOOLEAN, an i64 for a BIGINT and a typed
//! NULL).

use base64::Engine as _;
use serde_json::{Map, Value};
use sqlx::{Column, Row as _, TypeInfo, ValueRef};

use super::spec::TableSpec;
use super::StoreError;
use crate::error::Result;
use crate::store::db::{Arg, Db};

/// One row: column name → value.
pub type JsonRow = Map<String, Value>;

/// The largest single value a copy accepts (a text or bytes column).
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Int,
    Float,
    Bool,
    Text,
    Bytes,
}

/// The columns of `table` in the store, with the type a value is bound as.
/// Flags are typed by the spec: SQLite declares them INTEGER.
pub async fn columns(db: &Db, spec: &TableSpec) -> Result<Vec<(String, ColType)>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p) => {
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(spec.name)
                .fetch_all(p)
                .await?
        }
        Db::Postgres(p) => {
            sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(spec.name)
            .fetch_all(p)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(name, declared)| {
            let ty = if spec.is_bool(&name) {
                ColType::Bool
            } else {
                declared_type(&declared)
            };
            (name, ty)
        })
        .collect())
}

fn declared_type(declared: &str) -> ColType {
    let d = declared.to_ascii_uppercase();
    if d.contains("BOOL") {
        ColType::Bool
    } else if d.contains("INT") {
        ColType::Int
    } else if d.contains("REAL") || d.contains("DOUB") || d.contains("FLOA") || d.contains("NUMERIC") {
        ColType::Float
    } else if d.contains("BLOB") || d.contains("BYTEA") {
        ColType::Bytes
    } else {
        ColType::Text
    }
}

/// A page of `spec`'s rows in key order.
pub async fn read_page(
    db: &Db,
    spec: &TableSpec,
    columns: &[(String, ColType)],
    offset: u64,
    limit: u64,
) -> Result<Vec<JsonRow>> {
    let list = columns
        .iter()
        .map(|(c, _)| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    let order = spec
        .order_by()
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {list} FROM {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        quote(spec.name)
    );
    let mut out = Vec::new();
    match db {
        Db::Sqlite(p) => {
            for row in sqlx::query(&sql).fetch_all(p).await? {
                let mut json = JsonRow::new();
                for (i, (name, ty)) in columns.iter().enumerate() {
                    json.insert(name.clone(), sqlite_value(&row, i, *ty)?);
                }
                out.push(json);
            }
        }
        Db::Postgres(p) => {
            for row in sqlx::query(&sql).fetch_all(p).await? {
                let mut json = JsonRow::new();
                for (i, (name, _)) in columns.iter().enumerate() {
                    json.insert(name.clone(), postgres_value(&row, i)?);
                }
                out.push(json);
            }
        }
    }
    Ok(out)
}

/// A SQLite value by its storage class; an integer in a flag column is a
/// bool.
fn sqlite_value(row: &sqlx::sqlite::SqliteRow, i: usize, ty: ColType) -> Result<Value> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let class = raw.type_info().name().to_string();
    Ok(match class.as_str() {
        "INTEGER" | "BOOLEAN" => {
            let v: i64 = row.try_get(i)?;
            if ty == ColType::Bool {
                Value::Bool(v != 0)
            } else {
                Value::from(v)
            }
        }
        "REAL" => float(row.try_get(i)?),
        "BLOB" => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(row.try_get::<Vec<u8>, _>(i)?))
        }
        _ => Value::String(row.try_get(i)?),
    })
}

/// A PostgreSQL value by its column's type.
fn postgres_value(row: &sqlx::postgres::PgRow, i: usize) -> Result<Value> {
    let ty = row.column(i).type_info().name().to_string();
    Ok(match ty.as_str() {
        "INT8" => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
        "INT4" => row.try_get::<Option<i32>, _>(i)?.map_or(Value::Null, Value::from),
        "BOOL" => row
            .try_get::<Option<bool>, _>(i)?
            .map_or(Value::Null, Value::Bool),
        "FLOAT8" => row.try_get::<Option<f64>, _>(i)?.map_or(Value::Null, float),
        "BYTEA" => row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, |b| {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }),
        _ => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::String),
    })
}

/// JSON has no NaN or infinity: they are kept as null.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// `value` as an argument of a column of type `ty`, or why it cannot be.
pub fn to_arg(table: &str, column: &str, ty: ColType, value: &Value) -> Result<Arg, StoreError> {
    let bad = |what: &str| StoreError::BadExport {
        reason: format!("{table}.{column}: {what}, not {}", kind_of(value)),
    };
    if let Value::String(s) = value {
        if s.len() > MAX_VALUE_BYTES {
            return Err(StoreError::ValueTooLarge {
                table: table.to_string(),
                column: column.to_string(),
                bytes: s.len(),
            });
        }
    }
    Ok(match (ty, value) {
        (ColType::Int, Value::Null) => Arg::I64(None),
        (ColType::Float, Value::Null) => Arg::F64(None),
        (ColType::Bool, Value::Null) => Arg::Bool(None),
        (ColType::Text, Value::Null) => Arg::Text(None),
        (ColType::Bytes, Value::Null) => Arg::Bytes(None),
        (ColType::Int, Value::Number(n)) => Arg::I64(Some(n.as_i64().ok_or_else(|| bad("an integer"))?)),
        (ColType::Int, Value::Bool(b)) => Arg::I64(Some(i64::from(*b))),
        (ColType::Int, _) => return Err(bad("an integer")),
        (ColType::Float, Value::Number(n)) => Arg::F64(Some(n.as_f64().ok_or_else(|| bad("a number"))?)),
        (ColType::Float, _) => return Err(bad("a number")),
        (ColType::Bool, Value::Bool(b)) => Arg::Bool(Some(*b)),
        (ColType::Bool, Value::Number(n)) if matches!(n.as_i64(), Some(0 | 1)) => {
            Arg::Bool(Some(n.as_i64() == Some(1)))
        }
        (ColType::Bool, _) => return Err(bad("true or false")),
        (ColType::Text, Value::String(s)) => Arg::Text(Some(s.clone())),
        (ColType::Text, _) => return Err(bad("a string")),
        (ColType::Bytes, Value::String(s)) => Arg::Bytes(Some(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|_| bad("base64 bytes"))?,
        )),
        (ColType::Bytes, _) => return Err(bad("base64 bytes")),
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A key value as text (`store_imports` keeps keys as TEXT).
pub fn key_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An identifier in double quotes. Only names from the spec or from the
/// target's own column list reach SQL, never a name read from an export.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
