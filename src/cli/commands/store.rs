//! `shipdeck store …`: which store holds the history, and copying it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use shipdeck_core::store::copy::TableCount;
use shipdeck_core::store::StoreStatus;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::Output;

#[derive(Subcommand, Debug)]
pub enum StoreCmd {
    /// Which store holds the history and whether it answers (exit 1 when not).
    Status,
    /// Use a shared PostgreSQL store (password to the OS keyring); migrates its schema.
    Use {
        /// postgres://user:password@host/db
        url: String,
    },
    /// Go back to the SQLite store in the data folder.
    UseLocal,
    /// Copy this data folder's local history into a PostgreSQL store (settings unchanged).
    MigrateTo {
        /// postgres://user:password@host/db
        url: String,
    },
    /// Write the current store's history as JSON (stdout, or --output FILE).
    Export {
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import a `store export` file into the current store (rows already imported are skipped).
    Import { file: PathBuf },
}

pub async fn run(cmd: StoreCmd, out: &Output) -> Result<ExitCode> {
    let core = open_core().await?;
    match cmd {
        StoreCmd::Status => Ok(print_status(&core.store_status().await, out)),
        StoreCmd::Use { url } => {
            let status = core.store_use(&url).await?;
            Ok(print_status(&status, out))
        }
        StoreCmd::UseLocal => {
            core.store_use_local()?;
            let status = shipdeck_core::store::Store::lazy(&core.paths().data_dir)
                .status()
                .await;
            Ok(print_status(&status, out))
        }
        StoreCmd::MigrateTo { url } => {
            cancel_on_ctrl_c(&core);
            let report = core.store_migrate_to(&url, Bar::new(out.json)).await?;
            out.print(&report, |r| {
                print_counts(&r.tables);
                println!("Copied into {}; this folder still uses its own store:", r.target);
                println!("{}.", r.next);
            });
            Ok(ExitCode::SUCCESS)
        }
        StoreCmd::Export { output } => {
            cancel_on_ctrl_c(&core);
            export(&core, output, out).await
        }
        StoreCmd::Import { file } => {
            cancel_on_ctrl_c(&core);
            let report = core.store_import(&file, Bar::new(out.json)).await?;
            out.print(&report, |r| print_counts(&r.tables));
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn export(core: &shipdeck_core::Shipdeck, output: Option<PathBuf>, out: &Output) -> Result<ExitCode> {
    let Some(file) = output else {
        // The export is the output: nothing else goes to stdout.
        let stdout = Box::new(std::io::BufWriter::new(std::io::stdout()));
        core.store_export(stdout, Bar::new(out.json)).await?;
        return Ok(ExitCode::SUCCESS);
    };
    // Written beside the file and renamed, so a failed export leaves no
    // half file under its name.
    let tmp = file.with_extension("partial");
    let handle = std::fs::File::create(&tmp).map_err(Error::io("write", &tmp))?;
    let result = core
        .store_export(Box::new(std::io::BufWriter::new(handle)), Bar::new(out.json))
        .await;
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &file).map_err(Error::io("write", &file))?;
    let shown = serde_json::json!({
        "file": file.display().to_string(),
        "store_id": summary.store_id,
        "schema": summary.schema,
        "tables": summary.tables,
    });
    out.print(&shown, |_| {
        let rows: u64 = summary.tables.values().sum();
        println!(
            "Exported {rows} rows of store {} to {}.",
            summary.store_id,
            file.display()
        );
    });
    Ok(ExitCode::SUCCESS)
}

fn print_status(status: &StoreStatus, out: &Output) -> ExitCode {
    out.print(status, |s| {
        let kind = serde_json::to_value(s.kind).ok();
        let kind = kind.as_ref().and_then(|k| k.as_str()).unwrap_or("?");
        println!("{kind} store: {}", s.location);
        match &s.error {
            None => println!("reachable"),
            Some(e) => {
                println!("unreachable: [{}] {}", e.code, e.message);
                if let Some(hint) = &e.hint {
                    println!("hint: {hint}");
                }
            }
        }
    });
    if status.reachable {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_counts(tables: &std::collections::BTreeMap<String, TableCount>) {
    for (name, c) in tables.iter().filter(|(_, c)| c.copied + c.skipped > 0) {
        println!("  {name:<24} {:>7} copied {:>7} skipped", c.copied, c.skipped);
    }
    let copied: u64 = tables.values().map(|c| c.copied).sum();
    println!("{copied} rows copied.");
}
