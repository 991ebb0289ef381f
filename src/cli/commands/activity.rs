use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use shipdeck_core::api::{audit_csv, parse_date};
use shipdeck_core::logs::{LogLevel, LogQuery};
use shipdeck_core::secrets::redact;
use shipdeck_core::store::{AuditFilter, MAX_AUDIT_ENTRIES};
use shipdeck_core::{Result, Shipdeck};

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
    /// Audit entries of this OS user only.
    #[arg(long, value_name = "USER", requires = "audit")]
    pub user: Option<String>,
    /// Audit entries of this area only (releases, migrations, secrets, …).
    #[arg(long, value_name = "AREA", requires = "audit")]
    pub area: Option<String>,
    /// Audit entries from this day (YYYY-MM-DD, local time) or instant (RFC 3339) on.
    #[arg(long, value_name = "DATE", requires = "audit")]
    pub since: Option<String>,
    /// Audit entries before this instant, or up to the end of this day.
    #[arg(long, value_name = "DATE", requires = "audit")]
    pub until: Option<String>,
    /// Print the audit entries as CSV (the export's columns) instead of a table.
    #[arg(long, requires = "audit", conflicts_with = "json")]
    pub csv: bool,
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
        return audit(&core, args, &dir, out).await;
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

async fn audit(core: &Shipdeck, args: ActivityArgs, dir: &Path, out: &Output) -> Result<ExitCode> {
    let filter = AuditFilter {
        workspace_id: match args.all {
            true => None,
            false => Some(core.workspace_id(dir).await?),
        },
        user: args.user,
        area: args.area,
        since: args.since.as_deref().map(|d| parse_date(d, false)).transpose()?,
        until: args.until.as_deref().map(|d| parse_date(d, true)).transpose()?,
        limit: args.limit.clamp(1, MAX_AUDIT_ENTRIES),
    };
    let entries = core.audit_entries(&filter).await?;
    if args.csv {
        print!("{}", audit_csv(&entries)?);
        return Ok(ExitCode::SUCCESS);
    }
    out.print(&serde_json::json!({ "audit": entries }), |_| {
        if entries.is_empty() {
            println!("Nothing changed yet.");
        }
        for e in &entries {
            let who = format!("{}@{}", e.user, e.host.as_deref().unwrap_or("?"));
            let target = e.target.as_deref().unwrap_or("");
            let outcome = e.outcome.as_deref().unwrap_or("");
            println!(
                "{:<14} {:<24} {:<24} {:<20} {outcome:<8} {}",
                ago(e.at),
                who,
                e.action,
                target,
                redact(&e.detail)
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
