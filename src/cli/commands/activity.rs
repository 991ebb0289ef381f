use std::process::ExitCode;

use clap::Args;
use shipdeck_core::logs::{LogLevel, LogQuery};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::output::ago;
use crate::cli::{Global, Output};

#[derive(Args, Debug)]
pub struct ActivityArgs {
    /// Every workspace, not only the current one.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// The audit log instead: who changed what, and when.
    #[arg(long)]
    pub audit: bool,
}

#[derive(Args, Debug)]
pub struct LogsArgs {
    /// Minimum level: trace, debug, info, warn, error.
    #[arg(long, default_value = "info", value_parser = ["trace", "debug", "info", "warn", "error"])]
    pub level: String,
    /// Case-insensitive text to look for.
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
}

pub async fn activity(args: ActivityArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    let dir = g.workspace_dir();
    if args.audit {
        let entries = core
            .audit((!args.all).then_some(dir.as_path()), args.limit)
            .await?;
        out.print(&serde_json::json!({ "audit": entries }), |_| {
            if entries.is_empty() {
                println!("Nothing changed yet.");
            }
            for e in &entries {
                println!("{:<14} {:<10} {:<20} {}", ago(e.at), e.actor, e.action, e.detail);
            }
        });
        return Ok(ExitCode::SUCCESS);
    }
    let jobs = core
        .activity((!args.all).then_some(dir.as_path()), args.limit)
        .await?;
    out.print(&serde_json::json!({ "jobs": jobs }), |_| {
        if jobs.is_empty() {
            println!("No jobs yet. Run `shipdeck workspace scan`.");
        }
        for j in &jobs {
            let took = j
                .duration_ms
                .map(|d| format!("{:.1}s", d as f64 / 1000.0))
                .unwrap_or_else(|| "-".into());
            let summary = j
                .summary
                .clone()
                .or_else(|| j.error.as_ref().map(|e| e.message.clone()))
                .unwrap_or_default();
            println!(
                "#{:<5} {:<16} {:<12} {:<11} {:>7}  {summary}",
                j.id,
                j.kind.as_str(),
                ago(j.started_at),
                j.outcome.as_str(),
                took
            );
        }
    });
    Ok(ExitCode::SUCCESS)
}

pub async fn logs(args: LogsArgs, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    let level: LogLevel = serde_json::from_value(serde_json::Value::String(args.level)).unwrap_or_default();
    let lines = core.logs(&LogQuery {
        level,
        search: args.search,
        limit: Some(args.limit),
    })?;
    out.print(&serde_json::json!({ "lines": lines }), |_| {
        for l in lines.iter().rev() {
            println!(
                "{} {:<5} {} {} {}",
                l.timestamp,
                format!("{:?}", l.level).to_uppercase(),
                l.target,
                l.message,
                l.fields
            );
        }
    });
    Ok(ExitCode::SUCCESS)
}
