//! `shipdeck ready`: the release readiness gate; exit 1 when the verdict is
//! `fail`. `--json` prints the report exactly (`{verdict, candidate, checks}`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use shipdeck_core::api::ReadinessReportFormat;
use shipdeck_core::readiness::gate::{summary, verdict_name};
use shipdeck_core::readiness::{CheckStatus, ReadinessRun, Verdict};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Args, Debug)]
pub struct ReadyArgs {
    /// Also write the report: `.html` (self-contained) or `.pdf`.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

pub async fn run(args: ReadyArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    // A report that cannot be written is refused before the gate runs.
    if let Some(file) = &args.report {
        shipdeck_core::readiness::report::target_path(file)?;
    }
    let run = core.readiness_gate(&dir, Bar::new(out.json)).await?;
    if let Some(file) = &args.report {
        let format = if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            ReadinessReportFormat::Pdf
        } else {
            ReadinessReportFormat::Html
        };
        let written = core.readiness_report(&dir, &run, format, file).await?;
        if !out.json {
            eprintln!("report written to {}", written.display());
        }
    }
    out.print(&run.report, |_| print_run(&run));
    Ok(if run.report.verdict == Verdict::Fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn mark(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "✓ pass",
        CheckStatus::Warn => "! warn",
        CheckStatus::Fail => "✗ fail",
        CheckStatus::Skipped => "- skipped",
    }
}

/// One row per area (status, area, summary, the command with the
/// details), then the verdict and the candidate.
fn print_run(run: &ReadinessRun) {
    let r = &run.report;
    let width = r
        .checks
        .iter()
        .map(|c| c.summary.chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    for c in &r.checks {
        println!(
            "{:<10} {:<16} {:<width$}  {}",
            mark(c.status),
            c.area.as_str(),
            c.summary,
            c.command
        );
    }
    for d in &run.details {
        if let Some(hint) = d.error.as_ref().and_then(|e| e.hint.as_deref()) {
            println!("  {}: {hint}", d.area.as_str());
        }
    }
    let version = r.candidate.version.as_deref().unwrap_or("nothing to release");
    let commit: String = r.candidate.commit.chars().take(12).collect();
    println!();
    println!(
        "verdict: {}  (candidate {version} at {commit}, {})",
        verdict_name(r.verdict),
        summary(&r.checks)
    );
}
