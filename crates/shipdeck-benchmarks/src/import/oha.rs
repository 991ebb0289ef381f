//! oha `--json` (oha 1.x): `summary {successRate, total, slowest, fastest,
//! average, requestsPerSec, …}`, `latencyPercentiles {p10, …, p99.9,
//! p99.99}` and `rps {mean, stddev, …}` in seconds, and
//! `statusCodeDistribution {"200": n, …}`.
//!
//! Metrics: `latency` (mean, ms; `n` = responses), `latency.p50`,
//! `latency.p90`, `latency.p95`, `latency.p99`, `latency.p99.9`,
//! `latency.max` (ms), `rps` (req/s) and `success_rate` (a fraction). Newer
//! releases add a top-level `metrics` summary; detection checks oha's
//! `summary.requestsPerSec` before k6's `metrics`.

use super::json::Node;
use super::{metric, ImportError};
use crate::Metric;

/// The percentiles worth gating on; oha reports a few more.
const PERCENTILES: [&str; 5] = ["p50", "p90", "p95", "p99", "p99.9"];

pub(super) fn parse(root: Node<'_>) -> Result<Vec<Metric>, ImportError> {
    let summary = root.get("summary")?;
    let mut responses = None;
    if let Some(codes) = root.opt("statusCodeDistribution") {
        let mut total = 0;
        for (_, n) in codes.entries()? {
            total += n.u64()?;
        }
        responses = Some(total);
    }
    let mut out = Vec::new();
    // oha writes null averages when no request completed.
    if let Some(avg) = summary.opt_f64("average")? {
        let mut m = metric("latency", "ms", true, avg * 1e3);
        m.n = responses;
        out.push(m);
    }
    if let Some(pcts) = root.opt("latencyPercentiles") {
        for p in PERCENTILES {
            if let Some(v) = pcts.opt_f64(p)? {
                out.push(metric(format!("latency.{p}"), "ms", true, v * 1e3));
            }
        }
    }
    if let Some(slowest) = summary.opt_f64("slowest")? {
        out.push(metric("latency.max", "ms", true, slowest * 1e3));
    }
    let mut rps = metric("rps", "req/s", false, summary.f64_of("requestsPerSec")?);
    if let Some(per_second) = root.opt("rps") {
        rps.stddev = per_second.opt_f64("stddev")?;
    }
    out.push(rps);
    if let Some(rate) = summary.opt_f64("successRate")? {
        out.push(metric("success_rate", "ratio", false, rate));
    }
    Ok(out)
}
