//! `shipdeck security`: secrets in the tree and its history, vulnerable
//! locked dependencies, code-scanning (SARIF) results. Scans exit 1 when
//! they find something, 0 when not. Paths the user types are taken from
//! the current folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use shipdeck_core::api::{SarifFilter, SarifImportSummary, SarifList, SarifStatus};
use shipdeck_core::security::sarif::SarifLevel;
use shipdeck_core::security::secrets::{ReportFormat, SecretsOptions, SecretsReport};
use shipdeck_core::security::vulns::{Vulnerability, VulnsOptions, VulnsReport};
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum SecurityCmd {
    /// Secrets in the working tree and every commit; exit 1 when any is found.
    Secrets(SecretsArgs),
    /// Locked dependencies with known vulnerabilities (OSV); exit 1 when any is found.
    Vulns(VulnsArgs),
    /// Code-scanning results from SARIF files (bandit, semgrep, ESLint, CodeQL …).
    #[command(subcommand)]
    Sarif(SarifCmd),
}

#[derive(Args, Debug)]
pub struct SecretsArgs {
    /// Scan the working tree only, not the history.
    #[arg(long)]
    no_git: bool,
    /// Only commits after this revision (tag, branch, commit).
    #[arg(long, value_name = "REF")]
    since: Option<String>,
    /// A previous report (Shipdeck or gitleaks JSON) whose findings are accepted.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// The format of --report-path.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    report_format: Format,
    /// Also write the report (matches redacted) to this file.
    #[arg(long, value_name = "FILE")]
    report_path: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Format {
    Json,
    Sarif,
    Gitleaks,
}

#[derive(Args, Debug)]
pub struct VulnsArgs {
    /// Read advisories from OSV's offline exports: OSV_DIR/<Ecosystem>/all.zip.
    #[arg(long, value_name = "OSV_DIR")]
    offline: Option<PathBuf>,
    /// An OSV-compatible API (default: [security.vulns] osv_url, else the public OSV API).
    #[arg(long, value_name = "URL", conflicts_with = "offline")]
    osv_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SarifCmd {
    /// Import SARIF 2.1.0 files (one import per tool, at HEAD's commit).
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Every tool's latest results: new, existing, or fixed since the last release.
    List {
        #[arg(long)]
        tool: Option<String>,
        /// error, warning, note, none.
        #[arg(long, value_parser = parse_level)]
        level: Option<SarifLevel>,
    },
}

fn parse_level(s: &str) -> std::result::Result<SarifLevel, String> {
    match s {
        "error" => Ok(SarifLevel::Error),
        "warning" => Ok(SarifLevel::Warning),
        "note" => Ok(SarifLevel::Note),
        "none" => Ok(SarifLevel::None),
        _ => Err("one of error, warning, note, none".into()),
    }
}

/// A path the user typed, from the current folder.
fn typed(path: PathBuf) -> Result<PathBuf> {
    std::path::absolute(&path).map_err(|e| Error::InvalidInput {
        field: "path",
        reason: format!("{}: {e}", path.display()),
    })
}

pub async fn run(cmd: SecurityCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    match cmd {
        SecurityCmd::Secrets(args) => secrets(args, &dir, out).await,
        SecurityCmd::Vulns(args) => vulns(args, &dir, out).await,
        SecurityCmd::Sarif(SarifCmd::Import { files }) => sarif_import(files, &dir, out).await,
        SecurityCmd::Sarif(SarifCmd::List { tool, level }) => {
            let core = open_core().await?;
            let list = core
                .security_sarif_list(
                    &dir,
                    &SarifFilter {
                        tool,
                        level,
                        status: None,
                    },
                )
                .await?;
            out.print(&list, print_sarif_list);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn found(any: bool) -> ExitCode {
    if any {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

async fn secrets(args: SecretsArgs, dir: &Path, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    // Options the CLI has no flag for keep the engine's defaults.
    #[allow(clippy::needless_update)]
    let opts = SecretsOptions {
        no_git: args.no_git,
        since: args.since,
        baseline: args.baseline.map(typed).transpose()?,
        ..SecretsOptions::default()
    };
    let report = core.security_secrets_scan(dir, opts, Bar::new(out.json)).await?;
    if let Some(path) = args.report_path {
        let format = match args.report_format {
            Format::Json => ReportFormat::Json,
            Format::Sarif => ReportFormat::Sarif,
            Format::Gitleaks => ReportFormat::Gitleaks,
        };
        let written = core
            .security_secrets_report(dir, &report, format, &typed(path)?)
            .await?;
        if !out.json {
            eprintln!("report written to {}", written.display());
        }
    }
    out.print(&report, print_secrets);
    Ok(found(!report.findings.is_empty()))
}

fn print_secrets(r: &SecretsReport) {
    for f in &r.findings {
        let at = match (&f.commit, &f.author, &f.date) {
            (Some(c), a, d) => format!(
                "  {} {} {}",
                &c[..c.len().min(8)],
                a.as_deref().unwrap_or(""),
                d.as_deref().map(|d| &d[..d.len().min(10)]).unwrap_or("")
            ),
            (None, ..) => "  (working tree)".into(),
        };
        println!(
            "{:<24} {}:{}  {}  entropy {:.2}{at}",
            f.rule_id, f.file, f.start_line, f.redacted, f.entropy
        );
    }
    println!(
        "{} secret(s) found · {} files, {} commits, {} blobs scanned · {} ignored · rules: {} ({})",
        r.findings.len(),
        r.files_scanned,
        r.commits_scanned,
        r.blobs_scanned,
        r.ignored,
        r.rules_source,
        r.rules
    );
    if !r.findings.is_empty() {
        println!(
            "Not a secret? Add its fingerprint to .gitleaksignore (the app's \"Not a secret\" does it)."
        );
    }
}

async fn vulns(args: VulnsArgs, dir: &Path, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    let opts = VulnsOptions {
        offline: args.offline.map(typed).transpose()?,
        osv_url: args.osv_url,
    };
    let report = core.security_vulns_scan(dir, opts, Bar::new(out.json)).await?;
    out.print(&report, print_vulns);
    Ok(found(!report.vulnerabilities.is_empty()))
}

fn print_vulns(r: &VulnsReport) {
    let mut by_package: BTreeMap<(&str, &str, &str), Vec<&Vulnerability>> = BTreeMap::new();
    for v in &r.vulnerabilities {
        by_package
            .entry((v.ecosystem.osv_name(), &v.package, &v.version))
            .or_default()
            .push(v);
    }
    for ((eco, name, version), list) in &by_package {
        let upgrade = list[0]
            .upgrade_to
            .as_deref()
            .map_or_else(|| "no fixed version".to_string(), |u| format!("upgrade to {u}"));
        println!("{name} {version} ({eco}, {}) → {upgrade}", list[0].lockfile);
        if list[0].via.len() > 1 {
            println!("  via {}", list[0].via.join(" > "));
        }
        for v in list {
            let severity = v
                .severity
                .map_or("unknown".to_string(), |s| format!("{s:?}").to_lowercase());
            let aliases = if v.aliases.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.aliases.join(", "))
            };
            let fixed = if v.fixed.is_empty() {
                "not fixed".into()
            } else {
                format!("fixed in {}", v.fixed.join(", "))
            };
            println!("  {}{aliases} [{severity}] {fixed}", v.id);
            if let Some(s) = &v.summary {
                println!("    {s}");
            }
        }
    }
    println!(
        "{} vulnerabilit{} in {} package(s) · {} packages in {} lockfile(s) scanned",
        r.vulnerabilities.len(),
        if r.vulnerabilities.len() == 1 { "y" } else { "ies" },
        by_package.len(),
        r.packages_scanned,
        r.lockfiles.len()
    );
}

async fn sarif_import(files: Vec<PathBuf>, dir: &Path, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    let files = files.into_iter().map(typed).collect::<Result<Vec<_>>>()?;
    let summary = core.security_sarif_import(dir, &files).await?;
    out.print(&summary, |s: &SarifImportSummary| {
        for f in &s.files {
            println!(
                "{}: {} · {} result(s), {} new to this workspace",
                f.file,
                f.tools.join(", "),
                f.results,
                f.first_seen
            );
            if f.outside_workspace > 0 {
                println!(
                    "  {} result(s) point outside the workspace: kept without a file",
                    f.outside_workspace
                );
            }
        }
    });
    Ok(ExitCode::SUCCESS)
}

fn level_name(l: SarifLevel) -> &'static str {
    match l {
        SarifLevel::Error => "error",
        SarifLevel::Warning => "warning",
        SarifLevel::Note => "note",
        SarifLevel::None => "none",
    }
}

fn print_sarif_list(list: &SarifList) {
    if list.tools.is_empty() {
        println!("No code-scanning results yet: `shipdeck security sarif import FILE.sarif`.");
        return;
    }
    let since = list.release.as_deref().unwrap_or("(no release yet)");
    for t in &list.tools {
        println!(
            "{}: {} new, {} existing, {} fixed since {since}",
            t.tool, t.new, t.existing, t.fixed
        );
    }
    for r in &list.rows {
        let status = match r.status {
            SarifStatus::New => "NEW",
            SarifStatus::Existing => "",
            SarifStatus::Fixed => "FIXED",
        };
        let place = match (&r.result.file, r.result.line) {
            (Some(f), Some(l)) => format!("{f}:{l}"),
            (Some(f), None) => f.clone(),
            (None, _) => "(no file)".into(),
        };
        println!(
            "{status:<5} {:<7} {:<20} {place}  [{}]",
            level_name(r.result.level),
            r.result.rule_id,
            r.result.tool
        );
        println!("      {}", r.result.message);
        if let Some(s) = &r.result.snippet {
            println!("      │ {s}");
        }
    }
}
