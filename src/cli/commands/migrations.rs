use std::fmt::{self, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use shipdeck_core::api::MigrationDetail;
use shipdeck_core::migrations::lint::Severity;
use shipdeck_core::migrations::run::{
    ChecksumState, DownTarget, MigrationCounts, MigrationStatus, RepairAction, RunOptions, RunReport,
    DEFAULT_LOCK_TIMEOUT, LOCK_TIMEOUT,
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

impl MigrateArgs {
    /// Status and lint read files and the database only, never the
    /// repository's history.
    pub fn reads_history(&self) -> bool {
        !matches!(self.cmd, MigrateCmd::Status | MigrateCmd::Lint { .. })
    }
}

#[derive(Args, Debug, Clone, Copy)]
struct Lock {
    /// How long to wait for another run's lock: 30, 30s, 2m.
    #[arg(
        long,
        value_name = "DURATION",
        default_value_t = LockTimeout(DEFAULT_LOCK_TIMEOUT),
        value_parser = parse_duration
    )]
    lock_timeout: LockTimeout,
}

/// A `--lock-timeout` value; shown as the user types one (`30s`), so that
/// `--help` states the core's default.
#[derive(Debug, Clone, Copy)]
struct LockTimeout(Duration);

impl fmt::Display for LockTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{}s", self.0.as_secs())
        } else {
            write!(f, "{}ms", self.0.as_millis())
        }
    }
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
fn parse_duration(s: &str) -> std::result::Result<LockTimeout, shipdeck_core::duration::DurationError> {
    shipdeck_core::duration::parse_duration(s, LOCK_TIMEOUT).map(LockTimeout)
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
    // One write for the whole table, not one per line.
    let mut table = String::with_capacity(s.migrations.len() * 100);
    for m in &s.migrations {
        let state = if m.dirty {
            "DIRTY".to_string()
        } else if m.applied {
            m.applied_at.clone().unwrap_or_else(|| "applied".into())
        } else if m.pending {
            "pending".into()
        } else {
            String::new()
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
        let _ = writeln!(
            table,
            "  {:<14}  {desc:<width$}  {state:<20}  {time:>10}  {}",
            m.version,
            notes.join(", ")
        );
    }
    print!("{table}");
    let MigrationCounts {
        applied,
        pending,
        dirty,
        ..
    } = s.counts;
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

pub async fn run(args: MigrateArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    if let MigrateCmd::Lint { rules: true } = args.cmd {
        print_rules(out);
        return Ok(ExitCode::SUCCESS);
    }
    let cx = Context {
        core: open_core().await?,
        dir: g.workspace_dir(),
        choice: DatabaseChoice {
            database: args.database,
            url: args.database_url,
        },
        out,
    };
    match args.cmd {
        MigrateCmd::Status => status(&cx).await?,
        MigrateCmd::Up {
            to,
            dry_run,
            ignore_missing,
            expect,
            lock,
        } => {
            let opts = RunOptions {
                dry_run,
                lock_timeout: lock.lock_timeout.0,
                ignore_missing,
                expect,
            };
            up(&cx, to, opts).await?;
        }
        MigrateCmd::Down {
            steps,
            to,
            dry_run,
            expect,
            lock,
        } => {
            let how = match to {
                Some(v) => DownTarget::To(v),
                None => DownTarget::Steps(steps.unwrap_or(1)),
            };
            let opts = RunOptions {
                dry_run,
                lock_timeout: lock.lock_timeout.0,
                ignore_missing: false,
                expect,
            };
            down(&cx, how, opts).await?;
        }
        MigrateCmd::Create { name, reversible } => create(&cx, &name.join(" "), reversible).await?,
        MigrateCmd::Lint { .. } => return lint(&cx.core, &cx.dir, &cx.choice, out).await,
        MigrateCmd::Repair {
            version,
            checksum,
            rerun,
            not_applied,
            lock,
        } => {
            let action = repair_action(checksum, rerun, not_applied);
            repair(&cx, version, action, lock.lock_timeout.0).await?;
        }
        MigrateCmd::Baseline { version, lock } => baseline(&cx, version, lock.lock_timeout.0).await?,
        MigrateCmd::Show { version } => show(&cx, version).await?,
        MigrateCmd::History { limit } => history(&cx, limit).await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What every subcommand works on: the core, the workspace, the database
/// the user picked and how to print.
struct Context<'a> {
    core: shipdeck_core::Shipdeck,
    dir: PathBuf,
    choice: DatabaseChoice,
    out: &'a Output,
}

fn print_rules(out: &Output) {
    out.print(&shipdeck_core::migrations::lint::rules(), |rules| {
        for r in rules {
            let engines: Vec<&str> = r.engines.iter().map(|e| e.label()).collect();
            println!("{} ({:?}, {})", r.id, r.severity, engines.join(", "));
            println!("    {}", r.summary);
        }
    });
}

async fn status(cx: &Context<'_>) -> Result<()> {
    let s = cx.core.migrate_status(&cx.dir, &cx.choice).await?;
    cx.out.print(&s, print_status);
    Ok(())
}

async fn up(cx: &Context<'_>, to: Option<i64>, opts: RunOptions) -> Result<()> {
    cancel_on_ctrl_c(&cx.core);
    let bar = Bar::new(cx.out.json || opts.dry_run);
    let r = cx.core.migrate_up(&cx.dir, &cx.choice, to, opts, bar).await?;
    cx.out.print(&r, print_run);
    Ok(())
}

async fn down(cx: &Context<'_>, how: DownTarget, opts: RunOptions) -> Result<()> {
    cancel_on_ctrl_c(&cx.core);
    let bar = Bar::new(cx.out.json || opts.dry_run);
    let r = cx.core.migrate_down(&cx.dir, &cx.choice, how, opts, bar).await?;
    cx.out.print(&r, print_run);
    Ok(())
}

async fn create(cx: &Context<'_>, name: &str, reversible: bool) -> Result<()> {
    let c = cx
        .core
        .migrate_create(&cx.dir, cx.choice.database.as_deref(), name, reversible)
        .await?;
    cx.out.print(&c, |c| {
        for f in &c.files {
            println!("created {f}");
        }
    });
    Ok(())
}

/// The flags of `repair` (at most one, clap's group) as the action.
fn repair_action(checksum: bool, rerun: bool, not_applied: bool) -> RepairAction {
    if checksum {
        RepairAction::Checksum
    } else if rerun {
        RepairAction::Rerun
    } else if not_applied {
        RepairAction::NotApplied
    } else {
        RepairAction::Applied
    }
}

async fn repair(cx: &Context<'_>, version: i64, action: RepairAction, lock_timeout: Duration) -> Result<()> {
    let r = cx
        .core
        .migrate_repair(&cx.dir, &cx.choice, version, action, lock_timeout)
        .await?;
    cx.out.print(&r, |r| match r.action {
        RepairAction::Checksum => {
            println!("{}: accepted the current file of {}", r.database, r.version)
        }
        RepairAction::Applied => println!("{}: marked {} applied", r.database, r.version),
        RepairAction::NotApplied => println!("{}: marked {} not applied", r.database, r.version),
        RepairAction::Rerun => println!("{}: ran {} again", r.database, r.version),
    });
    Ok(())
}

async fn baseline(cx: &Context<'_>, version: i64, lock_timeout: Duration) -> Result<()> {
    let r = cx
        .core
        .migrate_baseline(&cx.dir, &cx.choice, version, lock_timeout)
        .await?;
    cx.out.print(&r, |r| {
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
    Ok(())
}

async fn show(cx: &Context<'_>, version: i64) -> Result<()> {
    let d = cx.core.migrate_show(&cx.dir, &cx.choice, version).await?;
    cx.out.print(&d, print_detail);
    Ok(())
}

fn print_detail(d: &MigrationDetail) {
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
}

async fn history(cx: &Context<'_>, limit: i64) -> Result<()> {
    let name = match &cx.choice.database {
        Some(n) => n.clone(),
        None => cx
            .core
            .migration_databases(&cx.dir)
            .await?
            .into_iter()
            .next()
            .map(|d| d.name)
            .unwrap_or_default(),
    };
    let runs = cx.core.migration_runs(&cx.dir, &name, limit).await?;
    cx.out.print(&runs, |runs| {
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
    Ok(())
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
        println!(
            "{} file(s) checked for {}: {} error(s), {} warning(s)",
            r.files,
            r.engine.label(),
            r.errors,
            r.warnings
        );
    });
    // Like a linter: findings of error severity fail the command (CI).
    Ok(if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
