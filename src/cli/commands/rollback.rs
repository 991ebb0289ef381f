//! `shipdeck rollback plan|run|runbook`: an environment back to a previous
//! release — deploy, database, release, verify.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use shipdeck_core::api::{rollback_summary, RollbackPlanRequest, RollbackRunRequest};
use shipdeck_core::jobs::{ProgressEvent, ProgressSink};
use shipdeck_core::rollback::{RollbackPlan, RollbackRunResult, RollbackStep, StepStatus};
use shipdeck_core::{Error, Result, Shipdeck};
use tokio::sync::mpsc;

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
        /// Exit 1 when the runbook in the working tree differs from the generated one.
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

fn kind(s: &RollbackStep) -> String {
    serde_json::to_value(s.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn print_step(n: usize, s: &RollbackStep) {
    let mark = if s.reversible { "" } else { "  [IRREVERSIBLE]" };
    println!("{n}. {}: {}{mark}", kind(s), s.description);
    if let Some(c) = &s.command {
        println!("   $ {c}");
    }
    if let Some(sql) = &s.sql {
        for line in sql.lines() {
            println!("   | {line}");
        }
    }
}

fn print_plan(p: &RollbackPlan) {
    println!(
        "{}: {} → {}",
        p.env,
        p.from.as_deref().unwrap_or("(unknown)"),
        p.to
    );
    for (i, s) in p.steps.iter().enumerate() {
        print_step(i + 1, s);
    }
}

fn print_run(r: &RollbackRunResult) {
    for (i, s) in r.steps.iter().enumerate() {
        let status = serde_json::to_value(s.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!("{}. [{status}] {}: {}", i + 1, kind(&s.step), s.step.description);
        for line in s.output.lines() {
            println!("   {line}");
        }
    }
    println!("{}", rollback_summary(r));
}

/// Forwards progress to the bar and confirmation requests to the prompt.
struct Confirming {
    bar: Arc<Bar>,
    asks: mpsc::UnboundedSender<(i64, u32, u32, String)>,
}

impl ProgressSink for Confirming {
    fn emit(&self, event: &ProgressEvent) {
        if let ProgressEvent::AwaitingConfirmation {
            job_id,
            step,
            total,
            description,
        } = event
        {
            let _ = self.asks.send((*job_id, *step, *total, description.clone()));
        }
        self.bar.emit(event);
    }
}

/// Asks on the terminal for each step (y/N) and answers the run.
async fn prompt(core: Shipdeck, mut asks: mpsc::UnboundedReceiver<(i64, u32, u32, String)>) {
    while let Some((job_id, step, total, description)) = asks.recv().await {
        let line = tokio::task::spawn_blocking(move || {
            eprint!("Step {step}/{total}: {description}\nRun it? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            line
        })
        .await
        .unwrap_or_default();
        let yes = matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes");
        let _ = core.rollback_confirm(job_id, step, yes);
    }
}

async fn run_rollback(
    core: &Shipdeck,
    dir: &std::path::Path,
    request: RollbackRunRequest,
    out: &Output,
) -> Result<ExitCode> {
    let result = if request.yes {
        core.rollback_run(dir, request, Bar::new(out.json)).await?
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Error::InvalidInput {
                field: "--yes",
                reason: "stdin is not a terminal, so no step can be confirmed: pass --yes to run every step"
                    .into(),
            });
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let sink = Arc::new(Confirming {
            bar: Bar::new(true),
            asks: tx,
        });
        let asker = tokio::spawn(prompt(core.clone(), rx));
        let result = core.rollback_run(dir, request, sink).await;
        asker.abort();
        result?
    };
    out.print(&result, print_run);
    let failed = result.steps.iter().any(|s| s.status != StepStatus::Done);
    Ok(if result.completed && !failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
            out.print(&plan, print_plan);
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
            run_rollback(&core, &dir, request, out).await
        }
        RollbackCmd::Runbook { write, check } => {
            let book = core.rollback_runbook(&dir, write).await?;
            out.print(&book, |b| {
                if check {
                    match b.up_to_date {
                        true => println!("{} is up to date", b.path),
                        false => println!(
                            "{} differs from the configuration: run `shipdeck rollback runbook --write`",
                            b.path
                        ),
                    }
                } else if write {
                    println!(
                        "{} {}",
                        b.path,
                        if b.written {
                            "written"
                        } else {
                            "already up to date"
                        }
                    );
                } else {
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
