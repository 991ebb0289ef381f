//! Bundle analyses: one row per `bundle analyze` run, keyed by commit, and
//! its figures per route.

use serde::Serialize;

use super::{now_ms, q, RunContext, Store};
use crate::bundle::{BundleReport, RouteFigures};
use crate::error::Result;

/// Packages kept per stored run.
const STORED_PACKAGES: usize = 20;

/// A stored analysis.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BundleRun {
    pub id: i64,
    /// Unix milliseconds.
    pub recorded_at: i64,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    /// JSON array of the tags pointing at the commit.
    pub tags: String,
    pub framework: String,
    pub version: Option<String>,
    pub dir: String,
    pub passed: bool,
    pub total_bytes: i64,
    pub total_gzip_bytes: i64,
    pub shared_bytes: i64,
    pub shared_gzip_bytes: i64,
    /// JSON array of `{name, bytes}`, largest first.
    pub packages: String,
}

/// A stored route's figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BundleRouteRow {
    pub route: String,
    pub router: String,
    #[serde(flatten)]
    pub figures: RouteFigures,
}

type RouteRow = (String, String, i64, i64, i64, i64);

fn u(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

const RUN_COLUMNS: &str = "id, recorded_at, commit_sha, branch, tags, framework, version, dir, passed, total_bytes, total_gzip_bytes, shared_bytes, shared_gzip_bytes, packages";

impl Store {
    /// Records an analysis and its routes.
    pub async fn bundle_run_save(
        &self,
        workspace_id: &str,
        ctx: &RunContext,
        r: &BundleReport,
    ) -> Result<i64> {
        let mut tx = self.db().await?.begin().await?;
        let packages: Vec<_> = r
            .packages
            .iter()
            .take(STORED_PACKAGES)
            .map(|p| serde_json::json!({"name": p.name, "bytes": p.bytes}))
            .collect();
        let (id,): (i64,) = q(
            "INSERT INTO bundle_runs (workspace_id, recorded_at, commit_sha, branch, tags, framework, version, dir, passed,
                                      total_bytes, total_gzip_bytes, shared_bytes, shared_gzip_bytes, packages)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(&ctx.commit_sha)
        .bind(&ctx.branch)
        .bind(serde_json::to_string(&ctx.tags).unwrap_or_else(|_| "[]".into()))
        .bind(&r.framework)
        .bind(&r.version)
        .bind(&r.dir)
        .bind(r.passed)
        .bind(i(r.chunks.iter().map(|c| c.bytes).sum()))
        .bind(i(r.chunks.iter().map(|c| c.gzip_bytes).sum()))
        .bind(i(r.shared.bytes))
        .bind(i(r.shared.gzip_bytes))
        .bind(serde_json::Value::Array(packages).to_string())
        .fetch_one(&mut tx)
        .await?;
        for route in &r.routes {
            q(
                "INSERT INTO bundle_routes (run_id, route, router, first_load_js_bytes, first_load_js_gzip_bytes, size_bytes, size_gzip_bytes)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (run_id, route) DO UPDATE SET router = excluded.router,
                     first_load_js_bytes = excluded.first_load_js_bytes,
                     first_load_js_gzip_bytes = excluded.first_load_js_gzip_bytes,
                     size_bytes = excluded.size_bytes, size_gzip_bytes = excluded.size_gzip_bytes",
            )
            .bind(id)
            .bind(&route.route)
            .bind(&route.router)
            .bind(i(route.first_load_js_bytes))
            .bind(i(route.first_load_js_gzip_bytes))
            .bind(i(route.size_bytes))
            .bind(i(route.size_gzip_bytes))
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Newest first.
    pub async fn bundle_runs(&self, workspace_id: &str, limit: i64) -> Result<Vec<BundleRun>> {
        q(format!(
            "SELECT {RUN_COLUMNS} FROM bundle_runs WHERE workspace_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT $2"
        ))
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await
    }

    /// The newest run at `commit`.
    pub async fn bundle_run_at(&self, workspace_id: &str, commit: &str) -> Result<Option<BundleRun>> {
        q(format!(
            "SELECT {RUN_COLUMNS} FROM bundle_runs WHERE workspace_id = $1 AND commit_sha = $2 ORDER BY recorded_at DESC, id DESC LIMIT 1"
        ))
        .bind(workspace_id)
        .bind(commit)
        .fetch_optional(self.db().await?)
        .await
    }

    /// A run's routes, by name.
    pub async fn bundle_routes(&self, run_id: i64) -> Result<Vec<BundleRouteRow>> {
        let rows: Vec<RouteRow> = q(
            "SELECT route, router, first_load_js_bytes, first_load_js_gzip_bytes, size_bytes, size_gzip_bytes
             FROM bundle_routes WHERE run_id = $1 ORDER BY route",
        )
        .bind(run_id)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(route, router, a, b, c, d)| BundleRouteRow {
                route,
                router,
                figures: RouteFigures {
                    first_load_js_bytes: u(a),
                    first_load_js_gzip_bytes: u(b),
                    size_bytes: u(c),
                    size_gzip_bytes: u(d),
                },
            })
            .collect())
    }
}
