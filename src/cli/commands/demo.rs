use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use shipdeck_core::demo::DemoOptions;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::output::rows;
use crate::cli::Output;

#[derive(Subcommand, Debug)]
pub enum DemoCmd {
    /// Create the demo workspace in DIR (new or empty).
    Create {
        dir: PathBuf,
        /// Random seed: the same seed and --until give the same commits.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Time of the newest commit (RFC 3339); default: now.
        #[arg(long)]
        until: Option<String>,
    },
}

pub async fn run(cmd: DemoCmd, out: &Output) -> Result<ExitCode> {
    let DemoCmd::Create { dir, seed, until } = cmd;
    let until = match until {
        None => Utc::now(),
        Some(s) => DateTime::parse_from_rfc3339(&s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| Error::InvalidInput {
                field: "--until",
                reason: format!("{s:?}: {e} (use e.g. 2026-06-01T12:00:00Z)"),
            })?,
    };
    let core = open_core().await?;
    let summary = core.demo_create(&dir, DemoOptions { seed, until }).await?;
    out.print(&summary, |s| {
        println!("Demo workspace created.");
        rows(&[
            ("root", s.root.clone()),
            ("commits", s.commits.to_string()),
            (
                "tags",
                format!(
                    "{} ({} … {})",
                    s.tags.len(),
                    s.tags.first().map_or("", |t| t),
                    s.tags.last().map_or("", |t| t)
                ),
            ),
            ("migrations", s.migrations.to_string()),
        ]);
        println!("\nNext: shipdeck -C {} workspace info", s.root);
    });
    Ok(ExitCode::SUCCESS)
}
