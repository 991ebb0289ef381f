//! coverage.py's JSON (`coverage json`). Lines: `totals.covered_lines` /
//! `num_statements` (not `percent_covered`, which mixes in branches);
//! branches: `covered_branches` / `num_branches` when measured.

use serde_json::Value;

use super::{line_no, uint};
use crate::error::{bad, Result};
use crate::model::{Counts, FileCov, Parsed};

pub fn parse(path: &str, v: &Value) -> Result<Parsed> {
    let mut out = Parsed::new("coverage.py");
    let totals = &v["totals"];
    out.lines = Counts::new(
        uint(path, totals, "covered_lines")?,
        uint(path, totals, "num_statements")?,
    );
    let branch =
        v["meta"]["branch_coverage"].as_bool().unwrap_or(false) || totals.get("num_branches").is_some();
    if branch {
        out.branches = Some(Counts::new(
            uint(path, totals, "covered_branches")?,
            uint(path, totals, "num_branches")?,
        ));
    }
    let files = v["files"]
        .as_object()
        .ok_or_else(|| bad(path, "`files` is not an object"))?;
    for (name, f) in files {
        out.files.insert(name.clone(), file(path, f)?);
    }
    Ok(out)
}

fn file(path: &str, f: &Value) -> Result<FileCov> {
    let mut cov = FileCov::default();
    for (key, hits) in [("executed_lines", 1), ("missing_lines", 0)] {
        for l in numbers(path, &f[key], key)? {
            cov.lines.insert(line_no(path, l)?, hits);
        }
    }
    for (key, hits) in [("executed_branches", 1), ("missing_branches", 0)] {
        let Some(arcs) = f.get(key).and_then(Value::as_array) else {
            continue;
        };
        for arc in arcs {
            let from = arc.get(0).and_then(Value::as_i64).unwrap_or(0);
            let from = u32::try_from(from.max(0)).unwrap_or(0);
            cov.push_branch(from, hits);
        }
    }
    Ok(cov)
}

fn numbers(path: &str, v: &Value, key: &str) -> Result<Vec<u64>> {
    let Some(items) = v.as_array() else {
        return Err(bad(path, format!("`{key}` is not a list")));
    };
    items
        .iter()
        .map(|n| {
            n.as_u64()
                .ok_or_else(|| bad(path, format!("`{key}` holds a non-number")))
        })
        .collect()
}
