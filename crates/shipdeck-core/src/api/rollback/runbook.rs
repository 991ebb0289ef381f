//! The runbook: rendered from the configuration and the recorded runs,
//! compared with (or written to) the working tree's file — the working
//! tree, because that is what a CI checkout has.

use super::super::Shipdeck;
use crate::config::DeployConfig;
use crate::error::{Error, Result};
use crate::rollback::platform::rollback_action;
use crate::rollback::runbook::{render, RunbookEnv, RunbookInput, RUNBOOK_PATH};
use crate::rollback::Runbook;
use crate::workspace::Workspace;

fn platform(d: &DeployConfig) -> &'static str {
    match d {
        DeployConfig::Kubernetes { .. } => "kubernetes",
        DeployConfig::Vercel { .. } => "vercel",
        DeployConfig::Fly { .. } => "fly",
        DeployConfig::Render { .. } => "render",
        DeployConfig::Command { .. } => "command",
    }
}

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

impl Shipdeck {
    pub(super) async fn runbook(&self, ws: &Workspace, write: bool) -> Result<Runbook> {
        let config = ws.config_or_default()?;
        let mut envs = Vec::new();
        for (name, env) in &config.environments.envs {
            let last = self.store_ref().last_rehearsed(&ws.id, name).await?;
            let command = match &env.deploy {
                Some(d) => Some(
                    rollback_action(d, name, Some("CURRENT"), "PREVIOUS")
                        .map_err(Error::area)?
                        .display()
                        .replace("CURRENT", "<CURRENT>")
                        .replace("PREVIOUS", "<PREVIOUS>"),
                ),
                None => None,
            };
            envs.push(RunbookEnv {
                name: name.clone(),
                platform: env
                    .deploy
                    .as_ref()
                    .map(platform)
                    .unwrap_or("not configured")
                    .to_string(),
                rollback_command: command,
                health_url: env.health_url.clone(),
                last_rehearsed: last.map(date),
            });
        }
        let databases = config
            .databases
            .iter()
            .map(|(n, d)| {
                (
                    n.clone(),
                    d.migrations.clone().unwrap_or_else(|| "migrations".into()),
                )
            })
            .collect();
        let markdown = render(&RunbookInput {
            workspace: &ws.name,
            envs,
            databases,
            config: &config.rollback,
        });
        let file = crate::workspace::inside(&ws.root, "rollback runbook", RUNBOOK_PATH)?;
        let current = std::fs::read_to_string(&file).ok();
        let up_to_date = current.as_deref() == Some(markdown.as_str());
        let written = write && !up_to_date;
        if written {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
            }
            std::fs::write(&file, &markdown).map_err(Error::io("write", &file))?;
        }
        Ok(Runbook {
            path: RUNBOOK_PATH.into(),
            markdown,
            up_to_date: up_to_date || written,
            written,
        })
    }
}
