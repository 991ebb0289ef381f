//! `shipdeck rollback plan|run|runbook`: an environment back to a previous
//! release — deploy, database, release, verify.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::api::{RollbackPlanRequest, RollbackRunRequest};
use shipdeck_core::Result;

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum RollbackCmd {
    /// The steps back to a release (default: the previous one); runs nothing.
    Plan(Target),
    /// Runs the plan step by step, each confirmed (or `--yes`).
    Run {
        #[command(flatten)]
        target: Target,
        /// Run every step without asking.
        #[arg(long)]
        yes: bool,
        /// Run irreversible down migrations (their data is lost).
        #[arg(long)]
        allow_data_loss: bool,
    },
    /// Generates docs/rollback-procedures.md from the configuration.
    Runbook {
        /// Write the file (default: print it).
        #[arg(long)]
        write: bool,
        /// Exit 1 when the committed runbook differs from the generated one.
        #[arg(long, conflicts_with = "write")]
        check: bool,
    },
}

#[derive(Args, Debug)]
pub struct Target {
    /// The environment, as named under `[environments]`.
    #[arg(long)]
    env: String,
    /// The release to go back to (default: the previous one).
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
}

pub async fn run(cmd: RollbackCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    cancel_on_ctrl_c(&core);
    match cmd {
        RollbackCmd::Plan(t) => {
            let plan = core
                .rollback_plan(&dir, &RollbackPlanRequest { env: t.env, to: t.to })
                .await?;
            out.print(&plan, |p| {
                for (i, s) in p.steps.iter().enumerate() {
                    println!("{}. {}", i + 1, s.description);
                }
            });
            Ok(ExitCode::SUCCESS)
        }
        RollbackCmd::Run {
            target,
            yes,
            allow_data_loss,
        } => {
            let request = RollbackRunRequest {
                env: target.env,
                to: target.to,
                allow_data_loss,
                yes,
            };
            let result = core.rollback_run(&dir, request, Bar::new(out.json)).await?;
            out.print(&result, |_| {});
            Ok(if result.completed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        RollbackCmd::Runbook { write, check } => {
            let book = core.rollback_runbook(&dir, write).await?;
            out.print(&book, |b| {
                if !check && !write {
                    print!("{}", b.markdown);
                }
            });
            Ok(if check && !book.up_to_date {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
