//! One module per command group; each handler is a call into the core plus
//! printing.

pub mod activity;
pub mod advisor;
pub mod bench;
pub mod demo;
pub mod docs;
pub mod env;
pub mod migrate;
pub mod release;
pub mod secret;
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
        Command::Release(cmd) => release::run(cmd, g, out).await,
        Command::Migrate(args) => migrate::run(args, g, out).await,
        Command::Env(cmd) => env::run(cmd, g, out).await,
        Command::Docs(cmd) => docs::run(cmd, g, out).await,
        Command::Advisor(args) => advisor::run(args, g, out).await,
        Command::Bench(cmd) => bench::run(cmd, g, out).await,
        Command::Secret(cmd) => secret::run(cmd, g, out).await,
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
