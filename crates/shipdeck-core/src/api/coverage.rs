//! The Coverage area's actions: `coverage report` reads the workspace's
//! coverage reports and holds its areas to their thresholds. It runs as a
//! job with progress and cancel, and every run that completes is recorded
//! with its commit for the history (see `coverage_history.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::coverage_history::commit_context;
use super::record::{Event, Records};
use super::Shipdeck;
use crate::coverage::{self, CoverageReport, ReportOptions};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::store::NewCoverageRun;

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
        let ws = self.registered(path).await?;
        let config = ws.config_or_default()?;
        let ctx = commit_context(&ws);
        let root = ws.root.clone();
        let opts = ReportOptions {
            files,
            areas: config.coverage.areas,
        };
        let work = move |p: &_| {
            let report = coverage::report(&root, &opts, p)?;
            Ok(JobOutput {
                summary: summary(&report),
                result: None,
                value: report,
            })
        };
        let record = |r: &Result<CoverageReport>| match r {
            Ok(report) => Records::event(Event::Coverage(Box::new(NewCoverageRun::of(ctx, report)))),
            Err(_) => Records::default(),
        };
        self.run_recorded(&ws, JobKind::CoverageReport, sink, work, record)
            .await
    }
}
