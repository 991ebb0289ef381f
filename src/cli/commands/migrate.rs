use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use shipdeck_core::migrations::lint::Severity;
use shipdeck_core::migrations::run::{
    ChecksumState, DownTarget, MigrationStatus, RepairAction, RunOptions, RunReport, LOCK_TIMEOUT,
};
use shipdeck_core::{DatabaseChoice, Result};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The database, by its name under [databases] (default: the first).
    #[arg(long, global = true, value_name = "NAME")]
    database: Option<String>,
    /// Use this URL instead of the configured one (never recorded).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    cmd: MigrateCmd,
}

#[derive(Args, Debug, Clone, Copy)]
struct Lock {
    /// How long to wait for another run's lock: 30, 30s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    lock_timeout: Duration,
}

#[derive(Subcommand, Debug)]
enum MigrateCmd {
    /// Every migration: applied when and how long, checksum, dirty.
    Status,
    /// Apply the pending migrations, in version order.
    Up {
        /// Stop after this version (it is applied).
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
        /// Print the exact SQL, in order, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Go on when applied migrations have no file.
        #[arg(long)]
        ignore_missing: bool,
        /// Run only if the plan is still the one a dry run showed (its
        /// `expect` token): same database state, same migrations.
        #[arg(long, value_name = "TOKEN")]
        expect: Option<String>,
        #[command(flatten)]
        lock: Lock,
    },
    /// Roll back the newest applied migrations (one by default).
    Down {
        /// How many to roll back.
        #[arg(long, conflicts_with = "to", value_name = "N")]
        steps: Option<usize>,
        /// Roll back everything newer than VERSION; VERSION itself stays
        /// applied (0 rolls back everything).
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
        /// Print the exact SQL, in order, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Roll back only if the plan is still the one a dry run showed
        /// (its `expect` token).
        #[arg(long, value_name = "TOKEN")]
        expect: Option<String>,
        #[command(flatten)]
        lock: Lock,
    },
    /// Write a new migration from the template (next version).
    Create {
        /// What it does, e.g. `add users email`.
        #[arg(required = true, num_args = 1..)]
        name: Vec<String>,
        /// Also write a .down.sql file.
        #[arg(long, short)]
        reversible: bool,
    },
    /// Check the migrations for operations that lock or break production.
    Lint {
        /// List every rule (id, severity, engines, why, fix) instead.
        #[arg(long)]
        rules: bool,
    },
    /// Resolve a dirty migration, or accept an edited file.
    ///
    /// Without a flag: the dirty migration was finished by hand, mark it applied.
    Repair {
        version: i64,
        /// Accept the current file of an applied migration after review.
        #[arg(long, group = "how")]
        checksum: bool,
        /// Run the dirty migration's SQL again.
        #[arg(long, group = "how")]
        rerun: bool,
        /// The dirty migration was undone by hand: forget it.
        #[arg(long, group = "how")]
        not_applied: bool,
        #[command(flatten)]
        lock: Lock,
    },
    /// Mark every migration up to VERSION as applied, without running it
    /// (for a database built before Shipdeck managed it).
    Baseline {
        version: i64,
        #[command(flatten)]
        lock: Lock,
    },
    /// One migration's SQL, and its diff when the file changed since it was applied.
    Show { version: i64 },
    /// Recorded applies, rollbacks, repairs and baselines (newest first).
    History {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

/// `30`, `30s`, `1500ms`, `2m`, at most a day.
fn parse_duration(s: &str) -> std::result::Result<Duration, shipdeck_core::duration::DurationError> {
    shipdeck_core::duration::parse_duration(s, LOCK_TIMEOUT)
}

fn print_status(s: &MigrationStatus) {
    println!("{} ({}, {}) — {}", s.database, s.engine.label(), s.url, s.folder);
    if s.migrations.is_empty() {
        println!("  no migrations");
        return;
    }
    let width = s
        .migrations
        .iter()
        .map(|m| m.description.len())
        .max()
        .unwrap_or(0)
        .min(40);
    for m in &s.migrations {
        let state = if m.dirty {
            "DIRTY".to_string()
        } else if m.applied {
            m.applied_at.clone().unwrap_or_else(|| "applied".into())
        } else {
            "pending".into()
        };
        let time = m.execution_ms.map(|ms| format!("{ms:.1} ms")).unwrap_or_default();
        let mut notes = Vec::new();
        match m.checksum {
            ChecksumState::Changed => notes.push("changed since applied".to_string()),
            ChecksumState::MissingFile => notes.push("file missing".to_string()),
            ChecksumState::Ok => {}
        }
        if let Some(n) = m.checksum_note {
            notes.push(format!(
                "{} only",
                serde_json::to_value(n)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
                    .unwrap_or_default()
            ));
        }
        if !m.reversible {
            notes.push("irreversible".into());
        }
        if m.no_transaction {
            notes.push("no transaction".into());
        }
        if m.out_of_order {
            notes.push("out of order".into());
        }
        let desc: String = m.description.chars().take(40).collect();
        println!(
            "  {:<14}  {desc:<width$}  {state:<20}  {time:>10}  {}",
            m.version,
            notes.join(", ")
        );
    }
    let applied = s.migrations.iter().filter(|m| m.applied).count();
    let pending = s
        .migrations
        .iter()
        .filter(|m| !m.applied && !m.dirty && m.checksum != ChecksumState::MissingFile)
        .count();
    let dirty = s.migrations.iter().filter(|m| m.dirty).count();
    println!(
        "{applied} applied, {pending} pending{}",
        if dirty > 0 {
            format!(", {dirty} dirty")
        } else {
            String::new()
        }
    );
}

fn print_run(r: &RunReport) {
    if let Some(script) = &r.script {
        print!("{script}");
        println!(
            "-- To run exactly this: the same command without --dry-run, with --expect {}",
            r.expect
        );
        return;
    }
    if r.steps.is_empty() {
        println!("{}: nothing to run", r.database);
    }
    let verb = match r.direction {
        shipdeck_core::migrations::run::Direction::Up => "applied",
        shipdeck_core::migrations::run::Direction::Down => "rolled back",
    };
    for s in &r.steps {
        let ms = s
            .execution_ms
            .map(|m| format!(" ({m:.1} ms)"))
            .unwrap_or_default();
        println!("{verb} {} {}{ms}", s.version, s.description);
    }
}

#[expect(clippy::too_many_lines, reason = "still to be split by step")]
pub async fn run(args: MigrateArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    if let MigrateCmd::Lint { rules: true } = args.cmd {
        out.print(&shipdeck_core::migrations::lint::rules(), |rules| {
            for r in rules {
                let engines: Vec<&str> = r.engines.iter().map(|e| e.label()).collect();
                println!("{} ({:?}, {})", r.id, r.severity, engines.join(", "));
                println!("    {}", r.summary);
            }
        });
        return Ok(ExitCode::SUCCESS);
    }
    let dir = g.workspace_dir();
    let core = open_core().await?;
    let choice = DatabaseChoice {
        database: args.database,
        url: args.database_url,
    };
    match args.cmd {
        MigrateCmd::Status => {
            let s = core.migrate_status(&dir, &choice).await?;
            out.print(&s, print_status);
        }
        MigrateCmd::Up {
            to,
            dry_run,
            ignore_missing,
            expect,
            lock,
        } => {
            cancel_on_ctrl_c(&core);
            let opts = RunOptions {
                dry_run,
                lock_timeout: lock.lock_timeout,
                ignore_missing,
                expect,
            };
            let r = core
                .migrate_up(&dir, &choice, to, opts, Bar::new(out.json || dry_run))
                .await?;
            out.print(&r, print_run);
        }
        MigrateCmd::Down {
            steps,
            to,
            dry_run,
            expect,
            lock,
        } => {
            cancel_on_ctrl_c(&core);
            let how = match to {
                Some(v) => DownTarget::To(v),
                None => DownTarget::Steps(steps.unwrap_or(1)),
            };
            let opts = RunOptions {
                dry_run,
                lock_timeout: lock.lock_timeout,
                ignore_missing: false,
                expect,
            };
            let r = core
                .migrate_down(&dir, &choice, how, opts, Bar::new(out.json || dry_run))
                .await?;
            out.print(&r, print_run);
        }
        MigrateCmd::Create { name, reversible } => {
            let c = core
                .migrate_create(&dir, choice.database.as_deref(), &name.join(" "), reversible)
                .await?;
            out.print(&c, |c| {
                for f in &c.files {
                    println!("created {f}");
                }
            });
        }
        MigrateCmd::Lint { .. } => return lint(&core, &dir, &choice, out).await,
        MigrateCmd::Repair {
            version,
            checksum,
            rerun,
            not_applied,
            lock,
        } => {
            let action = if checksum {
                RepairAction::Checksum
            } else if rerun {
                RepairAction::Rerun
            } else if not_applied {
                RepairAction::NotApplied
            } else {
                RepairAction::Applied
            };
            let r = core
                .migrate_repair(&dir, &choice, version, action, lock.lock_timeout)
                .await?;
            out.print(&r, |r| match r.action {
                RepairAction::Checksum => {
                    println!("{}: accepted the current file of {}", r.database, r.version)
                }
                RepairAction::Applied => println!("{}: marked {} applied", r.database, r.version),
                RepairAction::NotApplied => println!("{}: marked {} not applied", r.database, r.version),
                RepairAction::Rerun => println!("{}: ran {} again", r.database, r.version),
            });
        }
        MigrateCmd::Baseline { version, lock } => {
            let r = core
                .migrate_baseline(&dir, &choice, version, lock.lock_timeout)
                .await?;
            out.print(&r, |r| {
                if r.versions.is_empty() {
                    println!("{}: everything up to {version} was already applied", r.database);
                } else {
                    println!(
                        "{}: marked {} migration(s) applied up to {version}",
                        r.database,
                        r.versions.len()
                    );
                }
            });
        }
        MigrateCmd::Show { version } => {
            let d = core.migrate_show(&dir, &choice, version).await?;
            out.print(&d, |d| {
                println!(
                    "{} {}  {}",
                    d.version,
                    d.description,
                    d.file.as_deref().unwrap_or("(no file)")
                );
                if d.diff.as_deref() == Some("") {
                    println!(
                        "\nchanged since applied, in literal values only (the applied SQL is kept with its literals masked)"
                    );
                } else if let Some(diff) = &d.diff {
                    println!("\nchanged since applied:\n{diff}");
                } else if d.checksum == ChecksumState::Changed {
                    println!("\nchanged since applied (the applied SQL was not recorded by Shipdeck)");
                }
                if let Some(up) = &d.up_sql {
                    println!("\n-- up\n{}", up.trim_end());
                }
                if let Some(down) = &d.down_sql {
                    println!("\n-- down\n{}", down.trim_end());
                }
            });
        }
        MigrateCmd::History { limit } => {
            let name = match &choice.database {
                Some(n) => n.clone(),
                None => core
                    .migration_databases(&dir)
                    .await?
                    .into_iter()
                    .next()
                    .map(|d| d.name)
                    .unwrap_or_default(),
            };
            let runs = core.migration_runs(&dir, &name, limit).await?;
            out.print(&runs, |runs| {
                if runs.is_empty() {
                    println!("no recorded runs on {name}");
                }
                for r in runs {
                    println!(
                        "{}  {:<8} {:<9} {}  by {}",
                        crate::cli::output::ago(r.at),
                        r.action,
                        r.outcome,
                        r.versions,
                        r.actor
                    );
                }
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn lint(
    core: &shipdeck_core::Shipdeck,
    dir: &std::path::Path,
    choice: &DatabaseChoice,
    out: &Output,
) -> Result<ExitCode> {
    let report = core.migrate_lint(dir, choice).await?;
    out.print(&report, |r| {
        for f in &r.findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!(
                "{}:{}:{}: {level}[{}]: {}",
                f.file, f.line, f.column, f.rule, f.message
            );
            println!("    why: {}", f.why);
            println!("    fix: {}", f.fix);
        }
        let errors = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        println!(
            "{} file(s) checked for {}: {} error(s), {} warning(s)",
            r.files,
            r.engine.label(),
            errors,
            r.findings.len() - errors
        );
    });
    // Like a linter: findings of error severity fail the command (CI).
    let failed = report.findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
