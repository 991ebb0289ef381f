//! The Bundle area's actions: `bundle analyze` reads the workspace's build
//! output (as a job: large builds take time; progress and cancel), records
//! its figures by commit, and compares with the run stored for a base ref;
//! `bundle history` lists the stored runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Shipdeck;
use crate::bundle::{self, AnalyzeOptions, BaseRun, BundleError, BundleReport};
use crate::charts::{self, Chart, Theme};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::store::{BundleRouteRow, BundleRun};
use crate::workspace::Workspace;

/// What the Bundle view shows: the analysis, its treemap, and the trend of
/// the whole build over the stored runs.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleView {
    pub report: BundleReport,
    pub treemap: Chart,
    pub trend: Chart,
}

/// What the Bundle view asks for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct BundleViewRequest {
    /// The build output or project folder, relative to the workspace;
    /// `null`: `[bundle] dir`, else found.
    pub dir: Option<String>,
    pub theme: Theme,
}

/// A stored run with its routes.
#[derive(Debug, Clone, Serialize)]
pub struct BundleHistoryEntry {
    #[serde(flatten)]
    pub run: BundleRun,
    pub routes: Vec<BundleRouteRow>,
}

fn summary(r: &BundleReport) -> String {
    let over = r.budgets.iter().filter(|b| !b.passed).count();
    format!(
        "{} build, {} routes, {over} over budget",
        r.framework,
        r.routes.len()
    )
}

/// `reference`'s commit in the workspace's repository.
fn resolve(ws: &Workspace, reference: &str) -> Result<String> {
    let repo = ws.repo()?;
    let obj = repo.revparse_single(reference).map_err(|_| Error::InvalidInput {
        field: "base",
        reason: format!("{reference:?} is not a commit, branch or tag of this repository"),
    })?;
    let id = obj.peel_to_commit()?.id();
    Ok(id.to_string())
}

/// `bundle analyze`'s options: `dir`, else `[bundle] dir`, else found;
/// held to `[bundle.budgets]`.
pub(super) fn analyze_options(config: &Config, dir: Option<PathBuf>) -> AnalyzeOptions {
    AnalyzeOptions {
        dir: dir.or_else(|| config.bundle.dir.clone().map(PathBuf::from)),
        config: config.bundle.clone(),
    }
}

impl Shipdeck {
    /// The build output found in the workspace (or under `dir`, relative to
    /// it), read into per-route sizes, held to `[bundle.budgets]`, recorded
    /// by commit, and compared with the run stored for `base` when given.
    pub async fn bundle_analyze(
        &self,
        path: &Path,
        dir: Option<PathBuf>,
        base: Option<String>,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<BundleReport> {
        let ws = self.registered(path).await?;
        let config = ws.config_or_default()?;
        let base = match base {
            Some(r) => Some(self.bundle_base(&ws, &r).await?),
            None => None,
        };
        let root = ws.root.clone();
        let opts = analyze_options(&config, dir);
        let mut report = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::BundleAnalyze, sink, move |p| {
                let report = bundle::analyze(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: summary(&report),
                    result: None,
                    value: report,
                })
            })
            .await?;
        let ctx = super::benchmarks::context(&ws);
        if let Err(e) = self.store_ref().bundle_run_save(&ws.id, &ctx, &report).await {
            tracing::warn!(error = %e.payload().message, "bundle run not recorded");
        }
        if let Some(b) = base {
            report.base = Some(bundle::diff(&b, &report));
        }
        Ok(report)
    }

    /// The stored run at `reference`'s commit, or `bundle.no_base_run`.
    async fn bundle_base(&self, ws: &Workspace, reference: &str) -> Result<BaseRun> {
        let commit = resolve(ws, reference)?;
        let Some(run) = self.store_ref().bundle_run_at(&ws.id, &commit).await? else {
            return Err(BundleError::NoBaseRun {
                reference: reference.to_string(),
                commit,
            }
            .into());
        };
        let routes = self.store_ref().bundle_routes(run.id).await?;
        Ok(BaseRun {
            reference: reference.to_string(),
            commit,
            recorded_at: run.recorded_at,
            routes: routes.into_iter().map(|r| (r.route, r.figures)).collect(),
            shared_gzip_bytes: u64::try_from(run.shared_gzip_bytes).unwrap_or(0),
        })
    }

    /// First Load JS (gzip, kB) of `route` over the stored runs, oldest
    /// first, release tags marked; without a route, every chunk's gzip
    /// total. Runs without the route are left out.
    pub async fn bundle_trend_chart(&self, path: &Path, route: Option<&str>, theme: Theme) -> Result<Chart> {
        let history = self.bundle_history(path, 500).await?;
        let points: Vec<(i64, f64, Vec<String>)> = history
            .iter()
            .rev()
            .filter_map(|h| {
                let bytes = match route {
                    Some(r) => {
                        h.routes
                            .iter()
                            .find(|x| x.route == r)?
                            .figures
                            .first_load_js_gzip_bytes
                    }
                    None => u64::try_from(h.run.total_gzip_bytes).unwrap_or(0),
                };
                let tags: Vec<String> = serde_json::from_str(&h.run.tags).unwrap_or_default();
                Some((h.run.recorded_at, bytes as f64 / 1000.0, tags))
            })
            .collect();
        let label = match route {
            Some(r) => format!("First Load JS of {r} (gzip)"),
            None => "All chunks (gzip)".to_string(),
        };
        charts::bundle_over_time(&label, &points, theme)
    }

    /// [`Shipdeck::bundle_analyze`] with the charts the view draws.
    pub async fn bundle_view(
        &self,
        path: &Path,
        dir: Option<PathBuf>,
        theme: Theme,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<BundleView> {
        let report = self.bundle_analyze(path, dir, None, sink).await?;
        let treemap = charts::bundle_treemap(&report, theme)?;
        let trend = self.bundle_trend_chart(path, None, theme).await?;
        Ok(BundleView {
            report,
            treemap,
            trend,
        })
    }

    /// Stored analyses with their routes, newest first.
    pub async fn bundle_history(&self, path: &Path, limit: i64) -> Result<Vec<BundleHistoryEntry>> {
        let ws = self.workspace(path).await?;
        let mut out = Vec::new();
        for run in self.store_ref().bundle_runs(&ws.id, limit).await? {
            let routes = self.store_ref().bundle_routes(run.id).await?;
            out.push(BundleHistoryEntry { run, routes });
        }
        Ok(out)
    }
}
