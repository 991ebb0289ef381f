//! `shipdeck coverage history`: the recorded `coverage report` runs, newest
//! first, and an area's trend chart as SVG.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use shipdeck_core::charts::Theme;
use shipdeck_core::store::CoverageRun;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::Output;

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Only the runs that measured this area, and only its figures.
    #[arg(long, value_name = "NAME")]
    area: Option<String>,
    /// How many runs, newest first.
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Write the area's trend chart (threshold and release tags drawn) to FILE.
    #[arg(long, value_name = "FILE", requires = "area")]
    svg: Option<PathBuf>,
    /// The chart's colours: light or dark.
    #[arg(long, default_value = "light", requires = "svg")]
    theme: String,
}

pub async fn history(dir: &Path, a: HistoryArgs, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    if let (Some(file), Some(area)) = (&a.svg, &a.area) {
        let theme = a.theme.parse::<Theme>().map_err(Error::area)?;
        let chart = core.coverage_chart(dir, area, theme).await?;
        std::fs::write(file, &chart.svg).map_err(|e| Error::Io {
            action: "write",
            path: file.clone(),
            source: e,
        })?;
    }
    let runs = core.coverage_history(dir, a.area.as_deref(), a.limit).await?;
    out.print(&serde_json::json!({ "runs": runs }), |_| print_runs(&runs));
    Ok(ExitCode::SUCCESS)
}

fn print_runs(runs: &[CoverageRun]) {
    if runs.is_empty() {
        println!("no coverage run recorded: run `shipdeck coverage report`");
        return;
    }
    println!(
        "{:<16} {:<7} {:<16} {:>8}  areas",
        "when", "commit", "branch", "lines"
    );
    for r in runs {
        let when = chrono::DateTime::from_timestamp_millis(r.at)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let sha = r.commit_sha.as_deref().map_or("-", |s| &s[..s.len().min(7)]);
        let areas: Vec<String> = r
            .areas
            .iter()
            .map(|a| {
                let result = if a.passed { "pass" } else { "FAIL" };
                format!("{} {:.2}% {result} (≥ {})", a.name, a.lines_pct, a.threshold)
            })
            .collect();
        let tags = if r.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", r.tags.join(", "))
        };
        println!(
            "{when:<16} {sha:<7} {:<16} {:>7.2}%  {}{tags}",
            r.branch.as_deref().unwrap_or("-"),
            r.lines.pct,
            areas.join(", ")
        );
    }
}
