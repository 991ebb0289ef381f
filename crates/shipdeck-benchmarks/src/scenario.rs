//! Workspace scenarios: named HTTP endpoints, concurrency sweeps, SQL
//! queries against a configured database and Redis GET/SET mixes, each
//! turned into [`Metric`]s with samples and checked against thresholds.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::loadgen::{run_http, HttpOptions, HttpReport, LiveStats};
use super::ops::{measure, Measured, RedisOp, SqlOp};
use super::{LatencySummary, Metric};
use shipdeck_base::config::{Config, ScenarioConfig};
use shipdeck_base::error::{Error, Result};

/// A scenario as listed: where it comes from and what it measures.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ScenarioInfo {
    pub name: String,
    pub kind: String,
    /// `shipdeck.toml` or `bench/<file>.toml`.
    pub file: String,
    /// URL, query or Redis target, with any password masked.
    pub target: String,
}

/// One point of a concurrency sweep.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SweepPoint {
    pub connections: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// A threshold and whether the run met it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ThresholdResult {
    pub expr: String,
    pub ok: bool,
    /// The measured value, in the threshold's unit.
    pub actual: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScenarioResult {
    pub name: String,
    pub kind: String,
    pub metrics: Vec<Metric>,
    pub latency_ms: Option<LatencySummary>,
    pub rps: Option<f64>,
    pub errors: u64,
    pub sweep: Vec<SweepPoint>,
    pub thresholds: Vec<ThresholdResult>,
    /// `expect_status` not met by every response.
    pub unexpected_status: u64,
    pub cancelled: bool,
}

impl ScenarioResult {
    pub fn passed(&self) -> bool {
        self.thresholds.iter().all(|t| t.ok) && self.unexpected_status == 0
    }
}

/// `[[bench.scenario]]` of shipdeck.toml, then every `bench/*.toml` in name
/// order. Duplicate names are an error.
pub fn load(root: &Path, config: Option<&Config>) -> Result<Vec<(String, ScenarioConfig)>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        scenario: Vec<ScenarioConfig>,
    }
    let mut out: Vec<(String, ScenarioConfig)> = config
        .map(|c| {
            c.bench
                .scenario
                .iter()
                .map(|s| ("shipdeck.toml".to_string(), s.clone()))
                .collect()
        })
        .unwrap_or_default();
    // `bench` or a scenario file linked out of the tree is refused.
    let dir = shipdeck_base::workspace::inside(root, "bench", "bench")?;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        let path = shipdeck_base::workspace::inside(root, "bench", &path.to_string_lossy())?;
        let text = std::fs::read_to_string(&path).map_err(Error::io("read", &path))?;
        let parsed: File = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1);
            Error::InvalidConfig {
                path: path.clone(),
                line,
                column: 1,
                message: e.message().to_string(),
                suggestion: None,
            }
        })?;
        let label = format!("bench/{}", path.file_name().unwrap_or_default().to_string_lossy());
        out.extend(parsed.scenario.into_iter().map(|s| (label.clone(), s)));
    }
    for (i, (_, s)) in out.iter().enumerate() {
        if out[..i].iter().any(|(_, o)| o.name == s.name) {
            return Err(invalid(
                "scenario",
                format!("two scenarios are named {:?}", s.name),
            ));
        }
        if !matches!(s.kind.as_str(), "http" | "sweep" | "sql" | "redis") {
            return Err(invalid(
                "scenario",
                format!(
                    "{:?}: kind {:?} is not one of http, sweep, sql, redis",
                    s.name, s.kind
                ),
            ));
        }
    }
    Ok(out)
}

fn invalid(field: &'static str, reason: String) -> Error {
    Error::InvalidInput { field, reason }
}

/// `10s`, `500ms`, `2m`, or a bare number of seconds; at most an hour.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let rules = shipdeck_base::duration::DurationRules {
        max: Duration::from_secs(3600),
        zero: false,
        bare_seconds: true,
    };
    Ok(shipdeck_base::duration::parse_duration(s, rules)?)
}

/// A parsed threshold: `p99 < 200ms`, `mean <= 5ms`, `rps > 500`,
/// `errors == 0`. The grammar is three tokens (metric, comparison, number
/// with an optional unit), so it is read by hand rather than with a parser
/// library.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub metric: String,
    pub op: String,
    pub value: f64,
}

pub fn parse_threshold(expr: &str) -> Result<Threshold> {
    let bad = |why: &str| {
        invalid(
            "threshold",
            format!("{expr:?}: {why} (e.g. `p99 < 200ms`, `rps > 500`)"),
        )
    };
    let expr_t = expr.trim();
    let op_at = expr_t
        .find(['<', '>', '=', '!'])
        .ok_or_else(|| bad("no comparison"))?;
    let metric = expr_t[..op_at].trim().to_lowercase();
    let rest = &expr_t[op_at..];
    let op_len = if rest.len() > 1 && rest.as_bytes()[1] == b'=' {
        2
    } else {
        1
    };
    let op = rest[..op_len].to_string();
    if !matches!(op.as_str(), "<" | "<=" | ">" | ">=" | "==" | "!=") {
        return Err(bad("the comparison must be <, <=, >, >=, == or !="));
    }
    let number = rest[op_len..].trim();
    let (num, unit) = number.split_at(
        number
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(number.len()),
    );
    let mut value: f64 = num.parse().map_err(|_| bad("no number"))?;
    match unit.trim() {
        "" | "ms" => {}
        "s" => value *= 1000.0,
        "us" | "µs" => value /= 1000.0,
        "%" => {}
        other => return Err(bad(&format!("unknown unit {other:?}"))),
    }
    if !matches!(
        metric.as_str(),
        "p50" | "p90" | "p99" | "p999" | "max" | "mean" | "rps" | "errors" | "error_rate"
    ) {
        return Err(bad(
            "the metric must be p50, p90, p99, p999, max, mean, rps, errors or error_rate",
        ));
    }
    Ok(Threshold { metric, op, value })
}

fn check(t: &Threshold, actual: f64) -> bool {
    match t.op.as_str() {
        "<" => actual < t.value,
        "<=" => actual <= t.value,
        ">" => actual > t.value,
        ">=" => actual >= t.value,
        "==" => (actual - t.value).abs() < 1e-9,
        _ => (actual - t.value).abs() >= 1e-9,
    }
}

fn evaluate(
    exprs: &[String],
    lat: &LatencySummary,
    rps: f64,
    errors: u64,
    total: u64,
) -> Result<Vec<ThresholdResult>> {
    exprs
        .iter()
        .map(|e| {
            let t = parse_threshold(e)?;
            let actual = match t.metric.as_str() {
                "p50" => lat.p50,
                "p90" => lat.p90,
                "p99" => lat.p99,
                "p999" => lat.p999,
                "max" => lat.max,
                "mean" => lat.mean,
                "rps" => rps,
                "errors" => errors as f64,
                _ => 100.0 * errors as f64 / total.max(1) as f64,
            };
            Ok(ThresholdResult {
                expr: e.clone(),
                ok: check(&t, actual),
                actual,
            })
        })
        .collect()
}

/// Latency and throughput metrics of one measured load: `NAME: latency`
/// (mean, with the samples), `NAME: p99` and `NAME: throughput`.
pub fn load_metrics(
    name: &str,
    lat: &LatencySummary,
    samples: Vec<f64>,
    n: u64,
    rps: Option<f64>,
) -> Vec<Metric> {
    let mut out = vec![
        Metric {
            name: format!("{name}: latency"),
            unit: "ms".into(),
            lower_is_better: true,
            value: lat.mean,
            samples,
            stddev: None,
            n: Some(n),
            failed: None,
        },
        Metric {
            name: format!("{name}: p99"),
            unit: "ms".into(),
            lower_is_better: true,
            value: lat.p99,
            samples: Vec::new(),
            stddev: None,
            n: Some(n),
            failed: None,
        },
    ];
    if let Some(rps) = rps {
        out.push(Metric {
            name: format!("{name}: throughput"),
            unit: "req/s".into(),
            lower_is_better: false,
            value: rps,
            samples: Vec::new(),
            stddev: None,
            n: Some(n),
            failed: None,
        });
    }
    out
}

/// How to reach the URLs a scenario names (resolved by the caller from
/// `env:`/`keyring:` sources).
pub struct Resolved {
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
}

fn http_options(s: &ScenarioConfig, connections: usize) -> Result<HttpOptions> {
    let url = s
        .url
        .clone()
        .ok_or_else(|| invalid("scenario", format!("{:?} needs a url", s.name)))?;
    Ok(HttpOptions {
        url,
        method: s.method.clone().unwrap_or_else(|| "GET".into()),
        headers: s.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        body: s.body.clone().map(String::into_bytes),
        connections,
        duration: if s.requests.is_some() {
            None
        } else {
            Some(parse_duration(s.duration.as_deref().unwrap_or("10s"))?)
        },
        requests: s.requests,
        rate: s.rate,
        timeout: Duration::from_secs(10),
        ..Default::default()
    })
}

fn unexpected(s: &ScenarioConfig, r: &HttpReport) -> u64 {
    match s.expect_status {
        Some(want) => {
            r.status_codes
                .iter()
                .filter(|(code, _)| **code != want.to_string())
                .map(|(_, n)| n)
                .sum::<u64>()
                + r.errors
        }
        None => 0,
    }
}

/// `progress(done, total, message)`.
type Progress<'a> = dyn Fn(u64, Option<u64>, String) + Send + Sync + 'a;

/// Runs one scenario. `progress(done, total, message)`.
pub async fn run(
    s: &ScenarioConfig,
    urls: &Resolved,
    progress: &Progress<'_>,
    cancel: &CancellationToken,
) -> Result<ScenarioResult> {
    let mut result = ScenarioResult {
        name: s.name.clone(),
        kind: s.kind.clone(),
        metrics: Vec::new(),
        latency_ms: None,
        rps: None,
        errors: 0,
        sweep: Vec::new(),
        thresholds: Vec::new(),
        unexpected_status: 0,
        cancelled: false,
    };
    match s.kind.as_str() {
        "http" => run_http_scenario(s, progress, cancel, &mut result).await?,
        "sweep" => run_sweep(s, progress, cancel, &mut result).await?,
        "sql" => {
            let url = urls
                .database_url
                .clone()
                .ok_or_else(|| invalid("scenario", format!("{:?}: no database URL", s.name)))?;
            let query = s
                .query
                .clone()
                .ok_or_else(|| invalid("scenario", format!("{:?} needs a query", s.name)))?;
            let m = measure(
                s,
                progress,
                cancel,
                SqlOp::connect(&url, s.concurrency.unwrap_or(4), query).await?,
            )
            .await?;
            apply(&mut result, s, m)?;
        }
        _ => {
            let url = urls
                .redis_url
                .clone()
                .ok_or_else(|| invalid("scenario", format!("{:?}: no redis_url", s.name)))?;
            let op = RedisOp::connect(&url, s).await?;
            let m = measure(s, progress, cancel, op).await?;
            apply(&mut result, s, m)?;
        }
    }
    Ok(result)
}

/// One HTTP load run at the scenario's connection count.
async fn run_http_scenario(
    s: &ScenarioConfig,
    progress: &Progress<'_>,
    cancel: &CancellationToken,
    result: &mut ScenarioResult,
) -> Result<()> {
    let opts = http_options(s, s.connections.unwrap_or(8))?;
    let live = |l: &LiveStats| {
        progress(
            l.requests,
            None,
            format!(
                "{}: {} requests, {:.0} req/s, p99 {:.1} ms",
                s.name, l.requests, l.rps, l.p99_ms
            ),
        )
    };
    let r = run_http(&opts, &live, cancel).await?;
    result.thresholds = evaluate(&s.thresholds, &r.latency_ms, r.rps, r.errors, r.requests)?;
    result.unexpected_status = unexpected(s, &r);
    result.metrics = load_metrics(
        &s.name,
        &r.latency_ms,
        r.samples_ms.clone(),
        r.requests,
        Some(r.rps),
    );
    result.latency_ms = Some(r.latency_ms);
    result.rps = Some(r.rps);
    result.errors = r.errors;
    result.cancelled = r.cancelled;
    Ok(())
}

/// One HTTP load run per connection count; the best throughput is the rps.
async fn run_sweep(
    s: &ScenarioConfig,
    progress: &Progress<'_>,
    cancel: &CancellationToken,
    result: &mut ScenarioResult,
) -> Result<()> {
    let steps = s.sweep.clone().unwrap_or_else(|| vec![1, 2, 4, 8, 16]);
    for (i, &c) in steps.iter().enumerate() {
        if cancel.is_cancelled() {
            result.cancelled = true;
            break;
        }
        progress(
            i as u64,
            Some(steps.len() as u64),
            format!("{}: {c} connections", s.name),
        );
        let opts = http_options(s, c)?;
        let r = run_http(&opts, &|_| {}, cancel).await?;
        result.errors += r.errors;
        result.unexpected_status += unexpected(s, &r);
        result.sweep.push(SweepPoint {
            connections: c,
            rps: r.rps,
            p50_ms: r.latency_ms.p50,
            p99_ms: r.latency_ms.p99,
            errors: r.errors,
        });
        result.metrics.extend(load_metrics(
            &format!("{} @{c}", s.name),
            &r.latency_ms,
            r.samples_ms.clone(),
            r.requests,
            Some(r.rps),
        ));
        result.cancelled |= r.cancelled;
    }
    if let Some(best) = result.sweep.iter().map(|p| p.rps).reduce(f64::max) {
        result.rps = Some(best);
    }
    Ok(())
}

fn apply(result: &mut ScenarioResult, s: &ScenarioConfig, m: Measured) -> Result<()> {
    let rps = m.count as f64 / m.elapsed.as_secs_f64().max(1e-9);
    result.thresholds = evaluate(&s.thresholds, &m.latency, rps, m.errors, m.count)?;
    result.metrics = load_metrics(&s.name, &m.latency, m.samples, m.count, Some(rps));
    if let Some(t) = result.metrics.last_mut() {
        t.unit = "ops/s".into();
    }
    result.latency_ms = Some(m.latency);
    result.rps = Some(rps);
    result.errors = m.errors;
    result.cancelled = m.cancelled;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_and_reject_nonsense() {
        assert_eq!(
            parse_threshold("p99 < 200ms").unwrap(),
            Threshold {
                metric: "p99".into(),
                op: "<".into(),
                value: 200.0
            }
        );
        assert_eq!(parse_threshold("mean<=1.5s").unwrap().value, 1500.0);
        assert_eq!(parse_threshold("rps >= 500").unwrap().op, ">=");
        assert_eq!(parse_threshold("error_rate < 1%").unwrap().value, 1.0);
        for bad in ["p99 200ms", "latency < 5ms", "p99 < fast", "p99 < 5h", "p99 => 5"] {
            assert!(parse_threshold(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thresholds_are_checked_against_the_run() {
        let lat = LatencySummary {
            p50: 5.0,
            p90: 9.0,
            p99: 40.0,
            p999: 90.0,
            max: 120.0,
            mean: 6.0,
        };
        let r = evaluate(
            &[
                "p99 < 50ms".into(),
                "p50 < 2ms".into(),
                "rps > 100".into(),
                "error_rate < 1%".into(),
            ],
            &lat,
            150.0,
            3,
            100,
        )
        .unwrap();
        let ok: Vec<bool> = r.iter().map(|t| t.ok).collect();
        assert_eq!(ok, [true, false, true, false]);
        assert_eq!(r[3].actual, 3.0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1500ms").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5h").is_err());
    }
}
