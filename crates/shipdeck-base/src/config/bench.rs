//! `[bench]` and `[[bench.scenario]]` (also read from `bench/*.toml`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[bench]`: scenarios (also read from `bench/*.toml`) and the regression
/// gate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchConfig {
    #[serde(default)]
    pub gate: GateSection,
    #[serde(default)]
    pub scenario: Vec<ScenarioConfig>,
}

/// How `bench compare` decides that a change is real.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateSection {
    /// `welch` (default), `mann_whitney`, `z_score`, `percentage` or `iqr`.
    pub method: Option<String>,
    /// Significance level of the tests (default 0.05).
    pub alpha: Option<f64>,
    /// z-score limit (default 3).
    pub max: Option<f64>,
    /// Percentage limit (default 5).
    pub max_pct: Option<f64>,
    /// IQR multiplier (default 1.5).
    pub multiplier: Option<f64>,
    /// Smaller changes are never called a regression (default 2 %).
    pub min_change_pct: Option<f64>,
}

/// One benchmark scenario (`[[bench.scenario]]`, or `[[scenario]]` in a
/// `bench/*.toml` file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    pub name: String,
    /// `http`, `sweep` (http at several connection counts), `sql` or `redis`.
    pub kind: String,
    /// http / sweep.
    pub url: Option<String>,
    pub method: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub connections: Option<usize>,
    /// sweep: the connection counts, e.g. `[1, 2, 4, 8, 16]`.
    pub sweep: Option<Vec<usize>>,
    /// `10s`, `500ms`, `1m` (http, sweep per step); default 10 s.
    pub duration: Option<String>,
    pub requests: Option<u64>,
    /// Open model: requests per second.
    pub rate: Option<f64>,
    pub expect_status: Option<u16>,
    /// e.g. `p99 < 200ms`, `rps > 500`, `errors == 0`.
    #[serde(default)]
    pub thresholds: Vec<String>,
    /// sql: a database under `[databases]` (default: the first).
    pub database: Option<String>,
    pub query: Option<String>,
    /// sql / redis: total operations (default 1000).
    pub iterations: Option<u64>,
    /// sql / redis: concurrent connections (default 4).
    pub concurrency: Option<usize>,
    /// redis: `env:VAR`, `keyring:NAME` or a URL without a password.
    pub redis_url: Option<String>,
    /// redis: share of GETs (default 0.9).
    pub get_ratio: Option<f64>,
    /// redis: value size in bytes (default 64) and key space (default 1000).
    pub value_size: Option<usize>,
    pub keys: Option<u64>,
}
