//! Each kind of step, run: the deploy command (or Render's API), the
//! migrations down (through the migrations area: same locks, same run
//! records), the release rollback, and the verify poll.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::super::Shipdeck;
use super::plan::{bare, http_client, Prepared};
use super::DatabaseChoice;
use crate::config::{DeployConfig, UrlSource};
use crate::environments::health::{check_health, parse_timeout};
use crate::jobs::{NoProgress, Progress};
use crate::migrations::run::{DownTarget, RunOptions};
use crate::releases::rollback::RollbackRequest;
use crate::rollback::platform::DeployAction;
use crate::rollback::{render, run_command, StepKind};

/// How long a deploy command may run when its table says nothing.
const DEFAULT_COMMAND_TIMEOUT: &str = "10m";

fn message(e: crate::error::Error) -> String {
    let p = e.payload();
    match p.hint {
        Some(h) => format!("{} ({})\nhint: {h}", p.message, p.code),
        None => format!("{} ({})", p.message, p.code),
    }
}

impl Shipdeck {
    /// Runs one step: `Ok(output)` or `Err(what went wrong)`.
    pub(super) async fn run_step(
        &self,
        path: &Path,
        p: &Prepared,
        kind: StepKind,
        progress: &Progress,
    ) -> Result<String, String> {
        match kind {
            StepKind::Deploy => self.deploy_step(p, progress).await,
            StepKind::Database => self.database_step(path, p).await,
            StepKind::Release => self.release_step(path, p).await,
            StepKind::Verify => verify(p, progress).await,
        }
    }

    async fn deploy_step(&self, p: &Prepared, progress: &Progress) -> Result<String, String> {
        match &p.input.deploy {
            DeployAction::Command(argv) => {
                let timeout = match &p.deploy {
                    DeployConfig::Command { timeout, .. } => timeout.as_deref(),
                    _ => None,
                };
                let timeout = parse_timeout(Some(timeout.unwrap_or(DEFAULT_COMMAND_TIMEOUT)))?;
                let (argv, root, token) = (argv.clone(), p.ws.root.clone(), progress.cancellation());
                let r = tokio::task::spawn_blocking(move || {
                    run_command(&argv, &root, timeout, &|| token.is_cancelled())
                })
                .await
                .map_err(|e| e.to_string())?;
                if r.success {
                    Ok(r.output)
                } else {
                    Err(r.output)
                }
            }
            DeployAction::Render { api, service } => {
                let key = self.render_key(p).await.map_err(message)?;
                render::rollback(api, service, &key, &p.to_sha)
                    .await
                    .map_err(|e| message(crate::error::Error::area(e)))
            }
        }
    }

    /// The Render API key, from `env:` or `keyring:` only.
    async fn render_key(&self, p: &Prepared) -> crate::error::Result<String> {
        use crate::rollback::RollbackError::RenderKey;
        let DeployConfig::Render { api_key, .. } = &p.deploy else {
            return Err(crate::error::Error::area(RenderKey {
                detail: "not configured".into(),
            }));
        };
        let key = match api_key.as_deref().map(UrlSource::parse) {
            Some(UrlSource::Env(var)) => std::env::var(&var).ok(),
            Some(UrlSource::Keyring(name)) => self.secret_value(&p.ws.root, &name).await?,
            Some(UrlSource::Literal(_)) => {
                return Err(crate::error::Error::area(RenderKey {
                    detail: "written in shipdeck.toml: only env:VAR or keyring:NAME are read".into(),
                }))
            }
            None => None,
        };
        let key = key.filter(|k| !k.is_empty()).ok_or_else(|| {
            crate::error::Error::area(RenderKey {
                detail: "not set".into(),
            })
        })?;
        crate::secrets::register_secret(&key);
        Ok(key)
    }

    async fn database_step(&self, path: &Path, p: &Prepared) -> Result<String, String> {
        let (Some(db), Some((target, _))) = (&p.input.database, &p.input.schema) else {
            return Ok("no database configured".into());
        };
        if p.input.undo.is_empty() {
            return Ok(format!("{db} is already at {target}"));
        }
        let choice = DatabaseChoice {
            database: Some(db.clone()),
            url: None,
        };
        let opts = RunOptions {
            dry_run: false,
            lock_timeout: Duration::from_secs(30),
            ignore_missing: false,
            expect: None,
        };
        let report = self
            .migrate_down(path, &choice, DownTarget::To(*target), opts, Arc::new(NoProgress))
            .await
            .map_err(message)?;
        let done: Vec<String> = report
            .steps
            .iter()
            .map(|s| format!("undid {} {}", s.version, s.description))
            .collect();
        Ok(format!("{db}: {}; now at {target}", done.join(", ")))
    }

    async fn release_step(&self, path: &Path, p: &Prepared) -> Result<String, String> {
        let Some(from) = &p.plan.from else {
            return Ok("no release to roll back".into());
        };
        let request = RollbackRequest {
            package: Some(p.package.clone()),
            version: from.clone(),
            reason: format!("rollback of {} to {}", p.plan.env, p.plan.to),
            not_pushed: false,
            dry_run: false,
        };
        let r = self
            .release_rollback(path, request, Arc::new(NoProgress))
            .await
            .map_err(message)?;
        Ok(r.steps.join("\n"))
    }
}

/// Polls the health endpoint until it reports `to`, up to the deadline.
async fn verify(p: &Prepared, progress: &Progress) -> Result<String, String> {
    if p.env.health_url.is_none() {
        return Err(format!(
            "{} has no health_url: nothing confirms the rollback",
            p.plan.env
        ));
    }
    let client = http_client().map_err(message)?;
    let deadline = Instant::now() + p.verify_timeout;
    let mut last = None;
    loop {
        let r = check_health(&client, &p.plan.env, &p.env).await;
        if r.version.as_deref().map(bare) == Some(p.plan.to.as_str()) {
            return Ok(format!("{} reports {}", p.plan.env, p.plan.to));
        }
        last = r.version.or(r.message).or(last);
        if progress.is_cancelled() {
            return Err("cancelled while waiting for the health endpoint".into());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{} did not report {} within {}s (last answer: {})",
                p.plan.env,
                p.plan.to,
                p.verify_timeout.as_secs(),
                last.as_deref().unwrap_or("none")
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
