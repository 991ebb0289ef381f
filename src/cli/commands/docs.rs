use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::api::SchemaDoc;
use shipdeck_core::{DatabaseChoice, Result};

pub use super::docs_check::CheckArgs;
use super::open_core;
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum DocsCmd {
    /// The domain model page of a database (docs/domain-model.md): a Mermaid
    /// ER diagram and a section per table, from the live schema.
    Schema(SchemaArgs),
    /// Markdown pages against the code they reference (stale when it
    /// changed after them) and their links; exit 1 on a stale page or a
    /// broken link (`[docs] fail_on`).
    Check(CheckArgs),
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The database, by its name under [databases] (default: the first).
    #[arg(long, value_name = "NAME")]
    database: Option<String>,
    /// Use this URL instead of the configured one (never recorded).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Write nothing; exit 1 when the committed page differs from the live
    /// schema (for CI).
    #[arg(long, conflicts_with = "stdout")]
    check: bool,
    /// Print the page instead of writing it.
    #[arg(long)]
    stdout: bool,
}

pub async fn run(cmd: DocsCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let args = match cmd {
        DocsCmd::Schema(a) => a,
        DocsCmd::Check(a) => return super::docs_check::run(a, g, out).await,
    };
    let dir = g.workspace_dir();
    let core = open_core().await?;
    let choice = DatabaseChoice {
        database: args.database,
        url: args.database_url,
    };
    let write = !args.check && !args.stdout;
    let doc = core.docs_schema(&dir, &choice, write).await?;
    if args.stdout && !out.json {
        print!("{}", doc.markdown);
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        out.print(&doc, print_check);
        // Like a linter: a page that no longer matches fails CI.
        return Ok(if doc.drift.up_to_date {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    out.print(&doc, |d| {
        println!("wrote {} ({} {})", d.path, d.tables, tables(d.tables));
    });
    Ok(ExitCode::SUCCESS)
}

fn tables(n: usize) -> &'static str {
    if n == 1 {
        "table"
    } else {
        "tables"
    }
}

fn print_check(d: &SchemaDoc) {
    if d.drift.up_to_date {
        println!("{} is up to date ({} {})", d.path, d.tables, tables(d.tables));
        return;
    }
    println!("{} differs from the {} database:", d.path, d.database);
    for (label, names) in [
        ("added", &d.drift.added_tables),
        ("removed", &d.drift.removed_tables),
        ("changed", &d.drift.changed_tables),
    ] {
        for name in names {
            println!("  {label:<8} {name}");
        }
    }
    // A missing page would print whole; the table names say enough.
    let missing = d.drift.removed_tables.is_empty()
        && d.drift.changed_tables.is_empty()
        && d.drift.added_tables.len() == d.tables;
    if let (Some(diff), false) = (&d.drift.diff, missing) {
        println!("\n{}", diff.trim_end());
    }
    println!(
        "\nhint: regenerate it with `shipdeck docs schema --database {}` and commit it.",
        d.database
    );
}
