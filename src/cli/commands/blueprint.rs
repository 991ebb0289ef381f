//! `shipdeck blueprint`: feature blueprints. `list` shows them with their
//! variables; `new` renders one into the workspace (every file or none),
//! or with `--dry-run` prints the unified diff of what it would write.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use shipdeck_core::blueprints::{values, Blueprint, Generation};
use shipdeck_core::error::Coded;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum BlueprintCmd {
    /// The workspace's blueprints (blueprints/<name>/) and the shipped ones.
    List,
    /// Render a blueprint into the workspace; refused, with nothing written,
    /// when a target file exists or a value is not allowed.
    New(NewArgs),
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The blueprint's name (see `shipdeck blueprint list`).
    name: String,
    /// A variable's value (repeatable). Missing ones without a default are
    /// asked for on a terminal.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
    set: Vec<(String, String)>,
    /// Print the unified diff of the new files; write nothing.
    #[arg(long)]
    dry_run: bool,
}

fn key_value(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("{s:?} is not KEY=VALUE")),
    }
}

pub async fn run(cmd: BlueprintCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    match cmd {
        BlueprintCmd::List => {
            let list = core.blueprint_list(&dir).await?;
            out.print(&list, |l| l.blueprints.iter().for_each(print_blueprint));
        }
        BlueprintCmd::New(a) => {
            let mut given: BTreeMap<String, String> = a.set.into_iter().collect();
            if !out.json && std::io::stdin().is_terminal() {
                let list = core.blueprint_list(&dir).await?;
                if let Some(bp) = list.blueprints.iter().find(|b| b.name == a.name) {
                    ask_missing(bp, &mut given)?;
                }
            }
            let generation = if a.dry_run {
                core.blueprint_preview(&dir, &a.name, given).await?
            } else {
                core.blueprint_create(&dir, &a.name, given).await?
            };
            out.print(&generation, print_generation);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_blueprint(b: &Blueprint) {
    println!("{}  ({:?})", b.name, b.source);
    println!("  {}", b.description);
    for v in &b.variables {
        let mut extra = Vec::new();
        if let Some(d) = &v.default {
            extra.push(format!("default {d:?}"));
        }
        if !v.choices.is_empty() {
            extra.push(format!("one of {}", v.choices.join(", ")));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" [{}]", extra.join("; "))
        };
        println!("  --set {}=…  {}{extra}", v.name, v.prompt);
    }
}

fn print_generation(g: &Generation) {
    if g.dry_run {
        print!("{}", g.diff);
        return;
    }
    for f in &g.files {
        println!("created {} ({} bytes)", f.path, f.bytes);
    }
    if let Some(page) = &g.checklist {
        println!("Checklist: {page}");
    }
}

/// Asks on the terminal for each variable with no value and no default,
/// until the answer is allowed.
fn ask_missing(bp: &Blueprint, given: &mut BTreeMap<String, String>) -> Result<()> {
    let missing: Vec<_> = values::missing(bp, given).into_iter().cloned().collect();
    let stdin = std::io::stdin();
    for v in missing {
        loop {
            let choices = if v.choices.is_empty() {
                String::new()
            } else {
                format!(" [{}]", v.choices.join("/"))
            };
            eprint!("{}{choices}: ", v.prompt);
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            let read = stdin
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::InvalidInput {
                    field: "blueprint value",
                    reason: e.to_string(),
                })?;
            if read == 0 {
                return Ok(()); // end of input: the core names what is missing
            }
            let answer = line.trim_end_matches(['\n', '\r']).to_string();
            match values::check(&v, &answer) {
                Ok(()) => {
                    given.insert(v.name.clone(), answer);
                    break;
                }
                Err(e) => eprintln!("{e}. {}", e.hint().unwrap_or_default()),
            }
        }
    }
    Ok(())
}
