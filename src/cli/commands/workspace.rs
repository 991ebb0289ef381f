use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use shipdeck_core::charts::Theme;
use shipdeck_core::workspace::WorkspaceInfo;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::output::{ago, rows};
use crate::cli::progress::{cancel_on_ctrl_c, Bar};
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum WorkspaceCmd {
    /// Branch, HEAD, changes, last version tag, ecosystems, migrations, config.
    Info,
    /// Read the whole history for statistics (recorded in Activity).
    Scan,
    /// Write the commits-per-week chart of the last scan as SVG.
    Chart {
        #[arg(long, default_value = "light", value_parser = ["light", "dark"])]
        theme: String,
        /// Output file (default: stdout).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

pub async fn run(cmd: WorkspaceCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    match cmd {
        WorkspaceCmd::Info => {
            let info = shipdeck_core::api::workspace_info(&dir).await?;
            out.print(&info, print_info);
        }
        WorkspaceCmd::Scan => {
            let core = open_core().await?;
            cancel_on_ctrl_c(&core);
            let stats = core.workspace_scan(&dir, Bar::new(out.json)).await?;
            out.print(&stats, |s| {
                rows(&[
                    ("commits", s.commits.to_string()),
                    ("merges", s.merges.to_string()),
                    ("authors", s.authors.to_string()),
                    (
                        "first commit",
                        s.first_commit_at.map(ago).unwrap_or_else(|| "-".into()),
                    ),
                    (
                        "types",
                        s.types
                            .iter()
                            .take(6)
                            .map(|t| format!("{} {}", t.kind, t.commits))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    (
                        "last 26 weeks",
                        s.weekly
                            .iter()
                            .map(|w| w.commits.to_string())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                ])
            });
        }
        WorkspaceCmd::Chart { theme, output } => {
            let core = open_core().await?;
            let stats = core
                .workspace_last_scan(&dir)
                .await?
                .ok_or_else(|| Error::InvalidInput {
                    field: "workspace",
                    reason: "no scan yet: run `shipdeck workspace scan` first".into(),
                })?;
            let chart = core.workspace_chart(
                &stats,
                theme.parse::<Theme>().map_err(shipdeck_core::Error::area)?,
            )?;
            match output {
                Some(path) => std::fs::write(&path, &chart.svg).map_err(|e| Error::Io {
                    action: "write",
                    path: path.clone(),
                    source: e,
                })?,
                None => print!("{}", chart.svg),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_info(i: &WorkspaceInfo) {
    println!("{}  ({})", i.name, i.root);
    let branch = match (&i.branch, &i.head_commit) {
        (Some(b), _) => b.clone(),
        (None, Some(c)) => format!("detached at {}", c.short_sha),
        (None, None) => "-".into(),
    };
    let head = i
        .head_commit
        .as_ref()
        .map(|c| format!("{} {} — {}, {}", c.short_sha, c.subject, c.author, ago(c.time)))
        .unwrap_or_else(|| "no commits yet".into());
    let changes = if i.dirty {
        format!("{} files changed", i.dirty_files)
    } else {
        "clean".into()
    };
    let tag = match &i.last_tag {
        Some(t) => format!("{t} (+{} commits)", i.commits_since_tag),
        None => format!("none ({} commits)", i.commits_since_tag),
    };
    let migrations = if i.migration_folders.is_empty() {
        "none".to_string()
    } else {
        i.migration_folders
            .iter()
            .map(|m| format!("{} ({} files, {})", m.path, m.files, m.layout))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let config = match (&i.config.present, &i.config.error) {
        (false, _) => "no shipdeck.toml (defaults)".to_string(),
        (true, None) => "shipdeck.toml valid".to_string(),
        (true, Some(e)) => format!("shipdeck.toml INVALID: {}", e.message),
    };
    rows(&[
        ("branch", branch),
        ("HEAD", head),
        ("changes", changes),
        ("last tag", tag),
        (
            "ecosystems",
            if i.ecosystems.is_empty() {
                "none".into()
            } else {
                i.ecosystems.join(", ")
            },
        ),
        ("migrations", migrations),
        ("config", config),
    ]);
    if let Some(hint) = i.config.error.as_ref().and_then(|e| e.hint.as_ref()) {
        println!("  hint: {hint}");
    }
}
