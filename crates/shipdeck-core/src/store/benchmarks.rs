//! Benchmark runs and their metrics. A run is `running` from its first
//! moment and its metrics are saved as they complete; a run whose process
//! died is marked `partial` on the next start.

use serde::Serialize;
use ts_rs::TS;

use super::jobs::process_alive;

use super::{host, now_ms, q, Db, Store};
use crate::benchmarks::Metric;
use crate::error::Result;

/// name, unit, lower_is_better, value, stddev, n, samples (JSON), failed.
type MetricRow = (
    String,
    String,
    bool,
    f64,
    Option<f64>,
    Option<i64>,
    String,
    Option<i64>,
);

/// Keep at most this many samples per metric (evenly thinned).
const MAX_SAMPLES: usize = 2_000;

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct BenchRun {
    pub id: i64,
    /// Unix milliseconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// `running`, `ok`, `partial` (cancelled or crashed mid-run) or `failed`.
    pub status: String,
    /// `http`, `scenario`, or the imported format.
    pub source: String,
    pub name: String,
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    /// JSON array of the release tags pointing at the commit.
    pub tags: String,
    /// CPU model × cores.
    pub machine: String,
    /// JSON.
    pub detail: String,
}

/// Where and on what a run measured.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    pub commit_sha: Option<String>,
    pub branch: Option<String>,
    pub tags: Vec<String>,
    pub machine: String,
}

fn thin(samples: &[f64]) -> Vec<f64> {
    if samples.len() <= MAX_SAMPLES {
        return samples.to_vec();
    }
    let step = samples.len() as f64 / MAX_SAMPLES as f64;
    (0..MAX_SAMPLES)
        .map(|i| samples[(i as f64 * step) as usize])
        .collect()
}

impl Store {
    pub async fn bench_run_start(
        &self,
        workspace_id: &str,
        source: &str,
        name: &str,
        ctx: &RunContext,
    ) -> Result<i64> {
        let (id,): (i64,) = q(
            "INSERT INTO bench_runs (workspace_id, started_at, pid, status, source, name, commit_sha, branch, tags, machine, host)
             VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(i64::from(std::process::id()))
        .bind(source)
        .bind(name)
        .bind(&ctx.commit_sha)
        .bind(&ctx.branch)
        .bind(serde_json::to_string(&ctx.tags).unwrap_or_else(|_| "[]".into()))
        .bind(&ctx.machine)
        .bind(host())
        .fetch_one(self.db().await?)
        .await?;
        Ok(id)
    }

    /// Saves (or replaces) metrics of a run as soon as they are measured.
    pub async fn bench_metrics_save(&self, run_id: i64, metrics: &[Metric]) -> Result<()> {
        let mut tx = self.db().await?.begin().await?;
        for m in metrics {
            q(
                "INSERT INTO bench_metrics (run_id, name, unit, lower_is_better, value, stddev, n, samples, failed)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (run_id, name) DO UPDATE SET unit = excluded.unit,
                     lower_is_better = excluded.lower_is_better, value = excluded.value, stddev = excluded.stddev,
                     n = excluded.n, samples = excluded.samples, failed = excluded.failed",
            )
            .bind(run_id)
            .bind(&m.name)
            .bind(&m.unit)
            .bind(m.lower_is_better)
            .bind(m.value)
            .bind(m.stddev)
            .bind(m.n.map(|n| n as i64))
            .bind(serde_json::to_string(&thin(&m.samples)).unwrap_or_else(|_| "[]".into()))
            .bind(m.failed.map(|n| n as i64))
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn bench_run_finish(
        &self,
        run_id: i64,
        status: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        q("UPDATE bench_runs SET status = $1, finished_at = $2, detail = $3 WHERE id = $4")
            .bind(status)
            .bind(now_ms())
            .bind(detail.to_string())
            .bind(run_id)
            .execute(self.db().await?)
            .await?;
        Ok(())
    }

    /// Newest first.
    pub async fn bench_runs(&self, workspace_id: &str, limit: i64) -> Result<Vec<BenchRun>> {
        q(
            "SELECT id, started_at, finished_at, status, source, name, commit_sha, branch, tags, machine, detail
             FROM bench_runs WHERE workspace_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await
    }

    pub async fn bench_metrics(&self, run_id: i64) -> Result<Vec<Metric>> {
        let rows: Vec<MetricRow> = q(
            "SELECT name, unit, lower_is_better, value, stddev, n, samples, failed FROM bench_metrics WHERE run_id = $1 ORDER BY name",
        )
        .bind(run_id)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(name, unit, lower_is_better, value, stddev, n, samples, failed)| Metric {
                    name,
                    unit,
                    lower_is_better,
                    value,
                    samples: serde_json::from_str(&samples).unwrap_or_default(),
                    stddev,
                    n: n.map(|n| n as u64),
                    failed: failed.map(|n| n as u64),
                },
            )
            .collect())
    }
}

/// Runs left `running` by a process that no longer exists: `partial`,
/// with whatever metrics they saved.
/// Marks this machine's running benchmark runs whose process died
/// `partial` (a pid means nothing on another machine).
pub(super) async fn mark_orphaned_bench_runs(pool: &Db) -> Result<()> {
    let running: Vec<(i64, i64)> =
        q("SELECT id, pid FROM bench_runs WHERE status = 'running' AND (host IS NULL OR host = $1)")
            .bind(host())
            .fetch_all(pool)
            .await?;
    for (id, pid) in running {
        if !process_alive(pid) {
            q("UPDATE bench_runs SET status = 'partial' WHERE id = $1 AND status = 'running'")
                .bind(id)
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(name: &str, samples: usize) -> Metric {
        Metric {
            name: name.into(),
            unit: "ms".into(),
            lower_is_better: true,
            value: 1.5,
            samples: (0..samples).map(|i| i as f64).collect(),
            stddev: Some(0.1),
            n: Some(samples as u64),
            failed: None,
        }
    }

    #[tokio::test]
    async fn a_run_keeps_its_metrics_and_a_dead_process_leaves_it_partial() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.upsert_workspace("w", "/w", "w", false).await.unwrap();
        let ctx = RunContext {
            commit_sha: Some("abc".into()),
            branch: Some("main".into()),
            tags: vec!["v1.0.0".into()],
            machine: "cpu × 2".into(),
        };
        let id = store.bench_run_start("w", "scenario", "api", &ctx).await.unwrap();
        store
            .bench_metrics_save(id, &[metric("GET /", 5_000)])
            .await
            .unwrap();
        let got = store.bench_metrics(id).await.unwrap();
        assert_eq!(got[0].samples.len(), MAX_SAMPLES, "thinned");
        assert_eq!(got[0].n, Some(5_000));
        // A run of a process that is gone becomes partial on the next start.
        q("UPDATE bench_runs SET pid = 999999999 WHERE id = $1")
            .bind(id)
            .execute(store.db().await.unwrap())
            .await
            .unwrap();
        mark_orphaned_bench_runs(store.db().await.unwrap()).await.unwrap();
        let runs = store.bench_runs("w", 10).await.unwrap();
        assert_eq!(runs[0].status, "partial");
        assert_eq!(runs[0].tags, r#"["v1.0.0"]"#);
    }
}
