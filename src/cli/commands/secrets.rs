use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::Subcommand;
use shipdeck_core::{Error, Result};

use super::open_core;
use crate::cli::output::ago;
use crate::cli::{Global, Output};

#[derive(Subcommand, Debug)]
pub enum SecretCmd {
    /// Store a credential. The value is read from stdin, or from a hidden
    /// prompt on a terminal — never from the command line.
    Set { name: String },
    /// List credential names (never values).
    List,
    /// Remove a credential from the keyring.
    Rm { name: String },
}

fn read_value(name: &str) -> Result<String> {
    let stdin = std::io::stdin();
    let value = if stdin.is_terminal() {
        rpassword::prompt_password(format!("Value for {name}: ")).map_err(|e| Error::InvalidInput {
            field: "credential value",
            reason: e.to_string(),
        })?
    } else {
        let mut buf = String::new();
        stdin
            .lock()
            .read_to_string(&mut buf)
            .map_err(|e| Error::InvalidInput {
                field: "credential value",
                reason: e.to_string(),
            })?;
        // Only the line ending a pipe or heredoc adds; inner spaces are kept.
        let trimmed = buf.strip_suffix('\n').unwrap_or(&buf);
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_string()
    };
    Ok(value)
}

pub async fn run(cmd: SecretCmd, g: &Global, out: &Output) -> Result<ExitCode> {
    let dir = g.workspace_dir();
    let core = open_core().await?;
    match cmd {
        SecretCmd::Set { name } => {
            shipdeck_core::secrets::validate_name(&name)?;
            let value = read_value(&name)?;
            core.secret_set(&dir, &name, value).await?;
            out.print(&serde_json::json!({ "name": name, "stored": true }), |_| {
                eprintln!("Stored {name} in the {} keyring.", core.keyring().backend())
            });
        }
        SecretCmd::List => {
            let list = core.secret_list(&dir).await?;
            out.print(&serde_json::json!({ "credentials": list }), |_| {
                if list.is_empty() {
                    println!("No credentials. Add one with `shipdeck secret set NAME`.");
                }
                for c in &list {
                    let state = if c.present {
                        ""
                    } else {
                        "  (missing from the keyring)"
                    };
                    println!("{:<32} updated {}{state}", c.name, ago(c.updated_at));
                }
            });
        }
        SecretCmd::Rm { name } => {
            core.secret_rm(&dir, &name).await?;
            out.print(&serde_json::json!({ "name": name, "removed": true }), |_| {
                eprintln!("Removed {name}.")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
