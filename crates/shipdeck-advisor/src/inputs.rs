//! What an advisor run takes from the workspace and gives back: the
//! application's queries (`[advisor] queries` globs), the checks to run,
//! and a report scrubbed of literals and secrets before anything shows or
//! stores it.

use std::path::Path;

use shipdeck_base::error::Result;
use shipdeck_base::secrets::redact;
use shipdeck_base::workspace::inside;
use shipdeck_migrations::split::split;
use shipdeck_migrations::Engine;

use crate::{catalogue, AdvisorConfig, AdvisorError, AdvisorReport, WorkspaceQuery};

const DEFAULT_QUERIES: &str = "queries/**/*.sql";

/// The workspace's queries: every statement of the `[advisor] queries`
/// files, with its file and line.
pub fn workspace_queries(root: &Path, config: &AdvisorConfig, engine: Engine) -> Vec<WorkspaceQuery> {
    let globs = config
        .queries
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_QUERIES.to_string()]);
    let mut out = Vec::new();
    for g in globs {
        let pattern = root.join(&g).display().to_string();
        let Ok(paths) = glob::glob(&pattern) else {
            tracing::warn!(glob = %g, "invalid [advisor] queries glob");
            continue;
        };
        for path in paths.flatten() {
            // `../**/*.sql` or a link out of the tree: not the workspace's.
            let Ok(path) = inside(root, "advisor.queries", &path.to_string_lossy()) else {
                tracing::warn!(glob = %g, "skipped a query file outside the workspace");
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let file = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            out.extend(split(&text, engine).into_iter().map(|s| WorkspaceQuery {
                file: file.clone(),
                line: s.line,
                sql: s.sql,
            }));
        }
    }
    out
}

/// The check ids to run: all of the engine's, or the requested ones
/// (each must exist for the engine).
pub fn checks_for(engine: Engine, requested: &[String]) -> Result<Vec<String>> {
    let all = catalogue::ids_for(engine);
    for id in requested {
        if !all.contains(&id.as_str()) {
            return Err(AdvisorError::UnknownCheck {
                id: id.clone(),
                engine: engine.label().into(),
                known: all.join(", "),
            }
            .into());
        }
    }
    Ok(if requested.is_empty() {
        all.iter().map(|s| s.to_string()).collect()
    } else {
        requested.to_vec()
    })
}

/// Literals in query texts (pg_stat_activity's, which are not normalised)
/// may hold secrets: they are replaced before anything is shown or stored.
pub fn scrub(report: &mut AdvisorReport) {
    for f in &mut report.findings {
        if let Some(q) = &f.evidence.query {
            f.evidence.query = Some(crate::predicates::mask_literals(q, report.engine));
        }
        f.message = redact(&f.message).into_owned();
    }
    for q in &mut report.metrics.queries {
        q.query = crate::predicates::mask_literals(&q.query, report.engine);
    }
}
