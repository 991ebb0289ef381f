//! The Coverage area's actions: `coverage report` reads the workspace's
//! coverage reports and holds its areas to their thresholds (a read:
//! nothing is recorded, but a large workspace takes time, so it runs as a
//! job with progress and cancel).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Shipdeck;
use crate::coverage::{self, CoverageReport, ReportOptions};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};

fn summary(r: &CoverageReport) -> String {
    let failed = r.areas.iter().filter(|a| !a.passed).count();
    format!(
        "{} reports, {failed} of {} areas under threshold",
        r.reports.len(),
        r.areas.len()
    )
}

impl Shipdeck {
    /// Every coverage report found in the workspace (or each of `files`,
    /// relative to it) and each area against its threshold.
    pub async fn coverage_report(
        &self,
        path: &Path,
        files: Vec<PathBuf>,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<CoverageReport> {
        let ws = self.workspace(path).await?;
        let config = ws.config_or_default()?;
        let root = ws.root.clone();
        let opts = ReportOptions {
            files,
            areas: config.coverage.areas,
        };
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::CoverageReport, sink, move |p| {
                let report = coverage::report(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: summary(&report),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}
