//! Reading a report: the format is decided by the content, not the name.

mod cobertura;
mod coveragepy;
mod istanbul;
mod lcov;
mod llvm;

use serde_json::Value;

use crate::error::{bad, Result};
use crate::model::Parsed;

/// Parses one report's bytes; `path` names it in errors.
pub fn parse(path: &str, bytes: &[u8]) -> Result<Parsed> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad(path, "not UTF-8 text"))?;
    let text = text.trim_start_matches('\u{feff}');
    let head = text.trim_start();
    if head.starts_with('<') {
        return cobertura::parse(path, text);
    }
    if head.starts_with('{') {
        let v: Value = serde_json::from_str(text).map_err(|e| bad(path, format!("JSON: {e}")))?;
        return parse_json(path, &v);
    }
    if lcov::looks_like(text) {
        return lcov::parse(path, text);
    }
    Err(bad(
        path,
        "not a coverage report (lcov, Cobertura XML, coverage.py JSON, Istanbul JSON, cargo-llvm-cov JSON)",
    ))
}

fn parse_json(path: &str, v: &Value) -> Result<Parsed> {
    let obj = v.as_object().ok_or_else(|| bad(path, "not a JSON object"))?;
    if obj.get("type").and_then(Value::as_str) == Some("llvm.coverage.json.export") {
        return llvm::parse(path, v);
    }
    if obj.contains_key("totals") && obj.contains_key("files") {
        return coveragepy::parse(path, v);
    }
    if obj.get("total").is_some_and(|t| t.get("lines").is_some()) {
        return istanbul::parse_summary(path, v);
    }
    if obj.values().all(|f| f.get("statementMap").is_some()) {
        return istanbul::parse_final(path, v);
    }
    Err(bad(path, "JSON of no known coverage format"))
}

/// A non-negative integer field, or a typed error naming it.
pub(crate) fn uint(path: &str, v: &Value, key: &str) -> Result<u64> {
    v.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(path, format!("`{key}` is missing or not a count")))
}

/// A line number as reports write it (1-based, bounded).
pub(crate) fn line_no(path: &str, n: u64) -> Result<u32> {
    u32::try_from(n).map_err(|_| bad(path, format!("line number {n} out of range")))
}
