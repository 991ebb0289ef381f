//! Istanbul (nyc, Jest, Vitest): `coverage-final.json` and
//! `coverage-summary.json`.
//!
//! Final: lines are the distinct start lines of statements, a line covered
//! when any statement starting on it ran (Istanbul's own line count);
//! branches are the `b` arrays, one outcome per element.
//! Summary: `total.lines` and `total.branches`, per-file totals without a
//! line map.

use serde_json::Value;

use super::{line_no, uint};
use crate::error::{bad, Result};
use crate::model::{Counts, FileCov, Parsed};

pub fn parse_final(path: &str, v: &Value) -> Result<Parsed> {
    let mut out = Parsed::new("istanbul");
    let obj = v.as_object().ok_or_else(|| bad(path, "not a JSON object"))?;
    let mut any_branch = false;
    for (key, f) in obj {
        let name = f.get("path").and_then(Value::as_str).unwrap_or(key).to_string();
        any_branch |= f.get("b").is_some();
        out.files.entry(name).or_default().merge(&file(path, f)?);
    }
    let (mut lc, mut lt, mut bc, mut bt) = (0, 0, 0, 0);
    for f in out.files.values() {
        let (c, t) = f.line_counts();
        lc += c;
        lt += t;
        bt += f.branches.len() as u64;
        bc += f.branches.values().filter(|h| **h > 0).count() as u64;
    }
    out.lines = Counts::new(lc, lt);
    out.branches = any_branch.then(|| Counts::new(bc, bt));
    Ok(out)
}

fn file(path: &str, f: &Value) -> Result<FileCov> {
    let mut cov = FileCov::default();
    let map = f["statementMap"]
        .as_object()
        .ok_or_else(|| bad(path, "`statementMap` is not an object"))?;
    let hits = f["s"]
        .as_object()
        .ok_or_else(|| bad(path, "`s` is not an object"))?;
    for (id, st) in map {
        let line = st["start"]["line"]
            .as_u64()
            .ok_or_else(|| bad(path, format!("statement {id} has no start line")))?;
        let h = hits.get(id).and_then(Value::as_u64).unwrap_or(0);
        let e = cov.lines.entry(line_no(path, line)?).or_default();
        *e = (*e).max(h);
    }
    if let Some(b) = f.get("b").and_then(Value::as_object) {
        let lines = f.get("branchMap");
        for (id, arr) in b {
            let arr = arr
                .as_array()
                .ok_or_else(|| bad(path, format!("branch {id} is not a list")))?;
            let line = lines
                .and_then(|m| {
                    m[id]["loc"]["start"]["line"]
                        .as_u64()
                        .or_else(|| m[id]["line"].as_u64())
                })
                .unwrap_or(0);
            let line = line_no(path, line)?;
            for h in arr {
                cov.push_branch(line, h.as_u64().unwrap_or(0));
            }
        }
    }
    Ok(cov)
}

pub fn parse_summary(path: &str, v: &Value) -> Result<Parsed> {
    let mut out = Parsed::new("istanbul-summary");
    let total = &v["total"];
    out.lines = Counts::new(
        uint(path, &total["lines"], "covered")?,
        uint(path, &total["lines"], "total")?,
    );
    if let Some(b) = total.get("branches") {
        out.branches = Some(Counts::new(uint(path, b, "covered")?, uint(path, b, "total")?));
    }
    let obj = v.as_object().ok_or_else(|| bad(path, "not a JSON object"))?;
    for (name, f) in obj.iter().filter(|(k, _)| k.as_str() != "total") {
        let lines = &f["lines"];
        let cov = FileCov {
            summary: Some((uint(path, lines, "covered")?, uint(path, lines, "total")?)),
            ..FileCov::default()
        };
        out.files.insert(name.clone(), cov);
    }
    Ok(out)
}
