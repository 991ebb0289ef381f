//! Argument parsing and dispatch. Exit codes: 0 ok, 1 user error (bad input,
//! failed checks), 2 internal error.

mod commands;
mod output;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use shipdeck_core::Error;

pub use output::Output;

#[derive(Parser, Debug)]
#[command(
    name = "shipdeck",
    version,
    about = "Release engineering for a repository: releases, migrations, environments, benchmarks."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The workspace (a git repository's top folder). Default: the current folder.
    #[arg(short = 'C', long = "workspace", global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Print machine-readable JSON on stdout (errors too) and no progress bars.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less output on stderr (errors only).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,
}

impl Global {
    pub fn workspace_dir(&self) -> PathBuf {
        self.workspace.clone().unwrap_or_else(|| PathBuf::from("."))
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The workspace: state, history scan, chart.
    #[command(subcommand)]
    Workspace(commands::workspace::WorkspaceCmd),
    /// A realistic demo workspace to try Shipdeck on.
    #[command(subcommand)]
    Demo(commands::demo::DemoCmd),
    /// Releases: plan, changelog, cut, publish, roll back, history.
    #[command(subcommand, visible_alias = "release")]
    Releases(commands::releases::ReleaseCmd),
    /// Migrations: status, up, down, create, lint, repair, baseline.
    #[command(visible_alias = "migrate")]
    Migrations(commands::migrations::MigrateArgs),
    /// Benchmarks: HTTP load, scenarios, imports, history, regression gate.
    #[command(subcommand, visible_alias = "bench")]
    Benchmarks(commands::benchmarks::BenchCmd),
    /// Environments: parity, health, observability readiness, local doctor.
    #[command(subcommand, visible_alias = "env")]
    Environments(commands::environments::EnvCmd),
    /// Database advisor: slow queries, missing and wasted indexes, fixes as migrations.
    Advisor(commands::advisor::AdvisorArgs),
    /// Security: secrets in the tree and history, vulnerable dependencies, SARIF results.
    #[command(subcommand)]
    Security(commands::security::SecurityCmd),
    /// Dependencies: what is outdated, from the registries the workspace uses.
    #[command(subcommand, visible_alias = "deps")]
    Dependencies(commands::dependencies::DepsCmd),
    /// Coverage: reports from the test tools, area thresholds.
    #[command(subcommand)]
    Coverage(commands::coverage::CoverageCmd),
    /// Bundle: what each route of a web app loads, packages, budgets.
    #[command(subcommand)]
    Bundle(commands::bundle::BundleCmd),
    /// Feature blueprints: list them, render one into the workspace.
    #[command(subcommand, visible_alias = "blueprints")]
    Blueprint(commands::blueprint::BlueprintCmd),
    /// Release readiness: one verdict for the candidate at HEAD from every area; exit 1 on fail.
    #[command(visible_alias = "readiness")]
    Ready(commands::readiness::ReadyArgs),
    /// Rollback: an environment back to a previous release (deploy, database, release, verify).
    #[command(subcommand)]
    Rollback(commands::rollback::RollbackCmd),
    /// Generated documentation: the domain model page of a database.
    #[command(subcommand)]
    Docs(commands::docs::DocsCmd),
    /// Check what this workspace needs from the machine.
    Doctor,
    /// Credentials in the OS keyring (names are listed, values never shown).
    #[command(subcommand, visible_alias = "secret")]
    Secrets(commands::secrets::SecretCmd),
    /// The store that holds the history: status, use a shared one, copy, export, import.
    #[command(subcommand)]
    Store(commands::store::StoreCmd),
    /// Job runs recorded by the app and the CLI (newest first).
    Activity(commands::activity::ActivityArgs),
    /// The desktop app's log (newest first), filtered.
    Logs(commands::activity::LogsArgs),
}

impl Command {
    /// Whether the command may read the repository through libgit2, whose
    /// start initialises OpenSSL (milliseconds in every process); commands
    /// that never do skip it. Wrong here only costs time: libgit2 then
    /// starts on first use, loading the CA bundle at once.
    fn uses_git(&self) -> bool {
        match self {
            Command::Migrations(args) => args.reads_history(),
            _ => true,
        }
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // Before the runtime's threads exist, as its contract requires.
    if cli.command.uses_git() {
        shipdeck_core::tls::defer_ca_loading();
    }
    shipdeck_core::logs::init_stderr(cli.global.verbose as i8 - cli.global.quiet as i8);
    let out = Output::new(cli.global.json);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return out.error(&Error::Internal(format!("cannot start the runtime: {e}"))),
    };
    match runtime.block_on(commands::dispatch(cli, &out)) {
        Ok(code) => code,
        Err(e) => out.error(&e),
    }
}

/// Help and version exit 0; anything else is a user error (exit 1), printed
/// as JSON when `--json` was given.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    if std::env::args().any(|a| a == "--json") {
        let payload = shipdeck_core::ErrorPayload {
            code: "cli.usage".into(),
            message: e.kind().to_string(),
            hint: Some("Run `shipdeck --help` for usage.".into()),
        };
        println!("{}", serde_json::to_string(&payload).expect("serializable"));
    } else {
        let _ = e.print();
    }
    ExitCode::from(1)
}
