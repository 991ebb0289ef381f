//! `shipdeck bundle`: what each route of a web app's build loads.
//! `analyze` exits 1 when a route is over its budget, 0 when not;
//! `history` lists the stored analyses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::bundle::BundleReport;
use shipdeck_core::charts::{self, Theme};
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum BundleCmd {
    /// Per route Size and First Load JS (Next.js, Vite, webpack, Rollup,
    /// esbuild), shared chunks, packages and budgets; exit 1 over budget.
    Analyze(AnalyzeArgs),
    /// The stored analyses, newest first, with their routes.
    History {
        /// At most this many runs.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// The build output or project folder (relative to the workspace); default: found.
    #[arg(long, value_name = "PATH")]
    dir: Option<PathBuf>,
    /// Compare with the analysis stored for this ref's commit (branch, tag, sha).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// Also write a treemap of the chunks and their packages to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    treemap: Option<PathBuf>,
    /// The treemap's theme: light or dark.
    #[arg(long, default_value = "light", requires = "treemap")]
    theme: String,
}

pub async fn run(cmd: BundleCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let ws = g.workspace_dir();
    let core = open_core().await?;
    match cmd {
        BundleCmd::Analyze(a) => {
            let theme: Theme = a.theme.parse().map_err(Error::area)?;
            cancel_on_ctrl_c(&core);
            let report = core
                .bundle_analyze(&ws, a.dir, a.base, Bar::new(out.json))
                .await?;
            if let Some(path) = &a.treemap {
                write_treemap(&report, theme, path)?;
            }
            out.print(&report, print_report);
            Ok(if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        BundleCmd::History { limit } => {
            let runs = core.bundle_history(&ws, limit).await?;
            out.print(&serde_json::json!({ "runs": runs }), |_| {
                for h in &runs {
                    let when = chrono::DateTime::from_timestamp_millis(h.run.recorded_at)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default();
                    let sha = h.run.commit_sha.as_deref().map_or("-", |s| &s[..s.len().min(7)]);
                    let ok = if h.run.passed { "ok" } else { "over budget" };
                    println!(
                        "{when} {sha} {:<8} {:>3} routes  shared {:>10}  {ok}",
                        h.run.framework,
                        h.routes.len(),
                        kb(u64::try_from(h.run.shared_gzip_bytes).unwrap_or(0)),
                    );
                }
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write_treemap(report: &BundleReport, theme: Theme, path: &Path) -> Result<()> {
    let chart = charts::bundle_treemap(report, theme)?;
    std::fs::write(path, &chart.svg).map_err(|e| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source: e,
    })
}

/// Bytes the way `next build` prints them (three significant digits,
/// 1000-based), so the table reads like the build tool's.
fn kb(bytes: u64) -> String {
    shipdeck_core::bundle::pretty_bytes(bytes)
}

fn signed(delta: i64) -> String {
    let s = kb(delta.unsigned_abs());
    match delta.signum() {
        1 => format!("+{s}"),
        -1 => format!("-{s}"),
        _ => "±0".into(),
    }
}

fn print_report(r: &BundleReport) {
    let version = r.version.as_deref().unwrap_or("unknown version");
    println!("{} ({version}) in {}", r.framework, r.dir);
    println!("{:<48} {:>10} {:>14}", "route", "size", "first load js");
    for x in &r.routes {
        println!(
            "{:<48} {:>10} {:>14}",
            x.route,
            kb(x.size_gzip_bytes),
            kb(x.first_load_js_gzip_bytes)
        );
    }
    println!(
        "{:<48} {:>10} {:>14}",
        "shared by all",
        "",
        kb(r.shared.gzip_bytes)
    );
    if !r.packages.is_empty() {
        println!("\nlargest packages");
        for p in r.packages.iter().take(10) {
            println!("  {:<40} {:>10}  {}", p.name, kb(p.bytes), p.versions.join(", "));
        }
    }
    for d in &r.duplicates {
        println!(
            "duplicate: {} in versions {} ({} wasted)",
            d.name,
            d.versions.join(", "),
            kb(d.wasted_bytes)
        );
    }
    if let Some(b) = &r.base {
        println!(
            "\nagainst {} ({}), first load js gzip",
            b.reference,
            &b.commit[..b.commit.len().min(7)]
        );
        for d in &b.routes {
            println!(
                "  {:<46} {:>10} {}",
                d.route,
                signed(d.delta.first_load_js_gzip_bytes),
                d.status
            );
        }
    }
    for b in r.budgets.iter().filter(|b| !b.passed) {
        println!(
            "over budget: {} {} {} {} > {}",
            b.route,
            b.metric,
            b.compression,
            kb(b.actual_bytes),
            kb(b.limit_bytes)
        );
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
}
