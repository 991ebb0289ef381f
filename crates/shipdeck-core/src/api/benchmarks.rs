//! The Benchmarks area's actions: ad-hoc HTTP load, workspace scenarios,
//! imports, the history keyed by commit and release, and the regression
//! gate between two refs. Every run is stored as soon as it starts and its
//! metrics as they complete.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::benchmarks::import::{self, Format, Imported};
use crate::benchmarks::loadgen::{run_http, HttpLoadRules, HttpOptions, HttpReport, HTTP_LOAD_RULES};
use crate::benchmarks::scenario::{self, Resolved, ScenarioInfo, ScenarioResult};
use crate::benchmarks::stats::{compare_runs, Comparison, GateConfig, Verdict};
use crate::benchmarks::Metric;
use crate::charts::{self, Chart, Theme};
use crate::config::UrlSource;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::store::{BenchRun, RunContext};
use crate::workspace::Workspace;

/// A stored run with its metrics.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BenchRunView {
    #[serde(flatten)]
    pub run: BenchRun,
    pub metrics: Vec<Metric>,
}

/// One side of a comparison.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RefSide {
    /// As given (`v1.4.2`, `main`, a sha).
    pub reference: String,
    pub commit: String,
    /// Runs measured at that commit.
    pub runs: usize,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CompareReport {
    pub base: RefSide,
    pub head: RefSide,
    /// e.g. `welch (alpha 0.05), min change 2 %`.
    pub method: String,
    pub comparisons: Vec<Comparison>,
    pub regressions: usize,
    /// Metrics not judged because iterations failed; the gate fails on
    /// them as on a regression.
    pub failed: usize,
}

/// HEAD's commit, branch and tags, and the machine measured on.
pub(super) fn context(ws: &Workspace) -> RunContext {
    let c = super::commit_context(ws);
    RunContext {
        commit_sha: c.commit_sha,
        branch: c.branch,
        tags: c.tags,
        machine: crate::benchmarks::machine_fingerprint(),
    }
}

impl Shipdeck {
    /// Resolves `env:VAR` / `keyring:NAME` / literal.
    async fn url_of(&self, ws: &Workspace, source: UrlSource) -> Result<String> {
        match source {
            UrlSource::Env(var) => std::env::var(&var).map_err(|_| Error::InvalidInput {
                field: "url",
                reason: format!("${var} is not set"),
            }),
            UrlSource::Keyring(name) => self
                .secret_value(&ws.root, &name)
                .await?
                .ok_or(Error::CredentialNotFound { name }),
            UrlSource::Literal(u) => Ok(u),
        }
    }

    /// An ad-hoc HTTP load test, stored as a run named after the method and URL.
    pub async fn bench_http(
        &self,
        path: &Path,
        opts: HttpOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<HttpReport> {
        crate::benchmarks::loadgen::check_options(&opts)?;
        let ws = self.registered(path).await?;
        let name = format!("{} {}", opts.method, crate::secrets::redact(&opts.url));
        let run_id = self
            .store_ref()
            .bench_run_start(&ws.id, "http", &name, &context(&ws))
            .await?;
        let store = self.store_ref().clone();
        let metric_name = name.clone();
        let result = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::BenchHttp, sink, move |p| {
                let handle = tokio::runtime::Handle::current();
                let token = p.cancellation();
                let report = handle.block_on(run_http(
                    &opts,
                    &|l| {
                        p.report(
                            l.requests,
                            None,
                            format!(
                                "{} requests, {:.0} req/s, p99 {:.1} ms",
                                l.requests, l.rps, l.p99_ms
                            ),
                        )
                    },
                    &token,
                ))?;
                let metrics = scenario::load_metrics(
                    &metric_name,
                    &report.latency_ms,
                    report.samples_ms.clone(),
                    report.requests,
                    Some(report.rps),
                );
                handle.block_on(store.bench_metrics_save(run_id, &metrics))?;
                Ok(JobOutput {
                    summary: format!("{} requests, {:.0} req/s", report.requests, report.rps),
                    result: None,
                    value: report,
                })
            })
            .await;
        let (status, detail) = match &result {
            Ok(r) if r.cancelled => ("partial", serde_json::to_value(r).unwrap_or_default()),
            Ok(r) => ("ok", serde_json::to_value(r).unwrap_or_default()),
            Err(e) => ("failed", serde_json::json!({ "error": e.payload() })),
        };
        self.store_ref().bench_run_finish(run_id, status, &detail).await?;
        result
    }

    /// The defaults and bounds of `bench http`, for the app's form.
    pub fn bench_http_rules(&self) -> HttpLoadRules {
        HTTP_LOAD_RULES
    }

    /// The workspace's scenarios.
    pub async fn bench_scenarios(&self, path: &Path) -> Result<Vec<ScenarioInfo>> {
        let ws = self.workspace(path).await?;
        let config = ws.config()?;
        Ok(scenario::load(&ws.root, config)?
            .into_iter()
            .map(|(file, s)| ScenarioInfo {
                target: crate::secrets::redact(
                    &s.url
                        .clone()
                        .or(s.query.clone())
                        .or(s.redis_url.clone())
                        .unwrap_or_default(),
                )
                .into_owned(),
                name: s.name,
                kind: s.kind,
                file,
            })
            .collect())
    }

    /// Runs the named scenarios (all when `names` is empty), one stored run
    /// each, in one cancellable job.
    pub async fn bench_run(
        &self,
        path: &Path,
        names: &[String],
        sink: Arc<dyn ProgressSink>,
    ) -> Result<Vec<ScenarioResult>> {
        let ws = self.registered(path).await?;
        let config = ws.config()?;
        let all = scenario::load(&ws.root, config)?;
        let chosen: Vec<_> = all
            .into_iter()
            .map(|(_, s)| s)
            .filter(|s| names.is_empty() || names.contains(&s.name))
            .collect();
        if let Some(missing) = names.iter().find(|n| !chosen.iter().any(|s| &s.name == *n)) {
            return Err(Error::InvalidInput {
                field: "scenario",
                reason: format!("no scenario named {missing:?}"),
            });
        }
        if chosen.is_empty() {
            return Err(Error::InvalidInput {
                field: "scenario",
                reason: "this workspace has no benchmark scenarios: add [[bench.scenario]] to shipdeck.toml or bench/*.toml".into(),
            });
        }
        // URLs are resolved (env, keyring) before the job starts.
        let mut resolved = Vec::new();
        for s in &chosen {
            let database_url = if s.kind == "sql" {
                let spec = crate::migrations::target::spec(config, s.database.as_deref())?;
                let url = self.url_of(&ws, spec.source.clone()).await?;
                // Relative SQLite paths resolve from the workspace root; the
                // file is created when missing, as `migrate up` would.
                let target = crate::migrations::target::Target::new(&spec, &url, &ws.root)?;
                let mut url = target.url().to_string();
                if let Some(file) = &target.sqlite_file {
                    if let Some(parent) = file.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| Error::InvalidInput {
                            field: "database",
                            reason: format!("cannot create {}: {e}", parent.display()),
                        })?;
                    }
                    if !url.contains("mode=") {
                        url.push(if url.contains('?') { '&' } else { '?' });
                        url.push_str("mode=rwc");
                    }
                }
                Some(url)
            } else {
                None
            };
            let redis_url = match (&s.kind[..], &s.redis_url) {
                ("redis", Some(u)) => Some(self.url_of(&ws, UrlSource::parse(u)).await?),
                _ => None,
            };
            resolved.push(Resolved {
                database_url,
                redis_url,
            });
        }
        let ctx = context(&ws);
        let store = self.store_ref().clone();
        let ws_id = ws.id.clone();
        self.jobs_ref()
            .run(Some(&ws.id), JobKind::BenchRun, sink, move |p| {
                let handle = tokio::runtime::Handle::current();
                let token = p.cancellation();
                let mut out = Vec::new();
                for (s, urls) in chosen.iter().zip(&resolved) {
                    if token.is_cancelled() {
                        break;
                    }
                    let run_id = handle.block_on(store.bench_run_start(&ws_id, "scenario", &s.name, &ctx))?;
                    let result =
                        handle.block_on(scenario::run(s, urls, &|d, t, m| p.report(d, t, m), &token));
                    let (status, detail) = match &result {
                        Ok(r) => {
                            handle.block_on(store.bench_metrics_save(run_id, &r.metrics))?;
                            (
                                if r.cancelled { "partial" } else { "ok" },
                                serde_json::json!({ "kind": r.kind, "latency_ms": r.latency_ms, "rps": r.rps,
                                    "errors": r.errors, "sweep": r.sweep, "thresholds": r.thresholds }),
                            )
                        }
                        Err(e) => ("failed", serde_json::json!({ "error": e.payload() })),
                    };
                    handle.block_on(store.bench_run_finish(run_id, status, &detail))?;
                    out.push(result?);
                }
                let failed = out.iter().filter(|r| !r.passed()).count();
                Ok(JobOutput {
                    summary: format!("{} scenarios run, {failed} over a threshold", out.len()),
                    result: None,
                    value: out,
                })
            })
            .await
    }

    /// Imports another tool's results as a run at HEAD.
    pub async fn bench_import(&self, path: &Path, file: &Path, format: Option<Format>) -> Result<Imported> {
        let ws = self.registered(path).await?;
        let f = file.to_path_buf();
        let imported = tokio::task::spawn_blocking(move || import::import(&f, format)).await??;
        let source = serde_json::to_value(imported.format)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "import".into());
        let run_id = self
            .store_ref()
            .bench_run_start(&ws.id, &source, &file.display().to_string(), &context(&ws))
            .await?;
        self.store_ref()
            .bench_metrics_save(run_id, &imported.metrics)
            .await?;
        self.store_ref()
            .bench_run_finish(
                run_id,
                "ok",
                &serde_json::json!({ "metrics": imported.metrics.len() }),
            )
            .await?;
        Ok(imported)
    }

    /// Stored runs with their metrics, newest first.
    pub async fn bench_history(&self, path: &Path, limit: i64) -> Result<Vec<BenchRunView>> {
        let ws = self.workspace(path).await?;
        let mut out = Vec::new();
        for run in self.store_ref().bench_runs(&ws.id, limit).await? {
            let metrics = self.store_ref().bench_metrics(run.id).await?;
            out.push(BenchRunView { run, metrics });
        }
        Ok(out)
    }

    /// Every metric measured at `base` against `head` (refs: tags, branches,
    /// shas), with the configured gate. Samples of several runs at one
    /// commit are pooled.
    pub async fn bench_compare(&self, path: &Path, base: &str, head: &str) -> Result<CompareReport> {
        let ws = self.workspace(path).await?;
        let config = ws.config_or_default()?;
        let gate = GateConfig::from_section(&config.bench.gate)?;
        let resolve = |r: &str| -> Result<String> {
            let repo = ws.repo()?;
            let obj = repo.revparse_single(r).map_err(|_| Error::InvalidInput {
                field: "ref",
                reason: format!("{r:?} is not a commit, branch or tag of this repository"),
            })?;
            let id = obj.peel_to_commit()?.id();
            Ok(id.to_string())
        };
        let (base_sha, head_sha) = (resolve(base)?, resolve(head)?);
        let runs = self.store_ref().bench_runs(&ws.id, 5_000).await?;
        let mut sides = Vec::new();
        for sha in [&base_sha, &head_sha] {
            let mut pooled: BTreeMap<String, Metric> = BTreeMap::new();
            // Headline values per metric: for metrics without samples,
            // several runs at one commit are the samples.
            let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            let at: Vec<&BenchRun> = runs
                .iter()
                .filter(|r| r.commit_sha.as_deref() == Some(sha.as_str()) && r.status != "failed")
                .collect();
            // Oldest first, so the newest run's headline value wins.
            for run in at.iter().rev() {
                for m in self.store_ref().bench_metrics(run.id).await? {
                    values.entry(m.name.clone()).or_default().push(m.value);
                    match pooled.get_mut(&m.name) {
                        Some(p) => {
                            p.samples.extend(m.samples.iter().copied());
                            p.value = m.value;
                            // A failed iteration in any pooled run taints
                            // the pool; n counts the same iterations.
                            if let Some(f) = m.failed {
                                p.failed = Some(p.failed.unwrap_or(0) + f);
                                p.n = Some(p.n.unwrap_or(0) + m.n.unwrap_or(0));
                            }
                        }
                        None => {
                            pooled.insert(m.name.clone(), m);
                        }
                    }
                }
            }
            for (name, m) in pooled.iter_mut() {
                let v = &values[name];
                if m.samples.is_empty() && m.stddev.is_none() && v.len() >= 2 {
                    m.samples = v.clone();
                }
            }
            sides.push((at.len(), pooled.into_values().collect::<Vec<_>>()));
        }
        let comparisons = compare_runs(&sides[0].1, &sides[1].1, &gate);
        let regressions = comparisons
            .iter()
            .filter(|c| c.verdict == Verdict::Regression)
            .count();
        let failed = comparisons
            .iter()
            .filter(|c| c.verdict == Verdict::FailedIterations)
            .count();
        let method = serde_json::to_value(&gate.method)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_default();
        Ok(CompareReport {
            base: RefSide {
                reference: base.into(),
                commit: base_sha,
                runs: sides[0].0,
            },
            head: RefSide {
                reference: head.into(),
                commit: head_sha,
                runs: sides[1].0,
            },
            method: format!("{method}, min change {} %", gate.min_change_pct),
            comparisons,
            regressions,
            failed,
        })
    }

    /// One metric over time, annotated with the release tags of the runs.
    pub async fn bench_chart(&self, path: &Path, metric: &str, theme: Theme) -> Result<Chart> {
        let history = self.bench_history(path, 500).await?;
        let points: Vec<(i64, f64, Vec<String>)> = history
            .iter()
            .rev()
            .filter_map(|h| {
                let m = h.metrics.iter().find(|m| m.name == metric)?;
                let tags: Vec<String> = serde_json::from_str(&h.run.tags).unwrap_or_default();
                Some((h.run.started_at, m.value, tags))
            })
            .collect();
        let unit = history
            .iter()
            .flat_map(|h| &h.metrics)
            .find(|m| m.name == metric)
            .map(|m| m.unit.clone())
            .unwrap_or_default();
        charts::bench_over_time(metric, &unit, &points, theme)
    }

    /// The newest run's latency distribution for a metric with samples.
    pub async fn bench_percentile_chart(&self, path: &Path, metric: &str, theme: Theme) -> Result<Chart> {
        let history = self.bench_history(path, 500).await?;
        let m = history
            .iter()
            .flat_map(|h| &h.metrics)
            .find(|m| m.name == metric && !m.samples.is_empty())
            .ok_or_else(|| Error::InvalidInput {
                field: "metric",
                reason: format!("no run kept samples of {metric:?}"),
            })?;
        charts::percentile_curve(metric, &m.unit, &m.samples, theme)
    }

    /// The newest sweep of a scenario as a throughput/latency curve.
    pub async fn bench_sweep_chart(&self, path: &Path, scenario: &str, theme: Theme) -> Result<Chart> {
        let history = self.bench_history(path, 500).await?;
        let points: Vec<(usize, f64, f64)> = history
            .iter()
            .filter(|h| h.run.name == scenario)
            .find_map(|h| {
                let detail: serde_json::Value = serde_json::from_str(&h.run.detail).ok()?;
                let sweep = detail.get("sweep")?.as_array()?.clone();
                (!sweep.is_empty()).then(|| {
                    sweep
                        .iter()
                        .map(|p| {
                            (
                                p["connections"].as_u64().unwrap_or(1) as usize,
                                p["rps"].as_f64().unwrap_or(0.0),
                                p["p99_ms"].as_f64().unwrap_or(0.0),
                            )
                        })
                        .collect()
                })
            })
            .ok_or_else(|| Error::InvalidInput {
                field: "scenario",
                reason: format!("{scenario:?} has no recorded sweep"),
            })?;
        charts::concurrency_curve(scenario, &points, theme)
    }
}
