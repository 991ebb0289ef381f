use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use shipdeck_core::advisor::{Finding, Severity, Suggestion, Verification};
use shipdeck_core::api::{AdvisorOptions, AdvisorView};
use shipdeck_core::{DatabaseChoice, Result, Shipdeck};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Args, Debug)]
pub struct AdvisorArgs {
    /// The database, by its name under [databases] (default: the first).
    #[arg(long, global = true, value_name = "NAME")]
    database: Option<String>,
    /// Use this URL instead of the configured one (never recorded).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    cmd: AdvisorCmd,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum FailOn {
    Critical,
    Warning,
    Info,
}

#[derive(Subcommand, Debug)]
enum AdvisorCmd {
    /// Run the checks (all of the engine's, or the named ones) and store the run.
    Run {
        /// Only these checks (repeat, or list after one --check).
        #[arg(long = "check", value_name = "ID", num_args = 1..)]
        checks: Vec<String>,
        /// Exit 1 when a finding at this severity or above remains.
        #[arg(long, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
        /// PostgreSQL: also plan statements that call functions owned by
        /// roles the advisor does not trust (planning may run them).
        #[arg(long)]
        allow_untrusted_functions: bool,
    },
    /// Suggest an index for one query, with the plan's estimated cost before and after.
    Suggest {
        #[arg(long, value_name = "SQL")]
        query: String,
        /// PostgreSQL: plan the query even if it calls functions owned by
        /// roles the advisor does not trust (planning may run them).
        #[arg(long)]
        allow_untrusted_functions: bool,
    },
    /// Every check: id, engines, threshold and source.
    Checks,
    /// Write a finding's fix (from the latest run) as a new migration, and lint it.
    Accept { key: String },
    /// Hide a finding of this database from now on.
    Dismiss {
        key: String,
        #[arg(long)]
        reason: String,
    },
    /// Show a dismissed finding again.
    Restore { key: String },
    /// Stored runs (newest first).
    History {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn print_finding(f: &Finding) {
    println!("  [{}] {}: {}", severity_label(f.severity), f.check, f.message);
    let figures: Vec<String> = f
        .evidence
        .figures
        .iter()
        .map(|x| format!("{}={}", x.name, with_unit(x.value, &x.unit)))
        .collect();
    if !figures.is_empty() {
        println!("      {}", figures.join("  "));
    }
    if let Some(q) = &f.evidence.query {
        println!("      query: {}", one_line(q, 120));
    }
    if let Some(v) = f.evidence.verification {
        println!("      verified: {}", verification_label(v));
    }
    if let Some(sql) = &f.fix_sql {
        for line in sql.lines() {
            println!("      {} {line}", if f.migration { "fix:" } else { "run:" });
        }
    }
    println!("      key: {}", f.key);
}

fn with_unit(v: f64, unit: &str) -> String {
    match unit {
        "%" => format!("{v:.1}%"),
        "ms" | "s" | "days" => format!("{} {unit}", trim_number(v)),
        "bytes" if v >= 1024.0 * 1024.0 => format!("{:.1} MiB", v / 1024.0 / 1024.0),
        "bytes" => format!("{:.0} KiB", v / 1024.0),
        _ => trim_number(v),
    }
}

fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn one_line(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

fn verification_label(v: Verification) -> &'static str {
    match v {
        Verification::Hypopg => "HypoPG (hypothetical index)",
        Verification::ScratchCopy => "planned on a scratch copy of the schema and statistics",
        Verification::Unverified => "UNVERIFIED — review before applying",
    }
}

fn print_view(v: &AdvisorView) {
    let r = &v.report;
    println!(
        "{} ({}): {} finding(s) from {} check(s) in {} ms{}",
        r.database,
        r.engine.label(),
        r.findings.len(),
        r.checks.len(),
        r.duration_ms,
        if r.dismissed > 0 {
            format!(", {} dismissed", r.dismissed)
        } else {
            String::new()
        }
    );
    for sev in [Severity::Critical, Severity::Warning, Severity::Info] {
        let group: Vec<_> = r.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() {
            continue;
        }
        println!("\n{} ({})", severity_label(sev), group.len());
        for f in group {
            print_finding(f);
        }
    }
    for n in &r.notices {
        println!("\nnote: {}: {}\n      {}", n.check, n.message, n.hint);
    }
}

fn print_suggestion(s: &Suggestion) {
    println!("{}", s.message);
    if let Some(b) = s.cost_before {
        print!("estimated cost: {b:.1}");
        if let Some(a) = s.cost_after {
            print!(" → {a:.1}");
        }
        println!();
    }
    println!("verified: {}", verification_label(s.verification));
    if let Some(i) = &s.index {
        println!("\n{}", i.sql);
    }
    for n in &s.notices {
        println!("\nnote: {}: {}\n      {}", n.check, n.message, n.hint);
    }
}

/// What every subcommand but `checks` works on.
struct Ctx<'a> {
    core: Shipdeck,
    dir: PathBuf,
    choice: DatabaseChoice,
    out: &'a Output,
}

pub async fn run(args: AdvisorArgs, g: &Global, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    if let AdvisorCmd::Checks = args.cmd {
        out.print(&core.advisor_checks(), |checks| {
            for c in checks {
                let engines: Vec<&str> = c.engines.iter().map(|e| e.label()).collect();
                println!("{:<26} {}  [{}]", c.id, c.title, engines.join(", "));
                println!("{:<26} threshold: {}", "", c.threshold);
                println!("{:<26} source: {}", "", c.source);
            }
        });
        return Ok(ExitCode::SUCCESS);
    }
    let c = Ctx {
        core,
        dir: g.workspace_dir(),
        choice: DatabaseChoice {
            database: args.database,
            url: args.database_url,
        },
        out,
    };
    let (core, dir, choice) = (&c.core, &c.dir, &c.choice);
    match args.cmd {
        AdvisorCmd::Run {
            checks,
            fail_on,
            allow_untrusted_functions,
        } => return run_checks(&c, &checks, fail_on, allow_untrusted_functions).await,
        AdvisorCmd::Suggest {
            query,
            allow_untrusted_functions,
        } => {
            let options = AdvisorOptions {
                allow_untrusted_functions,
            };
            let s = core.advisor_suggest(dir, choice, &query, options).await?;
            out.print(&s, print_suggestion);
        }
        AdvisorCmd::Accept { key } => accept(&c, &key).await?,
        AdvisorCmd::Dismiss { key, reason } => {
            core.advisor_dismiss(dir, choice, &key, &reason).await?;
            out.print(&serde_json::json!({"dismissed": key}), |_| {
                println!("dismissed {key}")
            });
        }
        AdvisorCmd::Restore { key } => {
            let restored = core.advisor_restore(dir, choice, &key).await?;
            out.print(&serde_json::json!({"restored": restored}), |_| {
                println!("{}", if restored { "restored" } else { "was not dismissed" })
            });
        }
        AdvisorCmd::History { limit } => history(&c, limit).await?,
        AdvisorCmd::Checks => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `advisor run`: exit 1 when a finding at `fail_on` or above remains.
async fn run_checks(
    c: &Ctx<'_>,
    checks: &[String],
    fail_on: Option<FailOn>,
    allow_untrusted_functions: bool,
) -> Result<ExitCode> {
    cancel_on_ctrl_c(&c.core);
    let checks: Vec<String> = checks
        .iter()
        .flat_map(|c| c.split(','))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let options = AdvisorOptions {
        allow_untrusted_functions,
    };
    let view = c
        .core
        .advisor_run(&c.dir, &c.choice, &checks, options, Bar::new(c.out.json))
        .await?;
    c.out.print(&view.report, |_| print_view(&view));
    let limit = fail_on.map(|f| match f {
        FailOn::Critical => Severity::Critical,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    });
    if let Some(limit) = limit {
        if view.report.findings.iter().any(|f| f.severity <= limit) {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn accept(c: &Ctx<'_>, key: &str) -> Result<()> {
    let a = c.core.advisor_accept(&c.dir, &c.choice, key).await?;
    c.out.print(&a, |a| {
        for f in &a.migration.files {
            println!("created {f}");
        }
        if a.lint.is_empty() {
            println!("lint: no findings");
        }
        for l in &a.lint {
            println!(
                "lint: {}:{}: {:?} {}: {}",
                l.file, l.line, l.severity, l.rule, l.message
            );
        }
    });
    Ok(())
}

async fn history(c: &Ctx<'_>, limit: i64) -> Result<()> {
    let runs = c.core.advisor_runs(&c.dir, &c.choice, limit).await?;
    c.out.print(&runs, |runs| {
        for r in runs {
            let at = chrono::DateTime::from_timestamp_millis(r.at)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let hit = r
                .metrics
                .cache_hit_pct
                .map(|h| format!("  cache hit {h:.2} %"))
                .unwrap_or_default();
            println!("{at}  {:>4} finding(s)  {:>6} ms{hit}", r.findings, r.duration_ms);
        }
    });
    Ok(())
}
