//! The Coverage area's history and view: the runs `coverage report`
//! recorded, newest first; an area's trend chart (threshold drawn, release
//! tags annotated); the report with its per-file table for the app; and a
//! source file of the workspace for the source viewer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::charts::{Chart, Theme};
use crate::coverage::source::{read_source, SourceText};
use crate::coverage::{file_rows, CoverageReport, FileRow};
use crate::error::{Error, Result};
use crate::jobs::ProgressSink;
use crate::store::{CoverageRun, MAX_COVERAGE_RUNS};

/// `coverage report` with its per-file table: what the Coverage view shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CoverageView {
    pub report: CoverageReport,
    /// Every source file of the reports, most uncovered lines first.
    pub files: Vec<FileRow>,
}

/// `#12 v1.4.0`, or `#12 5e0c72a` off a release: runs read within one
/// second still get a row each.
fn run_label(run: &CoverageRun) -> String {
    let name = run
        .tags
        .first()
        .map(String::as_str)
        .or(run.commit_sha.as_deref().map(|s| &s[..s.len().min(7)]));
    match name {
        Some(n) => format!("#{} {n}", run.id),
        None => format!("#{}", run.id),
    }
}

impl Shipdeck {
    /// Runs `coverage report` (recorded like the CLI's) and adds the file table.
    pub async fn coverage_view(
        &self,
        path: &Path,
        files: Vec<PathBuf>,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<CoverageView> {
        let report = self.coverage_report(path, files, sink).await?;
        let files = file_rows(&report.files);
        Ok(CoverageView { report, files })
    }

    /// The recorded runs, newest first (at most `limit`); with `area`, only
    /// the runs that measured it, each carrying that area alone.
    pub async fn coverage_history(
        &self,
        path: &Path,
        area: Option<&str>,
        limit: i64,
    ) -> Result<Vec<CoverageRun>> {
        let ws = self.workspace(path).await?;
        let runs = self
            .store_ref()
            .coverage_runs(&ws.id, limit.clamp(1, MAX_COVERAGE_RUNS))
            .await?;
        let Some(area) = area else { return Ok(runs) };
        Ok(runs
            .into_iter()
            .filter_map(|mut run| {
                run.areas.retain(|a| a.name == area);
                (!run.areas.is_empty()).then_some(run)
            })
            .collect())
    }

    /// An area's line coverage over the recorded runs, with its threshold
    /// and the release tags of the runs.
    pub async fn coverage_chart(&self, path: &Path, area: &str, theme: Theme) -> Result<Chart> {
        let runs = self.coverage_history(path, Some(area), MAX_COVERAGE_RUNS).await?;
        if runs.is_empty() {
            return Err(Error::InvalidInput {
                field: "area",
                reason: format!("no recorded coverage run measured the area {area:?}"),
            });
        }
        let points: Vec<_> = runs
            .iter()
            .rev()
            .map(|r| shipdeck_charts::CoveragePoint {
                label: run_label(r),
                at: r.at,
                pct: r.areas[0].lines_pct,
                threshold: r.areas[0].threshold,
                tags: r.tags.clone(),
            })
            .collect();
        shipdeck_charts::coverage_over_time(area, &points, theme).map_err(Error::area)
    }

    /// A text file of the workspace (relative to it), for the source viewer.
    pub async fn coverage_source(&self, path: &Path, file: &str) -> Result<SourceText> {
        let ws = self.workspace(path).await?;
        read_source(&ws.root, file)
    }
}
