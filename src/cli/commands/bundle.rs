//! `shipdeck bundle`: what each route of a web app's build loads.
//! `analyze` exits 1 when a route is over its budget, 0 when not.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::bundle::BundleReport;
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum BundleCmd {
    /// Per route Size and First Load JS (Next.js, Vite, webpack, Rollup,
    /// esbuild), shared chunks, packages and budgets; exit 1 over budget.
    Analyze(AnalyzeArgs),
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// The build output or project folder (relative to the workspace); default: found.
    #[arg(long, value_name = "PATH")]
    dir: Option<PathBuf>,
}

pub async fn run(cmd: BundleCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let ws = g.workspace_dir();
    match cmd {
        BundleCmd::Analyze(a) => {
            let core = open_core().await?;
            cancel_on_ctrl_c(&core);
            let report = core.bundle_analyze(&ws, a.dir, Bar::new(out.json)).await?;
            out.print(&report, print_report);
            Ok(if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// Bytes the way the JavaScript build tools print them (1000-based).
fn kb(bytes: u64) -> String {
    if bytes < 1000 {
        format!("{bytes} B")
    } else {
        format!("{:.1} kB", bytes as f64 / 1000.0)
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
}
