//! The Coverage area's actions: `coverage report` reads the workspace's
//! coverage reports and holds its areas to their thresholds (every run that
//! completes is recorded with its commit for the history, see
//! `coverage_history.rs`); `coverage patch` measures the lines a branch
//! changes since its merge base (a read: nothing is recorded). Both run as
//! jobs with progress and cancel.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::commit_context;
use super::record::{Event, Records};
use super::Shipdeck;
use crate::config::Config;
use crate::coverage::{self, CoverageReport, PatchOptions, PatchReport, ReportOptions};
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

/// `coverage report`'s options: `files` (none: every report found) against
/// `[coverage.areas]`.
pub(super) fn report_options(config: &Config, files: Vec<PathBuf>) -> ReportOptions {
    ReportOptions {
        files,
        areas: config.coverage.areas.clone(),
    }
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
        let opts = report_options(&config, files);
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

    /// Patch coverage of HEAD against `opts.base`: the changed lines the
    /// coverage reports measure, and how many ran.
    pub async fn coverage_patch(
        &self,
        path: &Path,
        opts: PatchOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<PatchReport> {
        let ws = self.workspace(path).await?;
        let root = ws.root.clone();
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::CoveragePatch, sink, move |p| {
                let report = coverage::patch(&root, &opts, p)?;
                Ok(JobOutput {
                    summary: format!(
                        "{} of {} changed lines covered ({:.2}%)",
                        report.patch.covered, report.patch.total, report.patch.pct
                    ),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}
