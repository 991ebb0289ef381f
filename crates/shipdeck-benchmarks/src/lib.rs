//! Benchmarks: a built-in HTTP load generator (closed and open model),
//! workspace scenarios (HTTP, database, cache, concurrency sweeps),
//! importers for results of other tools, a history keyed by commit and
//! release, and a statistical regression gate.
//!
//! Every source ends up as [`Metric`]s: a name, a unit, which direction is
//! better, a headline value and — when known — the raw samples the gate
//! tests.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod import;
pub mod loadgen;
mod ops;
pub mod scenario;
pub mod stats;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct LatencySummary {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
}

/// One measured quantity of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Metric {
    /// Stable within a workspace: `GET /health`, `parse/1000`, a scenario name.
    pub name: String,
    /// `ms`, `ns`, `s`, `req/s`, …
    pub unit: String,
    pub lower_is_better: bool,
    /// The headline: mean (or median when that is all a tool reports).
    pub value: f64,
    /// Raw samples in `unit` when known (capped), for the statistical test.
    #[serde(default)]
    pub samples: Vec<f64>,
    /// Dispersion the tool reported when samples are not available.
    pub stddev: Option<f64>,
    /// How many samples `value` summarises (iterations, requests), if known.
    pub n: Option<u64>,
    /// Iterations that failed (the command exited non-zero or was killed),
    /// when the tool reports it (hyperfine's `exit_codes`). The time of a
    /// failed iteration says nothing about the code, so the gate refuses to
    /// judge a metric with any.
    #[serde(default)]
    pub failed: Option<u64>,
}

/// The machine a run measured on: CPU model × logical cores.
pub fn machine_fingerprint() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    format!("{model} × {cores}")
}
