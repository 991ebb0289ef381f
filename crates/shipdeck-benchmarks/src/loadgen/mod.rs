//! The built-in HTTP load generator.
//!
//! Two models:
//!
//! * **Closed** (default): `connections` keep-alive HTTP/1.1 connections, each
//!   sending its next request as soon as the previous answer has been read,
//!   until `duration` has passed or `requests` have been sent. Throughput is
//!   whatever the server sustains; latency is measured from the moment the
//!   request is sent.
//! * **Open** (`rate` set): requests are *scheduled* at a fixed total arrival
//!   rate, spread evenly over the connections, and latency is measured from
//!   the **scheduled** send time. When the server stalls, the requests that
//!   should have been sent meanwhile queue up and carry the wait in their
//!   latency, which the closed model hides (coordinated omission).
//!
//! Counting: `requests` are answers received, whatever their status — a 500
//! is an answer and lands in `status_codes`, not in `errors`. `errors` are
//! transport failures only: connection refused or reset, malformed answers,
//! per-request timeouts. The latency of every answer is recorded; failures
//! have none.
//!
//! `http://` targets go through a lean HTTP/1.1 connection per task (one
//! prebuilt request, answers framed with httparse, as wrk does). `https://`
//! targets go through reqwest (rustls), slower per request: compare TLS
//! figures only with each other.

mod client;
mod raw;
mod worker;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, HOST};
use hyper::{Method, Uri};
use serde::Serialize;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::LatencySummary;
use shipdeck_base::error::{Error, Result};
use worker::{Model, Plan, Shared, Tally};

/// How often `on_progress` is called.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// The defaults and bounds of an HTTP load test, the same for `bench http`
/// and the app's form (which reads them through `bench_http_rules`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct HttpLoadRules {
    pub default_connections: u32,
    pub default_duration_s: f64,
    pub max_connections: u32,
    /// Longer than this is a soak test, which wants a scenario file and a
    /// dedicated machine, not a load test from here.
    pub max_duration_s: f64,
}

pub const HTTP_LOAD_RULES: HttpLoadRules = HttpLoadRules {
    default_connections: 16,
    default_duration_s: 10.0,
    max_connections: 1024,
    max_duration_s: 600.0,
};
/// More threads than this is a typo, not a load test.
const MAX_THREADS: usize = 1_024;

/// What to load and how.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// `http://` or `https://` URL.
    pub url: String,
    /// HTTP method, as sent (`GET`, `POST`, …).
    pub method: String,
    /// Extra headers; a `Host` header here replaces the one taken from the URL.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Concurrent connections (closed model: requests in flight).
    pub connections: usize,
    /// Stop after this long. At least one of `duration` and `requests` is
    /// required; with both, whichever comes first.
    pub duration: Option<Duration>,
    /// Stop after this many requests have been sent.
    pub requests: Option<u64>,
    /// Open model: requests per second in total, over all connections.
    pub rate: Option<f64>,
    /// Per request, connecting included.
    pub timeout: Duration,
    /// Threads sending plain-HTTP requests, each with its own runtime and
    /// its share of the connections (wrk's `-t`); `None`: one per core.
    /// Never more than `connections`. HTTPS runs on the caller's runtime.
    pub threads: Option<usize>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            url: String::new(),
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            connections: HTTP_LOAD_RULES.default_connections as usize,
            duration: Some(Duration::from_secs_f64(HTTP_LOAD_RULES.default_duration_s)),
            requests: None,
            rate: None,
            timeout: Duration::from_secs(10),
            threads: None,
        }
    }
}

/// The outcome of one run.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HttpReport {
    /// Answers received (any status).
    pub requests: u64,
    /// Transport failures: refused or broken connections, timeouts.
    pub errors: u64,
    pub duration_s: f64,
    /// `requests / duration_s`.
    pub rps: f64,
    pub latency_ms: LatencySummary,
    /// Answers by status code (`"200"`, `"500"`, …).
    pub status_codes: BTreeMap<String, u64>,
    /// `"closed"` or `"open"`.
    pub model: String,
    pub connections: usize,
    /// Open model: the scheduled arrival rate, requests per second.
    pub rate: Option<f64>,
    /// Stopped by the caller before the planned end; counts are those so far.
    pub cancelled: bool,
    /// A uniform sample (≤ 2,000) of the recorded latencies, in ms, for the
    /// statistical gate.
    #[serde(skip_serializing)]
    #[ts(skip)]
    pub samples_ms: Vec<f64>,
}

/// Progress, about every 250 ms.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LiveStats {
    pub requests: u64,
    pub errors: u64,
    pub elapsed_s: f64,
    /// Requests per second since the start.
    pub rps: f64,
    /// 99th percentile of the answers of the last window (since the start
    /// while no window has any).
    pub p99_ms: f64,
}

/// Parses a `Name: value` header as given on a command line.
pub fn parse_header(s: &str) -> std::result::Result<(String, String), String> {
    let Some((name, value)) = s.split_once(':') else {
        return Err(format!("{s:?} is not `Name: value`"));
    };
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() {
        return Err(format!("{s:?} has no header name"));
    }
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("{name:?} is not a valid header name"))?;
    HeaderValue::from_str(value).map_err(|_| format!("the value of {name} has invalid characters"))?;
    Ok((name.to_string(), value.to_string()))
}

/// A validated target: everything a connection task needs, built once.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) tls: bool,
    pub(crate) addrs: Vec<SocketAddr>,
    pub(crate) url: url::Url,
    pub(crate) method: Method,
    /// Origin form (`/path?query`), what an HTTP/1.1 request line carries.
    pub(crate) uri: Uri,
    /// User headers plus `Host`.
    pub(crate) headers: HeaderMap,
    /// `Host` came from the user, not from the URL.
    pub(crate) headers_have_user_host: bool,
    pub(crate) body: Bytes,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

/// Refuses options outside `HTTP_LOAD_RULES` or that could not run.
pub fn check_options(opts: &HttpOptions) -> Result<()> {
    let rules = HTTP_LOAD_RULES;
    if opts.connections == 0 || opts.connections > rules.max_connections as usize {
        return Err(invalid(
            "connections",
            format!("must be between 1 and {}", rules.max_connections),
        ));
    }
    if opts
        .duration
        .is_some_and(|d| d.as_secs_f64() > rules.max_duration_s)
    {
        return Err(invalid(
            "duration",
            format!("must be at most {} s", rules.max_duration_s),
        ));
    }
    if opts.duration.is_none() && opts.requests.is_none() {
        return Err(invalid(
            "duration",
            "give a duration, a number of requests, or both",
        ));
    }
    if opts.duration.is_some_and(|d| d.is_zero()) {
        return Err(invalid("duration", "must be more than 0"));
    }
    if opts.requests == Some(0) {
        return Err(invalid("requests", "must be at least 1"));
    }
    if let Some(rate) = opts.rate {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(invalid(
                "rate",
                format!("{rate} is not a positive number of requests per second"),
            ));
        }
    }
    if opts.timeout.is_zero() {
        return Err(invalid("timeout", "must be more than 0"));
    }
    if opts.threads.is_some_and(|t| t == 0 || t > MAX_THREADS) {
        return Err(invalid("threads", format!("must be between 1 and {MAX_THREADS}")));
    }
    Ok(())
}

async fn target(opts: &HttpOptions) -> Result<Target> {
    let url = url::Url::parse(opts.url.trim()).map_err(|e| invalid("url", format!("{:?}: {e}", opts.url)))?;
    let tls = match url.scheme() {
        "http" => false,
        "https" => true,
        other => {
            return Err(invalid(
                "url",
                format!("{other}:// is not supported; use http:// or https://"),
            ))
        }
    };
    let host = url
        .host()
        .ok_or_else(|| invalid("url", format!("{:?} has no host", opts.url)))?;
    let port = url.port_or_known_default().unwrap_or(if tls { 443 } else { 80 });
    let addrs: Vec<SocketAddr> = match host {
        url::Host::Ipv4(ip) => vec![(ip, port).into()],
        url::Host::Ipv6(ip) => vec![(ip, port).into()],
        url::Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| invalid("url", format!("cannot resolve {name}: {e}")))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(invalid(
            "url",
            format!("{} resolves to no address", url.host_str().unwrap_or("")),
        ));
    }
    let method = Method::from_bytes(opts.method.trim().as_bytes())
        .map_err(|_| invalid("method", format!("{:?} is not an HTTP method", opts.method)))?;
    let origin = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let uri = Uri::try_from(origin).map_err(|e| invalid("url", e.to_string()))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &opts.headers {
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| invalid("headers", format!("{name:?} is not a valid header name")))?;
        let value = HeaderValue::from_str(value.trim())
            .map_err(|_| invalid("headers", format!("the value of {name} has invalid characters")))?;
        headers.append(name, value);
    }
    let headers_have_user_host = headers.contains_key(HOST);
    if !headers_have_user_host {
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        let value = HeaderValue::from_str(&host).map_err(|e| invalid("url", e.to_string()))?;
        headers.insert(HOST, value);
    }
    let body = Bytes::from(opts.body.clone().unwrap_or_default());
    Ok(Target {
        tls,
        addrs,
        url,
        method,
        uri,
        headers,
        headers_have_user_host,
        body,
    })
}

/// Runs one load test. `on_progress` is called about every 250 ms from the
/// calling task; `cancel` stops the run within a few milliseconds and the
/// report then has `cancelled: true` and the counts so far.
pub async fn run_http(
    opts: &HttpOptions,
    on_progress: &(dyn Fn(&LiveStats) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<HttpReport> {
    check_options(opts)?;
    let target = Arc::new(target(opts).await?);
    let client = client::Shared::new(&target, opts.connections)?;
    let model = match opts.rate {
        Some(rate) => Model::Open { rate },
        None => Model::Closed,
    };
    let start = Instant::now();
    let deadline = opts.duration.map(|d| start + d);
    let plan = Arc::new(Plan {
        model,
        connections: opts.connections,
        limit: opts.requests,
        timeout: opts.timeout,
        deadline,
    });
    let shared = Arc::new(Shared::new());
    // Deadline and caller cancellation both end up as `stop`; dropping this
    // future (the caller gave up) stops the connection tasks too.
    let stop = cancel.child_token();
    let _stop_on_drop = stop.clone().drop_guard();
    let workers: Vec<worker::Worker> = (0..opts.connections)
        .map(|idx| worker::Worker {
            idx,
            target: target.clone(),
            client: client.clone(),
            plan: plan.clone(),
            shared: shared.clone(),
            stop: stop.child_token(),
            start,
        })
        .collect();
    let parts = if target.tls {
        // reqwest's pool lives in the caller's runtime.
        worker::on_this_runtime(workers)
    } else {
        worker::on_threads(workers, opts.threads)
    };
    let mut joined = std::pin::pin!(futures::future::join_all(parts));
    let mut ticks = tokio::time::interval_at(start + PROGRESS_EVERY, PROGRESS_EVERY);
    let far = start + Duration::from_secs(86_400 * 365);
    let deadline_sleep = tokio::time::sleep_until(deadline.unwrap_or(far));
    let mut deadline_sleep = std::pin::pin!(deadline_sleep);
    let mut so_far = worker::histogram();
    let results = loop {
        tokio::select! {
            results = &mut joined => break results,
            _ = &mut deadline_sleep, if deadline.is_some() && !stop.is_cancelled() => stop.cancel(),
            _ = ticks.tick() => {
                let window = shared.take_window();
                so_far.add(&window).ok();
                let p99 = if window.is_empty() { &so_far } else { &window };
                let elapsed_s = start.elapsed().as_secs_f64();
                let requests = shared.requests.load(Ordering::Relaxed);
                on_progress(&LiveStats {
                    requests,
                    errors: shared.errors.load(Ordering::Relaxed),
                    elapsed_s,
                    rps: if elapsed_s > 0.0 { requests as f64 / elapsed_s } else { 0.0 },
                    p99_ms: worker::ms(p99.value_at_quantile(0.99)),
                });
            }
        }
    };
    let end = Instant::now();
    let ended_at = deadline.map_or(end, |d| end.min(d.max(start)));
    let duration_s = ended_at.duration_since(start).as_secs_f64();

    let tallies: Vec<Tally> = results.into_iter().flatten().collect();
    Ok(worker::report(tallies, duration_s, opts, cancel.is_cancelled()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_or_say_why() {
        assert_eq!(parse_header("X-Token: abc"), Ok(("X-Token".into(), "abc".into())));
        assert_eq!(
            parse_header("Accept:  a: b "),
            Ok(("Accept".into(), "a: b".into()))
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header(": value").is_err());
        assert!(parse_header("bad name: x").is_err());
        assert!(parse_header("X: line\nbreak").is_err());
    }

    #[test]
    fn options_are_checked_before_any_connection() {
        let ok = HttpOptions {
            url: "http://127.0.0.1:1/".into(),
            ..Default::default()
        };
        assert!(check_options(&ok).is_ok());
        for bad in [
            HttpOptions {
                connections: 0,
                ..ok.clone()
            },
            HttpOptions {
                duration: None,
                requests: None,
                ..ok.clone()
            },
            HttpOptions {
                requests: Some(0),
                ..ok.clone()
            },
            HttpOptions {
                rate: Some(f64::NAN),
                ..ok.clone()
            },
            HttpOptions {
                rate: Some(-1.0),
                ..ok.clone()
            },
            HttpOptions {
                timeout: Duration::ZERO,
                ..ok.clone()
            },
            HttpOptions {
                connections: HTTP_LOAD_RULES.max_connections as usize + 1,
                ..ok.clone()
            },
            HttpOptions {
                duration: Some(Duration::from_secs_f64(HTTP_LOAD_RULES.max_duration_s + 1.0)),
                ..ok.clone()
            },
            HttpOptions {
                threads: Some(0),
                ..ok.clone()
            },
        ] {
            assert!(
                matches!(check_options(&bad), Err(Error::InvalidInput { .. })),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn bad_urls_and_methods_are_typed_errors() {
        for (url, method) in [
            ("not a url", "GET"),
            ("ftp://127.0.0.1/", "GET"),
            ("http://127.0.0.1/", "G ET"),
            ("unix:/tmp/sock", "GET"),
        ] {
            let opts = HttpOptions {
                url: url.into(),
                method: method.into(),
                ..Default::default()
            };
            assert!(
                matches!(target(&opts).await, Err(Error::InvalidInput { .. })),
                "{url} {method}"
            );
        }
        let opts = HttpOptions {
            url: "http://[::1]:8080/a/b?c=d".into(),
            headers: vec![("X-A".into(), "1".into())],
            ..Default::default()
        };
        let t = target(&opts).await.unwrap();
        assert_eq!(t.uri, "/a/b?c=d");
        assert_eq!(t.headers[HOST], "[::1]:8080");
        assert_eq!(t.headers["x-a"], "1");
    }
}
