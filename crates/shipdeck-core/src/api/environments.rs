//! The Environments area's actions: parity of the configured environments'
//! files, their live health and observability readiness, and the local
//! machine's toolchains. Values never leave the core; fingerprints are
//! keyed with a per-workspace key kept in the OS keyring. Reading parity
//! records nothing; a parity check and a health poll record an
//! environment run.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;
use ts_rs::TS;

use super::record::{AuditAction, EnvRecord, Event, Records};
use super::{EnvRunKind, Shipdeck};
use crate::charts::{self, Chart, Theme};
use crate::config::EnvironmentsConfig;
use crate::doctor::DoctorReport;
use crate::environments::health::{check_health, version_drift, HealthResult, VersionDrift};
use crate::environments::machine;
use crate::environments::readiness::{readiness, ReadinessRow};
use crate::environments::{self, checks, EnvError, LoadedEnv, ParityFilter, ParityReport, Severity};
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::store::EnvRun;
use crate::workspace::Workspace;

/// The keyring entry holding the workspace's fingerprint key (hex).
const FINGERPRINT_KEY: &str = "shipdeck.env-fingerprint-key";

/// Parity, plus where the fingerprint key came from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ParityView {
    #[serde(flatten)]
    pub report: ParityReport,
    /// False when no keyring was usable: fingerprints then hold for this
    /// run only (same/differs is still right).
    pub stable_fingerprints: bool,
}

/// Every environment's health endpoint, polled once.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HealthReport {
    pub results: Vec<HealthResult>,
    pub drift: VersionDrift,
}

fn environments_of(ws: &Workspace) -> Result<EnvironmentsConfig> {
    let config = ws.config_or_default()?;
    if config.environments.envs.is_empty() {
        return Err(EnvError::NoEnvironments.into());
    }
    Ok(config.environments)
}

/// Loads every environment and registers the values of secret-looking keys
/// with the redactor, so none can reach a log line or a message.
fn load_all(ws: &Workspace, config: &EnvironmentsConfig) -> Vec<LoadedEnv> {
    let envs: Vec<LoadedEnv> = config
        .envs
        .iter()
        .map(|(name, cfg)| environments::load_environment(&ws.root, name, cfg))
        .collect();
    let forced = |key: &str| config.schema.as_ref()?.keys.get(key)?.secret;
    for env in &envs {
        for (key, var) in &env.vars {
            if environments::looks_secret(key, &var.value, forced(key)) {
                crate::secrets::register_secret(&var.value);
            }
        }
    }
    envs
}

fn counts(findings: &[environments::EnvFinding]) -> (i64, i64) {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count() as i64;
    (errors, findings.len() as i64 - errors)
}

fn http_client() -> Result<reqwest::Client> {
    crate::net::client_builder()
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))
}

/// The workspace's latest release tag (the nearest version tag).
async fn latest_release(ws: &Workspace) -> Option<String> {
    let ws = ws.clone();
    tokio::task::spawn_blocking(move || {
        crate::workspace::nearest_version_tag(&ws.repo().ok()?)
            .ok()?
            .map(|t| t.name)
    })
    .await
    .ok()?
}

impl Shipdeck {
    /// The fingerprint key: the workspace's entry in the keyring, created on
    /// first use; a random per-run key when no keyring is usable.
    async fn fingerprint_key(&self, ws: &Workspace) -> (Vec<u8>, bool) {
        let (keyring, id) = (self.keyring(), ws.id.clone());
        let stored = tokio::task::spawn_blocking(move || -> Result<String> {
            if let Some(hex) = keyring.get(&id, FINGERPRINT_KEY)? {
                return Ok(hex);
            }
            let hex = hex::encode(rand::random::<[u8; 32]>());
            keyring.set(&id, FINGERPRINT_KEY, &hex)?;
            Ok(hex)
        })
        .await;
        match stored {
            Ok(Ok(hex)) => match hex::decode(hex) {
                Ok(key) if key.len() >= 16 => (key, true),
                _ => (rand::random::<[u8; 32]>().to_vec(), false),
            },
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "no keyring: environment fingerprints hold for this run only");
                (rand::random::<[u8; 32]>().to_vec(), false)
            }
            Err(e) => {
                tracing::warn!(error = %e, "keyring task failed");
                (rand::random::<[u8; 32]>().to_vec(), false)
            }
        }
    }

    async fn compute_parity(&self, ws: &Workspace) -> Result<ParityView> {
        let config = environments_of(ws)?;
        let (key, stable) = self.fingerprint_key(ws).await;
        let w = ws.clone();
        let report = tokio::task::spawn_blocking(move || {
            let envs = load_all(&w, &config);
            environments::parity(&envs, config.schema.as_ref(), &key)
        })
        .await?;
        Ok(ParityView {
            report,
            stable_fingerprints: stable,
        })
    }

    /// Keys × environments, every file check, and the parity score; a
    /// read, so nothing is recorded.
    pub async fn env_parity(&self, path: &Path) -> Result<ParityView> {
        let ws = self.workspace(path).await?;
        self.compute_parity(&ws).await
    }

    /// Compares the environments now and records the parity run (the
    /// history's parity series): `env parity`, the view's Refresh.
    pub async fn env_parity_check(&self, path: &Path) -> Result<ParityView> {
        let ws = self.registered(path).await?;
        let view = self.compute_parity(&ws).await?;
        self.write_records(&ws, Records::event(Event::Env(parity_record(&view.report))))
            .await?;
        Ok(view)
    }

    /// One non-secret value, on request. Secret-looking keys are refused.
    pub async fn env_reveal(&self, path: &Path, env: &str, key: &str) -> Result<String> {
        let ws = self.registered(path).await?;
        let config = environments_of(&ws)?;
        let (name, k) = (env.to_string(), key.to_string());
        let w = ws.clone();
        let value = tokio::task::spawn_blocking(move || -> Result<String> {
            let envs = load_all(&w, &config);
            let loaded = environments::find(&envs, &name)?;
            environments::reveal(loaded, &k, config.schema.as_ref())
        })
        .await??;
        let audit = Records::default().audited(
            AuditAction::EnvReveal,
            serde_json::json!({ "env": env, "key": key }),
        );
        self.write_records(&ws, audit).await?;
        Ok(value)
    }

    /// Polls every environment's health endpoint at once (each bounded by
    /// its timeout), as a recorded job; cancel stops waiting at once.
    pub async fn env_health(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<HealthReport> {
        let ws = self.registered(path).await?;
        let config = environments_of(&ws)?;
        let latest = latest_release(&ws).await;
        let client = http_client()?;
        self.run_recorded(
            &ws,
            JobKind::EnvHealth,
            sink,
            move |p| {
                let handle = tokio::runtime::Handle::current();
                let total = config.envs.len() as u64;
                let mut results = handle.block_on(async {
                    let mut pending: FuturesUnordered<_> = config
                        .envs
                        .iter()
                        .map(|(name, cfg)| check_health(&client, name, cfg))
                        .collect();
                    let mut out = Vec::new();
                    while !pending.is_empty() {
                        if p.is_cancelled() {
                            return Err(Error::Cancelled);
                        }
                        if let Ok(Some(r)) =
                            tokio::time::timeout(Duration::from_millis(100), pending.next()).await
                        {
                            p.report(
                                out.len() as u64 + 1,
                                Some(total),
                                format!("{}: {}", r.env, r.status.label()),
                            );
                            out.push(r);
                        }
                    }
                    Ok(out)
                })?;
                // Configuration order, not arrival order.
                results.sort_by_key(|r| config.envs.iter().position(|(n, _)| n == &r.env));
                let drift = version_drift(&results, latest.as_deref());
                let failing = results.iter().filter(|r| !r.status.is_healthy()).count();
                Ok(JobOutput {
                    summary: format!("{} environments polled, {failing} not healthy", results.len()),
                    result: None,
                    value: HealthReport { results, drift },
                })
            },
            health_records,
        )
        .await
    }

    /// Sentry, log shipping and OTLP of every environment, each with a real
    /// round trip, as a recorded job.
    pub async fn env_readiness(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<Vec<ReadinessRow>> {
        let ws = self.registered(path).await?;
        let config = environments_of(&ws)?;
        let release = latest_release(&ws).await;
        let client = http_client()?;
        let w = ws.clone();
        self.jobs_ref()
            .run(Some(&ws.id), JobKind::EnvReadiness, sink, move |p| {
                let envs = load_all(&w, &config);
                let total = envs.len() as u64;
                let handle = tokio::runtime::Handle::current();
                let mut rows = Vec::new();
                for (i, (env, (_, cfg))) in envs.iter().zip(&config.envs).enumerate() {
                    if p.is_cancelled() {
                        return Err(Error::Cancelled);
                    }
                    p.report(i as u64, Some(total), format!("checking {}", env.name));
                    rows.push(handle.block_on(readiness(&client, env, cfg, release.as_deref())));
                }
                Ok(JobOutput {
                    summary: format!("observability readiness of {} environments", rows.len()),
                    result: None,
                    value: rows,
                })
            })
            .await
    }

    /// This machine against the workspace: the versions its files pin, the
    /// toolchains of its ecosystems, its configured databases, and the local
    /// services its development environment points at.
    pub async fn env_doctor(&self, path: &Path) -> Result<DoctorReport> {
        let ws = self.workspace(path).await?;
        // A broken shipdeck.toml is the answer, not an empty list of checks.
        let config = ws.config_or_default()?.environments;
        let mut checks = machine::pin_checks(&ws.root).await;
        let general = self.doctor(Some(path)).await;
        checks.extend(
            general
                .checks
                .into_iter()
                .filter(|c| c.id.starts_with("toolchain.") || c.id.starts_with("database.")),
        );
        // The environment a developer runs locally: the first one that is
        // not production.
        if let Some((name, cfg)) = config.envs.iter().find(|(n, _)| !checks::is_production(n)) {
            let env = environments::load_environment(&ws.root, name, cfg);
            checks.extend(machine::service_checks(&env).await);
        }
        Ok(DoctorReport {
            ok: checks.iter().all(|c| c.ok),
            checks,
        })
    }

    /// Recorded parity or health runs, newest first.
    pub async fn env_history(&self, path: &Path, kind: EnvRunKind, limit: i64) -> Result<Vec<EnvRun>> {
        let ws = self.workspace(path).await?;
        self.store_ref().env_runs(&ws.id, kind.as_str(), limit).await
    }

    /// The parity heat map: keys × environments, coloured by state (not
    /// recorded).
    pub async fn env_parity_chart(&self, path: &Path, theme: Theme) -> Result<Chart> {
        let ws = self.workspace(path).await?;
        charts::parity_heatmap(&self.compute_parity(&ws).await?.report, theme)
    }

    /// The parity report narrowed as the table shows it: the one filter
    /// rule of `env parity --prefix/--only-problems` and the app's filter
    /// box (pure: reads and records nothing).
    pub fn env_parity_filter(&self, report: ParityReport, filter: &ParityFilter) -> ParityReport {
        filter.apply(report)
    }

    /// Parity score and health over time, from the recorded runs.
    pub async fn env_history_chart(&self, path: &Path, theme: Theme) -> Result<Chart> {
        let ws = self.workspace(path).await?;
        let parity = self.store_ref().env_runs(&ws.id, "parity", 200).await?;
        let health = self.store_ref().env_runs(&ws.id, "health", 200).await?;
        charts::environment_history(&parity, &health, theme)
    }
}

/// A parity run: the score, and per environment what is missing, differs
/// and the findings.
fn parity_record(report: &ParityReport) -> EnvRecord {
    let mut detail = BTreeMap::new();
    for env in &report.environments {
        let missing = report
            .keys
            .iter()
            .filter(|k| k.status.get(env) == Some(&environments::KeyStatus::Missing))
            .count();
        let differs = report
            .keys
            .iter()
            .filter(|k| k.cells.get(env).map(|c| c.state) == Some(environments::CellState::Differs))
            .count();
        let mine: Vec<_> = report
            .findings
            .iter()
            .filter(|f| &f.env == env)
            .cloned()
            .collect();
        let (errors, warnings) = counts(&mine);
        detail.insert(
            env.clone(),
            serde_json::json!({ "missing": missing, "differs": differs, "errors": errors, "warnings": warnings }),
        );
    }
    EnvRecord {
        kind: EnvRunKind::Parity,
        score: Some(report.score),
        counts: counts(&report.findings),
        detail: serde_json::json!(detail),
    }
}

/// A health poll's run, when it completed (a failed or cancelled poll
/// leaves only its job).
fn health_records(result: &Result<HealthReport>) -> Records {
    let Ok(report) = result else {
        return Records::default();
    };
    let detail: BTreeMap<_, _> = report
        .results
        .iter()
        .map(|r| {
            (
                r.env.clone(),
                serde_json::json!({ "status": r.status, "latency_ms": r.latency_ms, "version": r.version }),
            )
        })
        .collect();
    Records::event(Event::Env(EnvRecord {
        kind: EnvRunKind::Health,
        score: None,
        counts: counts(&report.drift.findings),
        detail: serde_json::json!(detail),
    }))
}
