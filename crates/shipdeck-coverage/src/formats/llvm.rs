//! cargo-llvm-cov / `llvm-cov export` JSON (`type` =
//! `llvm.coverage.json.export`). Lines: `totals.lines` (`covered` /
//! `count`) summed over `data`; branches: `totals.branches`, null when it
//! counts none. Files carry their `summary.lines` totals (no line map:
//! llvm's segments are regions, not lines).

use serde_json::Value;

use super::uint;
use crate::error::{bad, Result};
use crate::model::{Counts, FileCov, Parsed};

pub fn parse(path: &str, v: &Value) -> Result<Parsed> {
    let mut out = Parsed::new("llvm-cov");
    let data = v["data"]
        .as_array()
        .ok_or_else(|| bad(path, "`data` is not a list"))?;
    let (mut lc, mut lt, mut bc, mut bt) = (0, 0, 0, 0);
    for d in data {
        let lines = &d["totals"]["lines"];
        lc += uint(path, lines, "covered")?;
        lt += uint(path, lines, "count")?;
        if let Some(b) = d["totals"].get("branches") {
            bc += uint(path, b, "covered")?;
            bt += uint(path, b, "count")?;
        }
        for f in d["files"].as_array().map(Vec::as_slice).unwrap_or_default() {
            let name = f["filename"]
                .as_str()
                .ok_or_else(|| bad(path, "a file without `filename`"))?;
            let l = &f["summary"]["lines"];
            let cov = FileCov {
                summary: Some((uint(path, l, "covered")?, uint(path, l, "count")?)),
                ..FileCov::default()
            };
            out.files.entry(name.to_string()).or_default().merge(&cov);
        }
    }
    out.lines = Counts::new(lc, lt);
    out.branches = (bt > 0).then(|| Counts::new(bc, bt));
    Ok(out)
}
