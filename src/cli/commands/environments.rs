use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use shipdeck_core::api::EnvRunKind;
use shipdeck_core::environments::{EnvFinding, KeyStatus, ParityFilter, Severity};
use shipdeck_core::{Result, Shipdeck};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum EnvCmd {
    /// Keys × environments (values never shown) and every file check.
    Parity {
        /// Only keys that are not the same everywhere, and findings.
        #[arg(long)]
        only_problems: bool,
        /// Only keys starting with this prefix (case does not matter).
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
    },
    /// Poll every environment's health endpoint; version drift.
    Health,
    /// Sentry, log shipping and OTLP of every environment, with a real round trip.
    Readiness,
    /// This machine against the workspace's pinned toolchains and local services.
    Doctor,
    /// Print one non-secret value (secret-looking keys are refused).
    Reveal { env: String, key: String },
    /// Recorded parity and health runs, newest first.
    History {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

fn exit(findings: &[EnvFinding]) -> ExitCode {
    // Like a linter: error-level findings fail the command (CI).
    if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_findings(findings: &[EnvFinding]) {
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}: "),
            (Some(file), None) => format!("{file}: "),
            _ => String::new(),
        };
        println!("{at}{level}[{}] {}: {}", f.check, f.env, f.message);
        if !f.fix.is_empty() {
            println!("    fix: {}", f.fix);
        }
    }
}

pub async fn run(cmd: EnvCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    match cmd {
        EnvCmd::Parity {
            only_problems,
            prefix,
        } => parity(&core, &dir, only_problems, prefix, out).await,
        EnvCmd::Health => health(&core, &dir, out).await,
        EnvCmd::Readiness => readiness(&core, &dir, out).await,
        EnvCmd::Doctor => {
            let report = core.env_doctor(&dir).await?;
            out.print(&report, |r| {
                for c in &r.checks {
                    println!("{} {:<40} {}", if c.ok { "✓" } else { "✗" }, c.label, c.detail);
                    if let Some(hint) = &c.hint {
                        println!("  {:<40} hint: {hint}", "");
                    }
                }
            });
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        EnvCmd::Reveal { env, key } => {
            let value = core.env_reveal(&dir, &env, &key).await?;
            out.print(
                &serde_json::json!({ "env": env, "key": key, "value": value }),
                |_| println!("{value}"),
            );
            Ok(ExitCode::SUCCESS)
        }
        EnvCmd::History { limit } => {
            let mut runs = core.env_history(&dir, EnvRunKind::Parity, limit).await?;
            runs.extend(core.env_history(&dir, EnvRunKind::Health, limit).await?);
            runs.sort_by_key(|r| std::cmp::Reverse(r.at));
            runs.truncate(limit.max(0) as usize);
            out.print(&serde_json::json!({ "runs": runs }), |_| {
                for r in &runs {
                    let when = chrono::DateTime::from_timestamp_millis(r.at)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default();
                    let score = r.score.map(|s| format!(" {s:.0}%")).unwrap_or_default();
                    println!(
                        "{when} {}{score} errors {} warnings {}",
                        r.kind, r.errors, r.warnings
                    );
                }
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `env parity`: the table of keys, narrowed by `prefix` and `only_problems`.
async fn parity(
    core: &Shipdeck,
    dir: &Path,
    only_problems: bool,
    prefix: Option<String>,
    out: &Output,
) -> Result<ExitCode> {
    // A check the user runs (CI, a terminal): recorded in the history.
    let mut view = core.env_parity_check(dir).await?;
    let code = exit(&view.report.findings);
    let filter = ParityFilter {
        only_problems,
        prefix,
    };
    view.report = core.env_parity_filter(view.report, &filter);
    out.print(&view, |v| {
        let r = &v.report;
        let width = r.keys.iter().map(|k| k.key.len()).max().unwrap_or(3).clamp(3, 40);
        print!("{:<width$}", "key");
        for e in &r.environments {
            print!("  {e:<12}");
        }
        println!();
        for k in &r.keys {
            print!("{:<width$}", k.key);
            for e in &r.environments {
                let s = match (k.status.get(e), k.cells.get(e).map(|c| c.state)) {
                    (Some(KeyStatus::Missing) | None, _) => "missing".to_string(),
                    (Some(KeyStatus::Empty), _) => "empty".to_string(),
                    (_, Some(state)) => format!("{state:?}").to_lowercase(),
                    _ => "present".to_string(),
                };
                print!("  {s:<12}");
            }
            println!("{}", if k.secret { "  (secret)" } else { "" });
        }
        println!();
        print_findings(&r.findings);
        println!(
            "parity {:.0}% across {} environments, {} keys, {} finding(s){}",
            r.score,
            r.environments.len(),
            r.keys.len(),
            r.findings.len(),
            if v.stable_fingerprints {
                ""
            } else {
                " (no keyring: fingerprints hold for this run only)"
            }
        );
    });
    Ok(code)
}

async fn health(core: &Shipdeck, dir: &Path, out: &Output) -> Result<ExitCode> {
    cancel_on_ctrl_c(core);
    let report = core.env_health(dir, Bar::new(out.json)).await?;
    out.print(&report, |r| {
        for h in &r.results {
            let latency = h.latency_ms.map(|l| format!(" {l:.0} ms")).unwrap_or_default();
            let version = h
                .version
                .as_deref()
                .map(|v| format!(" v{}", v.trim_start_matches('v')))
                .unwrap_or_default();
            println!("{:<14} {}{latency}{version}", h.env, h.status.label());
            if let Some(m) = &h.message {
                println!("    {m}");
            }
        }
        print_findings(&r.drift.findings);
    });
    Ok(exit(&report.drift.findings))
}

async fn readiness(core: &Shipdeck, dir: &Path, out: &Output) -> Result<ExitCode> {
    cancel_on_ctrl_c(core);
    let rows = core.env_readiness(dir, Bar::new(out.json)).await?;
    let failing = rows.iter().any(|r| r.failing());
    out.print(&rows, |rows| {
        for r in rows {
            for (what, p) in [("sentry", &r.sentry), ("logs", &r.logs), ("otlp", &r.otlp)] {
                let state = serde_json::to_value(p.state).ok();
                let state = state.as_ref().and_then(|v| v.as_str()).unwrap_or("?");
                println!(
                    "{:<14} {what:<7} {}: {}",
                    r.env,
                    state.replace('_', " "),
                    p.message
                );
                for w in &p.warnings {
                    println!("    warning: {w}");
                }
                if let Some(fix) = &p.fix {
                    println!("    fix: {fix}");
                }
            }
        }
    });
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
