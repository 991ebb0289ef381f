//! `shipdeck dependencies` (alias `deps`): what is outdated, read from the
//! registries the workspace's package managers use.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Subcommand;
use shipdeck_core::dependencies::{Class, Outdated, OutdatedReport};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum DepsCmd {
    /// Every direct dependency: locked, wanted (what its range allows) and
    /// latest version, and the update class (patch, minor, major).
    Outdated,
}

pub async fn run(cmd: DepsCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    match cmd {
        DepsCmd::Outdated => {
            let core = open_core().await?;
            cancel_on_ctrl_c(&core);
            let report = core.deps_outdated(&dir, Bar::new(out.json)).await?;
            out.print(&report, print_outdated);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn cell(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

fn row(d: &Outdated) -> String {
    let class = match (&d.error, d.class) {
        (Some(e), _) => format!("error: {}", e.message),
        (None, Some(Class::Patch)) => "patch".into(),
        (None, Some(Class::Minor)) => "minor".into(),
        (None, Some(Class::Major)) => "major".into(),
        (None, None) => String::new(),
    };
    format!(
        "  {:<30} {:<12} {:<12} {:<12} {:<12} {class}",
        d.name,
        d.requirement,
        cell(&d.current),
        cell(&d.wanted),
        cell(&d.latest),
    )
}

fn print_outdated(r: &OutdatedReport) {
    let mut text = String::new();
    let mut manifest = None;
    for d in &r.dependencies {
        if manifest != Some(&d.manifest) {
            let _ = writeln!(text, "{} ({})", d.manifest, d.ecosystem.as_str());
            manifest = Some(&d.manifest);
        }
        let _ = writeln!(text, "{}", row(d));
    }
    let behind = r.dependencies.iter().filter(|d| d.class.is_some()).count();
    let _ = writeln!(text, "{behind} of {} dependencies behind", r.dependencies.len());
    print!("{text}");
}
