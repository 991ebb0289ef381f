//! The SQL and Redis scenario operations and the worker pool that times
//! them (the HTTP ones go through the load generator).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rand::{Rng, SeedableRng};
use tokio_util::sync::CancellationToken;

use super::LatencySummary;
use shipdeck_base::config::ScenarioConfig;
use shipdeck_base::error::{Error, Result};

/// Samples kept per metric for the statistical gate.
const RESERVOIR: usize = 2_000;

pub(super) struct Measured {
    pub(super) latency: LatencySummary,
    pub(super) samples: Vec<f64>,
    pub(super) count: u64,
    pub(super) errors: u64,
    pub(super) elapsed: Duration,
    pub(super) cancelled: bool,
}

/// One operation of a SQL or Redis scenario, run by `concurrency` workers.
pub(super) trait Operation: Send + Sync + 'static {
    /// Runs operation number `i` on worker `w`; Err = counted as an error.
    fn call(
        &self,
        w: usize,
        i: u64,
    ) -> impl std::future::Future<Output = std::result::Result<(), String>> + Send;
    fn workers(&self) -> usize;
}

pub(super) struct SqlOp {
    pool: sqlx::AnyPool,
    query: String,
    workers: usize,
}

impl SqlOp {
    pub(super) async fn connect(url: &str, workers: usize, query: String) -> Result<SqlOp> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(workers.max(1) as u32)
            .connect(url)
            .await
            .map_err(|e| Error::DatabaseUnreachable {
                detail: shipdeck_base::secrets::redact(&e.to_string()).into_owned(),
            })?;
        Ok(SqlOp {
            pool,
            query,
            workers: workers.max(1),
        })
    }
}

impl Operation for SqlOp {
    async fn call(&self, _w: usize, _i: u64) -> std::result::Result<(), String> {
        sqlx::query(&self.query)
            .fetch_all(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
    fn workers(&self) -> usize {
        self.workers
    }
}

pub(super) struct RedisOp {
    conns: Vec<redis::aio::MultiplexedConnection>,
    get_ratio: f64,
    keys: u64,
    value: Vec<u8>,
}

impl RedisOp {
    pub(super) async fn connect(url: &str, s: &ScenarioConfig) -> Result<RedisOp> {
        let unreachable = |e: redis::RedisError| Error::DatabaseUnreachable {
            detail: shipdeck_base::secrets::redact(&format!("redis: {e}")).into_owned(),
        };
        let client = redis::Client::open(url).map_err(unreachable)?;
        let mut conns = Vec::new();
        for _ in 0..s.concurrency.unwrap_or(4).max(1) {
            conns.push(
                client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(unreachable)?,
            );
        }
        let op = RedisOp {
            conns,
            get_ratio: s.get_ratio.unwrap_or(0.9).clamp(0.0, 1.0),
            keys: s.keys.unwrap_or(1000).max(1),
            value: vec![b'x'; s.value_size.unwrap_or(64)],
        };
        // Every key exists before the clock starts, so GETs hit.
        let mut c = op.conns[0].clone();
        let mut pipe = redis::pipe();
        for k in 0..op.keys {
            pipe.set(format!("shipdeck:bench:{k}"), &op.value).ignore();
        }
        pipe.query_async::<()>(&mut c).await.map_err(unreachable)?;
        Ok(op)
    }
}

impl Operation for RedisOp {
    async fn call(&self, w: usize, i: u64) -> std::result::Result<(), String> {
        let mut c = self.conns[w % self.conns.len()].clone();
        // A deterministic mix: the same run does the same operations.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(i);
        let key = format!("shipdeck:bench:{}", rng.random_range(0..self.keys));
        if rng.random::<f64>() < self.get_ratio {
            redis::cmd("GET")
                .arg(&key)
                .query_async::<Option<Vec<u8>>>(&mut c)
                .await
                .map(|_| ())
        } else {
            redis::cmd("SET")
                .arg(&key)
                .arg(&self.value)
                .query_async::<()>(&mut c)
                .await
        }
        .map_err(|e| e.to_string())
    }
    fn workers(&self) -> usize {
        self.conns.len()
    }
}

pub(super) async fn measure<O: Operation>(
    s: &ScenarioConfig,
    progress: &(dyn Fn(u64, Option<u64>, String) + Send + Sync),
    cancel: &CancellationToken,
    op: O,
) -> Result<Measured> {
    let total = s.iterations.unwrap_or(1000).max(1);
    let op = Arc::new(op);
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..op.workers() {
        let (op, next, cancel) = (op.clone(), next.clone(), cancel.clone());
        tasks.push(tokio::spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
            let mut samples = Vec::new();
            let mut errors = 0u64;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total || cancel.is_cancelled() {
                    break;
                }
                let t = Instant::now();
                if op.call(w, i).await.is_err() {
                    errors += 1;
                }
                let us = t.elapsed().as_micros().max(1) as u64;
                let _ = hist.record(us.min(60_000_000));
                if samples.len() < RESERVOIR {
                    samples.push(us as f64 / 1000.0);
                }
            }
            (hist, samples, errors)
        }));
    }
    // Progress while the workers run.
    let watch = {
        let next = next.clone();
        async move {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let done = next.load(std::sync::atomic::Ordering::Relaxed).min(total);
                progress(done, Some(total), format!("{}: {done}/{total}", s.name));
            }
        }
    };
    let joined = tokio::select! {
        r = futures::future::join_all(tasks) => r,
        _ = watch => unreachable!("the progress loop never ends"),
    };
    let elapsed = started.elapsed();
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
    let (mut samples, mut errors) = (Vec::new(), 0);
    for j in joined {
        let (h, s, e) = j.map_err(|e| Error::Internal(format!("benchmark worker: {e}")))?;
        let _ = hist.add(&h);
        samples.extend(s);
        errors += e;
    }
    samples.truncate(RESERVOIR);
    let ms = |q: f64| hist.value_at_quantile(q) as f64 / 1000.0;
    Ok(Measured {
        latency: LatencySummary {
            p50: ms(0.5),
            p90: ms(0.9),
            p99: ms(0.99),
            p999: ms(0.999),
            max: hist.max() as f64 / 1000.0,
            mean: hist.mean() / 1000.0,
        },
        samples,
        count: hist.len(),
        errors,
        elapsed,
        cancelled: cancel.is_cancelled(),
    })
}
