//! k6 end-of-test summaries, both shapes:
//!
//! - `--summary-export` (k6 0.x): `metrics.<name>` holds the values directly
//!   — a trend `{avg, min, med, max, "p(90)", "p(95)"}`, a counter
//!   `{count, rate}`, a rate `{passes, fails, value}`, a gauge `{value, min, max}`.
//! - `handleSummary(data)` (and `--summary-export` of newer releases):
//!   `metrics.<name>` is `{type, contains, values: {…}}` with the same keys
//!   inside `values` and `rate` instead of `value` for rates.
//!
//! Time trends are in milliseconds. Every trend becomes `<name>` (the
//! average) and `<name>.p50`, `<name>.p90`, … for the percentiles present;
//! every counter becomes `<name>` (the count) and `<name>.rate` (per
//! second); every rate becomes `<name>` (a fraction). Gauges (`vus`,
//! `vus_max`) describe the load, not the system, and are skipped.

use super::json::Node;
use super::{metric, ImportError};
use crate::Metric;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Trend,
    Counter,
    Rate,
    Gauge,
}

pub(super) fn parse(root: Node<'_>) -> Result<Vec<Metric>, ImportError> {
    let metrics = root.get("metrics")?;
    let entries = metrics.entries()?;
    // Requests and iterations counted, for the `n` of their trends.
    let count_of = |name: &str| -> Option<u64> {
        let m = metrics.value.get(name)?;
        let values = m.get("values").unwrap_or(m);
        values.get("count")?.as_f64().map(|c| c as u64)
    };
    let mut out = Vec::new();
    for (name, node) in entries {
        let (kind, values, is_time) = classify(&node)?;
        match kind {
            Kind::Trend => {
                let unit = if is_time { "ms" } else { "" };
                let mut m = metric(name, unit, true, values.f64_of("avg")?);
                m.n = if name.starts_with("http_req_") {
                    count_of("http_reqs")
                } else if name == "iteration_duration" {
                    count_of("iterations")
                } else {
                    None
                };
                out.push(m);
                for (key, v) in values.entries()? {
                    let Some(p) = percentile_suffix(key) else { continue };
                    out.push(metric(format!("{name}.{p}"), unit, true, v.f64()?));
                }
            }
            Kind::Counter => {
                let (unit, rate_unit) = match (name, is_data(name, &node)) {
                    ("http_reqs", _) => ("requests", "req/s"),
                    ("iterations", _) => ("iterations", "iterations/s"),
                    (_, true) => ("B", "B/s"),
                    _ => ("", "/s"),
                };
                let lower = is_failure(name);
                out.push(metric(name, unit, lower, values.f64_of("count")?));
                if let Some(rate) = values.opt_f64("rate")? {
                    out.push(metric(format!("{name}.rate"), rate_unit, lower, rate));
                }
            }
            Kind::Rate => {
                // Old exports keep the fraction in `value`, new ones in `rate`.
                let value = match values.opt_f64("rate")? {
                    Some(r) => r,
                    None => values.f64_of("value")?,
                };
                out.push(metric(name, "ratio", is_failure(name), value));
            }
            Kind::Gauge => {}
        }
    }
    Ok(out)
}

/// The metric's kind, the node that holds its numbers, and whether it is a
/// time.
fn classify<'v>(node: &Node<'v>) -> Result<(Kind, Node<'v>, bool), ImportError> {
    if let Some(ty) = node.opt("type") {
        let kind = match ty.str()? {
            "trend" => Kind::Trend,
            "counter" => Kind::Counter,
            "rate" => Kind::Rate,
            "gauge" => Kind::Gauge,
            other => return Err(ty.invalid(format!("unknown k6 metric type {other:?}"))),
        };
        let is_time = match node.opt("contains") {
            Some(c) => c.str()? == "time",
            None => kind == Kind::Trend,
        };
        return Ok((kind, node.get("values")?, is_time));
    }
    // The old shape: tell the kind from the keys.
    let has = |k: &str| node.value.get(k).is_some();
    let kind = if has("avg") {
        Kind::Trend
    } else if has("count") {
        Kind::Counter
    } else if has("passes") || has("fails") {
        Kind::Rate
    } else if has("value") {
        Kind::Gauge
    } else {
        return Err(node.invalid("not a k6 metric (no avg, count, passes or value)"));
    };
    // The old export does not say what a trend holds; k6's own and nearly
    // all custom trends are times.
    Ok((kind, node.clone(), kind == Kind::Trend))
}

/// `p(95)` → `p95`, `p(99.9)` → `p99.9`, `med` → `p50`.
fn percentile_suffix(key: &str) -> Option<String> {
    if key == "med" {
        return Some("p50".to_string());
    }
    let p = key.strip_prefix("p(")?.strip_suffix(')')?;
    p.parse::<f64>().ok()?;
    Some(format!("p{p}"))
}

fn is_data(name: &str, node: &Node<'_>) -> bool {
    node.value.get("contains").and_then(|c| c.as_str()) == Some("data") || name.starts_with("data_")
}

/// Counters and rates where more is worse: `http_req_failed`, `errors`, …
fn is_failure(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("fail") || n.contains("err")
}
