//! Areas: globs over workspace-relative paths, each with a line-coverage
//! threshold. Without `[coverage.areas]`, `backend` (70) holds the source
//! files of server-side languages and `frontend` (50) those of the web.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use shipdeck_base::config::CoverageArea;
use ts_rs::TS;

use crate::error::{CoverageError, Result};
use crate::model::{pct, FileCov};

/// Source extensions of the default `backend` area.
pub const BACKEND_EXTENSIONS: &[&str] = &[
    "rs", "py", "go", "java", "kt", "kts", "scala", "groovy", "rb", "php", "cs", "fs", "vb", "c", "h", "cc",
    "cpp", "cxx", "hpp", "hh", "m", "mm", "swift", "ex", "exs", "erl", "clj", "hs", "ml", "dart", "lua",
    "pl", "r", "zig",
];
/// Source extensions of the default `frontend` area.
pub const FRONTEND_EXTENSIONS: &[&str] = &[
    "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "svelte", "vue", "astro", "css", "scss", "sass",
    "less", "html",
];

/// One area's result.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AreaResult {
    pub name: String,
    pub globs: Vec<String>,
    pub lines_pct: f64,
    pub threshold: f64,
    pub passed: bool,
    pub lines_covered: u64,
    pub lines_total: u64,
}

/// The configured areas, or the two defaults.
pub fn configured(config: &BTreeMap<String, CoverageArea>) -> BTreeMap<String, CoverageArea> {
    if !config.is_empty() {
        return config.clone();
    }
    let area = |exts: &[&str], threshold| CoverageArea {
        globs: exts.iter().map(|e| format!("**/*.{e}")).collect(),
        threshold,
    };
    BTreeMap::from([
        ("backend".to_string(), area(BACKEND_EXTENSIONS, 70.0)),
        ("frontend".to_string(), area(FRONTEND_EXTENSIONS, 50.0)),
    ])
}

fn globset(name: &str, globs: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| CoverageError::BadConfig {
            area: name.to_string(),
            message: e.to_string(),
        })?);
    }
    b.build().map_err(|e| CoverageError::BadConfig {
        area: name.to_string(),
        message: e.to_string(),
    })
}

/// Each area's line coverage over the merged files. An area passes when
/// its exact ratio is at or above its threshold; an empty one passes.
pub fn evaluate(
    areas: &BTreeMap<String, CoverageArea>,
    files: &BTreeMap<String, FileCov>,
) -> Result<Vec<AreaResult>> {
    let mut out = Vec::new();
    for (name, a) in areas {
        let set = globset(name, &a.globs)?;
        let (mut covered, mut total) = (0u64, 0u64);
        for (_, f) in files.iter().filter(|(p, _)| set.is_match(p)) {
            let (c, t) = f.line_counts();
            covered += c;
            total += t;
        }
        let passed = total == 0 || covered as f64 * 100.0 >= a.threshold * total as f64;
        out.push(AreaResult {
            name: name.clone(),
            globs: a.globs.clone(),
            lines_pct: pct(covered, total),
            threshold: a.threshold,
            passed,
            lines_covered: covered,
            lines_total: total,
        });
    }
    Ok(out)
}
