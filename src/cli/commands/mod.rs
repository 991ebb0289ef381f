//! One module per command group; each handler is a call into the core plus
//! printing.

pub mod activity;
pub mod advisor;
pub mod benchmarks;
pub mod blueprint;
pub mod bundle;
pub mod coverage;
pub mod coverage_history;
pub mod demo;
pub mod dependencies;
pub mod docs;
pub mod docs_check;
pub mod environments;
pub mod migrations;
pub mod readiness;
pub mod releases;
pub mod rollback;
pub mod secrets;
pub mod security;
pub mod store;
pub mod workspace;

use std::process::ExitCode;

use shipdeck_core::{Paths, Result, Shipdeck};

use super::{Cli, Command, Output};

pub async fn open_core() -> Result<Shipdeck> {
    Shipdeck::open(Paths::resolve(None)?).await
}

pub async fn dispatch(cli: Cli, out: &Output) -> Result<ExitCode> {
    let g = &cli.global;
    match cli.command {
        Command::Workspace(cmd) => workspace::run(cmd, g, out).await,
        Command::Demo(cmd) => demo::run(cmd, out).await,
        Command::Releases(cmd) => releases::run(cmd, g, out).await,
        Command::Migrations(args) => migrations::run(args, g, out).await,
        Command::Environments(cmd) => environments::run(cmd, g, out).await,
        Command::Docs(cmd) => docs::run(cmd, g, out).await,
        Command::Advisor(args) => advisor::run(args, g, out).await,
        Command::Benchmarks(cmd) => benchmarks::run(cmd, g, out).await,
        Command::Secrets(cmd) => secrets::run(cmd, g, out).await,
        Command::Security(cmd) => security::run(cmd, g, out).await,
        Command::Coverage(cmd) => coverage::run(cmd, g, out).await,
        Command::Bundle(cmd) => bundle::run(cmd, g, out).await,
        Command::Blueprint(cmd) => blueprint::run(cmd, g, out).await,
        Command::Dependencies(cmd) => dependencies::run(cmd, g, out).await,
        Command::Ready(args) => readiness::run(args, g, out).await,
        Command::Rollback(cmd) => rollback::run(cmd, g, out).await,
        Command::Store(cmd) => store::run(cmd, out).await,
        Command::Activity(args) => activity::activity(args, g, out).await,
        Command::Logs(args) => activity::logs(args, out).await,
        Command::Doctor => doctor(g, out).await,
    }
}

async fn doctor(g: &super::Global, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    let report = core.doctor(Some(&g.workspace_dir())).await;
    out.print(&report, |r| {
        for c in &r.checks {
            let mark = if c.ok { "✓" } else { "✗" };
            println!(
                "{mark} {:<22} {}",
                c.label,
                shipdeck_core::secrets::redact(&c.detail)
            );
            if let Some(hint) = &c.hint {
                println!("  {:<22} hint: {hint}", "");
            }
        }
    });
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
