//! The report of a gate run: the run's checks, details and changelog, and
//! the charts a release manager hands over with it — each benchmark
//! metric over the releases, each coverage area's trend, the environment
//! parity heat map — as one self-contained HTML file, or that page as PDF.

use std::path::{Path, PathBuf};

use super::{ReadinessReportFormat, Shipdeck};
use crate::charts::{Chart, Theme};
use crate::error::Result;
use crate::readiness::report::{self, ReportInput};
use crate::readiness::{ReadinessError, ReadinessRun};
use crate::secrets::redact;

/// At most this many charts of each kind: the report stays readable.
const CHARTS_PER_KIND: usize = 4;

impl Shipdeck {
    /// The charts of the report; a chart whose data is missing is left out.
    async fn report_charts(&self, path: &Path) -> Vec<Chart> {
        let mut charts = Vec::new();
        if let Ok(history) = self.bench_history(path, 50).await {
            let mut metrics: Vec<&str> = Vec::new();
            for m in history.iter().flat_map(|h| &h.metrics) {
                if !metrics.contains(&m.name.as_str()) && metrics.len() < CHARTS_PER_KIND {
                    metrics.push(&m.name);
                }
            }
            for metric in metrics {
                match self.bench_chart(path, metric, Theme::Light).await {
                    Ok(c) => charts.push(c),
                    Err(e) => tracing::debug!(metric, error = %e, "report: benchmark chart left out"),
                }
            }
        }
        if let Ok(runs) = self.coverage_history(path, None, 1).await {
            let areas: Vec<String> = runs
                .first()
                .map(|r| {
                    r.areas
                        .iter()
                        .take(CHARTS_PER_KIND)
                        .map(|a| a.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            for area in areas {
                match self.coverage_chart(path, &area, Theme::Light).await {
                    Ok(c) => charts.push(c),
                    Err(e) => tracing::debug!(area, error = %e, "report: coverage chart left out"),
                }
            }
        }
        match self.env_parity_chart(path, Theme::Light).await {
            Ok(c) if !c.rows.is_empty() => charts.push(c),
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "report: parity chart left out"),
        }
        charts
    }

    /// Writes the report of `run` to `file` (`.html` or `.pdf` as `format`
    /// says) and returns the file written.
    pub(super) async fn write_readiness_report(
        &self,
        path: &Path,
        run: &ReadinessRun,
        format: ReadinessReportFormat,
        file: &Path,
    ) -> Result<PathBuf> {
        let out = report::target_path(file)?;
        let ws = self.workspace(path).await?;
        let charts = self.report_charts(path).await;
        let generated_at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
        let input = ReportInput {
            run,
            workspace: &ws.name,
            charts: &charts,
            generator: env!("CARGO_PKG_VERSION"),
            generated_at: &generated_at,
        };
        let html = report::html(&input, &|s| redact(s).into_owned());
        let written = out.clone();
        tokio::task::spawn_blocking(move || match format {
            ReadinessReportFormat::Html => {
                std::fs::write(&out, html).map_err(|e| ReadinessError::ReportPath {
                    path: out.display().to_string(),
                    message: e.to_string(),
                })
            }
            ReadinessReportFormat::Pdf => report::pdf::render(&html, &out),
        })
        .await
        .map_err(|e| crate::error::Error::Internal(format!("the report task stopped: {e}")))??;
        Ok(written)
    }
}
