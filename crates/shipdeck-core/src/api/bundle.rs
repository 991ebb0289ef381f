//! The Bundle area's actions: `bundle analyze` reads the workspace's build
//! output (a read: nothing is recorded yet; large builds take time, so it
//! runs as a job with progress and cancel).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Shipdeck;
use crate::bundle::{self, AnalyzeOptions, BundleReport};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};

fn summary(r: &BundleReport) -> String {
    let over = r.budgets.iter().filter(|b| !b.passed).count();
    format!(
        "{} build, {} routes, {over} over budget",
        r.framework,
        r.routes.len()
    )
}

impl Shipdeck {
    /// The build output found in the workspace (or under `dir`, relative to
    /// it), read into per-route sizes and held to `[bundle.budgets]`.
    pub async fn bundle_analyze(
        &self,
        path: &Path,
        dir: Option<PathBuf>,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<BundleReport> {
        let ws = self.workspace(path).await?;
        let config = ws.config_or_default()?;
        let root = ws.root.clone();
        let opts = AnalyzeOptions {
            dir: dir.or_else(|| config.bundle.dir.clone().map(PathBuf::from)),
            config: config.bundle,
        };
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::BundleAnalyze, sink, move |p| {
                let report = bundle::analyze(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: summary(&report),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}
