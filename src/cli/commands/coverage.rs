//! `shipdeck coverage`: test-coverage reports and area thresholds.
//! `report` exits 1 when an area is under its threshold, 0 when not;
//! `patch` exits 1 when the patch is under `--fail-under`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::coverage::{Counts, CoverageReport, PatchOptions, PatchReport};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum CoverageCmd {
    /// Coverage reports (lcov, Cobertura, coverage.py, Istanbul, llvm-cov)
    /// and each area against its threshold; exit 1 when one is under it.
    Report(ReportArgs),
    /// Recorded `coverage report` runs, newest first, and an area's trend chart.
    History(super::coverage_history::HistoryArgs),
    /// Coverage of the lines HEAD adds or modifies since its merge base
    /// with --base; exit 1 under --fail-under.
    Patch(PatchArgs),
}

#[derive(Args, Debug)]
pub struct PatchArgs {
    /// The branch, tag or commit to diff against (`git diff BASE...HEAD`).
    #[arg(long, value_name = "REF")]
    base: String,
    /// A report to read instead of finding them (relative to the workspace; repeatable).
    #[arg(long = "file", value_name = "PATH")]
    files: Vec<PathBuf>,
    /// Exit 1 when the patch's line coverage is under PCT (0–100).
    #[arg(long, value_name = "PCT", value_parser = percent)]
    fail_under: Option<f64>,
}

fn percent(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a percentage from 0 to 100")),
    }
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A report to read instead of finding them (relative to the workspace; repeatable).
    #[arg(long = "file", value_name = "PATH")]
    files: Vec<PathBuf>,
}

pub async fn run(cmd: CoverageCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    match cmd {
        CoverageCmd::Patch(a) => {
            let core = open_core().await?;
            cancel_on_ctrl_c(&core);
            let opts = PatchOptions {
                base: a.base,
                files: a.files,
                fail_under: a.fail_under,
            };
            let report = core.coverage_patch(&dir, opts, Bar::new(out.json)).await?;
            out.print(&report, print_patch);
            Ok(if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        CoverageCmd::Report(a) => {
            let core = open_core().await?;
            cancel_on_ctrl_c(&core);
            let report = core.coverage_report(&dir, a.files, Bar::new(out.json)).await?;
            out.print(&report, print_report);
            Ok(if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        CoverageCmd::History(a) => super::coverage_history::history(&dir, a, out).await,
    }
}

fn counts(c: &Counts) -> String {
    format!("{:>7.2}% {:>7}/{:<7}", c.pct, c.covered, c.total)
}

fn print_report(r: &CoverageReport) {
    if r.reports.is_empty() {
        println!("no coverage report found");
    }
    println!("{:<48} {:<16} {:<24} branches", "report", "format", "lines");
    for x in &r.reports {
        let branches = x.branches.as_ref().map_or_else(|| "-".to_string(), counts);
        println!(
            "{:<48} {:<16} {:<24} {branches}",
            x.path,
            x.format,
            counts(&x.lines)
        );
    }
    for s in &r.skipped {
        println!("skipped {}: {}", s.path, s.reason);
    }
    println!();
    println!("{:<20} {:>9} {:>9}  result", "area", "lines", "threshold");
    for a in &r.areas {
        let result = if a.passed { "pass" } else { "FAIL" };
        println!(
            "{:<20} {:>8.2}% {:>8.2}%  {result} ({}/{} lines)",
            a.name, a.lines_pct, a.threshold, a.lines_covered, a.lines_total
        );
    }
    println!(
        "{}",
        if r.passed {
            "coverage passed"
        } else {
            "coverage under threshold"
        }
    );
}

fn print_patch(r: &PatchReport) {
    println!(
        "patch coverage against {} (merge base {:.12})",
        r.base, r.merge_base
    );
    if r.reports.is_empty() {
        println!("no coverage report found");
    }
    println!("{:<56} {:<24} uncovered lines", "file", "lines");
    for f in &r.files {
        let lines = counts(&Counts::new(f.covered, f.total));
        let missing: Vec<String> = f.uncovered_lines.iter().map(u32::to_string).collect();
        println!("{:<56} {lines:<24} {}", f.path, missing.join(","));
    }
    println!(
        "total: {} of {} changed lines measured, {}",
        r.patch.total,
        r.changed_lines,
        counts(&r.patch)
    );
    if let Some(min) = r.fail_under {
        let verdict = if r.passed { "passed" } else { "under" };
        println!("patch coverage {verdict} --fail-under {min}");
    }
}
